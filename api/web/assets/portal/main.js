// The client portal: its routes, the branded header with the sections this
// client may see, and the session (a 401 anywhere sends the client to login).

import { get, post, whenSessionEnds } from '../api.js';
import { h, replace } from '../dom.js';
import { useTimeZone } from '../format.js';
import { startRouter } from '../router.js';
import { mountPage, notAvailable, notFound, show, useAccent } from '../shell.js';

/** @typedef {import('../router.js').Route} Route */

/** @type {Route[]} */
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

/** The navigation, in the help page's words. */
const SECTIONS = [
  ['quotes', 'Quotes', '/portal/quotes'],
  ['invoices', 'Invoices', '/portal/invoices'],
  ['files', 'Files', '/portal/files'],
  ['meetings', 'Meetings', '/portal/meetings'],
  ['messages', 'Messages', '/portal/messages'],
];

/**
 * The logged-in client (`GET /api/v1/portal/me`), loaded once per login.
 * @type {any}
 */
let me = null;

/** The portal's session: who is logged in, forgotten at logout. */
export const session = {
  /** @returns {any} */
  get me() {
    return me;
  },
  async load() {
    me = await get('/api/v1/portal/me');
    useTimeZone(me.time_zone);
    useAccent(me.branding?.accent_colour);
    return me;
  },
  forget() {
    me = null;
  },
};

const app = /** @type {HTMLElement} */ (document.getElementById('app'));
const main = h('main', { id: 'main', tabindex: '-1' });

const router = startRouter({
  base: '/portal',
  routes,
  async show(route, ctx) {
    app.removeAttribute('aria-busy');
    main.className = route?.open ? 'narrow-page' : '';
    if (route?.open) {
      session.forget();
      replace(app, h('header', { class: 'topbar topbar-plain' }, h('span', { class: 'brand' }, 'Client portal')), main);
      return mountPage(main, route, ctx, 'Client portal');
    }
    if (!me) {
      try {
        await session.load();
      } catch {
        return; // a 401 went to the login page
      }
    }
    replace(app, header(location.pathname), main);
    if (!route) return showStatic(notFound());
    if (route.section && !me.sections?.[route.section]) return showStatic(notAvailable());
    return mountPage(main, route, ctx, me.business_name);
  },
});

/** @param {{title: string, body: Node}} page */
function showStatic(page) {
  show(main, page.title, page.body, me?.business_name || 'Client portal');
}

/** @param {string} path the current path, to mark its nav item */
function header(path) {
  const logo = me.branding?.logo_url
    ? h('img', { class: 'logo', src: me.branding.logo_url, alt: '' })
    : null;
  const items = SECTIONS.filter(([key]) => me.sections?.[key]).map(([key, label, href]) =>
    h('li', null, h('a', { href, 'aria-current': path.startsWith(href) ? 'page' : undefined, 'data-section': key }, label)),
  );
  return h(
    'header',
    { class: 'topbar' },
    h('a', { class: 'brand', href: '/portal/' }, logo, h('span', null, me.business_name)),
    h('nav', { 'aria-label': 'Portal sections' }, h('ul', null, h('li', null, h('a', { href: '/portal/', 'aria-current': path === '/portal/' ? 'page' : undefined }, 'Home')), items)),
    h('button', { type: 'button', class: 'link-button', onclick: logout }, 'Log out'),
  );
}

async function logout() {
  try {
    await post('/api/v1/auth/logout');
  } finally {
    session.forget();
    router.navigate('/portal/login', { replace: true });
  }
}

// Notices a suspended portal or a section switched off while a page is open.
window.setInterval(async () => {
  if (!me || document.hidden) return;
  const before = JSON.stringify(me.sections);
  try {
    await session.load();
  } catch {
    return; // a 401 went to the login page
  }
  if (JSON.stringify(me.sections) !== before) router.navigate(location.pathname + location.search, { replace: true });
}, 10000);

whenSessionEnds(() => {
  const ended = me !== null;
  session.forget();
  if (location.pathname.startsWith('/portal/login')) return;
  const next = location.pathname + location.search;
  const query = new URLSearchParams();
  if (next !== '/portal/') query.set('next', next);
  if (ended) query.set('ended', '1');
  const search = query.toString();
  router.navigate(search ? `/portal/login?${search}` : '/portal/login', { replace: true });
});
