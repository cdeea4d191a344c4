// A client's files on their record (docs/product.md §6.2): what the client uploaded
// and what the team uploads for them.

import { get } from '../../api.js';
import { h } from '../../dom.js';
import { filesSection } from '../../components/files.js';
import { portalShows } from '../../components/sections.js';

/** @param {import('../../router.js').Context} ctx */
export default async function clientFiles(ctx) {
  const id = encodeURIComponent(ctx.params.id);
  const client = await get(`/api/v1/clients/${id}`, { signal: ctx.signal });
  const section = await filesSection({
    listPath: `/api/v1/clients/${id}/files`,
    contentPath: (fileId) => `/api/v1/files/${encodeURIComponent(fileId)}/content`,
    uploaders: { client: client.name, staff: 'your team' },
    emptyText: `No files yet. Files ${client.name} uploads in their portal appear here, and you can upload files for them above.`,
    signal: ctx.signal,
  });
  return {
    title: `Files for ${client.name}`,
    body: h(
      'div',
      null,
      h('p', { class: 'small' }, h('a', { href: `/clients/${id}` }, `← ${client.name}`)),
      portalNote(client),
      section,
    ),
  };
}

/**
 * Says when the client cannot see these files in their portal.
 * @param {any} client
 */
function portalNote(client) {
  if (portalShows(client, 'files')) return null;
  return h('p', { class: 'notice' }, `${client.name} cannot see files in their portal at the moment. Files you upload here stay on their record.`);
}
