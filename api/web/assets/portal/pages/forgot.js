// Forgotten password: the client gives their email and is sent a reset link (the answer never says whether the address has a login).

import { post } from '../../api.js';
import { h, replace } from '../../dom.js';
import { field, form } from '../../ui.js';

/** @param {import('../../router.js').Context} _ctx */
export default async function forgot(_ctx) {
  const email = field('Email', { type: 'email', name: 'email', autocomplete: 'username', required: true }, 'The address the business invited you with.');
  const sent = h('div', { role: 'status' });
  const intro = h('p', null, 'Enter your email address and we will send you a link to choose a new password.');
  const request = form({
    label: 'Reset your password',
    fields: [email.wrap],
    submit: 'Send reset link',
    action: async () => {
      await post('/api/v1/auth/portal/reset-request', { email: email.input.value.trim() }, { anonymous: true });
      intro.remove();
      request.remove();
      replace(
        sent,
        h('p', { class: 'notice notice-success' }, 'If that email has a portal login, we have sent a link to reset the password.'),
        h('p', null, 'The link works once, for 1 hour. If nothing arrives within a few minutes, check your spam folder or ask the business which address they invited.'),
      );
    },
  });
  return {
    title: 'Reset your password',
    body: h('div', { class: 'card narrow' }, sent, intro, request, h('p', { class: 'small' }, h('a', { href: '/portal/login' }, 'Back to log in'))),
  };
}
