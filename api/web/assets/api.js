// The JSON API client every page uses: the cookie session with its
// X-CSRF-Token companion, problem+json errors as ApiError, and
// read-your-writes (each command's `position` is sent back as
// X-Min-Position on the reads that follow it).

import { learnServerDate } from './clock.js';

/** The highest event-log position a command of this page answered. */
let minPosition = 0;

/** @type {(error: ApiError) => void} */
let onSessionEnded = () => {};

/** An answer that was not a success, or no answer at all (status 0). */
export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {{type?: string, title?: string, detail?: string}} problem
   */
  constructor(status, problem) {
    super(problem.detail || problem.title || `request failed (${status})`);
    this.status = status;
    this.type = problem.type || '';
    this.detail = problem.detail || '';
  }

  /** The problem's slug, e.g. `slot-taken` from `https://cma.example/problems/slot-taken`. */
  get slug() {
    return this.type.split('/').pop() || '';
  }
}

/**
 * What to do when the session is gone (401 on a request that needed one):
 * the app sends the person to its login page.
 * @param {(error: ApiError) => void} handler
 */
export function whenSessionEnds(handler) {
  onSessionEnded = handler;
}

/** The CSRF cookie: `__Host-cma_csrf` when the portal is served over https, else `cma_csrf`. */
function csrfToken() {
  const cookies = document.cookie.split('; ');
  for (const name of ['__Host-cma_csrf=', 'cma_csrf=']) {
    const entry = cookies.find((c) => c.startsWith(name));
    if (entry) return decodeURIComponent(entry.slice(name.length));
  }
  return '';
}

/**
 * @typedef {object} Options
 * @property {unknown} [body] sent as JSON
 * @property {AbortSignal} [signal]
 * @property {boolean} [anonymous] a 401 is an answer (a wrong password), not an ended session
 */

/**
 * @param {string} method
 * @param {string} path
 * @param {Options} [options]
 * @returns {Promise<any>}
 */
export async function request(method, path, options = {}) {
  /** @type {Record<string, string>} */
  const headers = { Accept: 'application/json' };
  if (method === 'GET' && minPosition > 0) headers['X-Min-Position'] = String(minPosition);
  if (method !== 'GET') headers['X-CSRF-Token'] = csrfToken();
  // A fresh Idempotency-Key per command attempt; the retry below reuses
  // these headers, so a retried attempt is answered once (docs/security.md).
  if (method === 'POST' && typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function') {
    headers['Idempotency-Key'] = crypto.randomUUID();
  }
  let body;
  if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  let response = await send(path, { method, headers, body, credentials: 'same-origin', signal: options.signal });
  // A read whose X-Min-Position the read models did not reach in time is
  // answered 503 with Retry-After: wait that long (at most 10 s) and retry once.
  if (response.status === 503 && headers['X-Min-Position']) {
    const seconds = Math.min(Number(response.headers.get('Retry-After')) || 1, 10);
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    response = await send(path, { method, headers, body, credentials: 'same-origin', signal: options.signal });
  }
  return answer(response, options);
}

/**
 * @param {string} path
 * @param {RequestInit} init
 * @returns {Promise<Response>}
 */
async function send(path, init) {
  try {
    return await fetch(path, init);
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError(0, { detail: 'We could not reach the server. Check your connection and try again.' });
  }
}

/**
 * @param {Response} response
 * @param {Options} options
 */
async function answer(response, options) {
  learnServerDate(response.headers.get('Date'));
  const isJson = (response.headers.get('Content-Type') || '').includes('json');
  const data = isJson ? await response.json().catch(() => null) : null;
  if (!response.ok) {
    const error = new ApiError(response.status, data || {});
    if (response.status === 401 && !options.anonymous) onSessionEnded(error);
    throw error;
  }
  remember(data);
  return data;
}

/** @param {any} data */
function remember(data) {
  if (data && typeof data.position === 'number') minPosition = Math.max(minPosition, data.position);
}

/** @param {string} path @param {Options} [o] */
export const get = (path, o) => request('GET', path, o);
/** @param {string} path @param {unknown} [body] @param {Options} [o] */
export const post = (path, body, o) => request('POST', path, { ...o, body });
/** @param {string} path @param {unknown} [body] @param {Options} [o] */
export const put = (path, body, o) => request('PUT', path, { ...o, body });
/** @param {string} path @param {Options} [o] */
export const del = (path, o) => request('DELETE', path, o);

/**
 * Uploads one file as the multipart field `file`, reporting progress (0..1).
 * @param {string} path
 * @param {File} file
 * @param {(fraction: number) => void} [onProgress]
 * @param {string} [method]
 * @returns {Promise<any>}
 */
export function upload(path, file, onProgress, method = 'POST') {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, path);
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.setRequestHeader('X-CSRF-Token', csrfToken());
    xhr.upload.addEventListener('progress', (e) => {
      if (e.lengthComputable && onProgress) onProgress(e.loaded / e.total);
    });
    xhr.addEventListener('error', () =>
      reject(new ApiError(0, { detail: 'The upload was interrupted. Check your connection and try again.' })),
    );
    xhr.addEventListener('load', () => {
      learnServerDate(xhr.getResponseHeader('Date'));
      let data = null;
      try {
        data = JSON.parse(xhr.responseText);
      } catch {
        data = null;
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        remember(data);
        resolve(data);
      } else {
        const error = new ApiError(xhr.status, data || {});
        if (xhr.status === 401) onSessionEnded(error);
        reject(error);
      }
    });
    const form = new FormData();
    form.append('file', file, file.name);
    xhr.send(form);
  });
}
