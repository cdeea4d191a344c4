// The Messages inbox (docs/product.md §7.2): every client's thread, newest first,
// with the number of messages not read yet.

import { get } from '../../api.js';
import { h, replace } from '../../dom.js';
import { dateTime } from '../../format.js';
import { badge, empty, poll } from '../../ui.js';

/**
 * @typedef {object} Thread
 * @property {string} client_id
 * @property {string} client_name
 * @property {string} last_message_at
 * @property {number} unread
 */

/** @param {import('../../router.js').Context} ctx */
export default async function inbox(ctx) {
  const slot = h('div', { class: 'inbox' });
  const load = async () => {
    const data = await get('/api/v1/inbox', { signal: ctx.signal });
    replace(slot, threadList(data.threads));
  };
  await load();
  poll(ctx.signal, 15000, load);
  return { title: 'Messages', body: slot };
}

/** @param {Thread[]} threads */
function threadList(threads) {
  if (!threads.length) {
    return empty('No messages yet. When a client writes to you from their portal, the conversation appears here. To write first, open the client and select Messages.');
  }
  const newest = [...threads].sort((a, b) => b.last_message_at.localeCompare(a.last_message_at));
  return h('ul', { class: 'list threads' }, newest.map(threadItem));
}

/** @param {Thread} t */
function threadItem(t) {
  const unread = t.unread > 0;
  return h(
    'li',
    { class: unread ? 'thread-item unread' : 'thread-item' },
    h(
      'div',
      { class: 'grow' },
      h('a', { class: 'thread-link', href: `/inbox/${encodeURIComponent(t.client_id)}` }, t.client_name),
      h('p', { class: 'muted small' }, 'Last message ', h('time', { datetime: t.last_message_at }, dateTime(t.last_message_at))),
    ),
    unread ? badge(`${t.unread} unread`, 'danger') : h('span', { class: 'muted small' }, 'All read'),
  );
}
