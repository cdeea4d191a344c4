// A new invoice for a client (docs/product.md §5.1): number (optional), currency,
// due date and lines, with a preview of the amounts worked out exactly; the
// issued invoice shows the server's figures.

import { get, post } from '../../api.js';
import { now } from '../../clock.js';
import { h } from '../../dom.js';
import { dayKey } from '../../format.js';
import { field, form } from '../../ui.js';
import { currencyField, lineEditors } from '../../components/line-editor.js';
import { parseDecimal } from '../../components/decimal.js';

/** @typedef {import('../../components/line-editor.js').LineEditor} LineEditor */

/** Days from today to the suggested due date. */
const DEFAULT_TERMS_DAYS = 14;

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
  const currency = currencyField();
  const dueOn = field('Due on', { type: 'date', name: 'due_on', required: true, value: dayKey(new Date(now().getTime() + DEFAULT_TERMS_DAYS * 86400000).toISOString()) });
  const lines = lineEditors({
    currency: currency.input,
    keepOne: true,
    required: true,
    totalsHint: 'Once issued, the invoice shows the totals the server works out.',
  });

  return form({
    label: 'New invoice',
    submit: 'Issue invoice',
    extra: [h('a', { href: `/clients/${clientId}` }, 'Cancel')],
    fields: [h('div', { class: 'invoice-fields' }, number.wrap, currency.wrap, dueOn.wrap), lines.fieldset, lines.totals],
    action: async () => {
      const problem = firstProblem(lines.editors, dueOn.input);
      if (problem) {
        problem.control.setAttribute('aria-invalid', 'true');
        problem.control.focus();
        throw new Error(problem.text);
      }
      const created = await post(`/api/v1/clients/${clientId}/invoices`, {
        number: number.input.value.trim() || undefined,
        currency: currency.input.value,
        due_on: dueOn.input.value,
        lines: lines.body(),
      });
      ctx.navigate(`/invoices/${encodeURIComponent(created.invoice_id)}`);
    },
  });
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
    if (!e.description.input.value.trim()) return { control: e.description.input, text: `Describe the work or item on line ${n}.` };
    /** @type {[import('../../ui.js').FieldParts, string][]} */
    const figures = [[e.quantity, 'quantity'], [e.unitPrice, 'unit price'], [e.taxRate, 'tax rate']];
    for (const [{ input }, name] of figures) {
      if (!parseDecimal(input.value)) return { control: input, text: `Enter the ${name} of line ${n} as a number, e.g. 120.50.` };
    }
  }
  return null;
}
