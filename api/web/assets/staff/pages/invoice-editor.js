// A new invoice for a client (PRODUCT §5.1): number (optional), currency,
// due date and lines, with a preview of the amounts worked out exactly; the
// issued invoice shows the server's figures.

import { get, post } from '../../api.js';
import { now } from '../../clock.js';
import { h, uid } from '../../dom.js';
import { dayKey, money } from '../../format.js';
import { field, form } from '../../ui.js';
import { totalsList, updateTotals } from '../../components/quote-lines.js';
import { lineAmounts, minorDigits, parseDecimal, sumLines, toText } from '../../components/decimal.js';

/** Common ISO 4217 codes offered for an invoice. */
const CURRENCIES = ['GBP', 'EUR', 'USD', 'CAD', 'AUD', 'NZD', 'CHF', 'SEK', 'NOK', 'DKK', 'PLN', 'CZK', 'ZAR', 'JPY'];
/** Days from today to the suggested due date. */
const DEFAULT_TERMS_DAYS = 14;

/**
 * @typedef {object} LineEditor
 * @property {HTMLElement} el
 * @property {HTMLElement} legend
 * @property {HTMLTextAreaElement} description
 * @property {HTMLInputElement} quantity
 * @property {HTMLInputElement} unitPrice
 * @property {HTMLInputElement} taxRate
 * @property {HTMLElement} preview
 * @property {HTMLButtonElement} remove
 */

/** @param {import('../../router.js').Context} ctx */
export default async function invoiceEditor(ctx) {
  const clientId = encodeURIComponent(ctx.params.id);
  const client = await get(`/api/v1/clients/${clientId}`, { signal: ctx.signal });
  return {
    title: 'New invoice',
    body: h(
      'div',
      { class: 'invoice-editor' },
      h('p', { class: 'small' }, h('a', { href: `/clients/${clientId}` }, `← ${client.name}`)),
      h('p', { class: 'muted' }, `For ${client.name}`),
      editorForm(ctx, clientId),
    ),
  };
}

/**
 * @param {import('../../router.js').Context} ctx
 * @param {string} clientId
 */
function editorForm(ctx, clientId) {
  const number = field('Invoice number', { name: 'number', maxlength: 64, autocomplete: 'off' }, 'Optional. Leave blank to number it automatically.');
  const { select: currency, wrap: currencyWrap } = currencyField();
  const dueOn = field('Due on', { type: 'date', name: 'due_on', required: true, value: dayKey(new Date(now().getTime() + DEFAULT_TERMS_DAYS * 86400000).toISOString()) });

  /** @type {LineEditor[]} */
  const editors = [];
  const list = h('ol', { class: 'line-editors' });
  const totals = totalsList({ subtotal: '0', tax: '0', total: '0' }, currency.value);
  const announce = h('p', { class: 'visually-hidden', role: 'status' });

  const refresh = () => {
    const code = currency.value;
    const digits = minorDigits(code);
    const worked = editors.map((e) => amountsOf(e, digits));
    editors.forEach((e, i) => {
      showPreview(e, worked[i], code);
      e.legend.textContent = `Line ${i + 1}`;
      e.remove.setAttribute('aria-label', `Remove line ${i + 1}`);
      e.remove.disabled = editors.length === 1;
    });
    updateTotals(totals, sumLines(worked.filter((w) => w !== null).map((w) => /** @type {NonNullable<typeof w>} */ (w)), digits), code);
  };

  /** @param {boolean} focus */
  const addLine = (focus) => {
    const editor = lineEditor(editors.length ? editors[editors.length - 1].taxRate.value : '20');
    editor.el.addEventListener('input', refresh);
    editor.remove.addEventListener('click', () => {
      const at = editors.indexOf(editor);
      editors.splice(at, 1);
      editor.el.remove();
      refresh();
      editors[Math.min(at, editors.length - 1)].description.focus();
      announce.textContent = `Line ${at + 1} removed.`;
    });
    editors.push(editor);
    list.appendChild(editor.el);
    refresh();
    if (focus) {
      editor.description.focus();
      announce.textContent = `Line ${editors.length} added.`;
    }
  };
  currency.addEventListener('change', refresh);
  addLine(false);

  return form({
    label: 'New invoice',
    submit: 'Issue invoice',
    extra: [h('a', { href: `/clients/${clientId}` }, 'Cancel')],
    fields: [
      h('div', { class: 'invoice-fields' }, number.wrap, currencyWrap, dueOn.wrap),
      h(
        'fieldset',
        { class: 'lines-fieldset' },
        h('legend', null, 'Lines'),
        list,
        h('div', { class: 'actions' }, h('button', { type: 'button', onclick: () => addLine(true) }, '+ Add line')),
        announce,
      ),
      h('section', { class: 'editor-totals', 'aria-label': 'Totals' }, totals, h('p', { class: 'hint' }, 'Once issued, the invoice shows the totals the server works out.')),
    ],
    action: async () => {
      const problem = firstProblem(editors, dueOn.input);
      if (problem) {
        problem.control.setAttribute('aria-invalid', 'true');
        problem.control.focus();
        throw new Error(problem.text);
      }
      const created = await post(`/api/v1/clients/${clientId}/invoices`, {
        number: number.input.value.trim() || undefined,
        currency: currency.value,
        due_on: dueOn.input.value,
        lines: editors.map((e) => ({
          description: e.description.value.trim(),
          quantity: e.quantity.value.trim(),
          unit_price: e.unitPrice.value.trim(),
          tax_rate: e.taxRate.value.trim(),
        })),
      });
      ctx.navigate(`/invoices/${encodeURIComponent(created.invoice_id)}`);
    },
  });
}

/** The currency select, in a labelled field. */
function currencyField() {
  const id = uid('currency');
  const names = typeof Intl.DisplayNames === 'function' ? new Intl.DisplayNames(undefined, { type: 'currency' }) : null;
  const select = /** @type {HTMLSelectElement} */ (
    h('select', { id, name: 'currency' }, CURRENCIES.map((code) => h('option', { value: code }, names ? `${code} – ${names.of(code)}` : code)))
  );
  select.value = 'GBP';
  return { select, wrap: h('div', { class: 'field' }, h('label', { for: id }, 'Currency'), select) };
}

/**
 * The controls of one line.
 * @param {string} taxRate the rate a new line starts with
 * @returns {LineEditor}
 */
function lineEditor(taxRate) {
  const description = field('Description', { tag: 'textarea', rows: 2, maxlength: 2000, required: true });
  const quantity = field('Quantity', { inputmode: 'decimal', autocomplete: 'off', value: '1', class: 'number', required: true });
  const unitPrice = field('Unit price', { inputmode: 'decimal', autocomplete: 'off', class: 'number', required: true });
  const rate = field('Tax rate %', { inputmode: 'decimal', autocomplete: 'off', value: taxRate, class: 'number', required: true });
  const legend = h('legend', null, 'Line');
  const preview = h('output', { class: 'line-preview' });
  const remove = /** @type {HTMLButtonElement} */ (h('button', { type: 'button', class: 'small-button danger' }, 'Remove'));
  for (const f of [description, quantity, unitPrice, rate]) f.input.addEventListener('input', () => f.input.removeAttribute('aria-invalid'));
  const el = h(
    'li',
    { class: 'line-editor' },
    h(
      'fieldset',
      null,
      legend,
      description.wrap,
      h('div', { class: 'figures' }, quantity.wrap, unitPrice.wrap, rate.wrap),
      h('div', { class: 'row line-editor-foot' }, preview, remove),
    ),
  );
  return {
    el,
    legend,
    description: /** @type {HTMLTextAreaElement} */ (/** @type {unknown} */ (description.input)),
    quantity: quantity.input,
    unitPrice: unitPrice.input,
    taxRate: rate.input,
    preview,
    remove,
  };
}

/**
 * The line's amounts worked out exactly, or null while a figure is not a number yet.
 * @param {LineEditor} e
 * @param {number} digits
 */
function amountsOf(e, digits) {
  const q = parseDecimal(e.quantity.value);
  const p = parseDecimal(e.unitPrice.value);
  const r = parseDecimal(e.taxRate.value);
  return q && p && r ? lineAmounts(q, p, r, digits) : null;
}

/**
 * @param {LineEditor} e
 * @param {ReturnType<typeof amountsOf>} amounts
 * @param {string} currency
 */
function showPreview(e, amounts, currency) {
  e.preview.textContent = amounts
    ? `Net ${money(toText(amounts.net), currency)} · Tax ${money(toText(amounts.tax), currency)} · Total ${money(toText(amounts.total), currency)}`
    : 'Enter a quantity, unit price and tax rate to see this line’s amounts.';
}

/**
 * The first thing to fix before issuing, with a sentence saying how.
 * @param {LineEditor[]} editors
 * @param {HTMLInputElement} dueOn
 * @returns {{control: HTMLElement, text: string} | null}
 */
function firstProblem(editors, dueOn) {
  if (!dueOn.value) return { control: dueOn, text: 'Enter the day the invoice is due.' };
  for (const [i, e] of editors.entries()) {
    const n = i + 1;
    if (!e.description.value.trim()) return { control: e.description, text: `Describe the work or item on line ${n}.` };
    /** @type {[HTMLInputElement, string][]} */
    const figures = [[e.quantity, 'quantity'], [e.unitPrice, 'unit price'], [e.taxRate, 'tax rate']];
    for (const [input, name] of figures) {
      if (!parseDecimal(input.value)) return { control: input, text: `Enter the ${name} of line ${n} as a number, e.g. 120.50.` };
    }
  }
  return null;
}
