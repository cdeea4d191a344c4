// One quote in the client portal (docs/product.md §4.2–§4.7): every line and its
// amounts, optional lines to tick, a comment thread per line, and acceptance
// with a typed name and an on-screen signature.

import { ApiError, get, post, put } from '../../api.js';
import { h, uid } from '../../dom.js';
import { date, money } from '../../format.js';
import { errorSlot, form, quoteBadge, statusSlot } from '../../ui.js';
import { quoteLines, totalsList, updateTotals } from '../../components/quote-lines.js';
import { signaturePad } from '../../components/signature-pad.js';
import { session } from '../main.js';

/** @typedef {import('../../components/quote-lines.js').Quote} Quote */
/** @typedef {import('../../components/quote-lines.js').Totals} Totals */

/** @param {import('../../router.js').Context} ctx */
export default async function quotePage(ctx) {
  const path = `/api/v1/portal/quotes/${encodeURIComponent(ctx.params.id)}`;
  /** @type {Quote} */
  const quote = await get(path, { signal: ctx.signal });
  const business = session.me?.business_name || 'The business';
  const open = quote.status === 'sent';

  const totals = totalsList(quote.totals, quote.currency);
  const totalStatus = statusSlot();
  const statement = h('p', { class: 'accept-statement', id: uid('statement') });
  const showChoice = () => {
    statement.textContent = acceptanceStatement(quote);
  };
  showChoice();

  const lines = quoteLines({
    quote,
    viewer: 'client',
    names: { client: session.me?.name || 'Client', staff: business },
    toggle: open
      ? async (line, selected) => {
          /** @type {{totals: Totals}} */
          const answer = await put(`${path}/lines/${encodeURIComponent(line.line_id)}`, { selected });
          line.selected = selected;
          quote.totals = answer.totals;
          updateTotals(totals, answer.totals, quote.currency);
          showChoice();
          totalStatus.say(`${selected ? 'Added' : 'Removed'} “${line.description}”. Total now ${money(answer.totals.total, quote.currency)} including tax.`);
        }
      : undefined,
    comment: open ? (line, text) => post(`${path}/lines/${encodeURIComponent(line.line_id)}/comments`, { text }) : undefined,
    reload: () => get(path),
  });

  const hasOptional = quote.lines.some((l) => l.optional);
  return {
    title: quote.title,
    body: h(
      'div',
      { class: 'quote-page' },
      h('p', { class: 'small' }, h('a', { href: '/portal/quotes' }, '← All quotes')),
      summary(quote),
      notices(quote, ctx.query, business),
      h('h2', null, 'Items'),
      open && hasOptional ? h('p', { class: 'muted' }, 'Tick or untick the optional items to choose what you want. The total updates to match.') : null,
      open ? h('p', { class: 'muted small' }, 'Questions about an item? Open its comments and ask us before you accept.') : null,
      lines,
      h('section', { class: 'card quote-summary', 'aria-label': 'Quote total' }, totals, totalStatus.el),
      open ? acceptSection(ctx, quote, path, statement) : null,
    ),
  };
}

/** Status, revision and expiry under the heading. @param {Quote} quote */
function summary(quote) {
  return h(
    'p',
    { class: 'row quote-meta' },
    quoteBadge(quote.status),
    h('span', { class: 'muted' }, `Revision ${quote.revision}`),
    quote.expires_on && quote.status === 'sent' ? h('span', { class: 'muted' }, `Valid until ${date(quote.expires_on)}`) : null,
  );
}

/**
 * What the client should know before anything else: accepted, expired,
 * withdrawn, or updated while they were looking.
 * @param {Quote} quote
 * @param {URLSearchParams} query
 * @param {string} business
 */
function notices(quote, query, business) {
  const shown = [];
  if (query.get('updated') && quote.status === 'sent') {
    shown.push(h('p', { class: 'notice notice-warning', role: 'alert' }, `${business} updated this quote while you were viewing it. Please check the items and the total again before you accept.`));
  }
  if (quote.acceptance) {
    const thanks = query.get('accepted') ? h('p', { role: 'status' }, 'Thank you. Your acceptance has been recorded.') : null;
    shown.push(
      h('div', { class: 'card accepted' }, thanks, h('p', { class: 'accepted-line' }, `Accepted on ${date(quote.acceptance.accepted_at)} by ${quote.acceptance.name}`)),
    );
  } else if (quote.status === 'expired') {
    const when = quote.expires_on ? ` on ${date(quote.expires_on)}` : '';
    shown.push(h('p', { class: 'notice notice-warning' }, `This quote expired${when}, so it can no longer be accepted. Please contact ${business} if you would still like to go ahead.`));
  } else if (quote.status === 'withdrawn') {
    shown.push(h('p', { class: 'notice notice-warning' }, `${business} has withdrawn this quote, so it can no longer be accepted.`));
  }
  return shown;
}

/**
 * "You are accepting 'Bathroom refit' (revision 2): 3 of 4 lines, total £1,234.00 including tax."
 * @param {Quote} quote
 */
function acceptanceStatement(quote) {
  const chosen = quote.lines.filter((l) => l.selected).length;
  const of = quote.lines.length;
  const count = of === 1 ? '1 line' : `${chosen} of ${of} lines`;
  return `You are accepting ‘${quote.title}’ (revision ${quote.revision}): ${count}, total ${money(quote.totals.total, quote.currency)} including tax.`;
}

/**
 * The acceptance form: the statement, the typed name, the signature and Accept.
 * @param {import('../../router.js').Context} ctx
 * @param {Quote} quote
 * @param {string} path
 * @param {HTMLElement} statement
 */
function acceptSection(ctx, quote, path, statement) {
  const headingId = uid('accept');
  const nameId = uid('name');
  const nameError = errorSlot();
  nameError.el.id = `${nameId}-error`;
  const name = /** @type {HTMLInputElement} */ (
    h('input', { id: nameId, name: 'name', autocomplete: 'name', 'aria-required': 'true', maxlength: 200, 'aria-describedby': nameError.el.id })
  );

  const signHintId = uid('sign-hint');
  const signatureError = errorSlot();
  const pad = signaturePad({ describedBy: signHintId, onChange: () => signatureError.clear() });
  const typedId = uid('typed');
  const typed = /** @type {HTMLInputElement} */ (h('input', { type: 'checkbox', id: typedId }));
  typed.addEventListener('change', () => {
    pad.useTypedName(typed.checked ? name.value : null);
    signatureError.clear();
  });
  name.addEventListener('input', () => {
    nameError.clear();
    name.removeAttribute('aria-invalid');
    if (typed.checked) pad.useTypedName(name.value);
  });

  const accept = form({
    label: 'Accept this quote',
    submit: 'Accept',
    fields: [
      statement,
      h('div', { class: 'field' }, h('label', { for: nameId }, 'Your full name'), name, nameError.el),
      h(
        'fieldset',
        { class: 'signature-field' },
        h('legend', null, 'Your signature'),
        h('p', { class: 'hint', id: signHintId }, 'Draw your signature in the box with your finger, a stylus or the mouse. If you can’t draw, tick the box below: your typed name becomes your signature.'),
        pad.el,
        h('div', { class: 'check' }, typed, h('label', { for: typedId }, 'I can’t draw a signature: use my typed name')),
        signatureError.el,
      ),
      h('p', { class: 'small muted' }, 'By selecting Accept you agree to this quote. The date and time, your name, your signature and your IP address are recorded as proof.'),
    ],
    action: async () => {
      if (!ready(name, nameError, pad, signatureError, typed)) return;
      pad.setDisabled(true);
      try {
        await post(`${path}/accept`, { name: name.value.trim(), signature: pad.toDataURL(), revision: quote.revision });
        ctx.navigate(`/portal/quotes/${encodeURIComponent(quote.quote_id)}?accepted=1`, { replace: true });
      } catch (error) {
        if (error instanceof ApiError && error.status === 409) return reloadChanged(ctx, quote, error);
        throw error;
      } finally {
        pad.setDisabled(false);
      }
    },
  });
  return h('section', { class: 'card accept', 'aria-labelledby': headingId }, h('h2', { id: headingId }, 'Accept this quote'), accept);
}

/**
 * Checks the name and the signature before sending, with the reason beside each.
 * @param {HTMLInputElement} name
 * @param {ReturnType<typeof errorSlot>} nameError
 * @param {import('../../components/signature-pad.js').SignaturePad} pad
 * @param {ReturnType<typeof errorSlot>} signatureError
 * @param {HTMLInputElement} typed
 */
function ready(name, nameError, pad, signatureError, typed) {
  nameError.clear();
  signatureError.clear();
  if (!name.value.trim()) {
    nameError.show(new Error('Please type your full name.'));
    name.setAttribute('aria-invalid', 'true');
    name.focus();
    return false;
  }
  if (pad.isEmpty()) {
    signatureError.show(new Error('Please sign in the box, or tick “I can’t draw a signature: use my typed name”.'));
    typed.focus();
    return false;
  }
  return true;
}

/**
 * The quote changed under the client (a new revision, or it was accepted,
 * withdrawn or expired meanwhile): show it again as it is now.
 * @param {import('../../router.js').Context} ctx
 * @param {Quote} quote
 * @param {ApiError} error
 */
function reloadChanged(ctx, quote, error) {
  const updated = error.slug === 'revision-changed';
  ctx.navigate(`/portal/quotes/${encodeURIComponent(quote.quote_id)}${updated ? '?updated=1' : ''}`, { replace: true });
}
