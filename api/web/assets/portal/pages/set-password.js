// The page behind the invite link (/portal/set-password: set a first password and log in) and the reset link (/portal/reset: choose a new one).

import { ApiError, post } from '../../api.js';
import { h, replace } from '../../dom.js';
import { form } from '../../ui.js';
import { newPassword } from '../../components/password.js';

/**
 * @typedef {object} Kind
 * @property {string} title
 * @property {string} intro
 * @property {string} submit
 * @property {string} route the API route that takes the token
 * @property {string} next where the person goes afterwards
 * @property {() => Node[]} expired what to say when the link no longer works
 */

/** @type {Kind} */
const INVITE = {
  title: 'Set your password',
  intro: 'Welcome to your client portal. Choose a password: you will log in with it and your email address from now on.',
  submit: 'Set password and log in',
  route: '/api/v1/auth/portal/set-password',
  next: '/portal/',
  expired: () => [
    h('p', null, 'This invite link has expired or has already been used. Invite links work once, for 7 days.'),
    h('p', null, 'If you have set your password already, ', h('a', { href: '/portal/login' }, 'log in'), ' or ', h('a', { href: '/portal/forgot' }, 'reset your password'), '. Otherwise, please ask the business to send you a new invite.'),
  ],
};

/** @type {Kind} */
const RESET = {
  title: 'Choose a new password',
  intro: 'Choose a new password for your client portal. You will be asked to log in with it afterwards.',
  submit: 'Save new password',
  route: '/api/v1/auth/portal/reset',
  next: '/portal/login?reset=1',
  expired: () => [
    h('p', null, 'This reset link has expired or has already been used. Reset links work once, for 1 hour.'),
    h('p', null, h('a', { href: '/portal/forgot' }, 'Request a new link')),
  ],
};

/** @param {import('../../router.js').Context} ctx */
export default async function setPassword(ctx) {
  const kind = location.pathname.startsWith('/portal/reset') ? RESET : INVITE;
  const token = ctx.query.get('token') || '';
  if (!token) {
    return { title: kind.title, body: h('div', { class: 'card narrow' }, notice(kind.expired())) };
  }
  const expired = h('div', { role: 'alert' });
  const password = newPassword();
  return {
    title: kind.title,
    body: h(
      'div',
      { class: 'card narrow' },
      h('p', null, kind.intro),
      form({
        label: kind.title,
        fields: [password.wrap],
        submit: kind.submit,
        action: async () => {
          replace(expired);
          try {
            await post(kind.route, { token, password: password.value() }, { anonymous: true });
          } catch (error) {
            if (!(error instanceof ApiError && error.status === 400)) throw error;
            replace(expired, notice(kind.expired()));
            return;
          }
          ctx.navigate(kind.next, { replace: true });
        },
      }),
      expired,
    ),
  };
}

/** @param {Node[]} content */
function notice(content) {
  return h('div', { class: 'notice notice-warning' }, content);
}
