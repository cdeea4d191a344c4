// A quote's lines as both sides see them: each line's figures and amounts,
// the optional lines' selection (checkboxes for the client), the totals,
// and each line's comment thread.

import { h, replace, uid } from '../dom.js';
import { dateTime, exactMoney, money, percent } from '../format.js';
import { badge, errorSlot, field, form, saveOnChange, statusSlot, terms } from '../ui.js';

/**
 * @typedef {{author: 'client' | 'staff', text: string, at: string}} Comment
 * @typedef {{line_id: string, description: string, quantity: string, unit_price: string, tax_rate: string,
 *   optional: boolean, selected: boolean, net: string, tax: string, total: string, comments: Comment[]}} Line
 * @typedef {{subtotal: string, tax: string, total: string}} Totals
 * @typedef {{quote_id: string, client_id: string, title: string, currency: string, status: string, revision: number,
 *   expires_on?: string, lines: Line[], totals: Totals, acceptance?: {name: string, accepted_at: string, ip: string}}} Quote
 */

/**
 * @typedef {object} LinesOptions
 * @property {Quote} quote
 * @property {'client' | 'staff'} viewer whose words "You" stands for
 * @property {{client: string, staff: string}} names how each side's comments are signed
 * @property {(line: Line, selected: boolean) => Promise<void>} [toggle] optional lines become checkboxes
 * @property {(line: Line, text: string) => Promise<void>} [comment] each thread gets a box to add to it
 * @property {() => Promise<Quote>} [reload] the quote again, after a comment
 * @property {{label: string, submit: string}} [commentWords] the comment box's label and button
 */

/**
 * The list of lines.
 * @param {LinesOptions} o
 * @returns {HTMLElement}
 */
export function quoteLines(o) {
  return h('ol', { class: 'lines', 'aria-label': 'Items' }, o.quote.lines.map((line) => lineItem(line, o)));
}

/**
 * @param {Line} line
 * @param {LinesOptions} o
 */
function lineItem(line, o) {
  const item = h('li', { class: 'line', 'data-line-id': line.line_id });
  const errors = errorSlot();
  const mark = () => item.classList.toggle('unselected', line.optional && !line.selected);
  mark();
  const figuresId = uid('figures');
  const title = o.toggle && line.optional ? checkbox(line, o, { errors, mark, figuresId }) : h('p', { class: 'line-title' }, line.description);
  replace(
    item,
    h(
      'div',
      { class: 'line-head' },
      h('div', { class: 'grow' }, title, h('p', { class: 'muted small line-figures', id: figuresId }, figures(line, o.quote.currency)), selectionNote(line, o)),
      amounts(line, o.quote.currency),
    ),
    errors.el,
    thread(line, o),
  );
  return item;
}

/** "2 × £120.00 · tax 20%". @param {Line} line @param {string} currency */
function figures(line, currency) {
  return `${line.quantity} × ${exactMoney(line.unit_price, currency)} · tax ${percent(line.tax_rate)}`;
}

/**
 * What the client chose, for staff; "Optional" beside a client's checkbox.
 * @param {Line} line
 * @param {LinesOptions} o
 */
function selectionNote(line, o) {
  if (!line.optional) return null;
  if (o.toggle) return h('p', { class: 'line-badges' }, badge('Optional', 'info'));
  const chosen = line.selected ? badge('Included', 'success') : badge('Not included', 'neutral');
  return h('p', { class: 'line-badges' }, badge('Optional', 'info'), ' ', chosen);
}

/**
 * The client's checkbox for an optional line: labelled by the description,
 * busy while the server answers, put back with the reason when refused.
 * @param {Line} line
 * @param {LinesOptions} o
 * @param {{errors: ReturnType<typeof errorSlot>, mark: () => void, figuresId: string}} parts
 */
function checkbox(line, o, { errors, mark, figuresId }) {
  const id = uid('line');
  const input = /** @type {HTMLInputElement} */ (h('input', { type: 'checkbox', id, checked: line.selected, 'aria-describedby': figuresId }));
  saveOnChange(input, errors, async (wanted) => {
    await /** @type {NonNullable<LinesOptions['toggle']>} */ (o.toggle)(line, wanted);
    line.selected = wanted;
    mark();
  });
  return h('div', { class: 'line-choice' }, input, h('label', { for: id, class: 'line-title' }, line.description));
}

/**
 * @param {Line} line
 * @param {string} currency
 */
function amounts(line, currency) {
  return h(
    'dl',
    { class: 'totals line-amounts' },
    terms([
      ['Net', money(line.net, currency)],
      ['Tax', money(line.tax, currency)],
      ['Total', money(line.total, currency), 'line-total'],
    ]),
  );
}

/**
 * The line's comments in a disclosure, "Comments (n)", with a box to add one.
 * @param {Line} line
 * @param {LinesOptions} o
 */
function thread(line, o) {
  const summary = h('summary', null, `Comments (${line.comments.length})`);
  const list = h('ol', { class: 'comments' });
  const show = (/** @type {Comment[]} */ comments) => {
    summary.textContent = `Comments (${comments.length})`;
    replace(list, comments.length ? comments.map((c) => commentItem(c, o)) : h('li', { class: 'muted small' }, 'No comments yet.'));
  };
  show(line.comments);
  return h('details', { class: 'line-thread' }, summary, list, o.comment ? commentForm(line, o, show) : null);
}

/** @param {Comment} comment @param {LinesOptions} o */
function commentItem(comment, o) {
  const who = comment.author === o.viewer ? 'You' : o.names[comment.author] || comment.author;
  return h(
    'li',
    { class: `comment ${comment.author}` },
    h('p', { class: 'comment-text' }, comment.text),
    h('p', { class: 'small muted comment-meta' }, `${who} · `, h('time', { datetime: comment.at }, dateTime(comment.at))),
  );
}

/**
 * @param {Line} line
 * @param {LinesOptions} o
 * @param {(comments: Comment[]) => void} show
 */
function commentForm(line, o, show) {
  const words = o.commentWords || { label: 'Add a comment', submit: 'Post comment' };
  const text = field(words.label, { tag: 'textarea', name: 'text', 'aria-required': 'true', maxlength: 4000, rows: 3 });
  const status = statusSlot();
  return form({
    fields: [text.wrap],
    submit: words.submit,
    extra: [status.el],
    action: async () => {
      const value = text.input.value.trim();
      if (!value) {
        text.input.focus();
        throw new Error('Please write your comment first.');
      }
      await /** @type {NonNullable<LinesOptions['comment']>} */ (o.comment)(line, value);
      text.input.value = '';
      status.say('Comment added.');
      if (o.reload) {
        const fresh = await o.reload();
        const again = fresh.lines.find((l) => l.line_id === line.line_id);
        if (again) show(again.comments);
      }
    },
  });
}

/**
 * Subtotal, tax and total.
 * @param {Totals} totals
 * @param {string} currency
 * @param {Record<string, any>} [attrs]
 */
export function totalsList(totals, currency, attrs = {}) {
  return h(
    'dl',
    { class: 'totals quote-totals', ...attrs },
    terms([
      ['Subtotal', money(totals.subtotal, currency)],
      ['Tax', money(totals.tax, currency)],
      ['Total', money(totals.total, currency), 'grand'],
    ]),
  );
}

/** Shows new totals in a list made by totalsList. @param {HTMLElement} list @param {Totals} totals @param {string} currency */
export function updateTotals(list, totals, currency) {
  const values = list.querySelectorAll('dd');
  [totals.subtotal, totals.tax, totals.total].forEach((amount, i) => {
    if (values[i]) values[i].textContent = money(amount, currency);
  });
}
