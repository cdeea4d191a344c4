// Staff login.

import { h } from '../../dom.js';
import { loginForm } from '../../components/login-form.js';

/** @param {import('../../router.js').Context} ctx */
export default async function login(ctx) {
  return {
    title: 'Log in',
    body: loginForm(ctx, {
      endpoint: '/api/v1/auth/staff/login',
      home: '/clients',
      allows: (path) => path.startsWith('/') && !path.startsWith('/login'),
      links: ['New to CMA? ', h('a', { href: '/signup' }, 'Sign up your business')],
    }),
  };
}
