// The client portal: its routes, the branded header with the sections this
// client may see, and its session (GET /api/v1/portal/me).

import { get } from '../api.js';
import { navigation, logoutButton, startApp } from '../app.js';
import { h } from '../dom.js';
import { useTimeZone } from '../format.js';
import { notAvailable, useAccent } from '../shell.js';
import { SECTIONS } from '../components/sections.js';

/** @type {import('../router.js').Route[]} */
const routes = [
  { path: '/login', open: true, load: () => import('./pages/login.js') },
  { path: '/forgot', open: true, load: () => import('./pages/forgot.js') },
  { path: '/set-password', open: true, load: () => import('./pages/set-password.js') },
  { path: '/reset', open: true, load: () => import('./pages/set-password.js') },
  { path: '/', load: () => import('./pages/home.js') },
  { path: '/quotes', section: 'quotes', load: () => import('./pages/quotes.js') },
  { path: '/quotes/:id', section: 'quotes', load: () => import('./pages/quote.js') },
  { path: '/invoices', section: 'invoices', load: () => import('./pages/invoices.js') },
  { path: '/invoices/:id', section: 'invoices', load: () => import('./pages/invoice.js') },
  { path: '/files', section: 'files', load: () => import('./pages/files.js') },
  { path: '/messages', section: 'messages', load: () => import('./pages/messages.js') },
  { path: '/meetings', section: 'meetings', load: () => import('./pages/meetings.js') },
];

const app = startApp({
  base: '/portal',
  name: 'Client portal',
  home: '/portal/',
  login: '/portal/login',
  routes,
  async who() {
    const me = await get('/api/v1/portal/me');
    useTimeZone(me.time_zone);
    useAccent(me.branding?.accent_colour);
    return me;
  },
  title: (me) => me.business_name,
  header,
  gate: (me, route) => (route.section && !me.sections?.[route.section] ? notAvailable() : null),
});

/** The logged-in client and their business (`GET /api/v1/portal/me`). */
export const session = {
  /** @returns {any} */
  get me() {
    return app.session.data;
  },
  load: app.session.load,
};

/** @param {any} me */
function header(me) {
  const path = location.pathname;
  const logo = me.branding?.logo_url ? h('img', { class: 'logo', src: me.branding.logo_url, alt: '' }) : null;
  const items = [{ href: '/portal/', text: 'Home', current: path === '/portal/' }].concat(
    SECTIONS.filter(([key]) => me.sections?.[key]).map(([key, text]) => {
      const href = `/portal/${key}`;
      return { href, text, current: path.startsWith(href) };
    }),
  );
  return h(
    'header',
    { class: 'topbar' },
    h('a', { class: 'brand', href: '/portal/' }, logo, h('span', null, me.business_name)),
    navigation('Portal sections', items),
    logoutButton(app.logout),
  );
}

// Notices a suspended portal or a section switched off while a page is open.
window.setInterval(async () => {
  const before = app.session.data;
  if (!before || document.hidden) return;
  try {
    const now = await app.session.load();
    if (JSON.stringify(now.sections) !== JSON.stringify(before.sections)) {
      app.navigate(location.pathname + location.search, { replace: true });
    }
  } catch {
    // a 401 went to the login page
  }
}, 10000);
