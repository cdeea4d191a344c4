// Project Files & Inspiration (docs/product.md §6.1): the client uploads photos,
// sketches and documents and downloads the files shared with the business.

import { h } from '../../dom.js';
import { filesSection } from '../../components/files.js';
import { session } from '../main.js';

/** @param {import('../../router.js').Context} ctx */
export default async function files(ctx) {
  const business = session.me.business_name;
  const section = await filesSection({
    listPath: '/api/v1/portal/files',
    contentPath: (id) => `/api/v1/portal/files/${encodeURIComponent(id)}/content`,
    uploaders: { client: 'you', staff: business },
    emptyText: `No files yet. Upload photos, sketches or documents above to share them with ${business}.`,
    signal: ctx.signal,
  });
  return {
    title: 'Project Files & Inspiration',
    body: h(
      'div',
      null,
      h('p', { class: 'lead' }, `Share photos, sketches and documents for your project with ${business}. They can see everything you upload here, and files they add for you appear here too.`),
      section,
    ),
  };
}
