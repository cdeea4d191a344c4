// The portal's home page: a welcome with the business's branding, then one card per enabled section with a one-line summary and a link, and the client's email switch.

import { ApiError, get, put } from '../../api.js';
import { now as serverNow } from '../../clock.js';
import { h } from '../../dom.js';
import { dateTime, money } from '../../format.js';
import { errorSlot, errorText, statusSlot, toggle } from '../../ui.js';
import { session } from '../main.js';
import { add, parseDecimal, toText } from '../../components/decimal.js';

const ZERO = { units: 0n, scale: 0 };

/**
 * @typedef {object} Summary
 * @property {string} text the one line under the heading
 * @property {boolean} [attention] something is waiting for the client
 */

/**
 * @typedef {object} Section
 * @property {string} key the `sections` flag
 * @property {string} heading
 * @property {string} href
 * @property {string} link the link's words
 * @property {(signal: AbortSignal) => Promise<Summary>} summary
 */

/** The sections in the navigation's order, with the help page's words. */
/** @type {Section[]} */
const SECTIONS = [
  { key: 'quotes', heading: 'Quotes', href: '/portal/quotes', link: 'View your quotes', summary: quotesSummary },
  { key: 'invoices', heading: 'Invoices', href: '/portal/invoices', link: 'View your invoices', summary: invoicesSummary },
  { key: 'files', heading: 'Project Files & Inspiration', href: '/portal/files', link: 'Open your files', summary: filesSummary },
  { key: 'meetings', heading: 'Meetings', href: '/portal/meetings', link: 'Book a meeting', summary: meetingsSummary },
  { key: 'messages', heading: 'Messages', href: '/portal/messages', link: 'Open messages', summary: messagesSummary },
];

/** @param {import('../../router.js').Context} ctx */
export default async function home(ctx) {
  const me = session.me;
  const enabled = SECTIONS.filter((s) => me.sections?.[s.key]);
  const cards = (await Promise.all(enabled.map((s) => card(s, ctx.signal)))).filter((c) => c !== null);
  return {
    title: `Welcome, ${me.name}`,
    body: h('div', null, welcome(me), cards.length ? h('ul', { class: 'home-cards', 'aria-label': 'Your portal' }, cards) : nothingShared(me), emailSwitch(me)),
  };
}

/**
 * "Email me when something new is waiting": saved as soon as it is switched,
 * with a status line (or the error, the switch put back) beside it.
 * @param {any} me
 */
function emailSwitch(me) {
  const on = me.notifications?.email !== false;
  const { wrap, input } = toggle('Email me when something new is waiting', on, { name: 'email_notifications', 'aria-describedby': 'email-switch-hint' });
  const status = statusSlot();
  const errors = errorSlot();
  input.addEventListener('change', async () => {
    const wanted = input.checked;
    errors.clear();
    input.disabled = true;
    try {
      await put('/api/v1/portal/notifications', { email: wanted });
      me.notifications = { email: wanted };
      status.say(wanted ? 'Saved: we will email you when something new is waiting.' : 'Saved: no more emails about new things in your portal.');
    } catch (error) {
      input.checked = !wanted;
      errors.show(error);
    } finally {
      input.disabled = false;
    }
  });
  return h(
    'section',
    { class: 'card home-email', 'aria-label': 'Email updates' },
    wrap,
    h('p', { class: 'hint', id: 'email-switch-hint' }, `A new quote, invoice or file from ${me.business_name}, or an invoice that becomes overdue. Messages, meeting and password emails still come.`),
    status.el,
    errors.el,
  );
}

/** The business's logo, name and tagline. @param {any} me */
function welcome(me) {
  const branding = me.branding || {};
  const logo = branding.logo_url ? h('img', { class: 'home-logo', src: branding.logo_url, alt: `${me.business_name} logo` }) : null;
  return h(
    'div',
    { class: 'card home-welcome' },
    logo,
    h(
      'div',
      null,
      h('p', { class: 'home-business' }, me.business_name),
      branding.tagline ? h('p', { class: 'muted' }, branding.tagline) : null,
      h('p', { class: 'small muted' }, `This is your private portal with ${me.business_name}. Everything they share with you is here.`),
    ),
  );
}

/** @param {any} me */
function nothingShared(me) {
  return h('p', { class: 'empty' }, `${me.business_name} has not shared any sections with you yet. They will let you know when there is something to see.`);
}

/**
 * One section's card, or null when the section was switched off meanwhile.
 * @param {Section} section
 * @param {AbortSignal} signal
 * @returns {Promise<HTMLElement | null>}
 */
async function card(section, signal) {
  let line;
  try {
    const summary = await section.summary(signal);
    line = h('p', { class: summary.attention ? 'home-summary attention' : 'home-summary' }, summary.text);
  } catch (error) {
    if (error instanceof ApiError && error.status === 403) return null;
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    line = h('p', { class: 'error' }, errorText(error));
  }
  return h(
    'li',
    { class: 'card home-card', 'data-section': section.key },
    h('h2', null, section.heading),
    line,
    h('a', { href: section.href, class: 'button' }, section.link),
  );
}

/** "1 quote" / "2 quotes". @param {number} n @param {string} one @param {string} many */
function count(n, one, many) {
  return `${n} ${n === 1 ? one : many}`;
}

/** @param {AbortSignal} signal @returns {Promise<Summary>} */
async function quotesSummary(signal) {
  const { quotes } = await get('/api/v1/portal/quotes', { signal });
  const waiting = quotes.filter((/** @type {any} */ q) => q.status === 'sent').length;
  if (waiting) return { text: `${count(waiting, 'quote', 'quotes')} awaiting your decision`, attention: true };
  if (quotes.length) return { text: `${count(quotes.length, 'quote', 'quotes')}, none awaiting your decision` };
  return { text: 'No quotes yet. When the business sends you a quote, it will appear here.' };
}

/** @param {AbortSignal} signal @returns {Promise<Summary>} */
async function invoicesSummary(signal) {
  const { invoices } = await get('/api/v1/portal/invoices', { signal });
  const overdue = invoices.filter((/** @type {any} */ i) => i.status === 'overdue');
  const unpaid = invoices.filter((/** @type {any} */ i) => i.status === 'issued' || i.status === 'part_paid');
  if (overdue.length) return { text: `${count(overdue.length, 'invoice', 'invoices')} overdue${due(overdue)}`, attention: true };
  if (unpaid.length) return { text: `${count(unpaid.length, 'invoice', 'invoices')} to pay${due(unpaid)}`, attention: true };
  if (invoices.length) return { text: `All ${count(invoices.length, 'invoice', 'invoices')} paid. Thank you!` };
  return { text: 'No invoices yet.' };
}

/**
 * " — £120.00 due": the amount still due, per currency.
 * @param {any[]} invoices
 */
function due(invoices) {
  /** @type {Map<string, import('../../components/decimal.js').Decimal>} */
  const byCurrency = new Map();
  for (const i of invoices) {
    const amount = parseDecimal(i.amount_due);
    if (amount) byCurrency.set(i.currency, add(byCurrency.get(i.currency) || ZERO, amount));
  }
  return ` — ${[...byCurrency].map(([currency, amount]) => money(toText(amount), currency)).join(' + ')} due`;
}

/** @param {AbortSignal} signal @returns {Promise<Summary>} */
async function filesSummary(signal) {
  const { files } = await get('/api/v1/portal/files', { signal });
  if (files.length) return { text: `${count(files.length, 'file', 'files')} shared between you` };
  return { text: 'No files yet. Upload photos, sketches and documents for your project.' };
}

/** @param {AbortSignal} signal @returns {Promise<Summary>} */
async function meetingsSummary(signal) {
  const { meetings } = await get('/api/v1/portal/meetings', { signal });
  const now = serverNow().getTime();
  const next = meetings
    .filter((/** @type {any} */ m) => m.status === 'scheduled' && Date.parse(m.ends_at) > now)
    .sort((/** @type {any} */ a, /** @type {any} */ b) => Date.parse(a.starts_at) - Date.parse(b.starts_at))[0];
  if (next) return { text: `Next meeting: ${dateTime(next.starts_at)}` };
  return { text: 'No meetings booked. Pick a free time that suits you.' };
}

/** @param {AbortSignal} signal @returns {Promise<Summary>} */
async function messagesSummary(signal) {
  const { messages, unread } = await get('/api/v1/portal/messages', { signal });
  if (unread) return { text: count(unread, 'unread message', 'unread messages'), attention: true };
  if (messages.length) return { text: 'No unread messages.' };
  return { text: 'No messages yet. Ask a question or send an update any time.' };
}
