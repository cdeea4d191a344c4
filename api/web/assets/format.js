// Money, dates and times as people read them. Amounts arrive as exact
// decimal strings and are formatted from the string (no float arithmetic);
// times arrive in UTC and are shown in the business's time zone.

import { now } from './clock.js';

let timeZone = 'UTC';
const locale = undefined; // the browser's language

/** Shows times in the business's IANA time zone from now on. @param {string} zone */
export function useTimeZone(zone) {
  if (zone) timeZone = zone;
}

export function currentTimeZone() {
  return timeZone;
}

/**
 * "£1,234.50" from ("1234.50", "GBP").
 * @param {string} amount a decimal string
 * @param {string} currency ISO 4217
 */
export function money(amount, currency) {
  try {
    // A string keeps every digit (Intl.NumberFormat formats decimal strings exactly).
    return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(/** @type {any} */ (amount));
  } catch {
    return `${amount} ${currency}`;
  }
}

/** "2.5" stays "2.5"; "20" → "20%". @param {string} rate */
export function percent(rate) {
  return `${rate}%`;
}

/** @param {Intl.DateTimeFormatOptions} options */
function formatter(options) {
  return new Intl.DateTimeFormat(locale, { timeZone, ...options });
}

/** "Mon 7 Dec 2026, 09:30". @param {string} iso */
export function dateTime(iso) {
  return formatter({ weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' }).format(new Date(iso));
}

/** "7 December 2026". @param {string} iso an instant or a plain date */
export function date(iso) {
  if (/^\d{4}-\d{2}-\d{2}$/.test(iso)) {
    return new Intl.DateTimeFormat(locale, { timeZone: 'UTC', day: 'numeric', month: 'long', year: 'numeric' }).format(new Date(`${iso}T00:00:00Z`));
  }
  return formatter({ day: 'numeric', month: 'long', year: 'numeric' }).format(new Date(iso));
}

/** "09:30". @param {string} iso */
export function time(iso) {
  return formatter({ hour: '2-digit', minute: '2-digit' }).format(new Date(iso));
}

/** "Monday 7 December". @param {string} iso */
export function dayHeading(iso) {
  return formatter({ weekday: 'long', day: 'numeric', month: 'long' }).format(new Date(iso));
}

/** The calendar day of an instant in the business's zone, "2026-12-07". @param {string} iso */
export function dayKey(iso) {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(iso));
}

/** "3 minutes ago" style, for message lists. @param {string} iso */
export function relative(iso) {
  const seconds = Math.round((new Date(iso).getTime() - now().getTime()) / 1000);
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  const abs = Math.abs(seconds);
  if (abs < 60) return rtf.format(seconds, 'second');
  if (abs < 3600) return rtf.format(Math.round(seconds / 60), 'minute');
  if (abs < 86400) return rtf.format(Math.round(seconds / 3600), 'hour');
  return dateTime(iso);
}

/** "1.2 MB". @param {number} bytes */
export function size(bytes) {
  if (bytes < 1024) return `${bytes} bytes`;
  const units = ['KB', 'MB', 'GB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** "10:00–10:30": a span of time of one day. @param {string} startIso @param {string} endIso */
export function timeRange(startIso, endIso) {
  return `${time(startIso)}–${time(endIso)}`;
}

/**
 * The instant (RFC 3339, UTC) of a wall-clock time on a calendar day in the
 * business's zone: ("2026-12-14", "10:00") → "2026-12-14T10:00:00.000Z" in
 * London's winter. A time skipped by a daylight-saving change moves on by
 * the gap.
 * @param {string} day `YYYY-MM-DD`
 * @param {string} clock `HH:MM`
 */
export function instantAt(day, clock) {
  const [y, m, d] = day.split('-').map(Number);
  const [hour, minute] = clock.split(':').map(Number);
  const wall = Date.UTC(y, m - 1, d, hour, minute);
  const first = wall - zoneOffset(wall);
  return new Date(wall - zoneOffset(first)).toISOString();
}

/** How far the business's zone is ahead of UTC at an instant, in ms. @param {number} ms */
function zoneOffset(ms) {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
  }).formatToParts(new Date(ms));
  /** @param {string} type */
  const part = (type) => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'), part('second'));
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/** The calendar day `n` days after `day` (plain dates, no zone). @param {string} day `YYYY-MM-DD` @param {number} n */
export function addDays(day, n) {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

/**
 * Like money, but never drops digits: a unit price of "0.335" GBP is
 * "£0.335", not "£0.34" (at least the currency's minor digits are shown).
 * @param {string} amount a decimal string
 * @param {string} currency ISO 4217
 */
export function exactMoney(amount, currency) {
  const places = (String(amount).split('.')[1] || '').length;
  try {
    const minor = new Intl.NumberFormat(locale, { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    const digits = Math.min(Math.max(places, minor), 20);
    return new Intl.NumberFormat(locale, { style: 'currency', currency, minimumFractionDigits: minor, maximumFractionDigits: digits }).format(/** @type {any} */ (amount));
  } catch {
    return `${amount} ${currency}`;
  }
}
