// Client login (PRODUCT §3.4): email and password; links to reset.

import { post } from '../../api.js';
import { h } from '../../dom.js';
import { field, form } from '../../ui.js';

/** @param {import('../../router.js').Context} ctx */
export default async function login(ctx) {
  const email = field('Email', { type: 'email', name: 'email', autocomplete: 'username', required: true });
  const password = field('Password', { type: 'password', name: 'password', autocomplete: 'current-password', required: true });
  const ended = ctx.query.get('ended')
    ? h('p', { class: 'notice notice-warning', role: 'status' }, 'Your session has ended. Please log in again.')
    : null;
  const done = ctx.query.get('reset')
    ? h('p', { class: 'notice notice-success', role: 'status' }, 'Your password has been changed. Log in with your new password.')
    : null;
  return {
    title: 'Log in to your portal',
    body: h(
      'div',
      { class: 'card narrow' },
      ended,
      done,
      form({
        label: 'Log in',
        fields: [email.wrap, password.wrap],
        submit: 'Log in',
        action: async () => {
          await post('/api/v1/auth/portal/login', { email: email.input.value.trim(), password: password.input.value }, { anonymous: true });
          ctx.navigate(safeNext(ctx.query.get('next')), { replace: true });
        },
      }),
      h('p', { class: 'small' }, h('a', { href: '/portal/forgot' }, 'Forgot your password?')),
    ),
  };
}

/** Only a path of the portal itself, never another site. @param {string | null} next */
function safeNext(next) {
  return next && next.startsWith('/portal/') && !next.startsWith('//') ? next : '/portal/';
}
