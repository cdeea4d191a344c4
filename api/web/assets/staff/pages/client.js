// A client's record: name and saved emails, the Portal access section (invite, visible sections, Enable portal), their quotes and invoices, and links to their files and messages.

import { get, post, put } from '../../api.js';
import { h, replace, uid } from '../../dom.js';
import { date, dateTime, money } from '../../format.js';
import { actionButton, dataTable, empty, field, form, portalBadge, quoteBadge, statusSlot, toggle } from '../../ui.js';
import { invoiceTable } from '../../components/invoice.js';
import { SECTIONS } from '../../components/sections.js';

/**
 * @typedef {{quotes: boolean, invoices: boolean, files: boolean, meetings: boolean, messages: boolean}} Sections
 * @typedef {object} ClientRecord
 * @property {string} client_id
 * @property {string} name
 * @property {string[]} emails
 * @property {{status: string, invite_email: string | null, enabled: boolean, sections: Sections, invited_at: string | null, notifications_email: boolean}} portal
 */

/** @param {import('../../router.js').Context} ctx */
export default async function client(ctx) {
  const id = encodeURIComponent(ctx.params.id);
  const base = `/api/v1/clients/${id}`;
  const o = { signal: ctx.signal };
  /** @type {[ClientRecord, any, any]} */
  const [record, quotes, invoices] = await Promise.all([get(base, o), get(`${base}/quotes`, o), get(`${base}/invoices`, o)]);

  /** Everyone showing the record re-renders from a fresh copy after a change. */
  /** @type {((r: ClientRecord) => void)[]} */
  const listeners = [];
  const reload = async () => {
    const fresh = await get(base);
    for (const show of listeners) show(fresh);
  };
  const emails = emailsCard(record, base, reload, listeners);
  const access = portalAccess(record, base, reload, listeners);

  return {
    title: record.name,
    body: h(
      'div',
      null,
      h(
        'nav',
        { 'aria-label': 'This client' },
        h(
          'ul',
          { class: 'page-links' },
          h('li', null, h('a', { class: 'button', href: `/clients/${id}/files` }, 'Files')),
          h('li', null, h('a', { class: 'button', href: `/inbox/${id}` }, 'Messages')),
        ),
      ),
      h('div', { class: 'grid-2 align-start' }, emails, access),
      quotesCard(id, quotes.quotes),
      invoicesCard(id, invoices.invoices),
    ),
  };
}

/**
 * The saved email addresses and "Add email".
 * @param {ClientRecord} record
 * @param {string} base
 * @param {() => Promise<void>} reload
 * @param {((r: ClientRecord) => void)[]} listeners
 */
function emailsCard(record, base, reload, listeners) {
  const headingId = uid('emails');
  const list = h('ul', { class: 'emails', 'aria-labelledby': headingId });
  const show = (/** @type {ClientRecord} */ r) =>
    r.emails.length ? replace(list, r.emails.map((e) => h('li', { class: 'break' }, e))) : replace(list, h('li', { class: 'muted' }, 'No email address saved yet.'));
  show(record);
  listeners.push(show);
  const email = field('Email address', { type: 'email', name: 'email', autocomplete: 'off', required: true });
  const status = statusSlot();
  const adder = form({
    label: 'Add email',
    fields: [email.wrap],
    submit: 'Add email',
    extra: [status.el],
    action: async () => {
      const address = email.input.value.trim();
      await post(`${base}/emails`, { email: address });
      await reload();
      email.input.value = '';
      status.say(`${address} added`);
    },
  });
  return h('section', { class: 'card', 'aria-labelledby': headingId }, h('h2', { id: headingId }, 'Saved emails'), list, adder);
}

/**
 * The Portal access section, as the help page describes it.
 * @param {ClientRecord} record
 * @param {string} base
 * @param {() => Promise<void>} reload
 * @param {((r: ClientRecord) => void)[]} listeners
 */
function portalAccess(record, base, reload, listeners) {
  const headingId = uid('portal');
  const badge = h('span', { 'aria-live': 'polite' });
  const invited = h('p', { class: 'muted small' });
  // Read-only: only the client chooses, in their portal.
  const notifications = h('p', { class: 'small', hidden: true }, 'Email notifications: off (the client turned them off)');
  const inviteSlot = h('div');
  const select = /** @type {HTMLSelectElement} */ (/** @type {unknown} */ (field('Invite email', { tag: 'select', name: 'invite_email' }).input));
  const selectWrap = /** @type {HTMLElement} */ (select.parentElement);
  const noEmailId = uid('no-email');
  const noEmail = h('p', { class: 'notice notice-warning', id: noEmailId }, 'This client needs at least one email on file before you can invite them. Add one under Saved emails.');

  // Before the first invite every section starts on: staff switch off what a client should not see.
  const everInvited = record.portal.status !== 'not_invited';
  const switches = SECTIONS.map(([key, label]) => ({ key, ...toggle(label, everInvited ? record.portal.sections[key] : true, { name: key }) }));
  const enabled = toggle('Enable portal', record.portal.enabled, { name: 'enabled', 'aria-describedby': `${headingId}-enabled` });
  const sections = () => /** @type {Sections} */ (Object.fromEntries(switches.map((s) => [s.key, s.input.checked])));

  const status = statusSlot();
  const send = actionButton(
    'Send invite',
    async () => {
      const email = select.value;
      await post(`${base}/portal/invite`, { email, sections: sections() });
      await reload();
      status.say(`Invite sent to ${email}`);
    },
    { class: 'primary' },
  );
  const save = actionButton('Save access', async () => {
    await put(`${base}/portal/access`, { enabled: enabled.input.checked, sections: sections() });
    await reload();
    status.say('Access saved');
  });
  const sendButton = /** @type {HTMLButtonElement} */ (send.querySelector('button'));

  /** @param {ClientRecord} r */
  const show = (r) => {
    replace(badge, portalBadge(r.portal.status));
    invited.textContent = invitedText(r);
    notifications.hidden = r.portal.notifications_email !== false;
    const chosen = select.value || r.portal.invite_email || r.emails[0] || '';
    replace(select, r.emails.map((e) => h('option', { value: e }, e)));
    select.value = r.emails.includes(chosen) ? chosen : r.emails[0] || '';
    replace(inviteSlot, r.emails.length ? selectWrap : noEmail);
    sendButton.disabled = r.emails.length === 0;
    if (r.emails.length) sendButton.removeAttribute('aria-describedby');
    else sendButton.setAttribute('aria-describedby', noEmailId);
  };
  show(record);
  listeners.push(show);

  return h(
    'section',
    { class: 'card', 'aria-labelledby': headingId },
    h('div', { class: 'section-head' }, h('h2', { id: headingId }, 'Portal access'), badge),
    invited,
    notifications,
    h(
      'div',
      { class: 'form' },
      inviteSlot,
      h('fieldset', null, h('legend', null, 'Visible sections'), h('p', { class: 'hint' }, 'What the client sees in their portal, and what they can do there.'), switches.map((s) => s.wrap)),
      h('div', null, enabled.wrap, h('p', { class: 'hint', id: `${headingId}-enabled` }, 'The master switch: turn it off to suspend the client’s access without deleting their login.')),
      h('div', { class: 'actions' }, send, save),
      status.el,
    ),
  );
}

/** @param {ClientRecord} r */
function invitedText(r) {
  const p = r.portal;
  if (p.status === 'not_invited' || !p.invited_at) return 'Not invited yet. Choose an invite email and the sections, then select Send invite.';
  const to = p.invite_email ? ` to ${p.invite_email}` : '';
  if (p.status === 'invited') return `Invited${to} on ${dateTime(p.invited_at)}. Waiting for them to set a password.`;
  if (p.status === 'suspended') return `Access suspended. Turn on Enable portal and select Save access to restore it.`;
  return `Using the portal. Invited${to} on ${dateTime(p.invited_at)}.`;
}

/**
 * A card with a heading, an action link beside it, and a table or an empty
 * state.
 * @param {string} heading
 * @param {Node} action
 * @param {Node} content
 */
function listCard(heading, action, content) {
  const id = uid('list');
  return h('section', { class: 'card', 'aria-labelledby': id }, h('div', { class: 'section-head' }, h('h2', { id }, heading), action), content);
}

/** @param {string} id @param {any[]} quotes */
function quotesCard(id, quotes) {
  const action = h('a', { class: 'button primary', href: `/clients/${id}/quotes/new` }, 'New quote');
  const content = quotes.length
    ? dataTable({
        columns: ['Title', 'Status', 'Revision', 'Sent', { label: 'Total', amount: true }],
        rows: quotes.map((q) => [
          h('a', { href: `/quotes/${encodeURIComponent(q.quote_id)}`, class: 'break' }, q.title),
          quoteBadge(q.status),
          String(q.revision),
          q.sent_at ? date(q.sent_at) : 'Not sent',
          money(q.totals.total, q.currency),
        ]),
      })
    : empty('No quotes yet. Select New quote to write one for this client.');
  return listCard('Quotes', action, content);
}

/** @param {string} id @param {any[]} invoices */
function invoicesCard(id, invoices) {
  const action = h('a', { class: 'button primary', href: `/clients/${id}/invoices/new` }, 'New invoice');
  const content = invoices.length
    ? invoiceTable(invoices, (invoiceId) => `/invoices/${encodeURIComponent(invoiceId)}`)
    : empty('No invoices yet. Select New invoice to bill this client.');
  return listCard('Invoices', action, content);
}
