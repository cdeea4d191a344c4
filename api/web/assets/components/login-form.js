// The login form of both apps: email and password, "Your session has
// ended" after a 401, then on to the page the person was going to.

import { post } from '../api.js';
import { h } from '../dom.js';
import { field, form } from '../ui.js';

/**
 * @typedef {object} LoginOptions
 * @property {string} endpoint where the email and password are posted
 * @property {string} home where to go when `?next=` is missing or not allowed
 * @property {(path: string) => boolean} allows which `?next=` paths of this app to go back to
 * @property {import('../dom.js').Child} [notice] shown under "Your session has ended"
 * @property {import('../dom.js').Child} links under the form
 */

/**
 * @param {import('../router.js').Context} ctx
 * @param {LoginOptions} o
 */
export function loginForm(ctx, o) {
  const email = field('Email', { type: 'email', name: 'email', autocomplete: 'username', required: true });
  const password = field('Password', { type: 'password', name: 'password', autocomplete: 'current-password', required: true });
  const ended = ctx.query.get('ended')
    ? h('p', { class: 'notice notice-warning', role: 'status' }, 'Your session has ended. Please log in again.')
    : null;
  return h(
    'div',
    { class: 'card narrow' },
    ended,
    o.notice,
    form({
      label: 'Log in',
      fields: [email.wrap, password.wrap],
      submit: 'Log in',
      action: async () => {
        await post(o.endpoint, { email: email.input.value.trim(), password: password.input.value }, { anonymous: true });
        const next = ctx.query.get('next');
        // Only a path of this site, never another one ("//host").
        ctx.navigate(next && !next.startsWith('//') && o.allows(next) ? next : o.home, { replace: true });
      },
    }),
    h('p', { class: 'small' }, o.links),
  );
}
