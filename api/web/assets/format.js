// Money, dates and times as people read them. Amounts arrive as exact
// decimal strings and are formatted from the string (no float arithmetic);
// times arrive in UTC and are shown in the business's time zone.

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
  const seconds = Math.round((new Date(iso).getTime() - Date.now()) / 1000);
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
