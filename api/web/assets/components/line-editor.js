// Writing lines, for the quote and invoice editors: the currency select,
// each line's description and figures with its amounts worked out exactly
// while staff type, and the live totals. The saved quote or invoice shows
// the server's figures.

import { h, replace, uid } from '../dom.js';
import { money } from '../format.js';
import { checkedField } from '../ui.js';
import { totalsList, updateTotals } from './quote-lines.js';
import { lineAmounts, minorDigits, parseDecimal, sumLines, toText } from './decimal.js';

/** @typedef {import('../ui.js').FieldParts} FieldParts */
/** @typedef {import('./quote-lines.js').Line} Line */

/** Common ISO 4217 codes offered for a new quote or invoice. */
const CURRENCIES = ['GBP', 'EUR', 'USD', 'CAD', 'AUD', 'NZD', 'CHF', 'SEK', 'NOK', 'DKK', 'PLN', 'CZK', 'ZAR', 'JPY'];

/**
 * The labelled currency select, GBP first chosen. With `locked`, it shows
 * that currency and cannot be changed, and `lockedHint` says why.
 * @param {{locked?: string, lockedHint?: string}} [o]
 */
export function currencyField({ locked, lockedHint } = {}) {
  const id = uid('currency');
  const names = typeof Intl.DisplayNames === 'function' ? new Intl.DisplayNames(undefined, { type: 'currency' }) : null;
  const codes = locked && !CURRENCIES.includes(locked) ? [locked, ...CURRENCIES] : CURRENCIES;
  const hintId = locked && lockedHint ? `${id}-hint` : undefined;
  const select = /** @type {HTMLSelectElement} */ (
    h('select', { id, name: 'currency', disabled: Boolean(locked), 'aria-describedby': hintId },
      codes.map((code) => h('option', { value: code }, names ? `${code} – ${names.of(code)}` : code)))
  );
  select.value = locked || 'GBP';
  const hint = hintId ? h('p', { class: 'hint', id: hintId }, lockedHint) : null;
  return { input: select, wrap: h('div', { class: 'field' }, h('label', { for: id }, 'Currency'), select, hint) };
}

/**
 * @typedef {object} LineEditor
 * @property {string | undefined} lineId kept on edit, so threads stay with their line
 * @property {HTMLElement} el
 * @property {HTMLElement} legend
 * @property {FieldParts} description
 * @property {FieldParts} quantity
 * @property {FieldParts} unitPrice
 * @property {FieldParts} taxRate
 * @property {HTMLInputElement | null} optional with `choices`
 * @property {HTMLInputElement | null} selected with `choices`
 * @property {HTMLElement} amounts
 * @property {HTMLButtonElement | null} up with `reorder`
 * @property {HTMLButtonElement | null} down with `reorder`
 * @property {HTMLButtonElement} remove
 *
 * @typedef {object} LineEditorsOptions
 * @property {HTMLSelectElement} currency the select the amounts are shown in
 * @property {Partial<Line>[]} [lines] the lines to start with (one blank line when not given)
 * @property {string} totalsHint the sentence under the totals
 * @property {boolean} [choices] each line has "Optional" and "Selected by default"; totals count a line as set
 * @property {boolean} [reorder] each line has "Move up" and "Move down"
 * @property {boolean} [keepOne] the last line left cannot be removed
 * @property {boolean} [required] the line's fields are required
 */

/**
 * The "Lines" fieldset (each line, "+ Add line") and the live totals.
 * @param {LineEditorsOptions} o
 */
export function lineEditors(o) {
  /** @type {LineEditor[]} */
  const editors = [];
  const list = h('ol', { class: 'line-editors' });
  const totals = totalsList({ subtotal: '0', tax: '0', total: '0' }, o.currency.value);
  const announce = h('p', { class: 'visually-hidden', role: 'status' });
  const error = h('p', { class: 'error', role: 'alert', hidden: true });

  const refresh = () => {
    const code = o.currency.value;
    const digits = minorDigits(code);
    const worked = editors.map((editor) => ({ editor, amounts: amountsOf(editor, digits) }));
    for (const { editor, amounts } of worked) showAmounts(editor, amounts, code);
    const counted = worked.flatMap(({ editor, amounts }) => (amounts && (!editor.optional?.checked || editor.selected?.checked) ? [amounts] : []));
    updateTotals(totals, sumLines(counted, digits), code);
    editors.forEach((e, i) => renumber(e, i, editors.length, o));
  };

  /** @param {Partial<Line>} [line] @param {boolean} [focus] */
  const addLine = (line = {}, focus = false) => {
    const editor = lineEditor(line, editors.length ? editors[editors.length - 1].taxRate.input.value : '20', o);
    editor.el.addEventListener('input', refresh);
    editor.el.addEventListener('change', refresh);
    editor.up?.addEventListener('click', () => move(editor, -1));
    editor.down?.addEventListener('click', () => move(editor, 1));
    editor.remove.addEventListener('click', () => removeLine(editor));
    editors.push(editor);
    list.appendChild(editor.el);
    refresh();
    if (focus) {
      editor.description.input.focus();
      announce.textContent = `Line ${editors.length} added.`;
    }
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
    const [pressed, other] = /** @type {HTMLButtonElement[]} */ (step < 0 ? [editor.up, editor.down] : [editor.down, editor.up]);
    (pressed.disabled ? other : pressed).focus();
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

  const addButton = /** @type {HTMLButtonElement} */ (h('button', { type: 'button', onclick: () => addLine({}, true) }, '+ Add line'));
  o.currency.addEventListener('change', refresh);
  for (const line of o.lines || [{}]) addLine(line);

  return {
    editors,
    addButton,
    fieldset: h('fieldset', { class: 'lines-fieldset' }, h('legend', null, 'Lines'), list, error, h('div', { class: 'actions' }, addButton), announce),
    totals: h('section', { class: 'editor-totals', 'aria-label': 'Totals' }, totals, h('p', { class: 'hint' }, o.totalsHint)),
    /** Shows (or, with '', hides) a sentence about the lines as a whole. @param {string} text */
    showError(text) {
      error.textContent = text;
      error.hidden = !text;
    },
    /** The lines as the API takes them. */
    body: () => editors.map(lineBody),
  };
}

/**
 * The controls of one line.
 * @param {Partial<Line>} line
 * @param {string} defaultRate the tax rate a new line starts with
 * @param {LineEditorsOptions} o
 * @returns {LineEditor}
 */
function lineEditor(line, defaultRate, o) {
  const isNew = !line.line_id;
  const required = o.required || undefined;
  const description = checkedField('Description', { tag: 'textarea', rows: 2, maxlength: 2000, value: line.description || '', required });
  const figure = { inputmode: 'decimal', autocomplete: 'off', class: 'number', required };
  const quantity = checkedField('Quantity', { ...figure, value: line.quantity ?? '1' });
  const unitPrice = checkedField('Unit price', { ...figure, value: line.unit_price ?? '' });
  const taxRate = checkedField('Tax rate %', { ...figure, value: line.tax_rate ?? (isNew ? defaultRate : '') });
  const legend = h('legend', null, 'Line');
  const amounts = h('output', { class: 'line-preview', 'aria-live': 'off' });
  const button = (/** @type {string} */ text, cls = 'small-button') => /** @type {HTMLButtonElement} */ (h('button', { type: 'button', class: cls }, text));
  const up = o.reorder ? button('Move up') : null;
  const down = o.reorder ? button('Move down') : null;
  const remove = button('Remove', 'small-button danger');
  const { optional, selected, row } = o.choices ? choices(line) : { optional: null, selected: null, row: null };
  const el = h(
    'li',
    { class: 'line-editor' },
    h(
      'fieldset',
      null,
      legend,
      description.wrap,
      h('div', { class: 'figures' }, quantity.wrap, unitPrice.wrap, taxRate.wrap),
      row,
      h('div', { class: 'row line-editor-foot' }, amounts, up ? h('span', { class: 'actions grow-end' }, up, down, remove) : remove),
    ),
  );
  return { lineId: line.line_id, el, legend, description, quantity, unitPrice, taxRate, optional, selected, amounts, up, down, remove };
}

/**
 * "Optional" and "Selected by default" (only an optional line can be left out).
 * @param {Partial<Line>} line
 */
function choices(line) {
  const optionalId = uid('optional');
  const selectedId = uid('selected');
  const optional = /** @type {HTMLInputElement} */ (h('input', { type: 'checkbox', id: optionalId, checked: Boolean(line.optional) }));
  const selected = /** @type {HTMLInputElement} */ (h('input', { type: 'checkbox', id: selectedId, checked: line.selected ?? true, disabled: !line.optional }));
  optional.addEventListener('change', () => {
    selected.disabled = !optional.checked;
    if (!optional.checked) selected.checked = true;
  });
  const row = h(
    'div',
    { class: 'row' },
    h('div', { class: 'check' }, optional, h('label', { for: optionalId }, 'Optional')),
    h('div', { class: 'check' }, selected, h('label', { for: selectedId }, 'Selected by default')),
  );
  return { optional, selected, row };
}

/**
 * Numbers the line and names its buttons after it.
 * @param {LineEditor} editor
 * @param {number} i
 * @param {number} count
 * @param {LineEditorsOptions} o
 */
function renumber(editor, i, count, o) {
  const n = i + 1;
  editor.legend.textContent = `Line ${n}`;
  editor.remove.setAttribute('aria-label', `Remove line ${n}`);
  if (o.keepOne) editor.remove.disabled = count === 1;
  if (editor.up && editor.down) {
    editor.up.setAttribute('aria-label', `Move up line ${n}`);
    editor.down.setAttribute('aria-label', `Move down line ${n}`);
    editor.up.disabled = i === 0;
    editor.down.disabled = i === count - 1;
  }
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
 * The line as the API takes it; `line_id`, `optional` and `selected` only where the editor has them.
 * @param {LineEditor} editor
 */
function lineBody(editor) {
  return {
    line_id: editor.lineId,
    description: editor.description.input.value.trim(),
    quantity: editor.quantity.input.value.trim(),
    unit_price: editor.unitPrice.input.value.trim(),
    tax_rate: editor.taxRate.input.value.trim(),
    ...(editor.optional && editor.selected ? { optional: editor.optional.checked, selected: editor.optional.checked ? editor.selected.checked : true } : {}),
  };
}
