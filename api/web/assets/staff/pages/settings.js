// Team settings (docs/product.md §3.3, §8.1): business name and contact email, branding and logo, the invite email with a live preview, diary hours.

import { del, get, put, upload } from '../../api.js';
import { h, replace, uid } from '../../dom.js';
import { errorSlot, field, form, statusSlot, toggle } from '../../ui.js';
import { session } from '../main.js';

/** @typedef {Record<string, string[][]>} WorkingHours */

/** The invite placeholders (domain/src/team/template.rs PLACEHOLDERS). */
const PLACEHOLDERS = ['client_name', 'business_name', 'portal_link', 'staff_name'];

const DAYS = [
  ['mon', 'Monday'],
  ['tue', 'Tuesday'],
  ['wed', 'Wednesday'],
  ['thu', 'Thursday'],
  ['fri', 'Friday'],
  ['sat', 'Saturday'],
  ['sun', 'Sunday'],
];

/** @param {import('../../router.js').Context} ctx */
export default async function settings(ctx) {
  const team = await get('/api/v1/team/settings', { signal: ctx.signal });
  return {
    title: 'Settings',
    body: h(
      'div',
      { class: 'settings' },
      section('Business', businessForm(team)),
      section('Branding', brandingForm(team), logoControls(team)),
      section('Invite email', inviteForm(team)),
      section('Diary', diaryForm(team)),
    ),
  };
}

/** @param {string} heading @param {...Node} content */
function section(heading, ...content) {
  const id = uid('settings');
  return h('section', { class: 'card settings-section', 'aria-labelledby': id }, h('h2', { id }, heading), content);
}

/** Saves a subset of the settings, then reloads the session so the app follows (name, colour, zone). @param {object} change */
async function save(change) {
  await put('/api/v1/team/settings', change);
  await session.load();
}

/**
 * A settings form (its section's heading names it): fields, a Save button, "Saved" beside it.
 * @param {Node[]} fields
 * @param {() => object} change the subset of settings to send
 * @param {string} submit the button's words
 */
function settingsForm(fields, change, submit) {
  const status = statusSlot();
  return form({
    fields,
    submit,
    extra: [status.el],
    action: async () => {
      await save(change());
      status.say('Saved');
    },
  });
}

// ---- Business ----

/** @param {any} team */
function businessForm(team) {
  const name = field('Business name', { name: 'business_name', required: true, maxlength: 200, autocomplete: 'organization', value: team.business_name }, 'Shown to your clients in their portal and in every email.');
  const contact = field(
    'Contact email for replies',
    { type: 'email', name: 'contact_email', required: true, maxlength: 254, autocomplete: 'email', spellcheck: 'false', value: team.contact_email || '' },
    'When a client answers an email from the portal, the answer goes here. Calendar invitations come from it too.',
  );
  return settingsForm(
    [name.wrap, contact.wrap],
    () => ({ business_name: name.input.value.trim(), contact_email: contact.input.value.trim() }),
    'Save business details',
  );
}

// ---- Branding ----

/** @param {any} team */
function brandingForm(team) {
  const current = team.branding?.accent_colour || '#1d4ed8';
  const colour = field('Accent colour', { type: 'color', name: 'accent_colour', value: current, class: 'colour-picker' });
  const hex = field('Colour code', { name: 'accent_hex', value: current, required: true, pattern: '#[0-9a-fA-F]{6}', maxlength: 7, spellcheck: 'false', autocomplete: 'off', placeholder: '#1d4ed8', title: 'A # and six hex digits, for example #1d4ed8' });
  colour.input.addEventListener('input', () => {
    hex.input.value = colour.input.value;
  });
  hex.input.addEventListener('input', () => {
    if (/^#[0-9a-f]{6}$/i.test(hex.input.value.trim())) colour.input.value = hex.input.value.trim().toLowerCase();
  });
  const tagline = field('Tagline', { name: 'tagline', maxlength: 200, value: team.branding?.tagline || '' }, 'A short line about your business for the portal, for example “Family plumbers since 1998”.');
  return settingsForm(
    [h('div', { class: 'colour-row' }, colour.wrap, hex.wrap), h('p', { class: 'hint' }, 'Used for buttons, links and the bar under the header in your portal and here.'), tagline.wrap],
    () => ({ branding: { accent_colour: hex.input.value.trim().toLowerCase(), tagline: tagline.input.value.trim() } }),
    'Save branding',
  );
}

/** The portal's logo: what is shown now, upload a new one, remove it. @param {any} team */
function logoControls(team) {
  const preview = h('div', { class: 'logo-preview' });
  const errors = errorSlot();
  const status = statusSlot();
  const progress = /** @type {HTMLProgressElement} */ (h('progress', { max: 1, value: 0, hidden: true, 'aria-label': 'Upload progress' }));
  const file = field('Upload a logo', { type: 'file', name: 'logo', accept: 'image/png,image/jpeg,image/webp,image/gif' }, 'PNG, JPEG, WebP or GIF, up to 2 MB. It replaces the current logo.');

  /** @param {string | undefined} url */
  function show(url) {
    replace(
      preview,
      url ? h('img', { src: url, alt: 'Your current logo' }) : h('p', { class: 'muted' }, 'No logo yet: your business name is shown instead.'),
      url ? removeButton() : null,
    );
  }

  function removeButton() {
    return h('button', { type: 'button', class: 'danger', onclick: (/** @type {Event} */ e) => run(/** @type {HTMLButtonElement} */ (e.currentTarget), async () => {
      await del('/api/v1/team/logo');
      await session.load();
      status.say('Logo removed');
    }) }, 'Remove logo');
  }

  /** @param {HTMLButtonElement | HTMLInputElement} control @param {() => Promise<void>} work */
  async function run(control, work) {
    errors.clear();
    control.disabled = true;
    try {
      await work();
      show(session.team?.branding?.logo_url);
    } catch (error) {
      errors.show(error);
    } finally {
      control.disabled = false;
      progress.hidden = true;
    }
  }

  file.input.addEventListener('change', () => {
    const chosen = file.input.files?.[0];
    if (!chosen) return;
    run(file.input, async () => {
      progress.hidden = false;
      await upload('/api/v1/team/logo', chosen, (fraction) => { progress.value = fraction; }, 'PUT');
      await session.load();
      status.say('Logo saved');
      file.input.value = '';
    });
  });

  show(team.branding?.logo_url);
  return h('div', { class: 'logo-controls' }, h('h3', null, 'Logo'), preview, file.wrap, progress, errors.el, status.el);
}

// ---- Invite email ----

/** @param {any} team */
function inviteForm(team) {
  const subject = field('Subject', { name: 'subject', required: true, maxlength: 200, value: team.invite_email.subject });
  const body = field('Message', { tag: 'textarea', name: 'body', required: true, rows: 16, value: team.invite_email.body }, 'The message must include {{portal_link}}: the link that lets your client set a password.');
  /** @type {HTMLInputElement | HTMLTextAreaElement} */
  let target = body.input;
  for (const input of [subject.input, body.input]) input.addEventListener('focus', () => { target = input; });

  const values = sampleValues(team.business_name);
  const previewSubject = h('p', { class: 'email-subject' });
  const previewBody = h('div', { class: 'email-body' });
  function refresh() {
    values.business_name = session.team?.business_name || team.business_name;
    previewSubject.textContent = fill(subject.input.value.trim(), values).replace(/[\r\n]/g, ' ');
    previewBody.textContent = fill(body.input.value, values);
  }
  subject.input.addEventListener('input', refresh);
  body.input.addEventListener('input', refresh);
  refresh();

  const chips = h(
    'div',
    { class: 'chips', role: 'group', 'aria-label': 'Insert a placeholder' },
    h('span', { class: 'label', 'aria-hidden': 'true' }, 'Insert:'),
    PLACEHOLDERS.map((name) =>
      h('button', { type: 'button', class: 'chip', 'aria-label': `Insert {{${name}}}`, onclick: () => insert(target, `{{${name}}}`) }, `{{${name}}}`),
    ),
  );
  const preview = h(
    'div',
    { class: 'email-preview', 'aria-labelledby': 'invite-preview' },
    h('h3', { id: 'invite-preview' }, 'Preview'),
    h('p', { class: 'hint' }, `With sample values: client ${values.client_name}, staff member ${values.staff_name}.`),
    h('div', { class: 'email' }, h('p', { class: 'email-label' }, 'Subject'), previewSubject, h('p', { class: 'email-label' }, 'Message'), previewBody),
  );
  return h(
    'div',
    { class: 'invite-editor' },
    h('p', { class: 'hint' }, 'The email your clients get when you invite them to their portal.'),
    h('div', { class: 'grid-2' },
      settingsForm([subject.wrap, chips, body.wrap], () => ({ invite_email: { subject: subject.input.value, body: body.input.value } }), 'Save invite email'),
      preview),
  );
}

/** @param {string} businessName @returns {Record<string, string>} */
function sampleValues(businessName) {
  return {
    client_name: 'Alex Morgan',
    business_name: businessName,
    portal_link: `${location.origin}/portal/set-password?token=…`,
    staff_name: 'Sam Taylor',
  };
}

/**
 * The server's substitution (domain/src/team/template.rs `fill`): one pass,
 * a known `{{ name }}` (spaces allowed) becomes its value, anything else is kept as written.
 * @param {string} text
 * @param {Record<string, string>} values
 */
function fill(text, values) {
  let out = '';
  let rest = text;
  for (let open = rest.indexOf('{{'); open !== -1; open = rest.indexOf('{{')) {
    out += rest.slice(0, open);
    const after = rest.slice(open + 2);
    const close = after.indexOf('}}');
    if (close === -1) {
      out += rest.slice(open);
      rest = '';
      break;
    }
    const name = after.slice(0, close).trim();
    out += Object.hasOwn(values, name) ? values[name] : rest.slice(open, open + 2 + close + 2);
    rest = after.slice(close + 2);
  }
  return out + rest;
}

/** Types `text` at the caret of `input` and tells the preview. @param {HTMLInputElement | HTMLTextAreaElement} input @param {string} text */
function insert(input, text) {
  const start = input.selectionStart ?? input.value.length;
  const end = input.selectionEnd ?? input.value.length;
  input.setRangeText(text, start, end, 'end');
  input.dispatchEvent(new Event('input', { bubbles: true }));
  input.focus();
}

// ---- Diary ----

/** @param {any} team */
function diaryForm(team) {
  const zone = field('Time zone', { tag: 'select', name: 'time_zone', required: true }, 'Your diary and your clients’ booking page show times in this zone.');
  replace(zone.input, timeZones(team.time_zone).map((z) => h('option', { value: z, selected: z === team.time_zone }, z.replace(/_/g, ' '))));
  zone.input.value = team.time_zone;
  const days = DAYS.map(([key, name]) => dayHours(key, name, team.working_hours?.[key] || []));
  const hours = h('fieldset', { class: 'working-hours' }, h('legend', null, 'Working hours'), h('p', { class: 'hint' }, 'Clients can book meetings in these hours. Add more than one period for a day to leave a break.'), h('ul', { class: 'day-list' }, days.map((d) => d.el)));
  const slot = field('Meeting slot length (minutes)', { type: 'number', name: 'slot_minutes', required: true, min: 5, max: 480, step: 5, inputmode: 'numeric', value: team.slot_minutes, class: 'short' }, 'From 5 to 480 minutes.');
  return settingsForm(
    [zone.wrap, hours, slot.wrap],
    () => ({
      time_zone: zone.input.value,
      working_hours: Object.fromEntries(days.map((d) => [d.key, d.intervals()])),
      slot_minutes: Number(slot.input.value),
    }),
    'Save diary settings',
  );
}

/** The browser's IANA zones, with the team's own first among them if the browser lacks it. @param {string} current */
function timeZones(current) {
  /** @type {string[]} */
  const zones = /** @type {any} */ (Intl).supportedValuesOf ? /** @type {any} */ (Intl).supportedValuesOf('timeZone') : [];
  const all = new Set([...zones, 'UTC']);
  if (current) all.add(current);
  return [...all].sort();
}

/**
 * One weekday: open or closed, and its from–to periods.
 * @param {string} key `mon`..`sun`
 * @param {string} name "Monday"
 * @param {string[][]} initial
 */
function dayHours(key, name, initial) {
  const open = toggle(name, initial.length > 0);
  const list = h('ul', { class: 'intervals', 'aria-label': `${name} hours` });
  const closed = h('p', { class: 'muted small closed' }, 'Closed');
  const add = h('button', { type: 'button', class: 'small-button', onclick: () => addInterval('09:00', '17:00', true) }, '+ Add hours');
  add.setAttribute('aria-label', `Add hours on ${name}`);

  /** @param {string} from @param {string} to @param {boolean} [focus] */
  function addInterval(from, to, focus) {
    const start = h('input', { type: 'time', value: from, required: true, step: 300, id: uid('from') });
    const end = h('input', { type: 'time', value: to, required: true, step: 300, id: uid('to') });
    const item = h(
      'li',
      { class: 'interval' },
      h('label', { for: start.id }, 'From', h('span', { class: 'visually-hidden' }, ` (${name})`)),
      start,
      h('label', { for: end.id }, 'to', h('span', { class: 'visually-hidden' }, ` (${name})`)),
      end,
    );
    item.append(h('button', {
      type: 'button',
      class: 'small-button link-button',
      'aria-label': `Remove ${name} hours`,
      onclick: () => {
        item.remove();
        if (!list.children.length) open.input.checked = false;
        sync();
        (list.querySelector('input') || add).focus();
      },
    }, 'Remove'));
    list.append(item);
    sync();
    if (focus) start.focus();
  }

  function sync() {
    const on = open.input.checked;
    list.hidden = !on;
    add.hidden = !on;
    closed.hidden = on;
  }

  open.input.addEventListener('change', () => {
    if (open.input.checked && !list.children.length) addInterval('09:00', '17:00');
    sync();
  });
  for (const [from, to] of initial) addInterval(from, to);
  sync();

  return {
    key,
    el: h('li', { class: 'day-hours' }, open.wrap, h('div', { class: 'day-intervals' }, closed, list, add)),
    /** @returns {string[][]} */
    intervals() {
      if (!open.input.checked) return [];
      return [...list.querySelectorAll('li')].map((li) => [...li.querySelectorAll('input')].map((i) => i.value));
    },
  };
}
