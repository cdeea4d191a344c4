// One client's message thread, staff side (docs/product.md §7.2): read and reply;
// opening it marks the client's messages read.

import { get } from '../../api.js';
import { h } from '../../dom.js';
import { portalShows } from '../../components/sections.js';
import { messageThread } from '../../components/thread.js';
import { refreshUnread, session } from '../main.js';

/** @param {import('../../router.js').Context} ctx */
export default async function thread(ctx) {
  const id = encodeURIComponent(ctx.params.id);
  const client = await get(`/api/v1/clients/${id}`, { signal: ctx.signal });
  const body = await messageThread({
    path: `/api/v1/clients/${id}/messages`,
    me: 'staff',
    names: { client: client.name, staff: session.team.business_name },
    emptyText: `No messages yet. Write to ${client.name} below; they see it in their portal.`,
    signal: ctx.signal,
    onRead: refreshUnread,
  });
  return {
    title: `Messages with ${client.name}`,
    body: h(
      'div',
      null,
      h('ul', { class: 'page-links' }, h('li', null, h('a', { href: '/inbox' }, '← All messages')), h('li', null, h('a', { href: `/clients/${id}` }, `${client.name}’s record`))),
      portalNote(client),
      body,
    ),
  };
}

/**
 * Says when the client cannot read the thread in their portal.
 * @param {any} client
 */
function portalNote(client) {
  if (portalShows(client, 'messages')) return null;
  return h('p', { class: 'notice' }, `${client.name} cannot see messages in their portal at the moment. Turn on Messages in their Portal access to let them read and reply.`);
}
