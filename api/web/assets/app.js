// What the staff app and the client portal share: the session (who is
// logged in, loaded once per login), the frame around each page, and what
// happens at logout or when the session ends (back to login, keeping the
// page the person was on).

import { post, whenSessionEnds } from './api.js';
import { h, replace } from './dom.js';
import { startRouter } from './router.js';
import { mountPage, notFound, show } from './shell.js';

/**
 * @typedef {import('./router.js').Route} Route
 * @typedef {{title: string, body: Node}} StaticPage
 *
 * @typedef {object} AppSetup
 * @property {string} base the app's path prefix (`` or `/portal`)
 * @property {string} name shown on the sign-in pages and in their titles
 * @property {string} home where a login leads by default
 * @property {string} login the login page's path
 * @property {Route[]} routes
 * @property {() => Promise<any>} who loads who is logged in (a 401 ends the session)
 * @property {(data: any) => string} title the document title's ending
 * @property {(data: any, route: Route | null) => Node} header the frame's header
 * @property {(data: any, route: Route) => StaticPage | null} [gate] a page to show instead of the route's
 */

/** @param {AppSetup} setup */
export function startApp(setup) {
  /** @type {any} */
  let data = null;
  const root = /** @type {HTMLElement} */ (document.getElementById('app'));
  const main = h('main', { id: 'main', tabindex: '-1' });
  const session = {
    /** @returns {any} */
    get data() {
      return data;
    },
    async load() {
      data = await setup.who();
      return data;
    },
    forget() {
      data = null;
    },
  };

  /** @param {StaticPage} page */
  const showStatic = (page) => show(main, page.title, page.body, setup.title(data));

  const router = startRouter({
    base: setup.base,
    routes: setup.routes,
    async show(route, ctx) {
      root.removeAttribute('aria-busy');
      main.className = route?.open ? 'narrow-page' : '';
      if (route?.open) {
        session.forget();
        replace(root, h('header', { class: 'topbar topbar-plain' }, h('a', { class: 'brand', href: setup.home }, setup.name)), main);
        return mountPage(main, route, ctx, setup.name);
      }
      if (!data) {
        try {
          await session.load();
        } catch {
          return; // a 401 went to the login page
        }
      }
      replace(root, setup.header(data, route), main);
      if (!route) return showStatic(notFound());
      const instead = setup.gate?.(data, route);
      if (instead) return showStatic(instead);
      return mountPage(main, route, ctx, setup.title(data));
    },
  });

  async function logout() {
    try {
      await post('/api/v1/auth/logout');
    } finally {
      session.forget();
      router.navigate(setup.login, { replace: true });
    }
  }

  whenSessionEnds(() => {
    const ended = data !== null;
    session.forget();
    const open = setup.routes.some((r) => r.open && location.pathname === setup.base + r.path);
    if (open) return;
    const next = location.pathname + location.search;
    const query = new URLSearchParams();
    if (next !== setup.home) query.set('next', next);
    if (ended) query.set('ended', '1');
    const search = query.toString();
    router.navigate(search ? `${setup.login}?${search}` : setup.login, { replace: true });
  });

  return { session, navigate: router.navigate, logout };
}

/**
 * The header's navigation list.
 * @param {string} label the nav's accessible name
 * @param {Array<{href: string, text: string, current: boolean, extra?: Node}>} items
 */
export function navigation(label, items) {
  return h(
    'nav',
    { 'aria-label': label },
    h('ul', null, items.map((i) => h('li', null, h('a', { href: i.href, 'aria-current': i.current ? 'page' : undefined }, i.text, i.extra)))),
  );
}

/** The header's log-out control. @param {() => void} logout */
export function logoutButton(logout) {
  return h('button', { type: 'button', class: 'link-button', onclick: logout }, 'Log out');
}
