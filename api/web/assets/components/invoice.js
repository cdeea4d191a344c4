// An invoice as both sides see it: the list of invoices, and one invoice's
// lines, totals, payments, amount paid, amount due and due date. Every
// amount is the server's decimal string, formatted with the invoice's currency.

import { h } from '../dom.js';
import { date, dateTime, money, percent } from '../format.js';
import { dataTable, invoiceBadge, terms } from '../ui.js';

/**
 * @typedef {{subtotal: string, tax: string, total: string}} Totals
 *
 * @typedef {object} InvoiceSummary
 * @property {string} invoice_id
 * @property {string} number
 * @property {string} status `issued` | `part_paid` | `paid` | `overdue`
 * @property {Totals} totals
 * @property {string} amount_due
 * @property {string} currency
 * @property {string} due_on
 * @property {string} issued_at
 *
 * @typedef {object} InvoiceLine
 * @property {string} description
 * @property {string} quantity
 * @property {string} unit_price
 * @property {string} tax_rate
 * @property {string} net
 * @property {string} tax
 * @property {string} total
 *
 * @typedef {object} Invoice
 * @property {string} invoice_id
 * @property {string} client_id
 * @property {string} number
 * @property {string} currency
 * @property {string} status
 * @property {InvoiceLine[]} lines
 * @property {Totals} totals
 * @property {string} amount_paid
 * @property {string} amount_due
 * @property {string} due_on
 * @property {string} issued_at
 * @property {Payment[]} payments in the order recorded
 *
 * @typedef {{amount: string, paid_on: string, recorded_at: string}} Payment
 */

/**
 * The invoices as a table: number, status, issue and due dates, total and
 * amount due.
 * @param {InvoiceSummary[]} invoices
 * @param {(id: string) => string} href where each invoice opens
 */
export function invoiceTable(invoices, href) {
  return dataTable({
    class: 'invoices',
    caption: 'Invoices',
    columns: ['Invoice', 'Status', 'Issued', 'Due on', { label: 'Total', amount: true }, { label: 'Amount due', amount: true }],
    rows: invoices.map((i) => [
      h('a', { href: href(i.invoice_id) }, i.number),
      invoiceBadge(i.status),
      date(i.issued_at),
      date(i.due_on),
      money(i.totals.total, i.currency),
      money(i.amount_due, i.currency),
    ]),
  });
}

/**
 * One invoice: what is due and when, its lines, and its totals.
 * @param {Invoice} invoice
 * @param {{forClient?: boolean}} [o] the client's own view thanks them once paid
 */
export function invoiceDetail(invoice, o = {}) {
  return h('div', { class: 'invoice' }, summary(invoice, Boolean(o.forClient)), lineTable(invoice), totals(invoice), payments(invoice));
}

/** The status, the amount due and the due date, first. @param {Invoice} inv @param {boolean} forClient */
function summary(inv, forClient) {
  const c = inv.currency;
  const paid = inv.status === 'paid';
  return h(
    'section',
    { class: `card invoice-summary status-${inv.status}`, 'aria-label': 'Summary', tabindex: '-1' },
    h(
      'dl',
      { class: 'invoice-facts' },
      fact('Status', invoiceBadge(inv.status)),
      fact('Amount due', h('span', { class: 'invoice-due' }, money(inv.amount_due, c))),
      fact('Issued on', date(inv.issued_at)),
      fact(paid ? 'Was due on' : 'Due on', date(inv.due_on)),
      fact('Total', money(inv.totals.total, c)),
    ),
    dueNote(inv, forClient),
  );
}

/** @param {string} term @param {import('../dom.js').Child} value */
function fact(term, value) {
  return h('div', null, h('dt', null, term), h('dd', null, value));
}

/** A sentence for a paid or overdue invoice. @param {Invoice} inv @param {boolean} forClient */
function dueNote(inv, forClient) {
  if (inv.status === 'paid') return h('p', { class: 'notice notice-success' }, forClient ? 'Paid in full. Thank you.' : 'Paid in full.');
  if (inv.status === 'overdue') return h('p', { class: 'notice notice-warning' }, `This invoice was due on ${date(inv.due_on)}. ${money(inv.amount_due, inv.currency)} is still to pay.`);
  return null;
}

/** @param {Invoice} inv */
function lineTable(inv) {
  const c = inv.currency;
  return dataTable({
    class: 'invoice-lines',
    caption: 'Items',
    columns: [
      { label: 'Description', cell: 'description' },
      { label: 'Quantity', amount: true },
      { label: 'Unit price', amount: true },
      { label: 'Tax rate', amount: true },
      { label: 'Amount', amount: true },
    ],
    rows: inv.lines.map((l) => [l.description, l.quantity, money(l.unit_price, c), percent(l.tax_rate), money(l.net, c)]),
  });
}

/** Subtotal, tax, total, then what was paid and what is due. @param {Invoice} inv */
function totals(inv) {
  const c = inv.currency;
  return h(
    'dl',
    { class: 'totals invoice-totals' },
    terms([
      ['Subtotal', money(inv.totals.subtotal, c)],
      ['Tax', money(inv.totals.tax, c)],
      ['Total', money(inv.totals.total, c)],
      ['Amount paid', money(inv.amount_paid, c)],
      ['Amount due', money(inv.amount_due, c), 'grand'],
    ]),
  );
}

/** Each payment recorded: when it was paid and how much. @param {Invoice} inv */
function payments(inv) {
  if (!inv.payments?.length) return null;
  return h(
    'section',
    { class: 'invoice-payments', 'aria-labelledby': 'payments-heading' },
    h('h2', { id: 'payments-heading' }, 'Payments'),
    h(
      'ul',
      { class: 'list' },
      inv.payments.map((p) =>
        h(
          'li',
          null,
          h('span', { class: 'grow' }, `Paid on ${date(p.paid_on)}`, h('span', { class: 'muted small' }, ` · recorded ${dateTime(p.recorded_at)}`)),
          h('span', { class: 'amount' }, money(p.amount, inv.currency)),
        ),
      ),
    ),
  );
}
