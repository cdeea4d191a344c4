// A client's shared files, for the portal and the staff record: a drop zone
// with a "Choose files" button, one progress bar per upload, and the list
// with thumbnails, who uploaded each file, its date and a Download link.

import { ApiError, get, upload } from '../api.js';
import { h, replace, uid } from '../dom.js';
import { date, size } from '../format.js';
import { empty, errorText, statusSlot } from '../ui.js';

/**
 * @typedef {object} FileEntry
 * @property {string} file_id
 * @property {string} name
 * @property {string} content_type
 * @property {number} size
 * @property {'client' | 'staff'} uploaded_by
 * @property {string} uploaded_at
 *
 * @typedef {object} FileList
 * @property {FileEntry[]} files
 * @property {number} [max_bytes] the upload size limit, when the server says
 * @property {string[]} [accepted_types] the MIME types accepted, when the server says
 *
 * @typedef {object} FilesOptions
 * @property {string} listPath GET (list) and POST (upload) path
 * @property {(fileId: string) => string} contentPath the download path of a file
 * @property {{client: string, staff: string}} uploaders how each side is named ("You", the business...)
 * @property {string} emptyText what to say while there are no files
 * @property {AbortSignal} signal the page's signal
 */

/** How many uploads run at the same time. */
const PARALLEL = 3;

/** Thumbnails only for the types every browser can draw. */
const DRAWABLE = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'];

/** Names people know for the accepted types, with the extensions the file picker should offer. */
const KNOWN_TYPES = {
  'image/png': ['PNG', '.png'],
  'image/jpeg': ['JPEG', '.jpg,.jpeg'],
  'image/gif': ['GIF', '.gif'],
  'image/webp': ['WebP', '.webp'],
  'image/heic': ['HEIC', '.heic'],
  'image/heif': ['HEIF', '.heif'],
  'application/pdf': ['PDF', '.pdf'],
  'text/plain': ['plain text', '.txt'],
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': ['Word', '.docx'],
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': ['Excel', '.xlsx'],
  'application/vnd.oasis.opendocument.text': ['OpenDocument text', '.odt'],
  'application/vnd.oasis.opendocument.spreadsheet': ['OpenDocument spreadsheet', '.ods'],
};

/**
 * Loads the files and builds the whole section: upload area and list.
 * @param {FilesOptions} o
 * @returns {Promise<HTMLElement>}
 */
export async function filesSection(o) {
  /** @type {FileList} */
  const first = await get(o.listPath, { signal: o.signal });
  const limits = { maxBytes: first.max_bytes, types: first.accepted_types };
  const listSlot = h('div', { class: 'files-list' });
  const showList = (/** @type {FileList} */ data) => replace(listSlot, fileList(data.files, o));
  showList(first);

  const refreshList = async () => {
    showList(await get(o.listPath, { signal: o.signal }));
  };
  const uploader = uploadArea(o, limits, refreshList);
  const listHeading = uid('files-heading');
  return h(
    'div',
    { class: 'files-page' },
    uploader,
    h('section', { 'aria-labelledby': listHeading }, h('h2', { id: listHeading }, 'Files'), listSlot),
  );
}

/**
 * The drop zone, the button, the limits and the rows of uploads in progress.
 * @param {FilesOptions} o
 * @param {{maxBytes?: number, types?: string[]}} limits
 * @param {() => Promise<void>} refreshList
 */
function uploadArea(o, limits, refreshList) {
  const headingId = uid('upload-heading');
  const hintId = uid('upload-hint');
  const input = /** @type {HTMLInputElement} */ (
    h('input', { type: 'file', multiple: true, class: 'visually-hidden', tabindex: '-1', 'aria-hidden': 'true', accept: acceptAttribute(limits.types) })
  );
  const choose = h('button', { type: 'button', class: 'primary', 'aria-describedby': hintId, onclick: () => input.click() }, 'Choose files');
  const rows = h('ul', { class: 'uploads', 'aria-label': 'Uploads' });
  const status = statusSlot();
  const queue = uploadQueue(o, limits, rows, status, refreshList);

  input.addEventListener('change', () => {
    queue.add(Array.from(input.files || []));
    input.value = '';
  });
  const zone = h(
    'div',
    { class: 'dropzone' },
    h('p', { class: 'dropzone-title' }, 'Drag and drop photos, sketches and documents here, or'),
    choose,
    h('p', { class: 'hint', id: hintId }, limitsText(limits)),
    input,
  );
  dropTarget(zone, o.signal, (files) => queue.add(files));
  return h('section', { class: 'upload', 'aria-labelledby': headingId }, h('h2', { id: headingId }, 'Upload files'), zone, rows, status.el);
}

/**
 * Makes `zone` take dropped files, and stops a file dropped beside it from
 * opening in the tab (which would leave the page).
 * @param {HTMLElement} zone
 * @param {AbortSignal} signal
 * @param {(files: File[]) => void} take
 */
function dropTarget(zone, signal, take) {
  let depth = 0;
  zone.addEventListener('dragenter', (e) => {
    e.preventDefault();
    depth += 1;
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => {
    depth = Math.max(0, depth - 1);
    if (!depth) zone.classList.remove('over');
  });
  zone.addEventListener('dragover', (e) => {
    e.preventDefault();
    if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
  });
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    depth = 0;
    zone.classList.remove('over');
    take(Array.from(e.dataTransfer?.files || []));
  });
  /** @param {DragEvent} e */
  const keepPage = (e) => {
    if (e.dataTransfer?.types.includes('Files') && !zone.contains(/** @type {Node} */ (e.target))) e.preventDefault();
  };
  document.addEventListener('dragover', keepPage);
  document.addEventListener('drop', keepPage);
  signal.addEventListener('abort', () => {
    document.removeEventListener('dragover', keepPage);
    document.removeEventListener('drop', keepPage);
  });
}

/**
 * Uploads files a few at a time, each with its own row.
 * @param {FilesOptions} o
 * @param {{maxBytes?: number, types?: string[]}} limits
 * @param {HTMLElement} rows
 * @param {ReturnType<typeof statusSlot>} status
 * @param {() => Promise<void>} refreshList
 */
function uploadQueue(o, limits, rows, status, refreshList) {
  /** @type {(() => Promise<void>)[]} */
  const waiting = [];
  let running = 0;

  const next = () => {
    while (running < PARALLEL && waiting.length) {
      const job = /** @type {() => Promise<void>} */ (waiting.shift());
      running += 1;
      job().finally(() => {
        running -= 1;
        next();
      });
    }
  };

  /** @param {File} file */
  const start = (file) => {
    const row = uploadRow(file);
    rows.appendChild(row.el);
    const tooBig = limits.maxBytes !== undefined && file.size > limits.maxBytes;
    if (tooBig) {
      row.fail(`This file is ${size(file.size)}, larger than the ${size(/** @type {number} */ (limits.maxBytes))} limit. Please choose a smaller file.`);
      return;
    }
    waiting.push(async () => {
      try {
        await upload(o.listPath, file, (fraction) => row.progress(fraction));
        row.el.remove();
        await refreshList().catch(() => {});
        status.say(`${file.name} uploaded.`);
      } catch (error) {
        row.fail(refusal(error, limits));
      }
    });
  };

  return {
    /** @param {File[]} files */
    add(files) {
      if (o.signal.aborted) return;
      files.forEach(start);
      next();
    },
  };
}

/**
 * One upload's row: name, size, progress, and its error when refused.
 * @param {File} file
 */
function uploadRow(file) {
  const bar = /** @type {HTMLProgressElement} */ (h('progress', { max: '1', value: '0', 'aria-label': `Uploading ${file.name}` }));
  const state = h('span', { class: 'small muted' }, 'Waiting…');
  const body = h('div', { class: 'grow' }, h('p', { class: 'upload-name break' }, file.name, ' ', h('span', { class: 'muted small' }, `(${size(file.size)})`)), bar, state);
  const el = h('li', { class: 'upload-row' }, body);
  return {
    el,
    /** @param {number} fraction */
    progress(fraction) {
      bar.value = fraction;
      state.textContent = fraction >= 1 ? 'Checking the file…' : `${Math.round(fraction * 100)}% uploaded`;
    },
    /** @param {string} text */
    fail(text) {
      bar.remove();
      state.remove();
      el.classList.add('failed');
      const dismiss = h('button', { type: 'button', class: 'small-button', onclick: () => el.remove() }, 'Dismiss', h('span', { class: 'visually-hidden' }, ` ${file.name}`));
      body.appendChild(h('p', { class: 'error', role: 'alert' }, `${file.name} was not uploaded. ${text}`));
      el.appendChild(dismiss);
    },
  };
}

/**
 * Why the server refused an upload, as a sentence.
 * @param {unknown} error
 * @param {{maxBytes?: number, types?: string[]}} limits
 */
function refusal(error, limits) {
  if (error instanceof ApiError && error.status === 413) {
    return limits.maxBytes ? `It is larger than the ${size(limits.maxBytes)} limit. Please choose a smaller file.` : 'It is larger than the upload limit. Please choose a smaller file.';
  }
  if (error instanceof ApiError && error.status === 415) {
    const types = typesText(limits.types);
    return types ? `This type of file is not accepted. You can upload ${types}.` : 'This type of file is not accepted. Please upload a photo, PDF or document.';
  }
  return errorText(error);
}

/** The sentence about limits shown before uploading. @param {{maxBytes?: number, types?: string[]}} limits */
function limitsText(limits) {
  const types = typesText(limits.types);
  const what = types ? `You can upload ${types}` : 'You can upload photos, sketches and documents';
  const most = limits.maxBytes ? `, up to ${size(limits.maxBytes)} each` : '';
  return `${what}${most}. Choose several files at once if you like.`;
}

/**
 * "photos (PNG, JPEG, HEIC), PDF, Word and Excel files".
 * @param {string[] | undefined} types
 */
function typesText(types) {
  if (!types || !types.length) return '';
  const label = (/** @type {string} */ t) => /** @type {any} */ (KNOWN_TYPES)[t]?.[0] || t.split('/').pop()?.toUpperCase() || t;
  const images = types.filter((t) => t.startsWith('image/')).map(label);
  const others = types.filter((t) => !t.startsWith('image/')).map(label);
  const parts = [images.length ? `photos (${images.join(', ')})` : '', others.length ? `${joinWords(others)} files` : ''].filter(Boolean);
  return parts.join(' and ');
}

/** "a, b and c". @param {string[]} words */
function joinWords(words) {
  return words.length < 2 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

/** The file picker's `accept`: the types and their usual extensions. @param {string[] | undefined} types */
function acceptAttribute(types) {
  if (!types || !types.length) return undefined;
  return types.flatMap((t) => [t, /** @type {any} */ (KNOWN_TYPES)[t]?.[1]]).filter(Boolean).join(',');
}

/**
 * The files, newest first, or what to do when there are none.
 * @param {FileEntry[]} files
 * @param {FilesOptions} o
 */
function fileList(files, o) {
  if (!files.length) return empty(o.emptyText);
  const newest = [...files].sort((a, b) => b.uploaded_at.localeCompare(a.uploaded_at));
  return h('ul', { class: 'files' }, newest.map((f) => fileCard(f, o)));
}

/** @param {FileEntry} file @param {FilesOptions} o */
function fileCard(file, o) {
  const href = o.contentPath(file.file_id);
  const thumb = DRAWABLE.includes(file.content_type)
    ? h('img', { src: href, alt: file.name, loading: 'lazy', decoding: 'async' })
    : h('span', { class: 'file-kind', 'aria-hidden': 'true' }, kindLabel(file.content_type));
  return h(
    'li',
    { class: 'file' },
    h('div', { class: 'thumb' }, thumb),
    h(
      'div',
      { class: 'info' },
      h('p', { class: 'file-name' }, file.name),
      h('p', { class: 'muted' }, `${size(file.size)} · ${date(file.uploaded_at)}`),
      h('p', { class: 'muted' }, `Uploaded by ${o.uploaders[file.uploaded_by] || file.uploaded_by}`),
      h('a', { class: 'button small-button', href, download: file.name }, 'Download', h('span', { class: 'visually-hidden' }, ` ${file.name}`)),
    ),
  );
}

/** "PDF", "DOCX"... for a file without a thumbnail. @param {string} contentType */
function kindLabel(contentType) {
  const known = /** @type {any} */ (KNOWN_TYPES)[contentType];
  if (known) return known[1].split(',')[0].slice(1).toUpperCase();
  return (contentType.split('/').pop() || 'file').toUpperCase().slice(0, 5);
}
