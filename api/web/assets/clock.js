// The server's "now": every API answer's Date header comes from the
// server's clock, so pages count days and weeks from the same instant the
// server decides with, whatever the device's clock says.

/** Server time minus device time, in milliseconds. */
let offset = 0;

/** Learns the server's clock from an answer's `Date` header. @param {string | null} header */
export function learnServerDate(header) {
  const at = header ? Date.parse(header) : NaN;
  if (!Number.isNaN(at)) offset = at - Date.now();
}

/** The server's current instant. */
export function now() {
  return new Date(Date.now() + offset);
}

/** The server's current instant as an RFC 3339 string. */
export function nowIso() {
  return now().toISOString();
}
