// The client's quotes (PRODUCT §4.2): newest first, each with its status and total.

import { get } from '../../api.js';
import { h } from '../../dom.js';
import { money } from '../../format.js';
import { empty, quoteBadge } from '../../ui.js';
import { session } from '../main.js';

/** @param {import('../../router.js').Context} ctx */
export default async function quotes(ctx) {
  const { quotes: list } = await get('/api/v1/portal/quotes', { signal: ctx.signal });
  const business = session.me?.business_name || 'The business';
  const newestFirst = [...list].reverse();
  return {
    title: 'Quotes',
    body: h(
      'div',
      null,
      list.length
        ? [
            h('p', { class: 'muted' }, 'Open a quote to see every item, choose any optional extras and accept it.'),
            h('ul', { class: 'list quote-list' }, newestFirst.map(item)),
          ]
        : empty(`You have no quotes yet. When ${business} sends you a quote, it will appear here.`),
    ),
  };
}

/** @param {any} quote a summary of GET /api/v1/portal/quotes */
function item(quote) {
  return h(
    'li',
    null,
    h(
      'div',
      { class: 'grow' },
      h('a', { class: 'item-link', href: `/portal/quotes/${encodeURIComponent(quote.quote_id)}` }, quote.title),
      h('p', { class: 'row quote-list-facts' }, h('span', null, h('span', { class: 'muted' }, 'Total '), h('span', { class: 'amount' }, total(quote))), quoteBadge(quote.status)),
    ),
  );
}

/**
 * The total in the quote's currency. The list does not carry `currency` yet
 * (only the quote view does), so until it does the amount is shown alone.
 * @param {any} quote
 */
function total(quote) {
  if (quote.currency) return money(quote.totals.total, quote.currency);
  const places = (quote.totals.total.split('.')[1] || '').length;
  return new Intl.NumberFormat(undefined, { minimumFractionDigits: places }).format(/** @type {any} */ (quote.totals.total));
}
