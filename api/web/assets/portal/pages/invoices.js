// The client's invoices (docs/product.md §5.1): number, status, total and amount due.

import { get } from '../../api.js';
import { h } from '../../dom.js';
import { invoiceTable } from '../../components/invoice.js';
import { empty } from '../../ui.js';
import { session } from '../main.js';

/** @param {import('../../router.js').Context} ctx */
export default async function invoices(ctx) {
  const { invoices: list } = await get('/api/v1/portal/invoices', { signal: ctx.signal });
  return {
    title: 'Invoices',
    body: list.length
      ? invoiceTable(list, (id) => `/portal/invoices/${encodeURIComponent(id)}`)
      : empty(`No invoices yet. When ${session.me.business_name} sends you an invoice, it appears here.`),
  };
}
