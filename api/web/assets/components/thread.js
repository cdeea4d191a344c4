// The one message thread between a client and the business, for both
// sides: oldest at the top, the reader's own messages on the right, a "New"
// marker before the first unread message, a send box (Enter sends,
// Shift+Enter adds a line), and new messages every 5 seconds.

import { get, post } from '../api.js';
import { h, uid } from '../dom.js';
import { dayHeading, dayKey, time } from '../format.js';
import { form, poll } from '../ui.js';

/**
 * @typedef {object} Message
 * @property {string} message_id
 * @property {'client' | 'staff'} author
 * @property {string} text
 * @property {string} at
 *
 * @typedef {object} ThreadOptions
 * @property {string} path GET lists the thread, POST sends; `${path}/read` marks it read
 * @property {'client' | 'staff'} me the reader's side
 * @property {{client: string, staff: string}} names how each side is shown
 * @property {string} emptyText what to say before the first message
 * @property {AbortSignal} signal the page's signal: polling stops with it
 * @property {() => void} [onRead] after the thread was marked read
 */

/** The server's limit on a message. */
const MAX_CHARS = 10000;
/** The counter appears this close to the limit. */
const COUNTER_FROM = 9000;
/** Near enough to the bottom to follow new messages. */
const BOTTOM_SLACK = 48;

/**
 * Loads the thread and builds it with its send box.
 * @param {ThreadOptions} o
 * @returns {Promise<HTMLElement>}
 */
export async function messageThread(o) {
  const first = await get(o.path, { signal: o.signal });
  const other = o.me === 'client' ? 'staff' : 'client';
  const list = h('ol', { class: 'thread', tabindex: '0', 'aria-label': `Messages with ${o.names[other]}` });
  const emptyNote = h('p', { class: 'empty' }, o.emptyText);
  const announcer = h('p', { class: 'visually-hidden', role: 'status' });
  const jump = h('button', { type: 'button', class: 'jump small-button', hidden: true }, 'New messages below ↓');
  /** @type {Set<string>} */
  const shown = new Set();
  let lastDay = '';

  /** @param {Message[]} messages @param {string | null} firstUnread */
  const add = (messages, firstUnread = null) => {
    for (const m of messages) {
      if (shown.has(m.message_id)) continue;
      shown.add(m.message_id);
      const day = dayKey(m.at);
      if (day !== lastDay) list.appendChild(h('li', { class: 'day-divider' }, dayHeading(m.at)));
      lastDay = day;
      if (m.message_id === firstUnread) list.appendChild(h('li', { class: 'unread-marker' }, 'New'));
      list.appendChild(bubble(m, o));
    }
    emptyNote.hidden = shown.size > 0;
  };

  const atBottom = () => list.scrollHeight - list.scrollTop - list.clientHeight < BOTTOM_SLACK;
  const toBottom = () => {
    list.scrollTop = list.scrollHeight;
    jump.hidden = true;
  };
  jump.addEventListener('click', () => {
    toBottom();
    list.focus();
  });
  list.addEventListener('scroll', () => {
    if (atBottom()) jump.hidden = true;
  });

  /** @param {string | undefined} upTo */
  const markRead = async (upTo) => {
    if (!upTo) return;
    try {
      await post(`${o.path}/read`, { up_to: upTo });
      o.onRead?.();
    } catch {
      // read state is a courtesy; the thread itself is shown
    }
  };

  /** Fetches the thread and appends what is new. @param {boolean} follow scroll to the newest */
  const sync = async (follow) => {
    const data = await get(o.path, { signal: o.signal });
    /** @type {Message[]} */
    const fresh = data.messages.filter((/** @type {Message} */ m) => !shown.has(m.message_id));
    if (!fresh.length) return;
    const stay = follow || atBottom();
    add(fresh);
    if (stay) toBottom();
    else jump.hidden = false;
    const theirs = fresh.filter((m) => m.author === other);
    if (theirs.length) {
      announcer.textContent = announcement(theirs, o.names[other]);
      await markRead(theirs[theirs.length - 1].message_id);
    }
  };

  add(first.messages, firstUnreadId(first.messages, first.unread || 0, other));
  whenShown(list, () => {
    toBottom();
    if (first.unread > 0) markRead(lastOf(first.messages, other)?.message_id);
  });
  poll(o.signal, 5000, () => sync(false));

  return h(
    'div',
    { class: 'conversation' },
    h('div', { class: 'thread-frame' }, list, emptyNote, jump),
    announcer,
    composer(o, () => sync(true)),
  );
}

/**
 * One message.
 * @param {Message} m
 * @param {ThreadOptions} o
 */
function bubble(m, o) {
  const mine = m.author === o.me;
  return h(
    'li',
    { class: mine ? 'bubble mine' : 'bubble' },
    h('p', { class: 'bubble-text' }, m.text),
    h('span', { class: 'meta' }, `${o.names[m.author] || m.author} · `, h('time', { datetime: m.at }, time(m.at))),
  );
}

/**
 * The send box: Enter sends, Shift+Enter starts a new line; what was typed
 * stays when sending fails.
 * @param {ThreadOptions} o
 * @param {() => Promise<void>} afterSend
 */
function composer(o, afterSend) {
  const id = uid('message');
  const hintId = `${id}-hint`;
  const counterId = `${id}-counter`;
  const text = /** @type {HTMLTextAreaElement} */ (
    h('textarea', { id, name: 'text', rows: 3, maxlength: MAX_CHARS, required: true, 'aria-describedby': `${hintId} ${counterId}`, autocomplete: 'off' })
  );
  const counter = h('p', { class: 'hint counter', id: counterId, hidden: true });
  const showCount = () => {
    const used = text.value.length;
    counter.hidden = used < COUNTER_FROM;
    counter.textContent = `${used.toLocaleString()} of ${MAX_CHARS.toLocaleString()} characters`;
    counter.classList.toggle('at-limit', used >= MAX_CHARS);
  };
  text.addEventListener('input', showCount);

  const box = form({
    label: 'Send a message',
    submit: 'Send',
    fields: [
      h(
        'div',
        { class: 'field' },
        h('label', { for: id }, 'Your message'),
        text,
        h('div', { class: 'composer-hints' }, h('p', { class: 'hint', id: hintId }, 'Press Enter to send, Shift+Enter for a new line.'), counter),
      ),
    ],
    action: async () => {
      const body = text.value.trim();
      if (!body) {
        text.focus();
        throw new Error('Write a message before sending.');
      }
      await post(o.path, { text: body });
      text.value = '';
      showCount();
      text.focus();
      await afterSend().catch(() => {});
    },
  });
  box.classList.add('composer');
  text.addEventListener('keydown', (e) => {
    if (e.key !== 'Enter' || e.shiftKey || e.isComposing || e.ctrlKey || e.altKey || e.metaKey) return;
    e.preventDefault();
    box.requestSubmit();
  });
  return box;
}

/**
 * The id of the first message of `other` the reader has not read: the
 * `unread` last ones of theirs are unread.
 * @param {Message[]} messages
 * @param {number} unread
 * @param {string} other
 */
function firstUnreadId(messages, unread, other) {
  if (unread <= 0) return null;
  const theirs = messages.filter((m) => m.author === other);
  return theirs[Math.max(0, theirs.length - unread)]?.message_id ?? null;
}

/** @param {Message[]} messages @param {string} author */
function lastOf(messages, author) {
  return [...messages].reverse().find((m) => m.author === author);
}

/** What a screen reader hears when messages arrive. @param {Message[]} messages @param {string} from */
function announcement(messages, from) {
  if (messages.length > 1) return `${messages.length} new messages from ${from}.`;
  const text = messages[0].text.length > 140 ? `${messages[0].text.slice(0, 140)}…` : messages[0].text;
  return `New message from ${from}: ${text}`;
}

/**
 * Runs `fn` once `el` is on the page (the page is returned before it is shown).
 * @param {HTMLElement} el
 * @param {() => void} fn
 */
function whenShown(el, fn) {
  let tries = 0;
  const check = () => {
    if (el.isConnected) fn();
    else if ((tries += 1) < 300) requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
}
