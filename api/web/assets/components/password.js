// A new password with its rules, an optional "Confirm password" field and a Show/Hide button (sign-up, set password, reset).

import { h, uid } from '../dom.js';
import { field } from '../ui.js';

/** The server's rule (docs/api.md): 8 to 1024 characters. */
export const MIN_LENGTH = 8;
export const MAX_LENGTH = 1024;

/**
 * @typedef {object} NewPassword
 * @property {HTMLElement} wrap the fields and the Show button
 * @property {HTMLInputElement} input the password
 * @property {() => string} value the password, once it follows the rules (throws a sentence otherwise)
 */

/**
 * @param {object} [o]
 * @param {string} [o.label] the first field's label
 * @param {boolean} [o.confirm] ask for the password twice
 * @returns {NewPassword}
 */
export function newPassword({ label = 'New password', confirm = true } = {}) {
  const rules = `Between ${MIN_LENGTH} and ${MAX_LENGTH} characters. A few words you will remember make a strong password.`;
  const attrs = { type: 'password', autocomplete: 'new-password', required: true, maxlength: MAX_LENGTH, spellcheck: 'false' };
  const first = field(label, { ...attrs, name: 'password' }, rules);
  const second = confirm ? field('Confirm password', { ...attrs, name: 'confirm' }) : null;
  const inputs = second ? [first.input, second.input] : [first.input];
  const show = showButton(inputs, second ? 'Show passwords' : 'Show password');
  for (const input of inputs) input.addEventListener('input', () => input.removeAttribute('aria-invalid'));

  return {
    wrap: h('div', { class: 'form' }, first.wrap, second?.wrap, h('div', null, show)),
    input: first.input,
    value() {
      const password = first.input.value;
      if (password.length < MIN_LENGTH || password.length > MAX_LENGTH) {
        invalid(first.input);
        throw new Error(`Your password needs between ${MIN_LENGTH} and ${MAX_LENGTH} characters`);
      }
      if (second && second.input.value !== password) {
        invalid(second.input);
        throw new Error('The two passwords do not match. Type the same password in both fields');
      }
      return password;
    },
  };
}

/** @param {HTMLInputElement} input */
function invalid(input) {
  input.setAttribute('aria-invalid', 'true');
  input.focus();
}

/**
 * A button that shows or hides what was typed in `inputs`.
 * @param {HTMLInputElement[]} inputs
 * @param {string} text
 */
function showButton(inputs, text) {
  const button = h('button', { type: 'button', class: 'link-button', 'aria-pressed': 'false', 'aria-controls': inputs.map((i) => i.id).join(' '), id: uid('show') }, text);
  button.addEventListener('click', () => {
    const showing = button.getAttribute('aria-pressed') !== 'true';
    button.setAttribute('aria-pressed', String(showing));
    for (const input of inputs) input.type = showing ? 'text' : 'password';
  });
  return button;
}
