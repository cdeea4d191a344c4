// The staff app: its routes, the header, and the session (a 401 anywhere
// sends the person to login).

import { get, post, whenSessionEnds } from '../api.js';
import { h, replace } from '../dom.js';
import { useTimeZone } from '../format.js';
import { startRouter } from '../router.js';
import { mountPage, notFound, show, useAccent } from '../shell.js';

/** @typedef {import('../router.js').Route} Route */

// The first path segments here are the ones api/src/web.rs serves this app for.
/** @type {Route[]} */
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

/**
 * The team's settings (`GET /api/v1/team/settings`), loaded once per login.
 * @type {any}
 */
let team = null;

/** The staff session: the team's settings, forgotten at logout. */
export const session = {
  /** @returns {any} */
  get team() {
    return team;
  },
  async load() {
    team = await get('/api/v1/team/settings');
    useTimeZone(team.time_zone);
    useAccent(team.branding?.accent_colour);
    return team;
  },
  forget() {
    team = null;
  },
};

const app = /** @type {HTMLElement} */ (document.getElementById('app'));
const main = h('main', { id: 'main', tabindex: '-1' });
const unread = h('span', { class: 'count', hidden: true });

const router = startRouter({
  base: '',
  routes,
  async show(route, ctx) {
    app.removeAttribute('aria-busy');
    main.className = route?.open ? 'narrow-page' : '';
    if (route?.open) {
      session.forget();
      replace(app, h('header', { class: 'topbar topbar-plain' }, h('a', { class: 'brand', href: '/' }, 'CMA')), main);
      return mountPage(main, route, ctx, 'CMA');
    }
    if (!team) {
      try {
        await session.load();
      } catch {
        return; // a 401 went to the login page
      }
    }
    replace(app, header(route?.section), main);
    refreshUnread();
    if (!route) return show(main, notFound().title, notFound().body, team.business_name);
    return mountPage(main, route, ctx, team.business_name);
  },
});

/** @param {string | undefined} current */
function header(current) {
  return h(
    'header',
    { class: 'topbar' },
    h('a', { class: 'brand', href: '/clients' }, h('span', null, team.business_name)),
    h(
      'nav',
      { 'aria-label': 'Main' },
      h(
        'ul',
        null,
        NAV.map(([key, label, href]) =>
          h('li', null, h('a', { href, 'aria-current': key === current ? 'page' : undefined }, label, key === 'inbox' ? unread : null)),
        ),
      ),
    ),
    h('button', { type: 'button', class: 'link-button', onclick: logout }, 'Log out'),
  );
}

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
  if (team && !document.hidden) refreshUnread();
}, 15000);

async function logout() {
  try {
    await post('/api/v1/auth/logout');
  } finally {
    session.forget();
    router.navigate('/login', { replace: true });
  }
}

whenSessionEnds(() => {
  const ended = team !== null;
  session.forget();
  if (location.pathname === '/login' || location.pathname === '/signup') return;
  const next = location.pathname + location.search;
  const query = new URLSearchParams();
  if (next !== '/' && next !== '/clients') query.set('next', next);
  if (ended) query.set('ended', '1');
  const search = query.toString();
  router.navigate(search ? `/login?${search}` : '/login', { replace: true });
});
