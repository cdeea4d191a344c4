// Outbound emails (docs/product.md §9.2): what the worker sent, is sending or failed to send, newest first, refreshed every 10 s.

import { get } from '../../api.js';
import { nowIso } from '../../clock.js';
import { h, replace } from '../../dom.js';
import { dateTime, time } from '../../format.js';
import { dataTable, emailBadge, empty, errorSlot, poll } from '../../ui.js';

/** @typedef {{email_id: string, to: string, subject: string, kind: string, state: string, attempts: number, last_error?: string, created_at: string, sent_at?: string}} Email */

/** The kinds of email (workers/src/email/kind.rs) in words. */
const KINDS = {
  portal_invite: 'Portal invite',
  password_reset: 'Password reset',
  sign_in_email_changed: 'Sign-in email changed',
  client_upload: 'Client upload',
  booking_confirmed: 'Booking confirmed',
  booking_cancelled: 'Booking cancelled',
  quote_accepted: 'Quote accepted',
  new_message: 'New message',
  portal_update: 'Portal update for the client',
};

const FILTERS = [
  ['', 'All emails'],
  ['pending', 'Pending'],
  ['sent', 'Sent'],
  ['failed', 'Failed'],
];

/** @param {import('../../router.js').Context} ctx */
export default async function emails(ctx) {
  /** @type {Email[]} */
  let list = (await get('/api/v1/emails', { signal: ctx.signal })).emails;
  const wanted = ctx.query.get('state') || '';
  const options = FILTERS.map(([value, label]) => h('option', { value }, label));
  const filter = /** @type {HTMLSelectElement} */ (h('select', { id: 'email-state', name: 'state' }, options));
  filter.value = FILTERS.some(([v]) => v === wanted) ? wanted : '';
  const results = h('div', { class: 'email-log' });
  const updated = h('p', { class: 'muted small updated' });
  const errors = errorSlot();
  const refreshButton = /** @type {HTMLButtonElement} */ (h('button', { type: 'button' }, 'Refresh'));

  function show() {
    FILTERS.forEach(([value, label], i) => {
      options[i].textContent = `${label} (${count(list, value)})`;
    });
    const shown = filter.value ? list.filter((e) => e.state === filter.value) : list;
    replace(results, shown.length ? table(shown) : emptyState(filter.value, list.length));
    updated.textContent = `Updated at ${time(nowIso())}`;
  }

  async function reload() {
    list = (await get('/api/v1/emails', { signal: ctx.signal })).emails;
    errors.clear();
    show();
  }

  filter.addEventListener('change', () => {
    const url = new URL(location.href);
    if (filter.value) url.searchParams.set('state', filter.value);
    else url.searchParams.delete('state');
    history.replaceState(null, '', url);
    show();
  });
  refreshButton.addEventListener('click', async () => {
    refreshButton.setAttribute('aria-busy', 'true');
    try {
      await reload();
    } catch (error) {
      errors.show(error);
    } finally {
      refreshButton.removeAttribute('aria-busy');
    }
  });
  poll(ctx.signal, 10000, reload);
  show();

  return {
    title: 'Emails',
    body: h(
      'div',
      null,
      h('p', { class: 'hint page-intro' }, 'Every email sent to your team and your clients: invites, password resets, bookings, accepted quotes, uploads, messages and portal updates (sent once a client’s updates have been quiet for a while). An email that cannot be sent is retried automatically, with the last error shown beside it.'),
      h(
        'div',
        { class: 'toolbar' },
        h('div', { class: 'field' }, h('label', { for: 'email-state' }, 'Show'), filter),
        h('div', { class: 'toolbar-end' }, refreshButton, updated),
      ),
      errors.el,
      results,
    ),
  };
}

/** @param {Email[]} list @param {string} state */
function count(list, state) {
  return state ? list.filter((e) => e.state === state).length : list.length;
}

/** @param {string} state the filter @param {number} total */
function emptyState(state, total) {
  if (total === 0) return empty('No emails yet. They appear here when you invite a client, when a meeting is booked or cancelled, when a quote is accepted, and when files or messages arrive.');
  if (state === 'failed') return empty('No failed emails. Everything has been sent or is on its way.');
  if (state === 'pending') return empty('No emails waiting to be sent.');
  return empty('No emails sent yet.');
}

/** Newest first. @param {Email[]} list */
function table(list) {
  const rows = [...list].sort((a, b) => b.created_at.localeCompare(a.created_at));
  return dataTable({
    class: 'emails-table',
    caption: 'Outbound emails, newest first',
    columns: [
      { label: 'To', cell: 'wrap' },
      { label: 'Subject', cell: 'wrap' },
      'Kind',
      'State',
      { label: 'Attempts', amount: true },
      { label: 'Created', cell: 'when' },
      { label: 'Sent', cell: 'when' },
    ],
    rows: rows.map(row),
  });
}

/** @param {Email} e @returns {import('../../ui.js').Row} */
function row(e) {
  return {
    class: `email-${e.state}`,
    cells: [
      e.to,
      e.subject,
      /** @type {any} */ (KINDS)[e.kind] || e.kind,
      h('div', { class: 'state-cell' }, emailBadge(e.state), e.last_error && e.state !== 'sent' ? h('p', { class: 'last-error' }, h('span', { class: 'visually-hidden' }, 'Last error: '), e.last_error) : null),
      String(e.attempts),
      h('time', { datetime: e.created_at }, dateTime(e.created_at)),
      e.sent_at ? h('time', { datetime: e.sent_at }, dateTime(e.sent_at)) : h('span', { class: 'muted' }, '—'),
    ],
  };
}
