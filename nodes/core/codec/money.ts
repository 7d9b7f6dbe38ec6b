// Amounts (BigDecimal(8,2), yuan) with decimal.js: never rounded, never passed through binary floating point.
import Decimal from 'decimal.js';
import { UppInputError } from '../errors';
import { describeValue } from '../messages';

export { Decimal };

const PLAIN_DECIMAL = /^\d+(\.\d+)?$/;
const SIGNED_DECIMAL = /^[-+]?\d+(\.\d+)?$/;
const MAX_INTEGER_DIGITS = 8;
const MAX_DECIMALS = 2;

/**
 * Checks an amount and returns its wire text with exactly two decimals ("12.3" -> "12.30").
 * Accepts a plain decimal string, a finite JS number (by its shortest text, so 0.1+0.2 is refused, not rounded)
 * or a Decimal. Refuses NaN, Infinity, exponents, signs, zero, more than 2 decimals and more than 8 integer digits.
 */
export function normalizeAmount(field: string, input: unknown): string {
  const got = describeValue(input);
  let value: Decimal;
  if (Decimal.isDecimal(input)) {
    // Re-read through its text: Decimal.isDecimal also says yes to any object with the right toStringTag, and a
    // Decimal from another copy of decimal.js is not an instance of ours.
    try {
      value = new Decimal(String(input));
    } catch {
      throw new UppInputError(field, 'amount_format', { got });
    }
    if (!value.isFinite()) throw new UppInputError(field, 'amount_format', { got });
  } else if (typeof input === 'number') {
    if (!Number.isFinite(input)) throw new UppInputError(field, 'amount_format', { got });
    const text = String(input);
    if (text.includes('e')) throw new UppInputError(field, input > 0 && input < 1 ? 'amount_scale' : 'amount_range', { got });
    value = new Decimal(text);
  } else if (typeof input === 'string') {
    // "-1" or "0" is a number with the wrong value, not a wrong format: say the rule it breaks.
    if (SIGNED_DECIMAL.test(input) && !new Decimal(input).greaterThan(0)) throw new UppInputError(field, 'amount_positive', { got });
    if (!PLAIN_DECIMAL.test(input)) throw new UppInputError(field, 'amount_format', { got });
    value = new Decimal(input);
  } else {
    throw new UppInputError(field, 'amount_format', { got });
  }
  if (value.isNegative() || value.isZero()) throw new UppInputError(field, 'amount_positive', { got });
  if (value.decimalPlaces() > MAX_DECIMALS) throw new UppInputError(field, 'amount_scale', { got });
  if (value.greaterThanOrEqualTo(new Decimal(10).pow(MAX_INTEGER_DIGITS))) throw new UppInputError(field, 'amount_range', { got });
  return value.toFixed(MAX_DECIMALS);
}
