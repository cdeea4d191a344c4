// The team diary (docs/product.md §8): one week of appointments in the team's time zone, booking for a client, cancelling.

import { get, post } from '../../api.js';
import { nowIso } from '../../clock.js';
import { h, replace } from '../../dom.js';
import { addDays, currentTimeZone, dayHeading, dayKey, instantAt, timeRange } from '../../format.js';
import { actionButton, errorText, field, form, meetingBadge, statusSlot } from '../../ui.js';
import { session } from '../main.js';

/** @typedef {{appointment_id: string, client_id?: string, title?: string, starts_at: string, ends_at: string, status: string, booked_by: string}} Appointment */
/** @typedef {{client_id: string, name: string}} Client */

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** @param {import('../../router.js').Context} ctx */
export default async function diary(ctx) {
  const today = dayKey(nowIso());
  const monday = mondayOf(plainDay(ctx.query.get('week')) || today);
  const [clientList, appointments] = await Promise.all([get('/api/v1/clients', { signal: ctx.signal }), weekAppointments(monday, ctx.signal)]);
  /** @type {Client[]} */
  const clients = [...clientList.clients].sort((a, b) => a.name.localeCompare(b.name));
  const names = new Map(clients.map((c) => [c.client_id, c.name]));
  const week = h('div', { class: 'week-wrap' });

  async function reload() {
    try {
      showWeek(await weekAppointments(monday, ctx.signal));
    } catch (error) {
      replace(week, h('p', { class: 'error', role: 'alert' }, errorText(error)));
    }
  }

  /** @param {Appointment[]} list */
  function showWeek(list) {
    replace(week, weekView(monday, today, list, names, reload));
  }

  showWeek(appointments);
  const booking = bookingForm(clients, monday <= today && today < addDays(monday, 7) ? today : monday, async (day) => {
    if (mondayOf(day) === monday) await reload();
    else ctx.navigate(`/diary?week=${mondayOf(day)}`);
  });
  return {
    title: 'Diary',
    body: h(
      'div',
      { class: 'diary' },
      weekNav(monday, today),
      h('p', { class: 'hint' }, `Times are shown in ${currentTimeZone().replace(/_/g, ' ')} time.`),
      week,
      booking,
    ),
  };
}

/** `YYYY-MM-DD` if `text` is a real calendar day. @param {string | null} text */
function plainDay(text) {
  if (!text || !/^\d{4}-\d{2}-\d{2}$/.test(text)) return null;
  return addDays(text, 0) === text ? text : null;
}

/** The Monday of the week holding `day`. @param {string} day */
function mondayOf(day) {
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay(); // 0 = Sunday
  return addDays(day, -((weekday + 6) % 7));
}

/** The appointments overlapping Monday 00:00 to the next Monday 00:00 in the team's zone. @param {string} monday @param {AbortSignal} signal */
async function weekAppointments(monday, signal) {
  const from = encodeURIComponent(instantAt(monday, '00:00'));
  const to = encodeURIComponent(instantAt(addDays(monday, 7), '00:00'));
  /** @type {{appointments: Appointment[]}} */
  const answer = await get(`/api/v1/diary?from=${from}&to=${to}`, { signal });
  return answer.appointments;
}

/** "7–13 December 2026". @param {string} monday */
function weekLabel(monday) {
  const dates = new Intl.DateTimeFormat(undefined, { timeZone: 'UTC', day: 'numeric', month: 'long', year: 'numeric' });
  return dates.formatRange(new Date(`${monday}T12:00:00Z`), new Date(`${addDays(monday, 6)}T12:00:00Z`));
}

/** Previous week, This week, Next week. @param {string} monday @param {string} today */
function weekNav(monday, today) {
  const thisWeek = mondayOf(today);
  return h(
    'nav',
    { class: 'week-nav', 'aria-label': 'Weeks' },
    h('h2', { class: 'week-label' }, weekLabel(monday)),
    h(
      'div',
      { class: 'actions' },
      h('a', { class: 'button', href: `/diary?week=${addDays(monday, -7)}` }, h('span', { 'aria-hidden': 'true' }, '←'), 'Previous week'),
      h('a', { class: 'button', href: `/diary?week=${thisWeek}`, 'aria-current': monday === thisWeek ? 'date' : undefined }, 'This week'),
      h('a', { class: 'button', href: `/diary?week=${addDays(monday, 7)}` }, 'Next week', h('span', { 'aria-hidden': 'true' }, '→')),
    ),
  );
}

/**
 * Monday to Sunday, each day with its appointments by start.
 * @param {string} monday
 * @param {string} today
 * @param {Appointment[]} list
 * @param {Map<string, string>} names
 * @param {() => Promise<void>} reload
 */
function weekView(monday, today, list, names, reload) {
  const days = [0, 1, 2, 3, 4, 5, 6].map((n) => addDays(monday, n));
  return h(
    'div',
    { class: 'week' },
    days.map((day) => {
      const todays = list.filter((a) => dayKey(a.starts_at) === day).sort((a, b) => a.starts_at.localeCompare(b.starts_at));
      const heading = dayHeading(instantAt(day, '12:00'));
      return h(
        'section',
        { class: day === today ? 'day today' : 'day', 'aria-label': day === today ? `${heading} (today)` : heading },
        h('h3', { class: 'day-heading' }, heading, day === today ? h('span', { class: 'badge badge-info today-badge' }, 'Today') : null),
        todays.length
          ? h('ul', { class: 'appointments' }, todays.map((a) => appointmentItem(a, names, reload)))
          : h('p', { class: 'muted small' }, 'Nothing booked'),
      );
    }),
  );
}

/**
 * @param {Appointment} a
 * @param {Map<string, string>} names
 * @param {() => Promise<void>} reload
 */
function appointmentItem(a, names, reload) {
  const who = a.client_id
    ? h('a', { href: `/clients/${encodeURIComponent(a.client_id)}` }, names.get(a.client_id) || 'Client')
    : h('span', null, a.title || 'No client');
  return h(
    'li',
    { class: a.status === 'cancelled' ? 'appointment cancelled' : 'appointment' },
    h('p', { class: 'appointment-time' }, h('strong', null, timeRange(a.starts_at, a.ends_at))),
    h('p', { class: 'appointment-who' }, who),
    a.client_id && a.title ? h('p', { class: 'appointment-title' }, a.title) : null,
    h('p', { class: 'appointment-meta' }, meetingBadge(a.status), ' ', h('span', { class: 'muted' }, a.booked_by === 'client' ? 'Booked by client' : 'Booked by staff')),
    a.status === 'scheduled' ? cancelControl(a, names, reload) : null,
  );
}

/**
 * Cancel, then "Cancel this appointment?" with Yes / Keep.
 * @param {Appointment} a
 * @param {Map<string, string>} names
 * @param {() => Promise<void>} reload
 */
function cancelControl(a, names, reload) {
  const what = `${dayHeading(a.starts_at)}, ${timeRange(a.starts_at, a.ends_at)}${a.client_id ? ` with ${names.get(a.client_id) || 'client'}` : ''}`;
  const slot = h('div', { class: 'appointment-action' });
  const start = h('button', { type: 'button', class: 'danger small-button', 'aria-label': `Cancel appointment ${what}`, onclick: ask }, 'Cancel');
  function ask() {
    const yes = actionButton('Yes, cancel', async () => {
      await post(`/api/v1/diary/appointments/${encodeURIComponent(a.appointment_id)}/cancel`);
      await reload();
    }, { class: 'danger small-button' });
    const keep = h('button', { type: 'button', class: 'small-button', onclick: () => { replace(slot, start); start.focus(); } }, 'Keep');
    replace(slot, h('div', { role: 'group', 'aria-label': `Cancel appointment ${what}?` }, h('p', { class: 'small' }, 'Cancel this appointment?'), h('div', { class: 'actions' }, yes, keep)));
    /** @type {HTMLElement | null} */ (yes.querySelector('button'))?.focus();
  }
  replace(slot, start);
  return slot;
}

/**
 * "Book for a client": client, date, start, end (start + the slot length until edited), title.
 * @param {Client[]} clients
 * @param {string} day the date offered first
 * @param {(day: string) => Promise<void>} onBooked
 */
function bookingForm(clients, day, onBooked) {
  const team = session.team;
  const slotMinutes = Number(team?.slot_minutes) || 60;
  const client = field('Client', { tag: 'select', name: 'client_id' }, clients.length ? undefined : 'You have no clients yet: add one from Clients to book for them.');
  replace(client.input,
    clients.length ? h('option', { value: '' }, 'Choose a client') : null,
    clients.map((c) => h('option', { value: c.client_id }, c.name)),
    h('option', { value: 'none' }, 'No client (time blocked out)'));
  if (clients.length) client.input.required = true;
  const date = field('Date', { type: 'date', name: 'date', required: true, value: day });
  const start = field('Start time', { type: 'time', name: 'start', required: true, step: 300, value: openingTime(team, day) });
  const end = field('End time', { type: 'time', name: 'end', required: true, step: 300, value: addMinutes(start.input.value, slotMinutes) }, `Defaults to your meeting length of ${slotMinutes} minutes.`);
  const title = field('Title (optional)', { name: 'title', maxlength: 200, autocomplete: 'off' });
  let endEdited = false;
  end.input.addEventListener('input', () => { endEdited = true; });
  start.input.addEventListener('input', () => {
    if (!endEdited && start.input.value) end.input.value = addMinutes(start.input.value, slotMinutes);
  });
  const status = statusSlot();
  const el = form({
    submit: 'Book appointment',
    fields: [h('div', { class: 'booking-fields' }, client.wrap, date.wrap, start.wrap, end.wrap, title.wrap)],
    extra: [status.el],
    action: async () => {
      status.el.textContent = '';
      const chosen = client.input.value;
      const startsAt = instantAt(date.input.value, start.input.value);
      const endsAt = instantAt(date.input.value, end.input.value);
      await post('/api/v1/diary/appointments', {
        client_id: chosen && chosen !== 'none' ? chosen : undefined,
        starts_at: startsAt,
        ends_at: endsAt,
        title: title.input.value.trim() || undefined,
      });
      const name = clients.find((c) => c.client_id === chosen)?.name;
      title.input.value = '';
      await onBooked(date.input.value);
      status.say(`Booked ${dayHeading(startsAt)}, ${timeRange(startsAt, endsAt)}${name ? ` with ${name}` : ''}.`);
    },
  });
  return h('section', { class: 'card booking', 'aria-labelledby': 'book-heading' }, h('h2', { id: 'book-heading' }, 'Book for a client'), el);
}

/** The first working hour of `day`'s weekday, else 09:00. @param {any} team @param {string} day */
function openingTime(team, day) {
  const weekday = WEEKDAYS[(new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7];
  const intervals = team?.working_hours?.[weekday];
  return Array.isArray(intervals) && intervals.length ? intervals[0][0] : '09:00';
}

/** "09:00" + 90 → "10:30" (stops at 23:59). @param {string} clock @param {number} minutes */
function addMinutes(clock, minutes) {
  const [hours, mins] = clock.split(':').map(Number);
  const total = Math.min(hours * 60 + mins + minutes, 23 * 60 + 59);
  return `${String(Math.floor(total / 60)).padStart(2, '0')}:${String(total % 60).padStart(2, '0')}`;
}
