// The team's clients: a list with each portal badge, a search by name or email as you type, and "Add client".

import { get, post } from '../../api.js';
import { h, replace, uid } from '../../dom.js';
import { empty, field, form, portalBadge } from '../../ui.js';

/**
 * @typedef {object} ClientSummary
 * @property {string} client_id
 * @property {string} name
 * @property {string[]} emails
 * @property {{status: string}} portal
 */

/** @param {import('../../router.js').Context} ctx */
export default async function clients(ctx) {
  /** @type {{clients: ClientSummary[]}} */
  const data = await get('/api/v1/clients', { signal: ctx.signal });
  const list = [...data.clients].sort((a, b) => a.name.localeCompare(b.name));
  const adder = addClient(ctx, list.length === 0);
  return {
    title: 'Clients',
    body: h('div', null, adder, list.length ? searchableList(list) : empty('No clients yet. Add your first client with the form above, then invite them to their portal.')),
  };
}

/**
 * The list with its search box; the count of what matches is announced.
 * @param {ClientSummary[]} list
 */
function searchableList(list) {
  const search = field('Search clients', { type: 'search', name: 'search', autocomplete: 'off' }, 'By name or email address.');
  const count = h('p', { class: 'muted small', role: 'status' }, total(list.length));
  const items = list.map((c) => ({ client: c, el: item(c), text: `${c.name} ${c.emails.join(' ')}`.toLowerCase() }));
  const ul = h('ul', { class: 'list', 'aria-label': 'Clients' }, items.map((i) => i.el));
  const none = h('p', { class: 'empty', hidden: true });
  search.input.addEventListener('input', () => {
    const words = search.input.value.toLowerCase().split(/\s+/).filter(Boolean);
    let shown = 0;
    for (const i of items) {
      const match = words.every((w) => i.text.includes(w));
      i.el.hidden = !match;
      if (match) shown += 1;
    }
    const query = search.input.value.trim();
    count.textContent = query ? `${shown} of ${total(list.length)} match “${query}”` : total(list.length);
    none.hidden = shown > 0;
    none.textContent = `No client matches “${query}”. Check the spelling, or search by email address.`;
  });
  return h('section', { 'aria-label': 'Client list' }, h('div', { class: 'card' }, search.wrap, count), ul, none);
}

/** @param {number} n */
function total(n) {
  return n === 1 ? '1 client' : `${n} clients`;
}

/** @param {ClientSummary} c */
function item(c) {
  return h(
    'li',
    null,
    h(
      'div',
      { class: 'grow' },
      h('a', { href: `/clients/${encodeURIComponent(c.client_id)}`, class: 'break client-name' }, c.name),
      h('div', { class: 'muted small break' }, c.emails.length ? c.emails.join(', ') : 'No email address saved'),
    ),
    portalBadge(c.portal.status),
  );
}

/**
 * "Add client": a button that opens the form (opened already when there
 * are no clients yet).
 * @param {import('../../router.js').Context} ctx
 * @param {boolean} open
 */
function addClient(ctx, open) {
  const opener = /** @type {HTMLButtonElement} */ (h('button', { type: 'button', class: 'primary', 'aria-expanded': String(open) }, 'Add client'));
  const panel = h('div', { class: 'card', hidden: !open });
  const name = field('Name', { name: 'name', autocomplete: 'off', required: true }, 'A person or a business, as you want to see it in your lists.');
  const emails = emailInputs();
  const cancel = h('button', { type: 'button' }, 'Cancel');
  replace(
    panel,
    h('h2', null, 'New client'),
    form({
      label: 'New client',
      fields: [name.wrap, emails.wrap],
      submit: 'Add client',
      extra: [cancel],
      action: async () => {
        const answer = await post('/api/v1/clients', { name: name.input.value.trim(), emails: emails.values() });
        ctx.navigate(`/clients/${encodeURIComponent(answer.client_id)}`);
      },
    }),
  );
  opener.addEventListener('click', () => {
    panel.hidden = false;
    opener.hidden = true;
    name.input.focus();
  });
  cancel.addEventListener('click', () => {
    panel.hidden = true;
    opener.hidden = false;
    opener.focus();
  });
  if (open) opener.hidden = true;
  return h('div', null, h('div', { class: 'actions page-links' }, opener), panel);
}

/** One or more email inputs, each removable, with "Add another email". */
function emailInputs() {
  const ul = h('ul', { class: 'email-inputs' });
  const legendId = uid('emails');
  const add = h('button', { type: 'button' }, 'Add another email');
  const renumber = () => {
    const rows = [...ul.children];
    rows.forEach((row, i) => {
      const input = /** @type {HTMLInputElement} */ (row.querySelector('input'));
      const remove = /** @type {HTMLButtonElement} */ (row.querySelector('button'));
      input.setAttribute('aria-label', `Email ${i + 1}`);
      remove.setAttribute('aria-label', `Remove email ${i + 1}`);
      remove.hidden = rows.length === 1;
    });
  };
  const addRow = () => {
    const input = /** @type {HTMLInputElement} */ (h('input', { type: 'email', name: 'email', autocomplete: 'off' }));
    const row = h('li', null, input, h('button', { type: 'button', class: 'danger', onclick: () => {
      const next = row.nextElementSibling || row.previousElementSibling;
      row.remove();
      renumber();
      /** @type {HTMLElement | null} */ (next?.querySelector('input') || null)?.focus();
    } }, 'Remove'));
    ul.append(row);
    renumber();
    return input;
  };
  addRow();
  add.addEventListener('click', () => addRow().focus());
  const wrap = h(
    'fieldset',
    { 'aria-describedby': `${legendId}-hint` },
    h('legend', { id: legendId }, 'Email addresses'),
    h('p', { class: 'hint', id: `${legendId}-hint` }, 'You need at least one to invite this client to their portal.'),
    ul,
    h('div', { class: 'actions' }, add),
  );
  return {
    wrap,
    /** @returns {string[]} the addresses typed, without blanks or repeats */
    values() {
      const typed = [...ul.querySelectorAll('input')].map((i) => i.value.trim()).filter(Boolean);
      return [...new Set(typed)];
    },
  };
}
