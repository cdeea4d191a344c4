// An on-screen signature: a canvas drawn on with a finger, pen or mouse
// (pointer events), or filled with the typed name for people who cannot
// draw; exported as a PNG data: URL.

import { h } from '../dom.js';

const INK = '#111827';
const GUIDE = '#9ca3af';
const TYPED_FONT = "'Segoe Script', 'Brush Script MT', 'Snell Roundhand', 'URW Chancery L', cursive";

/** @typedef {{x: number, y: number}} Point */

/**
 * @typedef {object} SignaturePad
 * @property {HTMLElement} el the canvas and its "Clear signature" button
 * @property {() => boolean} isEmpty nothing drawn and no typed name
 * @property {() => string} toDataURL the signature as `data:image/png;base64,...`
 * @property {() => void} clear
 * @property {(name: string | null) => void} useTypedName draws `name` as the signature (null: back to drawing)
 * @property {(disabled: boolean) => void} setDisabled
 */

/**
 * @param {object} [o]
 * @param {string} [o.describedBy] id of the text that explains how to sign
 * @param {() => void} [o.onChange] after each stroke, clear or typed-name change
 * @returns {SignaturePad}
 */
export function signaturePad({ describedBy, onChange = () => {} } = {}) {
  const canvas = /** @type {HTMLCanvasElement} */ (h('canvas', { role: 'img', 'aria-describedby': describedBy }));
  const context = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d'));
  /** @type {Point[][]} strokes in CSS pixels */
  let strokes = [];
  /** @type {Point[] | null} */
  let current = null;
  /** @type {string | null} */
  let typed = null;
  let disabled = false;

  const clearButton = /** @type {HTMLButtonElement} */ (
    h('button', { type: 'button', onclick: () => clear() }, 'Clear signature')
  );

  function isEmpty() {
    return typed ? typed.trim() === '' : strokes.length === 0;
  }

  function describe() {
    let label = 'Signature box: empty';
    if (typed !== null) label = typed.trim() ? `Signature from your typed name: ${typed.trim()}` : 'Signature box: type your name above to fill it';
    else if (strokes.length) label = 'Signature box: signed';
    canvas.setAttribute('aria-label', label);
    clearButton.disabled = disabled || typed !== null;
  }

  /** Matches the bitmap to the displayed size and the screen's pixel density. */
  function fit() {
    const ratio = window.devicePixelRatio || 1;
    const width = Math.max(1, Math.round(canvas.clientWidth * ratio));
    const height = Math.max(1, Math.round(canvas.clientHeight * ratio));
    if (canvas.width !== width || canvas.height !== height) {
      canvas.width = width;
      canvas.height = height;
    }
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
  }

  /** @param {boolean} guide draw the "sign here" line too */
  function paint(guide) {
    fit();
    const width = canvas.clientWidth;
    const height = canvas.clientHeight;
    context.fillStyle = '#ffffff';
    context.fillRect(0, 0, width, height);
    if (guide) paintGuide(width, height);
    if (typed !== null) paintTyped(typed.trim(), width, height);
    else for (const stroke of strokes) paintStroke(stroke);
  }

  /** @param {number} width @param {number} height */
  function paintGuide(width, height) {
    const y = Math.round(height * 0.75) + 0.5;
    context.strokeStyle = GUIDE;
    context.lineWidth = 1;
    context.beginPath();
    context.moveTo(16, y);
    context.lineTo(width - 16, y);
    context.stroke();
    context.fillStyle = GUIDE;
    context.font = '16px system-ui, sans-serif';
    context.textBaseline = 'bottom';
    context.fillText('×', 16, y - 4);
  }

  /** @param {string} name @param {number} width @param {number} height */
  function paintTyped(name, width, height) {
    if (!name) return;
    let size = Math.min(48, height * 0.42);
    context.font = `italic ${size}px ${TYPED_FONT}`;
    while (size > 12 && context.measureText(name).width > width - 48) {
      size -= 2;
      context.font = `italic ${size}px ${TYPED_FONT}`;
    }
    context.fillStyle = INK;
    context.textBaseline = 'alphabetic';
    context.fillText(name, 36, Math.round(height * 0.75) - 6);
  }

  /** A smooth path: quadratic curves through the midpoints of the samples. @param {Point[]} points */
  function paintStroke(points) {
    context.strokeStyle = INK;
    context.fillStyle = INK;
    context.lineWidth = 2.5;
    context.lineCap = 'round';
    context.lineJoin = 'round';
    if (points.length === 1) {
      context.beginPath();
      context.arc(points[0].x, points[0].y, 1.5, 0, Math.PI * 2);
      context.fill();
      return;
    }
    context.beginPath();
    context.moveTo(points[0].x, points[0].y);
    for (let i = 1; i < points.length - 1; i += 1) {
      const mid = { x: (points[i].x + points[i + 1].x) / 2, y: (points[i].y + points[i + 1].y) / 2 };
      context.quadraticCurveTo(points[i].x, points[i].y, mid.x, mid.y);
    }
    const last = points[points.length - 1];
    context.lineTo(last.x, last.y);
    context.stroke();
  }

  /** @param {PointerEvent} event @returns {Point} */
  function pointOf(event) {
    const box = canvas.getBoundingClientRect();
    return { x: event.clientX - box.left, y: event.clientY - box.top };
  }

  canvas.addEventListener('pointerdown', (event) => {
    if (disabled || typed !== null || (event.pointerType === 'mouse' && event.button !== 0)) return;
    event.preventDefault();
    canvas.setPointerCapture(event.pointerId);
    current = [pointOf(event)];
    strokes.push(current);
    paint(true);
  });
  canvas.addEventListener('pointermove', (event) => {
    if (!current) return;
    const samples = typeof event.getCoalescedEvents === 'function' ? event.getCoalescedEvents() : [];
    for (const sample of samples.length ? samples : [event]) current.push(pointOf(sample));
    paint(true);
  });
  /** @param {PointerEvent} event */
  const finish = (event) => {
    if (!current) return;
    if (canvas.hasPointerCapture(event.pointerId)) canvas.releasePointerCapture(event.pointerId);
    current = null;
    describe();
    onChange();
  };
  canvas.addEventListener('pointerup', finish);
  canvas.addEventListener('pointercancel', finish);

  // Keeps the drawing when the box changes size (rotation, window resize).
  if (typeof ResizeObserver === 'function') new ResizeObserver(() => paint(true)).observe(canvas);

  function clear() {
    strokes = [];
    current = null;
    paint(true);
    describe();
    onChange();
  }

  describe();
  return {
    el: h('div', { class: 'signature' }, canvas, h('div', { class: 'actions' }, clearButton)),
    isEmpty,
    clear,
    toDataURL() {
      paint(false);
      const url = canvas.toDataURL('image/png');
      paint(true);
      return url;
    },
    useTypedName(name) {
      typed = name;
      canvas.classList.toggle('typed', name !== null);
      paint(true);
      describe();
      onChange();
    },
    setDisabled(value) {
      disabled = value;
      describe();
    },
  };
}
