// Book a meeting (docs/product.md §8.2–§8.4): the client's meetings with cancel, and the free slots of the next two weeks.

import { ApiError, get, post } from '../../api.js';
import { h, replace } from '../../dom.js';
import { currentTimeZone, dayHeading, dayKey, time, timeRange } from '../../format.js';
import { actionButton, busy, empty, errorSlot, fill, meetingBadge } from '../../ui.js';
import { session } from '../main.js';

/** @typedef {{starts_at: string, ends_at: string}} Slot */
/** @typedef {{appointment_id: string, starts_at: string, ends_at: string, status: string, can_cancel: boolean}} Meeting */

const TAKEN = 'That time was just taken. Here are the free times now.';
const NOT_BOOKABLE = 'That time can no longer be booked (it may have passed or our hours may have changed). Here are the free times now.';

/**
 * What the slot picker tells the page: a booking went through, or the
 * chosen time was refused and the free times must be shown afresh.
 * @typedef {object} Outcome
 * @property {(slot: Slot) => Promise<void>} booked
 * @property {(notice: string) => Promise<void>} refused
 */

/** @param {import('../../router.js').Context} ctx */
export default async function meetings(ctx) {
  const done = h('p', { class: 'notice notice-success', role: 'status', tabindex: '-1', hidden: true });
  const mine = h('div');
  const free = h('div');

  /** @param {string} text */
  function tell(text) {
    done.textContent = text;
    done.hidden = false;
    done.focus();
  }

  async function showMine() {
    await fill(mine, async () => meetingList((await get('/api/v1/portal/meetings', { signal: ctx.signal })).meetings, showAll, tell));
  }

  /** @param {string} [notice] shown above the fresh list: why it changed */
  async function showFree(notice) {
    await fill(free, async () => slotPicker((await get('/api/v1/portal/meetings/slots', { signal: ctx.signal })).slots, notice, outcome));
    if (notice) /** @type {HTMLElement | null} */ (free.querySelector('.notice'))?.focus();
  }

  async function showAll() {
    await Promise.all([showMine(), showFree()]);
  }

  /** @type {Outcome} */
  const outcome = {
    async booked(slot) {
      await showAll();
      tell(`Your meeting on ${dayHeading(slot.starts_at)}, ${timeRange(slot.starts_at, slot.ends_at)} is booked. We have emailed you the details.`);
    },
    refused: (notice) => showFree(notice),
  };

  await showAll();
  return {
    title: 'Book a meeting',
    body: h(
      'div',
      { class: 'meetings' },
      done,
      h('section', { 'aria-labelledby': 'your-meetings' }, h('h2', { id: 'your-meetings' }, 'Your meetings'), mine),
      h(
        'section',
        { 'aria-labelledby': 'free-times' },
        h('h2', { id: 'free-times' }, 'Choose a time'),
        h('p', { class: 'hint' }, `Pick a start time in the next two weeks, then confirm. Times are shown in ${zoneName()} time.`),
        free,
      ),
    ),
  };
}

/** The business's time zone as people read it ("America/New_York" → "America/New York"). */
function zoneName() {
  return currentTimeZone().replace(/_/g, ' ');
}

// ---- Your meetings ----

/**
 * @param {Meeting[]} list
 * @param {() => Promise<void>} reload
 * @param {(text: string) => void} tell shows a success sentence
 */
function meetingList(list, reload, tell) {
  if (list.length === 0) return empty('You have no meetings booked. Choose a time below to book one.');
  const sorted = [...list].sort((a, b) => a.starts_at.localeCompare(b.starts_at));
  return h('ul', { class: 'list' }, sorted.map((m) => meetingItem(m, reload, tell)));
}

/**
 * @param {Meeting} m
 * @param {() => Promise<void>} reload
 * @param {(text: string) => void} tell shows a success sentence
 */
function meetingItem(m, reload, tell) {
  const when = `${dayHeading(m.starts_at)}, ${timeRange(m.starts_at, m.ends_at)}`;
  return h(
    'li',
    { class: m.status === 'cancelled' ? 'meeting cancelled' : 'meeting' },
    h('div', { class: 'grow' }, h('strong', null, when)),
    meetingBadge(m.status),
    meetingAction(m, when, reload, tell),
  );
}

/**
 * Cancel (with a confirmation) while allowed; the contact advice when it is too late.
 * @param {Meeting} m
 * @param {string} when
 * @param {() => Promise<void>} reload
 * @param {(text: string) => void} tell shows a success sentence
 */
function meetingAction(m, when, reload, tell) {
  if (m.status !== 'scheduled') return null;
  if (!m.can_cancel) return tooLateNotice();
  const slot = h('div', { class: 'meeting-action' });
  const ask = () => {
    const confirm = actionButton('Yes, cancel meeting', async () => {
      await post(`/api/v1/portal/meetings/${encodeURIComponent(m.appointment_id)}/cancel`);
      await reload();
      tell(`Your meeting on ${when} is cancelled.`);
    }, { class: 'danger' });
    const keep = h('button', { type: 'button', onclick: () => { show(); start.focus(); } }, 'Keep meeting');
    replace(slot, h('div', { class: 'confirm', role: 'group', 'aria-label': `Cancel the meeting on ${when}?` },
      h('p', null, `Cancel the meeting on ${when}?`), h('div', { class: 'actions' }, confirm, keep)));
    /** @type {HTMLElement | null} */ (confirm.querySelector('button'))?.focus();
  };
  const start = h('button', { type: 'button', class: 'danger', onclick: ask, 'aria-label': `Cancel meeting on ${when}` }, 'Cancel');
  const show = () => replace(slot, start);
  show();
  return slot;
}

/** What a client reads when the 24-hour window has closed (help page: contact the business). */
function tooLateNotice() {
  const messages = session.me?.sections?.messages;
  return h(
    'p',
    { class: 'notice notice-warning small meeting-note' },
    'This meeting starts within 24 hours: please contact us to change it.',
    messages ? [' ', h('a', { href: '/portal/messages' }, 'Send us a message')] : null,
  );
}

// ---- Choose a time ----

/**
 * The free slots by day, each a button; choosing one opens the confirm step.
 * @param {Slot[]} slots
 * @param {string | undefined} notice
 * @param {Outcome} outcome
 */
function slotPicker(slots, notice, outcome) {
  const intro = notice ? h('p', { class: 'notice notice-warning', role: 'alert', tabindex: '-1' }, notice) : null;
  if (slots.length === 0) {
    return h('div', null, intro, noSlots());
  }
  /** @type {HTMLButtonElement | null} */
  let pressed = null;
  const confirmBox = h('div', { class: 'confirm-slot' });

  /** @param {HTMLButtonElement} button @param {Slot} slot */
  function choose(button, slot) {
    if (pressed) pressed.setAttribute('aria-pressed', 'false');
    pressed = button;
    button.setAttribute('aria-pressed', 'true');
    const day = /** @type {HTMLElement} */ (button.closest('.slot-day'));
    day.appendChild(confirmBox);
    replace(confirmBox, confirmStep(slot, outcome, () => {
      button.setAttribute('aria-pressed', 'false');
      pressed = null;
      replace(confirmBox);
      button.focus();
    }));
  }

  const minutes = Math.round((Date.parse(slots[0].ends_at) - Date.parse(slots[0].starts_at)) / 60000);
  return h(
    'div',
    null,
    intro,
    h('p', { class: 'hint' }, `Each meeting lasts ${minutes} minutes.`),
    h('div', { class: 'slots' }, byDay(slots).map(([, daySlots]) => dayGroup(daySlots, choose))),
  );
}

/** Slots grouped by their calendar day in the business's zone, in order. @param {Slot[]} slots */
function byDay(slots) {
  /** @type {Map<string, Slot[]>} */
  const days = new Map();
  for (const slot of [...slots].sort((a, b) => a.starts_at.localeCompare(b.starts_at))) {
    const key = dayKey(slot.starts_at);
    days.set(key, [...(days.get(key) || []), slot]);
  }
  return [...days.entries()];
}

/**
 * @param {Slot[]} slots one day's
 * @param {(button: HTMLButtonElement, slot: Slot) => void} choose
 */
function dayGroup(slots, choose) {
  const heading = dayHeading(slots[0].starts_at);
  return h(
    'section',
    { class: 'slot-day', 'aria-label': heading },
    h('h3', null, heading),
    h('ul', { class: 'slot-times' }, slots.map((slot) => {
      const button = /** @type {HTMLButtonElement} */ (h('button', {
        type: 'button',
        'aria-pressed': 'false',
        'aria-label': `${time(slot.starts_at)}, ${heading}`,
      }, time(slot.starts_at)));
      button.addEventListener('click', () => choose(button, slot));
      return h('li', null, button);
    })),
  );
}

/**
 * "Book Monday 14 December, 10:00–10:30?" with Confirm booking.
 * @param {Slot} slot
 * @param {Outcome} outcome
 * @param {() => void} onBack
 */
function confirmStep(slot, outcome, onBack) {
  const question = `Book ${dayHeading(slot.starts_at)}, ${timeRange(slot.starts_at, slot.ends_at)}?`;
  const errors = errorSlot();
  const confirm = /** @type {HTMLButtonElement} */ (h('button', { type: 'button', class: 'primary' }, 'Confirm booking'));
  confirm.addEventListener('click', () => {
    errors.clear();
    busy(confirm, async () => {
      try {
        await post('/api/v1/portal/meetings', { starts_at: slot.starts_at });
      } catch (error) {
        if (error instanceof ApiError && error.status === 409) return outcome.refused(TAKEN);
        if (error instanceof ApiError && error.status === 422) return outcome.refused(NOT_BOOKABLE);
        errors.show(error);
        return;
      }
      await outcome.booked(slot);
    });
  });
  const box = h(
    'div',
    { class: 'card confirm', role: 'group', 'aria-label': question },
    h('p', { class: 'confirm-question' }, question),
    h('div', { class: 'actions' }, confirm, h('button', { type: 'button', onclick: onBack }, 'Choose another time')),
    errors.el,
  );
  queueMicrotask(() => confirm.focus());
  return box;
}

/** No free time in the next two weeks: say what to do instead. */
function noSlots() {
  const note = empty('There are no free times in the next two weeks. Please contact us and we will find a time with you.');
  if (session.me?.sections?.messages) note.append(' ', h('a', { href: '/portal/messages' }, 'Send us a message'));
  return note;
}
