// The client's quotes (docs/product.md §4.2): newest first (as the API lists them),
// each with its status, date and total.

import { get } from '../../api.js';
import { h } from '../../dom.js';
import { date, money } from '../../format.js';
import { empty, quoteBadge } from '../../ui.js';
import { session } from '../main.js';

/** @param {import('../../router.js').Context} ctx */
export default async function quotes(ctx) {
  const { quotes: list } = await get('/api/v1/portal/quotes', { signal: ctx.signal });
  const business = session.me?.business_name || 'The business';
  return {
    title: 'Quotes',
    body: h(
      'div',
      null,
      list.length
        ? [
            h('p', { class: 'muted' }, 'Open a quote to see every item, choose any optional extras and accept it.'),
            h('ul', { class: 'list quote-list' }, list.map(item)),
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
      h(
        'p',
        { class: 'row quote-list-facts' },
        h('span', null, h('span', { class: 'muted' }, 'Total '), h('span', { class: 'amount' }, money(quote.totals.total, quote.currency))),
        quoteBadge(quote.status),
        quote.sent_at ? h('span', { class: 'muted small' }, `Sent ${date(quote.sent_at)}`) : null,
        quote.expires_on && quote.status === 'sent' ? h('span', { class: 'muted small' }, `Valid until ${date(quote.expires_on)}`) : null,
      ),
    ),
  );
}
