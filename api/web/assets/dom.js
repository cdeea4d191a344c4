// Building the DOM without markup strings: every value from the API becomes
// a text node or a property, never HTML, so it is always shown as text.

/**
 * @typedef {string | number | Node | null | undefined | false | Children} Child
 * @typedef {Child[]} Children
 */

/**
 * Creates an element. `attrs` keys: `class`, `for`, `text`, `aria-*`,
 * `data-*` and other attributes; `onclick`-style keys add listeners; boolean
 * values set or drop the attribute; `value`, `checked` and `hidden` set properties.
 * @param {string} tag
 * @param {Record<string, any> | null} [attrs]
 * @param {...Child} children
 * @returns {HTMLElement}
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2), value);
    } else if (key === 'value' || key === 'checked' || key === 'hidden' || key === 'disabled') {
      /** @type {any} */ (el)[key] = value;
    } else if (key === 'text') {
      el.textContent = String(value);
    } else {
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

/**
 * @param {Node} parent
 * @param {Child[]} children
 */
export function append(parent, children) {
  for (const child of /** @type {unknown[]} */ (children).flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/**
 * Replaces everything inside `parent`.
 * @param {Node} parent
 * @param {...Child} children
 */
export function replace(parent, ...children) {
  while (parent.firstChild) parent.removeChild(parent.firstChild);
  append(parent, children);
}

let ids = 0;
/** A fresh element id with a readable prefix. @param {string} prefix */
export function uid(prefix) {
  ids += 1;
  return `${prefix}-${ids}`;
}
