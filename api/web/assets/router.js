// A small history router: a table of paths with `:params`, each loading
// its page module on demand. Same-origin links inside the app navigate
// without a reload; Back and Forward work.

/**
 * @typedef {object} Context
 * @property {Record<string, string>} params the path's `:params`
 * @property {URLSearchParams} query
 * @property {AbortSignal} signal aborted when the person leaves the page (stop polling here)
 * @property {(path: string, options?: {replace?: boolean}) => void} navigate
 * @property {() => void} refresh renders the current page again
 *
 * @typedef {object} Page
 * @property {string} title the page's heading and document title
 * @property {Node} body
 *
 * @typedef {(ctx: Context) => Promise<Page>} PageFn
 *
 * @typedef {object} Route
 * @property {string} path e.g. `/clients/:id`
 * @property {() => Promise<{default: PageFn}>} load
 * @property {boolean} [open] shown without a session (login, sign-up)
 * @property {string} [section] the nav item the page belongs to
 */

/**
 * @param {string} pattern
 * @param {string} path
 * @returns {Record<string, string> | null}
 */
function match(pattern, path) {
  const want = pattern.split('/').filter(Boolean);
  const got = path.split('/').filter(Boolean);
  if (want.length !== got.length) return null;
  /** @type {Record<string, string>} */
  const params = {};
  for (let i = 0; i < want.length; i += 1) {
    if (want[i].startsWith(':')) {
      try {
        params[want[i].slice(1)] = decodeURIComponent(got[i]);
      } catch {
        return null;
      }
    } else if (want[i] !== got[i]) {
      return null;
    }
  }
  return params;
}

/**
 * @param {object} setup
 * @param {string} setup.base the app's path prefix, e.g. `/portal` or ``
 * @param {Route[]} setup.routes paths relative to `base`
 * @param {(route: Route | null, ctx: Context) => Promise<void>} setup.show renders a route (null: no such page)
 */
export function startRouter({ base, routes, show }) {
  /** @type {AbortController | null} */
  let leaving = null;

  /** @param {string} to @param {{replace?: boolean}} [options] */
  function navigate(to, options = {}) {
    const url = new URL(to, location.href);
    if (options.replace) history.replaceState(null, '', url);
    else history.pushState(null, '', url);
    render();
  }

  async function render() {
    leaving?.abort();
    leaving = new AbortController();
    const rest = location.pathname.slice(base.length) || '/';
    let found = null;
    /** @type {Record<string, string>} */
    let params = {};
    for (const route of routes) {
      const p = match(route.path, rest);
      if (p) {
        found = route;
        params = p;
        break;
      }
    }
    await show(found, {
      params,
      query: new URLSearchParams(location.search),
      signal: leaving.signal,
      navigate,
      refresh: render,
    });
  }

  document.addEventListener('click', (event) => {
    const link = event.target instanceof Element ? event.target.closest('a[href]') : null;
    if (!(link instanceof HTMLAnchorElement)) return;
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    if (link.target || link.hasAttribute('download') || link.origin !== location.origin) return;
    if (!link.pathname.startsWith(`${base}/`) && link.pathname !== base && base !== '') return;
    if (link.pathname.startsWith('/api/') || link.pathname.startsWith('/assets/')) return;
    if (base === '' && link.pathname.startsWith('/portal')) return;
    event.preventDefault();
    navigate(link.pathname + link.search + link.hash);
  });
  window.addEventListener('popstate', render);
  render();
  return { navigate };
}
