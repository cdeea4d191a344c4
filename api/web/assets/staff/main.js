// The staff app: its routes, the header with the inbox's unread count, and
// its session (GET /api/v1/team/settings).

import { get } from '../api.js';
import { navigation, logoutButton, startApp } from '../app.js';
import { h } from '../dom.js';
import { useTimeZone } from '../format.js';
import { useAccent } from '../shell.js';

// The first path segments here are the ones api/src/web.rs serves this app for.
/** @type {import('../router.js').Route[]} */
const routes = [
  { path: '/signup', open: true, load: () => import('./pages/signup.js') },
  { path: '/login', open: true, load: () => import('./pages/login.js') },
  { path: '/', section: 'clients', load: () => import('./pages/clients.js') },
  { path: '/clients', section: 'clients', load: () => import('./pages/clients.js') },
  { path: '/clients/:id', section: 'clients', load: () => import('./pages/client.js') },
  { path: '/clients/:id/quotes/new', section: 'clients', load: () => import('./pages/quote-editor.js') },
  { path: '/quotes/:id', section: 'clients', load: () => import('./pages/quote.js') },
  { path: '/quotes/:id/edit', section: 'clients', load: () => import('./pages/quote-editor.js') },
  { path: '/clients/:id/files', section: 'clients', load: () => import('./pages/client-files.js') },
  { path: '/clients/:id/invoices/new', section: 'clients', load: () => import('./pages/invoice-editor.js') },
  { path: '/invoices/:id', section: 'clients', load: () => import('./pages/invoice.js') },
  { path: '/inbox', section: 'inbox', load: () => import('./pages/inbox.js') },
  { path: '/inbox/:id', section: 'inbox', load: () => import('./pages/thread.js') },
  { path: '/diary', section: 'diary', load: () => import('./pages/diary.js') },
  { path: '/settings', section: 'settings', load: () => import('./pages/settings.js') },
  { path: '/emails', section: 'emails', load: () => import('./pages/emails.js') },
];

const NAV = [
  ['clients', 'Clients', '/clients'],
  ['inbox', 'Messages', '/inbox'],
  ['diary', 'Diary', '/diary'],
  ['emails', 'Emails', '/emails'],
  ['settings', 'Settings', '/settings'],
];

const unread = h('span', { class: 'count', hidden: true });

const app = startApp({
  base: '',
  name: 'CMA',
  home: '/clients',
  login: '/login',
  routes,
  async who() {
    const team = await get('/api/v1/team/settings');
    useTimeZone(team.time_zone);
    useAccent(team.branding?.accent_colour);
    return team;
  },
  title: (team) => team.business_name,
  header(team, route) {
    refreshUnread();
    const items = NAV.map(([key, text, href]) => ({ href, text, current: key === route?.section, extra: key === 'inbox' ? unread : undefined }));
    return h(
      'header',
      { class: 'topbar' },
      h('a', { class: 'brand', href: '/clients' }, h('span', null, team.business_name)),
      navigation('Main', items),
      logoutButton(app.logout),
    );
  },
});

/** The team's settings (`GET /api/v1/team/settings`). */
export const session = {
  /** @returns {any} */
  get team() {
    return app.session.data;
  },
  load: app.session.load,
};

/** The inbox's unread total beside "Messages". */
export async function refreshUnread() {
  try {
    const inbox = await get('/api/v1/inbox');
    const total = inbox.threads.reduce((/** @type {number} */ n, /** @type {any} */ t) => n + t.unread, 0);
    unread.textContent = total ? String(total) : '';
    unread.hidden = total === 0;
    unread.setAttribute('aria-label', `${total} unread`);
  } catch {
    // the count is a hint; the inbox page shows errors
  }
}

window.setInterval(() => {
  if (app.session.data && !document.hidden) refreshUnread();
}, 15000);
