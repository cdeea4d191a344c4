// The frame both apps share: a header, the main region a page renders
// into, and the answers for a missing page, a section that is off, or a
// page that failed to load.

import { ApiError } from './api.js';
import { h, replace } from './dom.js';
import { errorText } from './ui.js';

let first = true;

/**
 * Renders a page module into `main`: its heading (focused after a
 * navigation, so screen readers announce the new page), its body, and the
 * document title.
 * @param {HTMLElement} main
 * @param {import('./router.js').Route} route
 * @param {import('./router.js').Context} ctx
 * @param {string} suffix the document title's ending, e.g. the business's name
 */
export async function mountPage(main, route, ctx, suffix) {
  main.setAttribute('aria-busy', 'true');
  try {
    const module = await route.load();
    const page = await module.default(ctx);
    if (ctx.signal.aborted) return;
    show(main, page.title, page.body, suffix);
  } catch (error) {
    if (ctx.signal.aborted) return;
    if (error instanceof ApiError && error.status === 401) return; // the session handler takes over
    const [title, text] = explain(error);
    show(main, title, h('div', { class: 'page-message' }, h('p', null, text), h('p', null, h('button', { type: 'button', onclick: () => ctx.refresh() }, 'Try again'))), suffix);
  } finally {
    main.removeAttribute('aria-busy');
  }
}

/** @param {unknown} error @returns {[string, string]} */
function explain(error) {
  if (error instanceof ApiError && error.status === 404) return ['Not found', 'This item does not exist, or it is not shared with you.'];
  if (error instanceof ApiError && error.status === 403) return ['Not available', 'This section is not available to you. Please contact the business if you need it.'];
  return ['Something went wrong', errorText(error)];
}

/**
 * @param {HTMLElement} main
 * @param {string} title
 * @param {Node} body
 * @param {string} suffix
 */
export function show(main, title, body, suffix) {
  const heading = h('h1', { tabindex: '-1', class: 'page-title' }, title);
  replace(main, heading, body);
  document.title = suffix ? `${title} · ${suffix}` : title;
  if (!first) heading.focus();
  first = false;
  window.scrollTo(0, 0);
}

/** The page for an address the app does not know. */
export function notFound() {
  return { title: 'Page not found', body: h('p', { class: 'page-message' }, 'There is no page at this address. Use the menu to find what you are looking for.') };
}

/** The page for a section that is switched off for this client. */
export function notAvailable() {
  return {
    title: 'Not available',
    body: h('div', { class: 'page-message' }, h('p', null, 'This section is not available in your portal. Please contact the business if you need it.'), h('p', null, h('a', { href: '/portal/' }, 'Back to your portal home'))),
  };
}

/**
 * The accent colour from the business's branding, with a text colour that
 * keeps WCAG AA contrast on it.
 * @param {string | null | undefined} colour `#rrggbb`
 */
export function useAccent(colour) {
  if (!colour || !/^#[0-9a-f]{6}$/i.test(colour)) return;
  const root = document.documentElement.style;
  root.setProperty('--accent', colour);
  root.setProperty('--accent-text', contrastText(colour));
  root.setProperty('--accent-ink', readableOnWhite(colour));
}

/** @param {string} hex */
function luminance(hex) {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** White or near-black, whichever reads better on `hex`. @param {string} hex */
function contrastText(hex) {
  const l = luminance(hex);
  return (1.05) / (l + 0.05) >= (l + 0.05) / 0.05 ? '#ffffff' : '#111827';
}

/** The accent itself when it reads on white at 4.5:1, else a dark ink. @param {string} hex */
function readableOnWhite(hex) {
  return 1.05 / (luminance(hex) + 0.05) >= 4.5 ? hex : '#1f2937';
}
