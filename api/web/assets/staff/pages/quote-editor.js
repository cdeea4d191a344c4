// Writing a quote (docs/product.md §4.1): a new quote for a client, or an edit of an
// existing one: title, currency, expiry and the lines, with live totals
// worked out exactly for display; the saved quote shows the server's figures.

import { get, post, put } from '../../api.js';
import { h } from '../../dom.js';
import { date } from '../../format.js';
import { checkedField, form, setError } from '../../ui.js';
import { currencyField, lineEditors } from '../../components/line-editor.js';
import { compare, parseDecimal, places } from '../../components/decimal.js';

/** @typedef {import('../../components/quote-lines.js').Quote} Quote */
/** @typedef {import('../../ui.js').FieldParts} FieldParts */
/** @typedef {import('../../components/line-editor.js').LineEditor} LineEditor */

/** The server's bounds on a line's figures (domain/src/money.rs). */
const LIMITS = {
  quantity: { max: '1000000', name: 'Quantity' },
  unit_price: { max: '1000000000', name: 'Unit price' },
  tax_rate: { max: '100', name: 'Tax rate' },
};
const MAX_PLACES = 6;

/** @param {import('../../router.js').Context} ctx */
export default async function quoteEditor(ctx) {
  const editing = location.pathname.startsWith('/quotes/');
  /** @type {Quote | null} */
  const quote = editing ? await get(`/api/v1/quotes/${encodeURIComponent(ctx.params.id)}`, { signal: ctx.signal }) : null;
  const clientId = quote ? quote.client_id : ctx.params.id;
  const client = await get(`/api/v1/clients/${encodeURIComponent(clientId)}`, { signal: ctx.signal });
  const back = quote ? `/quotes/${encodeURIComponent(quote.quote_id)}` : `/clients/${encodeURIComponent(clientId)}`;

  if (quote && (quote.acceptance || quote.status === 'withdrawn')) {
    return { title: 'Edit quote', body: lockedMessage(quote, back) };
  }
  return {
    title: quote ? 'Edit quote' : 'New quote',
    body: h(
      'div',
      { class: 'quote-editor' },
      h('p', { class: 'small' }, h('a', { href: back }, quote ? `← Back to the quote` : `← ${client.name}`)),
      h('p', { class: 'muted' }, `For ${client.name}`),
      quote && quote.status !== 'draft' ? revisionWarning(quote, client.name) : null,
      editorForm(ctx, quote, clientId, back),
    ),
  };
}

/** @param {Quote} quote @param {string} back */
function lockedMessage(quote, back) {
  const why = quote.acceptance
    ? `This quote was accepted on ${date(quote.acceptance.accepted_at)} by ${quote.acceptance.name}, so it is locked and can no longer be edited.`
    : 'This quote was withdrawn, so it can no longer be edited.';
  return h('div', null, h('p', { class: 'notice notice-warning' }, why), h('p', null, h('a', { href: back }, 'Back to the quote')));
}

/** @param {Quote} quote @param {string} clientName */
function revisionWarning(quote, clientName) {
  return h(
    'p',
    { class: 'notice notice-warning' },
    `${clientName} has already been sent this quote. Saving your changes makes a new revision (revision ${quote.revision + 1}) and resets the client’s choice of optional lines to your defaults.`,
  );
}

/**
 * @param {import('../../router.js').Context} ctx
 * @param {Quote | null} quote
 * @param {string} clientId
 * @param {string} back
 */
function editorForm(ctx, quote, clientId, back) {
  const title = checkedField('Title', { name: 'title', 'aria-required': 'true', maxlength: 200, value: quote?.title || '', autocomplete: 'off' }, 'What the client sees, e.g. “Bathroom refit”.');
  const currency = currencyField({ locked: quote?.currency, lockedHint: 'The currency cannot be changed once a quote exists.' });
  const expires = checkedField('Expires on', { type: 'date', name: 'expires_on', value: quote?.expires_on || '' }, 'Optional. The client can accept until the end of this day.');
  const lines = lineEditors({
    currency: currency.input,
    lines: quote?.lines,
    choices: true,
    reorder: true,
    totalsHint: 'Totals count each optional line as you set it by default. Once saved, the quote shows the totals the server works out.',
  });

  return form({
    label: quote ? 'Edit quote' : 'New quote',
    submit: 'Save',
    extra: [h('a', { href: back }, 'Cancel')],
    fields: [h('div', { class: 'quote-fields' }, title.wrap, currency.wrap, expires.wrap), lines.fieldset, lines.totals],
    action: async () => {
      lines.showError('');
      const problems = [validateTitle(title), ...lines.editors.flatMap(validateLine)];
      if (!lines.editors.length) {
        lines.showError('Add at least one line.');
        lines.addButton.focus();
        return;
      }
      const first = problems.find(Boolean);
      if (first) {
        first.focus();
        return;
      }
      if (quote) {
        await put(`/api/v1/quotes/${encodeURIComponent(quote.quote_id)}`, { title: title.input.value.trim(), expires_on: expires.input.value || null, lines: lines.body() });
        ctx.navigate(`/quotes/${encodeURIComponent(quote.quote_id)}?saved=1`);
      } else {
        const created = await post(`/api/v1/clients/${encodeURIComponent(clientId)}/quotes`, {
          title: title.input.value.trim(),
          currency: currency.input.value,
          expires_on: expires.input.value || undefined,
          lines: lines.body(),
        });
        ctx.navigate(`/quotes/${encodeURIComponent(created.quote_id)}?saved=1`);
      }
    },
  });
}

/** @param {FieldParts} title @returns {HTMLElement | null} the control to fix */
function validateTitle(title) {
  setError(title, title.input.value.trim() ? '' : 'Give the quote a title.');
  return title.input.value.trim() ? null : title.input;
}

/** @param {LineEditor} editor @returns {(HTMLElement | null)[]} the controls to fix */
function validateLine(editor) {
  setError(editor.description, editor.description.input.value.trim() ? '' : 'Describe the work or item.');
  const bad = [editor.description.input.value.trim() ? null : editor.description.input];
  for (const [key, parts] of /** @type {[keyof typeof LIMITS, FieldParts][]} */ ([['quantity', editor.quantity], ['unit_price', editor.unitPrice], ['tax_rate', editor.taxRate]])) {
    const problem = figureProblem(parts.input.value, LIMITS[key]);
    setError(parts, problem);
    bad.push(problem ? parts.input : null);
  }
  return bad;
}

/**
 * Why a figure is refused, in words, or ''.
 * @param {string} text
 * @param {{max: string, name: string}} limit
 */
function figureProblem(text, limit) {
  if (!text.trim()) return `Enter a ${limit.name.toLowerCase()}.`;
  if (/^\s*-/.test(text)) return `${limit.name} cannot be negative.`;
  const value = parseDecimal(text);
  if (!value) return `${limit.name} must be a number written with digits and an optional decimal point, e.g. 1250.50.`;
  if (compare(value, /** @type {any} */ (parseDecimal(limit.max))) > 0) return `${limit.name} can be at most ${Number(limit.max).toLocaleString()}.`;
  if (places(value) > MAX_PLACES) return `${limit.name} can have at most ${MAX_PLACES} decimal places.`;
  return '';
}
