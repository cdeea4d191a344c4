// Writing a quote (PRODUCT §4.1): a new quote for a client, or an edit of an
// existing one: title, currency, expiry and the lines, with live totals
// worked out exactly for display; the saved quote shows the server's figures.

import { get, post, put } from '../../api.js';
import { h, replace, uid } from '../../dom.js';
import { date, money } from '../../format.js';
import { form } from '../../ui.js';
import { totalsList, updateTotals } from '../../components/quote-lines.js';
import { compare, lineAmounts, minorDigits, parseDecimal, places, sumLines, toText } from '../../components/decimal.js';

/** @typedef {import('../../components/quote-lines.js').Quote} Quote */
/** @typedef {import('../../components/quote-lines.js').Line} Line */

/** Common ISO 4217 codes offered for a new quote. */
const CURRENCIES = ['GBP', 'EUR', 'USD', 'CAD', 'AUD', 'NZD', 'CHF', 'SEK', 'NOK', 'DKK', 'PLN', 'CZK', 'ZAR', 'JPY'];

/** The server's bounds on a line's figures (domain/src/money.rs). */
const LIMITS = {
  quantity: { max: '1000000', name: 'Quantity' },
  unit_price: { max: '1000000000', name: 'Unit price' },
  tax_rate: { max: '100', name: 'Tax rate' },
};
const MAX_PLACES = 6;

/**
 * @typedef {object} FieldParts
 * @property {HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement} input
 * @property {HTMLElement} error
 * @property {HTMLElement} wrap
 *
 * @typedef {object} LineEditor
 * @property {string | undefined} lineId kept on edit, so threads stay with their line
 * @property {HTMLElement} el
 * @property {HTMLElement} legend
 * @property {FieldParts} description
 * @property {FieldParts} quantity
 * @property {FieldParts} unitPrice
 * @property {FieldParts} taxRate
 * @property {HTMLInputElement} optional
 * @property {HTMLInputElement} selected
 * @property {HTMLElement} amounts
 * @property {HTMLButtonElement} up
 * @property {HTMLButtonElement} down
 * @property {HTMLButtonElement} remove
 */

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
  const title = textField('Title', { name: 'title', 'aria-required': 'true', maxlength: 200, value: quote?.title || '', autocomplete: 'off' }, 'What the client sees, e.g. “Bathroom refit”.');
  const currency = currencyField(quote);
  const expires = textField('Expires on', { type: 'date', name: 'expires_on', value: quote?.expires_on || '' }, 'Optional. The client can accept until the end of this day.');

  /** @type {LineEditor[]} */
  const editors = [];
  const list = h('ol', { class: 'line-editors' });
  const totals = totalsList({ subtotal: '0', tax: '0', total: '0' }, currency.input.value);

  const refresh = () => {
    const code = currency.input.value;
    const digits = minorDigits(code);
    const worked = editors.map((e) => ({ editor: e, amounts: amountsOf(e, digits) }));
    for (const { editor, amounts } of worked) showAmounts(editor, amounts, code);
    const counted = worked.filter(({ editor, amounts }) => amounts && (!editor.optional.checked || editor.selected.checked));
    updateTotals(totals, sumLines(counted.map((w) => /** @type {NonNullable<typeof w.amounts>} */ (w.amounts)), digits), code);
    editors.forEach((e, i) => renumber(e, i, editors.length));
  };

  /** @param {Partial<Line>} [line] @param {boolean} [focus] */
  const addLine = (line = {}, focus = false) => {
    const editor = lineEditor(line, editors.length ? editors[editors.length - 1].taxRate.input.value : '20');
    editor.el.addEventListener('input', refresh);
    editor.el.addEventListener('change', refresh);
    editor.up.addEventListener('click', () => move(editor, -1));
    editor.down.addEventListener('click', () => move(editor, 1));
    editor.remove.addEventListener('click', () => removeLine(editor));
    editors.push(editor);
    list.appendChild(editor.el);
    refresh();
    if (focus) editor.description.input.focus();
  };

  /** @param {LineEditor} editor @param {number} step */
  const move = (editor, step) => {
    const from = editors.indexOf(editor);
    const to = from + step;
    if (to < 0 || to >= editors.length) return;
    editors.splice(from, 1);
    editors.splice(to, 0, editor);
    replace(list, editors.map((e) => e.el));
    refresh();
    const pressed = step < 0 ? editor.up : editor.down;
    (pressed.disabled ? (step < 0 ? editor.down : editor.up) : pressed).focus();
    announce.textContent = `Line moved to position ${to + 1}.`;
  };

  /** @param {LineEditor} editor */
  const removeLine = (editor) => {
    const at = editors.indexOf(editor);
    editors.splice(at, 1);
    editor.el.remove();
    refresh();
    const next = editors[Math.min(at, editors.length - 1)];
    (next ? next.description.input : addButton).focus();
    announce.textContent = `Line ${at + 1} removed.`;
  };

  const announce = h('p', { class: 'visually-hidden', role: 'status' });
  const addButton = /** @type {HTMLButtonElement} */ (h('button', { type: 'button', onclick: () => addLine({}, true) }, '+ Add line'));
  currency.input.addEventListener('change', refresh);
  for (const line of quote?.lines || [{}]) addLine(line);

  const linesError = h('p', { class: 'error', role: 'alert', hidden: true });
  return form({
    label: quote ? 'Edit quote' : 'New quote',
    submit: 'Save',
    extra: [h('a', { href: back }, 'Cancel')],
    fields: [
      h('div', { class: 'quote-fields' }, title.wrap, currency.wrap, expires.wrap),
      h(
        'fieldset',
        { class: 'lines-fieldset' },
        h('legend', null, 'Lines'),
        list,
        linesError,
        h('div', { class: 'actions' }, addButton),
        announce,
      ),
      h('section', { class: 'editor-totals', 'aria-label': 'Totals' }, totals, h('p', { class: 'hint' }, 'Totals count each optional line as you set it by default. Once saved, the quote shows the totals the server works out.')),
    ],
    action: async () => {
      linesError.hidden = true;
      const problems = [validateTitle(title), ...editors.flatMap(validateLine)];
      if (!editors.length) {
        linesError.textContent = 'Add at least one line.';
        linesError.hidden = false;
        addButton.focus();
        return;
      }
      const first = problems.find(Boolean);
      if (first) {
        first.focus();
        return;
      }
      const lines = editors.map(lineBody);
      if (quote) {
        await put(`/api/v1/quotes/${encodeURIComponent(quote.quote_id)}`, { title: title.input.value.trim(), expires_on: expires.input.value || null, lines });
        ctx.navigate(`/quotes/${encodeURIComponent(quote.quote_id)}?saved=1`);
      } else {
        const created = await post(`/api/v1/clients/${encodeURIComponent(clientId)}/quotes`, {
          title: title.input.value.trim(),
          currency: currency.input.value,
          expires_on: expires.input.value || undefined,
          lines,
        });
        ctx.navigate(`/quotes/${encodeURIComponent(created.quote_id)}?saved=1`);
      }
    },
  });
}

/**
 * A labelled input (or textarea) with a hint and a slot for its own error.
 * @param {string} label
 * @param {Record<string, any>} attrs
 * @param {string} [hint]
 * @returns {FieldParts}
 */
function textField(label, attrs, hint) {
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

/** @param {Quote | null} quote */
function currencyField(quote) {
  const id = uid('currency');
  const names = typeof Intl.DisplayNames === 'function' ? new Intl.DisplayNames(undefined, { type: 'currency' }) : null;
  const codes = quote && !CURRENCIES.includes(quote.currency) ? [quote.currency, ...CURRENCIES] : CURRENCIES;
  const select = /** @type {HTMLSelectElement} */ (
    h('select', { id, name: 'currency', disabled: Boolean(quote), 'aria-describedby': quote ? `${id}-hint` : undefined },
      codes.map((code) => h('option', { value: code }, names ? `${code} – ${names.of(code)}` : code)))
  );
  select.value = quote?.currency || 'GBP';
  const hint = quote ? h('p', { class: 'hint', id: `${id}-hint` }, 'The currency cannot be changed once a quote exists.') : null;
  return { input: select, error: h('p', { hidden: true }), wrap: h('div', { class: 'field' }, h('label', { for: id }, 'Currency'), select, hint) };
}

/**
 * The controls of one line.
 * @param {Partial<Line>} line
 * @param {string} defaultRate the tax rate a new line starts with
 * @returns {LineEditor}
 */
function lineEditor(line, defaultRate) {
  const isNew = !line.line_id;
  const description = textField('Description', { tag: 'textarea', rows: 2, maxlength: 2000, value: line.description || '' });
  const quantity = textField('Quantity', { inputmode: 'decimal', autocomplete: 'off', value: line.quantity ?? '1', class: 'number' });
  const unitPrice = textField('Unit price', { inputmode: 'decimal', autocomplete: 'off', value: line.unit_price ?? '', class: 'number' });
  const taxRate = textField('Tax rate %', { inputmode: 'decimal', autocomplete: 'off', value: line.tax_rate ?? (isNew ? defaultRate : ''), class: 'number' });
  const optionalId = uid('optional');
  const selectedId = uid('selected');
  const optional = /** @type {HTMLInputElement} */ (h('input', { type: 'checkbox', id: optionalId, checked: Boolean(line.optional) }));
  const selected = /** @type {HTMLInputElement} */ (h('input', { type: 'checkbox', id: selectedId, checked: line.selected ?? true, disabled: !line.optional }));
  optional.addEventListener('change', () => {
    selected.disabled = !optional.checked;
    if (!optional.checked) selected.checked = true;
  });
  const legend = h('legend', null, 'Line');
  const amounts = h('output', { class: 'line-preview', 'aria-live': 'off' });
  const up = /** @type {HTMLButtonElement} */ (h('button', { type: 'button', class: 'small-button' }, 'Move up'));
  const down = /** @type {HTMLButtonElement} */ (h('button', { type: 'button', class: 'small-button' }, 'Move down'));
  const remove = /** @type {HTMLButtonElement} */ (h('button', { type: 'button', class: 'small-button danger' }, 'Remove'));
  const el = h(
    'li',
    { class: 'line-editor' },
    h(
      'fieldset',
      null,
      legend,
      description.wrap,
      h('div', { class: 'figures' }, quantity.wrap, unitPrice.wrap, taxRate.wrap),
      h(
        'div',
        { class: 'row' },
        h('div', { class: 'check' }, optional, h('label', { for: optionalId }, 'Optional')),
        h('div', { class: 'check' }, selected, h('label', { for: selectedId }, 'Selected by default')),
      ),
      h('div', { class: 'row line-editor-foot' }, amounts, h('span', { class: 'actions grow-end' }, up, down, remove)),
    ),
  );
  return { lineId: line.line_id, el, legend, description, quantity, unitPrice, taxRate, optional, selected, amounts, up, down, remove };
}

/** @param {LineEditor} editor @param {number} i @param {number} count */
function renumber(editor, i, count) {
  const n = i + 1;
  editor.legend.textContent = `Line ${n}`;
  editor.up.setAttribute('aria-label', `Move up line ${n}`);
  editor.down.setAttribute('aria-label', `Move down line ${n}`);
  editor.remove.setAttribute('aria-label', `Remove line ${n}`);
  editor.up.disabled = i === 0;
  editor.down.disabled = i === count - 1;
}

/**
 * The line's amounts worked out exactly, or null while a figure is not a number yet.
 * @param {LineEditor} editor
 * @param {number} digits
 */
function amountsOf(editor, digits) {
  const q = parseDecimal(editor.quantity.input.value);
  const p = parseDecimal(editor.unitPrice.input.value);
  const r = parseDecimal(editor.taxRate.input.value);
  return q && p && r ? lineAmounts(q, p, r, digits) : null;
}

/**
 * @param {LineEditor} editor
 * @param {ReturnType<typeof amountsOf>} amounts
 * @param {string} currency
 */
function showAmounts(editor, amounts, currency) {
  editor.amounts.textContent = amounts
    ? `Net ${money(toText(amounts.net), currency)} · Tax ${money(toText(amounts.tax), currency)} · Total ${money(toText(amounts.total), currency)}`
    : 'Enter a quantity, unit price and tax rate to see this line’s amounts.';
}

/**
 * Shows (or, with '', clears) a field's error beside it.
 * @param {FieldParts} parts
 * @param {string} text
 */
function setError(parts, text) {
  parts.error.textContent = text;
  parts.error.hidden = !text;
  if (text) parts.input.setAttribute('aria-invalid', 'true');
  else parts.input.removeAttribute('aria-invalid');
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

/** The line as the API takes it. @param {LineEditor} editor */
function lineBody(editor) {
  return {
    line_id: editor.lineId,
    description: editor.description.input.value.trim(),
    quantity: editor.quantity.input.value.trim(),
    unit_price: editor.unitPrice.input.value.trim(),
    tax_rate: editor.taxRate.input.value.trim(),
    optional: editor.optional.checked,
    selected: editor.optional.checked ? editor.selected.checked : true,
  };
}
