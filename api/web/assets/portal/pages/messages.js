// Messages (docs/product.md §7.1): the client's one shared thread with the business.

import { h } from '../../dom.js';
import { messageThread } from '../../components/thread.js';
import { session } from '../main.js';

/** @param {import('../../router.js').Context} ctx */
export default async function messages(ctx) {
  const business = session.me.business_name;
  const thread = await messageThread({
    path: '/api/v1/portal/messages',
    me: 'client',
    names: { client: 'You', staff: business },
    emptyText: `No messages yet. Write to ${business} below; their replies appear here.`,
    signal: ctx.signal,
  });
  return {
    title: 'Messages',
    body: h('div', null, h('p', { class: 'lead' }, `Chat with ${business}. Everything stays in this one thread, which you can both read.`), thread),
  };
}
