// Shared pieces of every page: headings, form fields with their errors,
// buttons that show they are busy, badges and notices.

import { ApiError } from './api.js';
import { h, replace, uid } from './dom.js';

/**
 * The sentence shown for a failed request, next to the control that caused it.
 * @param {unknown} error
 */
export function errorText(error) {
  if (error instanceof ApiError) {
    if (error.status === 0) return error.detail;
    if (error.status === 429) return 'Too many attempts. Please wait a few minutes and try again.';
    if (error.status >= 500) return 'Something went wrong on our side. Please try again in a moment.';
    const detail = error.detail || error.message;
    return sentence(detail);
  }
  if (error instanceof Error) return sentence(error.message);
  return 'Something went wrong. Please try again.';
}

/** "slot is taken" → "Slot is taken." @param {string} text */
export function sentence(text) {
  const t = text.trim();
  if (!t) return t;
  const capital = t[0].toUpperCase() + t.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

/**
 * A region that shows one error sentence (announced to screen readers).
 * @returns {{el: HTMLElement, show: (error: unknown) => void, clear: () => void}}
 */
export function errorSlot() {
  const el = h('p', { class: 'error', role: 'alert', hidden: true });
  return {
    el,
    show(error) {
      el.textContent = errorText(error);
      el.hidden = false;
    },
    clear() {
      el.textContent = '';
      el.hidden = true;
    },
  };
}

/**
 * A polite status line for successes ("Saved").
 * @returns {{el: HTMLElement, say: (text: string) => void}}
 */
export function statusSlot() {
  const el = h('p', { class: 'status', role: 'status' });
  /** @type {number | undefined} */
  let timer;
  return {
    el,
    say(text) {
      el.textContent = text;
      clearTimeout(timer);
      timer = window.setTimeout(() => {
        el.textContent = '';
      }, 6000);
    },
  };
}

/**
 * A labelled input. Extra attributes go to the input.
 * @param {string} label
 * @param {Record<string, any>} attrs
 * @param {string} [hint]
 * @returns {{wrap: HTMLElement, input: HTMLInputElement}}
 */
export function field(label, attrs, hint) {
  const id = attrs.id || uid('field');
  const hintId = hint ? `${id}-hint` : undefined;
  const input = /** @type {HTMLInputElement} */ (h(attrs.tag || 'input', { ...attrs, tag: undefined, id, 'aria-describedby': hintId }));
  const wrap = h('div', { class: 'field' }, h('label', { for: id }, label), hint ? h('p', { class: 'hint', id: hintId }, hint) : null, input);
  return { wrap, input };
}

/**
 * @typedef {object} FieldParts
 * @property {HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement} input
 * @property {HTMLElement} error
 * @property {HTMLElement} wrap
 */

/**
 * A labelled input (or textarea) with a hint below it and a slot for its
 * own error; typing clears the error.
 * @param {string} label
 * @param {Record<string, any>} attrs
 * @param {string} [hint]
 * @returns {FieldParts & {input: HTMLInputElement}}
 */
export function checkedField(label, attrs, hint) {
  const id = uid('field');
  const hintId = hint ? `${id}-hint` : '';
  const errorId = `${id}-error`;
  const { tag = 'input', ...rest } = attrs;
  const input = /** @type {HTMLInputElement} */ (h(tag, { ...rest, id, 'aria-describedby': [hintId, errorId].filter(Boolean).join(' ') }));
  const error = h('p', { class: 'error', id: errorId, hidden: true });
  const wrap = h('div', { class: 'field' }, h('label', { for: id }, label), input, hint ? h('p', { class: 'hint', id: hintId }, hint) : null, error);
  input.addEventListener('input', () => {
    if (input.getAttribute('aria-invalid')) setError({ input, error, wrap }, '');
  });
  return { input, error, wrap };
}

/**
 * Shows (or, with '', clears) a field's error beside it.
 * @param {FieldParts} parts
 * @param {string} text
 */
export function setError(parts, text) {
  parts.error.textContent = text;
  parts.error.hidden = !text;
  if (text) parts.input.setAttribute('aria-invalid', 'true');
  else parts.input.removeAttribute('aria-invalid');
}

/**
 * A checkbox drawn as a switch, with its label.
 * @param {string} label
 * @param {boolean} checked
 * @param {Record<string, any>} [attrs]
 * @returns {{wrap: HTMLElement, input: HTMLInputElement}}
 */
export function toggle(label, checked, attrs = {}) {
  const id = attrs.id || uid('toggle');
  const input = /** @type {HTMLInputElement} */ (h('input', { type: 'checkbox', role: 'switch', class: 'switch', id, checked, ...attrs }));
  return { wrap: h('div', { class: 'toggle' }, input, h('label', { for: id }, label)), input };
}

/**
 * A form whose submit runs `action`: the button shows it is busy, an error
 * appears beside the button, and what was typed stays.
 * @param {object} o
 * @param {Node[]} o.fields
 * @param {string} o.submit the button's words
 * @param {(form: HTMLFormElement) => Promise<void>} o.action
 * @param {string} [o.label] accessible name of the form
 * @param {Node[]} [o.extra] more controls beside the button
 */
export function form({ fields, submit, action, label, extra = [] }) {
  const errors = errorSlot();
  const button = /** @type {HTMLButtonElement} */ (h('button', { type: 'submit', class: 'primary' }, submit));
  const el = /** @type {HTMLFormElement} */ (
    h('form', { class: 'form', 'aria-label': label, novalidate: false }, fields, h('div', { class: 'actions' }, button, extra), errors.el)
  );
  el.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (button.disabled) return;
    errors.clear();
    await busy(button, async () => {
      try {
        await action(el);
      } catch (error) {
        errors.show(error);
      }
    });
  });
  return el;
}

/**
 * Runs `work` with `button` disabled and marked busy.
 * @param {HTMLButtonElement | HTMLInputElement} button
 * @param {() => Promise<void>} work
 */
export async function busy(button, work) {
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  try {
    await work();
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
  }
}

/**
 * Saves a checkbox as soon as it is switched: busy while `save` runs; when
 * refused, it is put back and the reason shown in `errors`.
 * @param {HTMLInputElement} input
 * @param {ReturnType<typeof errorSlot>} errors
 * @param {(checked: boolean) => Promise<void>} save
 */
export function saveOnChange(input, errors, save) {
  input.addEventListener('change', () => {
    const wanted = input.checked;
    errors.clear();
    busy(input, async () => {
      try {
        await save(wanted);
      } catch (error) {
        input.checked = !wanted;
        errors.show(error);
      }
    });
  });
}

/**
 * A button whose click runs `action`, with its error shown beside it.
 * @param {string} text
 * @param {() => Promise<void>} action
 * @param {Record<string, any>} [attrs]
 */
export function actionButton(text, action, attrs = {}) {
  const errors = errorSlot();
  const button = /** @type {HTMLButtonElement} */ (h('button', { type: 'button', ...attrs }, text));
  button.addEventListener('click', () => {
    errors.clear();
    busy(button, async () => {
      try {
        await action();
      } catch (error) {
        errors.show(error);
      }
    });
  });
  return h('span', { class: 'action' }, button, errors.el);
}

/** @typedef {'neutral'|'info'|'success'|'warning'|'danger'} Tone */
/** @typedef {Record<string, [string, Tone]>} StatusWords a status's words and tone */

/** @param {string} text @param {Tone} [tone] */
export function badge(text, tone = 'neutral') {
  return h('span', { class: `badge badge-${tone}` }, text);
}

/**
 * The badge of a status in `words`; an unknown status shows as itself.
 * @param {StatusWords} words
 * @param {string} status
 */
function statusBadge(words, status) {
  const [text, tone] = words[status] || [status, 'neutral'];
  return badge(text, tone);
}

/** Portal status words of the help page. @type {StatusWords} */
const PORTAL_STATUS = {
  not_invited: ['Not invited', 'neutral'],
  invited: ['Invited', 'info'],
  active: ['Active', 'success'],
  suspended: ['Suspended', 'warning'],
};

/** @type {StatusWords} */
const QUOTE_STATUS = {
  draft: ['Draft', 'neutral'],
  sent: ['Awaiting acceptance', 'info'],
  accepted: ['Accepted', 'success'],
  expired: ['Expired', 'warning'],
  withdrawn: ['Withdrawn', 'danger'],
};

/** @type {StatusWords} */
const INVOICE_STATUS = {
  issued: ['Issued', 'info'],
  part_paid: ['Part-paid', 'warning'],
  paid: ['Paid', 'success'],
  overdue: ['Overdue', 'danger'],
};

/** Appointments in the diary and the client's meetings. @type {StatusWords} */
const MEETING_STATUS = {
  scheduled: ['Scheduled', 'success'],
  cancelled: ['Cancelled', 'neutral'],
  completed: ['Completed', 'neutral'],
};

/** Outbound emails. @type {StatusWords} */
const EMAIL_STATUS = {
  pending: ['Pending', 'info'],
  sent: ['Sent', 'success'],
  failed: ['Failed', 'danger'],
};

/** @param {string} status `not_invited` | `invited` | `active` | `suspended` */
export const portalBadge = (status) => statusBadge(PORTAL_STATUS, status);

/** @param {string} status */
export const quoteBadge = (status) => statusBadge(QUOTE_STATUS, status);

/** @param {string} status */
export const invoiceBadge = (status) => statusBadge(INVOICE_STATUS, status);

/** @param {string} status `scheduled` | `cancelled` | `completed` */
export const meetingBadge = (status) => statusBadge(MEETING_STATUS, status);

/** @param {string} status `pending` | `sent` | `failed` */
export const emailBadge = (status) => statusBadge(EMAIL_STATUS, status);

/**
 * The terms and values of a `<dl>`, from `[term, value, class]` rows (the
 * class, when given, goes on both).
 * @param {[string, import('./dom.js').Child, string?][]} rows
 */
export function terms(rows) {
  return rows.flatMap(([term, value, cls]) => [h('dt', { class: cls }, term), h('dd', { class: cls }, value)]);
}

/**
 * @typedef {object} Column
 * @property {string} label the heading, and each cell's label on phones
 * @property {boolean} [amount] right-aligned figures
 * @property {string} [cell] the cells' class, where it is not the heading's
 *
 * @typedef {import('./dom.js').Child[] | {class: string, cells: import('./dom.js').Child[]}} Row
 */

/**
 * A table that turns into labelled rows on phones.
 * @param {object} o
 * @param {(string | Column)[]} o.columns
 * @param {Row[]} o.rows each row's cells, in the columns' order
 * @param {string} [o.class] the table's class besides `table`
 * @param {string} [o.caption] a caption for screen readers
 */
export function dataTable(o) {
  const columns = o.columns.map((c) => (typeof c === 'string' ? { label: c } : c));
  const amount = (/** @type {Column} */ c) => (c.amount ? 'amount' : undefined);
  return h(
    'table',
    { class: o.class ? `table ${o.class}` : 'table' },
    o.caption ? h('caption', { class: 'visually-hidden' }, o.caption) : null,
    h('thead', null, h('tr', null, columns.map((c) => h('th', { scope: 'col', class: amount(c) }, c.label)))),
    h(
      'tbody',
      null,
      o.rows.map((row) => {
        const { cells, ...attrs } = Array.isArray(row) ? { cells: row } : row;
        return h('tr', attrs, cells.map((cell, i) => h('td', { 'data-label': columns[i].label, class: columns[i].cell ?? amount(columns[i]) }, cell)));
      }),
    ),
  );
}

/** A short message in place of a list that has nothing yet. @param {string} text */
export function empty(text) {
  return h('p', { class: 'empty' }, text);
}

/**
 * Shows `content` in `slot`, or the error sentence when loading failed.
 * @param {HTMLElement} slot
 * @param {() => Promise<Node>} load
 */
export async function fill(slot, load) {
  try {
    replace(slot, await load());
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') return;
    replace(slot, h('p', { class: 'error', role: 'alert' }, errorText(error)));
  }
}

/**
 * Runs `tick` every `ms` while the page is open and the tab visible.
 * @param {AbortSignal} signal
 * @param {number} ms
 * @param {() => Promise<void>} tick
 */
export function poll(signal, ms, tick) {
  const id = window.setInterval(() => {
    if (!document.hidden) tick().catch(() => {});
  }, ms);
  signal.addEventListener('abort', () => window.clearInterval(id));
}
