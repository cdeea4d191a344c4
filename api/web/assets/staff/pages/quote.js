// A quote, staff side (docs/product.md §4.1, §4.5, §4.6, §10): its status and
// revision, the lines with the client's current choice, each line's thread
// with a reply box, Send / Edit / Withdraw, and once accepted the evidence.

import { get, post } from '../../api.js';
import { h, replace, uid } from '../../dom.js';
import { date, dateTime, money } from '../../format.js';
import { actionButton, badge, quoteBadge } from '../../ui.js';
import { quoteLines, totalsList } from '../../components/quote-lines.js';
import { session } from '../main.js';

/** @typedef {import('../../components/quote-lines.js').Quote} Quote */

/** @param {import('../../router.js').Context} ctx */
export default async function quotePage(ctx) {
  const id = encodeURIComponent(ctx.params.id);
  const path = `/api/v1/quotes/${id}`;
  /** @type {Quote} */
  const quote = await get(path, { signal: ctx.signal });
  const [client, audit] = await Promise.all([
    get(`/api/v1/clients/${encodeURIComponent(quote.client_id)}`, { signal: ctx.signal }),
    quote.acceptance ? get(`/api/v1/audit/quotes/${id}`, { signal: ctx.signal }) : null,
  ]);
  const locked = Boolean(quote.acceptance);
  const clientHref = `/clients/${encodeURIComponent(quote.client_id)}`;

  return {
    title: quote.title,
    body: h(
      'div',
      { class: 'quote-page' },
      h('p', { class: 'small' }, h('a', { href: clientHref }, `← ${client.name}`)),
      h(
        'p',
        { class: 'row quote-meta' },
        quoteBadge(quote.status),
        h('span', { class: 'muted' }, `Revision ${quote.revision}`),
        h('span', null, 'For ', h('a', { href: clientHref }, client.name)),
        quote.expires_on ? h('span', { class: 'muted' }, `${quote.status === 'expired' ? 'Expired' : 'Valid until'} ${date(quote.expires_on)}`) : null,
      ),
      ctx.query.get('saved') ? h('p', { class: 'notice notice-success', role: 'status' }, `Quote saved (revision ${quote.revision}).`) : null,
      statusNotice(quote, client.name),
      actions(ctx, quote),
      h('h2', null, 'Items'),
      quote.lines.some((l) => l.optional) && quote.status !== 'draft'
        ? h('p', { class: 'muted small' }, 'Optional lines show what the client has currently chosen; the totals follow their choice.')
        : null,
      quoteLines({
        quote,
        viewer: 'staff',
        names: { client: client.name, staff: session.team?.business_name || 'Staff' },
        comment: locked ? undefined : (line, text) => post(`${path}/lines/${encodeURIComponent(line.line_id)}/comments`, { text }),
        reload: () => get(path),
        commentWords: { label: 'Reply', submit: 'Send reply' },
      }),
      h('section', { class: 'card quote-summary', 'aria-label': 'Quote total' }, totalsList(quote.totals, quote.currency)),
      audit ? evidence(quote, audit, id) : null,
    ),
  };
}

/** @param {Quote} quote @param {string} clientName */
function statusNotice(quote, clientName) {
  if (quote.acceptance) {
    return h('div', { class: 'card accepted' }, h('p', { class: 'accepted-line' }, `Accepted on ${date(quote.acceptance.accepted_at)} by ${quote.acceptance.name}`));
  }
  const words = {
    draft: `Draft: ${clientName} cannot see this quote until you send it.`,
    sent: `Sent: ${clientName} can see this quote in their portal, choose optional lines and accept it.`,
    expired: 'This quote has passed its expiry date and can no longer be accepted. Edit it to set a later date.',
    withdrawn: 'This quote was withdrawn. The client can still read it but can no longer accept it.',
  };
  const text = /** @type {Record<string, string>} */ (words)[quote.status];
  return text ? h('p', { class: quote.status === 'withdrawn' || quote.status === 'expired' ? 'notice notice-warning' : 'notice' }, text) : null;
}

/**
 * Send (a draft), Edit (until accepted or withdrawn), Withdraw (with a confirmation).
 * @param {import('../../router.js').Context} ctx
 * @param {Quote} quote
 */
function actions(ctx, quote) {
  const path = `/api/v1/quotes/${encodeURIComponent(quote.quote_id)}`;
  const editable = !quote.acceptance && quote.status !== 'withdrawn';
  const send =
    quote.status === 'draft'
      ? actionButton('Send', async () => {
          await post(`${path}/send`);
          ctx.refresh();
        }, { class: 'primary' })
      : null;
  const edit = editable ? h('a', { class: 'button', href: `/quotes/${encodeURIComponent(quote.quote_id)}/edit` }, 'Edit') : null;
  const withdraw = editable ? withdrawControl(ctx, path) : null;
  if (!send && !edit && !withdraw) return null;
  return h('div', { class: 'actions quote-actions' }, send, edit, withdraw);
}

/**
 * "Withdraw" asks first, in the page: "Yes, withdraw" or "Cancel".
 * @param {import('../../router.js').Context} ctx
 * @param {string} path
 */
function withdrawControl(ctx, path) {
  const slot = h('span', { class: 'withdraw' });
  const ask = () => {
    const questionId = uid('withdraw');
    const confirm = actionButton('Yes, withdraw', async () => {
      await post(`${path}/withdraw`);
      ctx.refresh();
    }, { class: 'danger', 'aria-describedby': questionId });
    const cancel = h('button', { type: 'button', onclick: () => { replace(slot, start); start.focus(); } }, 'Cancel');
    replace(
      slot,
      h('span', { class: 'notice notice-warning confirm', role: 'group', 'aria-label': 'Confirm withdrawal' },
        h('span', { id: questionId }, 'Withdraw this quote? The client will no longer be able to accept it.'),
        h('span', { class: 'actions' }, confirm, cancel)),
    );
    /** @type {HTMLButtonElement | null} */ (confirm.querySelector('button'))?.focus();
  };
  const start = /** @type {HTMLButtonElement} */ (h('button', { type: 'button', class: 'danger', onclick: ask }, 'Withdraw'));
  replace(slot, start);
  return slot;
}

/**
 * The acceptance evidence: name, date, IP from the view; user agent,
 * hashes, selected lines and the chain check from the audit.
 * @param {Quote} quote
 * @param {any} audit GET /api/v1/audit/quotes/{id}
 * @param {string} id the quote id, URL-encoded
 */
function evidence(quote, audit, id) {
  const a = audit.acceptance;
  const accepted = /** @type {NonNullable<Quote['acceptance']>} */ (quote.acceptance);
  const chosen = quote.lines.filter((l) => a?.selected_lines?.includes(l.line_id));
  const signature = signatureImage(audit);
  const headingId = uid('evidence');
  /** @type {[string, any][]} */
  const rows = [
    ['Name typed', accepted.name],
    ['Accepted', dateTime(accepted.accepted_at)],
    ['IP address', accepted.ip],
  ];
  if (a) {
    rows.push(
      ['Browser (user agent)', a.user_agent || 'Not recorded'],
      ['Login email', a.login_email || 'Not recorded'],
      ['Login set up from', a.login_invite ? ['The invite recorded as event ', h('code', null, a.login_invite)] : 'Not recorded'],
      ['Revision accepted', String(a.revision)],
      ['Lines accepted', chosen.length ? h('ul', { class: 'plain' }, chosen.map((l) => h('li', null, l.description))) : `${a.selected_lines.length}`],
      ['Totals agreed', `${money(a.totals.total, a.currency)} (subtotal ${money(a.totals.subtotal, a.currency)}, tax ${money(a.totals.tax, a.currency)})`],
      ['Signature SHA-256', hash(a.signature_sha256, a.signature_matches)],
      ['Content SHA-256', hash(a.content_sha256, a.content_matches)],
    );
  }
  rows.push(['Event history', chainText(audit)]);
  return h(
    'section',
    { class: 'card evidence', 'aria-labelledby': headingId },
    h('h2', { id: headingId }, 'Acceptance evidence'),
    signature,
    h('dl', { class: 'facts' }, rows.map(([term, value]) => [h('dt', null, term), h('dd', { class: 'break' }, value)])),
    h(
      'p',
      { class: 'actions' },
      h('a', { class: 'button', href: `/api/v1/audit/quotes/${id}/certificate`, target: '_blank', rel: 'noopener' }, 'Acceptance certificate (opens in a new tab)'),
      h('a', { class: 'button', href: `/api/v1/audit/quotes/${id}`, target: '_blank', rel: 'noopener' }, 'Audit report (JSON)', h('span', { class: 'visually-hidden' }, ' (opens in a new tab)')),
    ),
  );
}

/** @param {string} value @param {boolean} matches */
function hash(value, matches) {
  return [h('code', null, value), ' ', matches ? badge('Matches', 'success') : badge('Does not match', 'danger')];
}

/** @param {any} audit */
function chainText(audit) {
  if (audit.chain_valid) return [badge('Intact', 'success'), ` ${audit.events.length} events, each linked to the one before; nothing was altered.`];
  return [badge('Broken', 'danger'), ` The history was altered: ${audit.broken_link || 'a link does not match'}.`];
}

/** The drawn signature, from the acceptance event in the audit. @param {any} audit */
function signatureImage(audit) {
  const event = audit.events.find((/** @type {any} */ e) => /accepted/i.test(e.type));
  const png = event?.data?.signature_png;
  if (typeof png !== 'string' || !/^[A-Za-z0-9+/=]+$/.test(png)) return null;
  return h('figure', { class: 'signature-record' }, h('img', { src: `data:image/png;base64,${png}`, alt: `Signature of ${audit.acceptance?.name || 'the client'}` }), h('figcaption', { class: 'small muted' }, 'Signature as drawn'));
}
