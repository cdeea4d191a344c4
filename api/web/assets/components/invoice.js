// An invoice as both sides see it: the list of invoices, and one invoice's
// lines, totals, payments, amount paid, amount due and due date. Every
// amount is the server's decimal string, formatted with the invoice's currency.

import { h } from '../dom.js';
import { date, dateTime, money, percent } from '../format.js';
import { invoiceBadge } from '../ui.js';

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
  const head = ['Invoice', 'Status', 'Issued', 'Due on', 'Total', 'Amount due'];
  return h(
    'table',
    { class: 'table invoices' },
    h('caption', { class: 'visually-hidden' }, 'Invoices'),
    h('thead', null, h('tr', null, head.map((t) => h('th', { scope: 'col', class: t === 'Total' || t === 'Amount due' ? 'amount' : undefined }, t)))),
    h(
      'tbody',
      null,
      invoices.map((i) =>
        h(
          'tr',
          null,
          h('td', { 'data-label': 'Invoice' }, h('a', { href: href(i.invoice_id) }, i.number)),
          h('td', { 'data-label': 'Status' }, invoiceBadge(i.status)),
          h('td', { 'data-label': 'Issued' }, date(i.issued_at)),
          h('td', { 'data-label': 'Due on' }, date(i.due_on)),
          h('td', { 'data-label': 'Total', class: 'amount' }, money(i.totals.total, i.currency)),
          h('td', { 'data-label': 'Amount due', class: 'amount' }, money(i.amount_due, i.currency)),
        ),
      ),
    ),
  );
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
  return h(
    'table',
    { class: 'table invoice-lines' },
    h('caption', { class: 'visually-hidden' }, 'Items'),
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        h('th', { scope: 'col' }, 'Description'),
        h('th', { scope: 'col', class: 'amount' }, 'Quantity'),
        h('th', { scope: 'col', class: 'amount' }, 'Unit price'),
        h('th', { scope: 'col', class: 'amount' }, 'Tax rate'),
        h('th', { scope: 'col', class: 'amount' }, 'Amount'),
      ),
    ),
    h(
      'tbody',
      null,
      inv.lines.map((l) =>
        h(
          'tr',
          null,
          h('td', { 'data-label': 'Description', class: 'description' }, l.description),
          h('td', { 'data-label': 'Quantity', class: 'amount' }, l.quantity),
          h('td', { 'data-label': 'Unit price', class: 'amount' }, money(l.unit_price, c)),
          h('td', { 'data-label': 'Tax rate', class: 'amount' }, percent(l.tax_rate)),
          h('td', { 'data-label': 'Amount', class: 'amount' }, money(l.net, c)),
        ),
      ),
    ),
  );
}

/** Subtotal, tax, total, then what was paid and what is due. @param {Invoice} inv */
function totals(inv) {
  const c = inv.currency;
  return h(
    'dl',
    { class: 'totals invoice-totals' },
    h('dt', null, 'Subtotal'),
    h('dd', null, money(inv.totals.subtotal, c)),
    h('dt', null, 'Tax'),
    h('dd', null, money(inv.totals.tax, c)),
    h('dt', null, 'Total'),
    h('dd', null, money(inv.totals.total, c)),
    h('dt', null, 'Amount paid'),
    h('dd', null, money(inv.amount_paid, c)),
    h('dt', { class: 'grand' }, 'Amount due'),
    h('dd', { class: 'grand' }, money(inv.amount_due, c)),
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
