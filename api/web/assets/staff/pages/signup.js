// Sign-up: a business creates its team and owner login, is logged in and lands on its clients.

import { post } from '../../api.js';
import { h } from '../../dom.js';
import { field, form } from '../../ui.js';
import { newPassword } from '../../components/password.js';

/** @param {import('../../router.js').Context} ctx */
export default async function signup(ctx) {
  const business = field('Business name', { name: 'business_name', autocomplete: 'organization', required: true }, 'Your clients see this name in their portal and in emails.');
  const name = field('Your name', { name: 'owner_name', autocomplete: 'name', required: true });
  const email = field('Email', { type: 'email', name: 'owner_email', autocomplete: 'username', required: true });
  const password = newPassword({ label: 'Password', confirm: false });
  const zone = timeZoneField();
  return {
    title: 'Sign up your business',
    body: h(
      'div',
      { class: 'card narrow' },
      h('p', null, 'Create your CMA account. You can invite your clients to their portal straight away.'),
      form({
        label: 'Sign up',
        fields: [business.wrap, name.wrap, email.wrap, password.wrap, zone.wrap],
        submit: 'Create account',
        action: async () => {
          const owner = { email: email.input.value.trim(), password: password.value() };
          await post(
            '/api/v1/teams',
            { business_name: business.input.value.trim(), owner_name: name.input.value.trim(), owner_email: owner.email, owner_password: owner.password, time_zone: zone.input.value },
            { anonymous: true },
          );
          await post('/api/v1/auth/staff/login', owner, { anonymous: true });
          ctx.navigate('/clients', { replace: true });
        },
      }),
      h('p', { class: 'small' }, 'Already have an account? ', h('a', { href: '/login' }, 'Log in')),
    ),
  };
}

/** A select of every IANA time zone, the browser's own chosen. */
function timeZoneField() {
  const own = Intl.DateTimeFormat().resolvedOptions().timeZone || 'Europe/London';
  const zones = zoneNames();
  if (!zones.includes(own)) zones.unshift(own);
  const zoneField = field('Time zone', { tag: 'select', name: 'time_zone', required: true }, 'Your diary, meeting slots and the times your clients see use this zone.');
  const select = /** @type {HTMLSelectElement} */ (/** @type {unknown} */ (zoneField.input));
  select.append(...zones.map((z) => h('option', { value: z }, z.replace(/_/g, ' '))));
  select.value = own;
  return { wrap: zoneField.wrap, input: select };
}

/** @returns {string[]} */
function zoneNames() {
  const intl = /** @type {any} */ (Intl);
  return typeof intl.supportedValuesOf === 'function' ? [...intl.supportedValuesOf('timeZone')] : ['Europe/London', 'UTC'];
}
