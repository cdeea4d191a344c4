// The portal's sections: their names in the help page's words and order,
// and whether a client can see one in their portal.

/** @typedef {'quotes' | 'invoices' | 'files' | 'meetings' | 'messages'} Section */

/** The sections, in the navigation's order. @type {readonly (readonly [Section, string])[]} */
export const SECTIONS = [
  ['quotes', 'Quotes'],
  ['invoices', 'Invoices'],
  ['files', 'Files'],
  ['meetings', 'Meetings'],
  ['messages', 'Messages'],
];

/**
 * Whether the client sees `section` in their portal now: invited or active, with the section on.
 * @param {{portal?: {status: string, sections?: Partial<Record<Section, boolean>>}}} client
 * @param {Section} section
 */
export function portalShows(client, section) {
  const portal = client.portal;
  return Boolean(portal && (portal.status === 'active' || portal.status === 'invited') && portal.sections?.[section]);
}
