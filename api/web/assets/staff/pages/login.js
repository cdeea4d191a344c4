// Staff login.

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
  return {
    title: 'Log in',
    body: h(
      'div',
      { class: 'card narrow' },
      ended,
      form({
        label: 'Log in',
        fields: [email.wrap, password.wrap],
        submit: 'Log in',
        action: async () => {
          await post('/api/v1/auth/staff/login', { email: email.input.value.trim(), password: password.input.value }, { anonymous: true });
          const next = ctx.query.get('next');
          ctx.navigate(next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/login') ? next : '/clients', { replace: true });
        },
      }),
      h('p', { class: 'small' }, 'New to CMA? ', h('a', { href: '/signup' }, 'Sign up your business')),
    ),
  };
}
