// Client login (docs/product.md §3.4): email and password; links to reset.

import { h } from '../../dom.js';
import { loginForm } from '../../components/login-form.js';

/** @param {import('../../router.js').Context} ctx */
export default async function login(ctx) {
  return {
    title: 'Log in to your portal',
    body: loginForm(ctx, {
      endpoint: '/api/v1/auth/portal/login',
      home: '/portal/',
      allows: (path) => path.startsWith('/portal/'),
      notice: ctx.query.get('reset')
        ? h('p', { class: 'notice notice-success', role: 'status' }, 'Your password has been changed. Log in with your new password.')
        : null,
      links: h('a', { href: '/portal/forgot' }, 'Forgot your password?'),
    }),
  };
}
