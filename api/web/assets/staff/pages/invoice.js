// One invoice, staff side (docs/product.md §5.1): the invoice as the client sees
// it, and "Record a payment" (amount, paid on); the status follows.

import { get, post } from '../../api.js';
import { nowIso } from '../../clock.js';
import { h, replace } from '../../dom.js';
import { dayKey, money } from '../../format.js';
import { field, form, statusSlot } from '../../ui.js';
import { invoiceDetail } from '../../components/invoice.js';
import { parseDecimal } from '../../components/decimal.js';

/** @typedef {import('../../components/invoice.js').Invoice} Invoice */

/** @param {import('../../router.js').Context} ctx */
export default async function invoicePage(ctx) {
  const path = `/api/v1/invoices/${encodeURIComponent(ctx.params.id)}`;
  /** @type {Invoice} */
  const inv = await get(path, { signal: ctx.signal });
  const client = await get(`/api/v1/clients/${encodeURIComponent(inv.client_id)}`, { signal: ctx.signal });
  const detail = h('div', null, invoiceDetail(inv));
  const payment = h('div');
  const status = statusSlot();

  /** @param {Invoice} current */
  const showPayment = (current) => replace(payment, paymentSection(current, record));

  /** @param {string} paymentId @param {string} amount @param {string} paidOn */
  async function record(paymentId, amount, paidOn) {
    await post(`${path}/payments`, { payment_id: paymentId, amount, paid_on: paidOn });
    /** @type {Invoice} */
    const fresh = await get(path, { signal: ctx.signal });
    replace(detail, invoiceDetail(fresh));
    showPayment(fresh);
    const next = /** @type {HTMLElement | null} */ (payment.querySelector('input') || detail.querySelector('.invoice-summary'));
    next?.focus();
    status.say(`Payment of ${money(amount, fresh.currency)} recorded. ${fresh.status === 'paid' ? 'The invoice is paid in full.' : `${money(fresh.amount_due, fresh.currency)} is still due.`}`);
  }

  showPayment(inv);
  return {
    title: `Invoice ${inv.number}`,
    body: h(
      'div',
      null,
      h('p', { class: 'small' }, h('a', { href: `/clients/${encodeURIComponent(inv.client_id)}` }, `← ${client.name}`)),
      h('p', { class: 'muted' }, `For ${client.name}`),
      detail,
      status.el,
      payment,
    ),
  };
}

/**
 * "Record a payment": the amount (the amount due to start with) and the day
 * it was paid; nothing to record once the invoice is paid. The form keeps one
 * payment id until it is recorded, so sending it again never records it twice.
 * @param {Invoice} inv
 * @param {(paymentId: string, amount: string, paidOn: string) => Promise<void>} record
 */
function paymentSection(inv, record) {
  if (inv.status === 'paid') return null;
  const paymentId = crypto.randomUUID();
  const amount = field(`Amount (${inv.currency})`, { name: 'amount', inputmode: 'decimal', autocomplete: 'off', required: true, value: inv.amount_due, class: 'number short-field' }, `Still due: ${money(inv.amount_due, inv.currency)}.`);
  const paidOn = field('Paid on', { type: 'date', name: 'paid_on', required: true, value: dayKey(nowIso()), class: 'short-field' });
  return h(
    'section',
    { class: 'card payment', 'aria-labelledby': 'record-payment' },
    h('h2', { id: 'record-payment' }, 'Record a payment'),
    form({
      label: 'Record a payment',
      submit: 'Record payment',
      fields: [h('div', { class: 'payment-fields' }, amount.wrap, paidOn.wrap)],
      action: async () => {
        const value = amount.input.value.trim();
        if (!parseDecimal(value) || /^0*\.?0*$/.test(value)) {
          amount.input.focus();
          throw new Error('Enter the amount paid, e.g. 120.00.');
        }
        if (!paidOn.input.value) {
          paidOn.input.focus();
          throw new Error('Enter the day the payment was made.');
        }
        await record(paymentId, value, paidOn.input.value);
      },
    }),
  );
}
