// One of the client's invoices: its lines, totals, amount paid, amount due
// and due date.

import { get } from '../../api.js';
import { h } from '../../dom.js';
import { invoiceDetail } from '../../components/invoice.js';

/** @param {import('../../router.js').Context} ctx */
export default async function invoice(ctx) {
  const inv = await get(`/api/v1/portal/invoices/${encodeURIComponent(ctx.params.id)}`, { signal: ctx.signal });
  return {
    title: `Invoice ${inv.number}`,
    body: h('div', null, h('p', { class: 'small' }, h('a', { href: '/portal/invoices' }, '← All invoices')), invoiceDetail(inv, { forClient: true })),
  };
}
