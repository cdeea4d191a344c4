// Exact decimal arithmetic on strings (BigInt scaled integers) for showing
// a quote's amounts while staff type; the server's figures stay the truth.
// Rounds as domain/src/money.rs does: half away from zero to the currency's
// minor unit, per line (net, then tax on the rounded net).

/** A decimal as a scaled integer: value = units / 10^scale. @typedef {{units: bigint, scale: number}} Decimal */

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/**
 * Reads "12", "12.50" or "0.5" exactly; anything else (signs, commas,
 * exponents, blanks) is null.
 * @param {string} text
 * @returns {Decimal | null}
 */
export function parseDecimal(text) {
  const match = DECIMAL.exec(text.trim());
  if (!match) return null;
  const fraction = match[2] || '';
  return { units: BigInt(match[1] + fraction), scale: fraction.length };
}

/** @param {bigint} n */
const pow10 = (n) => 10n ** n;

/** @param {Decimal} a @param {number} scale a scale at least a's */
function rescale(a, scale) {
  return { units: a.units * pow10(BigInt(scale - a.scale)), scale };
}

/** @param {Decimal} a @param {Decimal} b @returns {Decimal} */
export function add(a, b) {
  const scale = Math.max(a.scale, b.scale);
  return { units: rescale(a, scale).units + rescale(b, scale).units, scale };
}

/** @param {Decimal} a @param {Decimal} b @returns {Decimal} */
export function multiply(a, b) {
  return { units: a.units * b.units, scale: a.scale + b.scale };
}

/** a / 100, exactly. @param {Decimal} a @returns {Decimal} */
export function percentOf(a) {
  return { units: a.units, scale: a.scale + 2 };
}

/**
 * Rounds half away from zero to `digits` places (keeping exactly that many).
 * @param {Decimal} a
 * @param {number} digits
 * @returns {Decimal}
 */
export function round(a, digits) {
  if (a.scale <= digits) return rescale(a, digits);
  const divisor = pow10(BigInt(a.scale - digits));
  const negative = a.units < 0n;
  const magnitude = negative ? -a.units : a.units;
  let quotient = magnitude / divisor;
  if ((magnitude % divisor) * 2n >= divisor) quotient += 1n;
  return { units: negative ? -quotient : quotient, scale: digits };
}

/** "1234.50". @param {Decimal} a */
export function toText(a) {
  const negative = a.units < 0n;
  const digits = (negative ? -a.units : a.units).toString().padStart(a.scale + 1, '0');
  const whole = digits.slice(0, digits.length - a.scale);
  const fraction = a.scale ? `.${digits.slice(digits.length - a.scale)}` : '';
  return `${negative ? '-' : ''}${whole}${fraction}`;
}

/** Places after the point that a value really needs ("1.50" needs 1). @param {Decimal} a */
export function places(a) {
  let { units, scale } = a;
  while (scale > 0 && units % 10n === 0n) {
    units /= 10n;
    scale -= 1;
  }
  return scale;
}

/** -1, 0 or 1. @param {Decimal} a @param {Decimal} b */
export function compare(a, b) {
  const scale = Math.max(a.scale, b.scale);
  const x = rescale(a, scale).units;
  const y = rescale(b, scale).units;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Digits of the currency's minor unit: 2 for GBP, 0 for JPY, 3 for KWD. @param {string} currency */
export function minorDigits(currency) {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/**
 * One line's amounts as the server computes them: net = round(quantity ×
 * unit price); tax = round(net × rate / 100); total = net + tax.
 * @param {Decimal} quantity
 * @param {Decimal} unitPrice
 * @param {Decimal} taxRate percent
 * @param {number} digits the currency's minor digits
 */
export function lineAmounts(quantity, unitPrice, taxRate, digits) {
  const net = round(multiply(quantity, unitPrice), digits);
  const tax = round(percentOf(multiply(net, taxRate)), digits);
  return { net, tax, total: add(net, tax) };
}

/**
 * Subtotal, tax and total of rounded line amounts, as decimal strings.
 * @param {{net: Decimal, tax: Decimal, total: Decimal}[]} lines
 * @param {number} digits
 * @returns {{subtotal: string, tax: string, total: string}}
 */
export function sumLines(lines, digits) {
  const zero = round({ units: 0n, scale: 0 }, digits);
  const sum = lines.reduce((s, l) => ({ net: add(s.net, l.net), tax: add(s.tax, l.tax), total: add(s.total, l.total) }), {
    net: zero,
    tax: zero,
    total: zero,
  });
  return { subtotal: toText(sum.net), tax: toText(sum.tax), total: toText(sum.total) };
}
