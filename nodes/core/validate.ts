// Checks request fields against the endpoint schema before anything is sent, and turns them into wire values.
// Unknown input properties are ignored (a whole HIS row may be passed in); the first broken rule is thrown.
import { DEFAULT_EDITION, UNLISTED_PREFIX, requestFields, type Edition, type EndpointName, type FieldSpec } from './schema';
import { UppInputError } from './errors';
import { describeValue } from './messages';
import { normalizeAmount } from './codec/money';
import { formatChinaTime, parseChinaTime } from './codec/time';
import { LosslessNumber, type JsonObject } from './codec/json';

export type RequestInput = Record<string, unknown>;

/**
 * Validates `input` for an endpoint as an edition checks it (docs/design.md §9; default 1.0) and returns its fields as a
 * wire-ready tree (amounts as exact numbers).
 */
export function validateRequest(
  endpoint: EndpointName,
  input: RequestInput,
  now: number = Date.now(),
  edition: Edition = DEFAULT_EDITION,
): JsonObject {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new UppInputError('payload', 'type_string', { got: describeValue(input) });
  }
  const out: JsonObject = {};
  for (const spec of requestFields(endpoint, edition)) {
    const raw = Object.prototype.hasOwnProperty.call(input, spec.name) ? input[spec.name] : undefined;
    if (raw === undefined || raw === null || raw === '') {
      if (spec.required) throw new UppInputError(spec.name, 'required');
      continue;
    }
    const value = validateField(spec, raw, now);
    if (value !== undefined) out[spec.name] = value;
  }
  return out;
}

function validateField(spec: FieldSpec, raw: unknown, now: number): JsonObject[string] | undefined {
  switch (spec.type) {
    case 'amount':
      return new LosslessNumber(normalizeAmount(spec.name, raw));
    case 'datetime':
      return checkDatetime(spec, raw, now);
    case 'date':
      return checkDate(spec, raw);
    case 'json':
      return checkLength(spec, jsonText(spec, raw));
    case 'long':
      return new LosslessNumber(longText(spec.name, raw, spec.max ?? 15));
    case 'string':
      return checkString(spec, raw);
  }
}

function checkString(spec: FieldSpec, raw: unknown): string {
  let text: string;
  if (typeof raw === 'string') text = raw;
  else if (typeof raw === 'number' && Number.isSafeInteger(raw) && raw >= 0)
    text = String(raw); // HIS ids are often numeric columns
  else throw new UppInputError(spec.name, 'type_string', { got: describeValue(raw) });
  if (spec.values && spec.enumKind === 'listed') {
    if (text.startsWith(UNLISTED_PREFIX)) {
      text = text.slice(UNLISTED_PREFIX.length);
      if (text === '') throw new UppInputError(spec.name, 'required');
    } else if (!spec.values.includes(text)) {
      throw new UppInputError(spec.name, 'enum_listed', { values: spec.values.join(', '), got: text.slice(0, 40) });
    }
  }
  checkLength(spec, text);
  if (spec.values && spec.enumKind === 'closed' && !spec.values.includes(text)) {
    throw new UppInputError(spec.name, 'enum', { values: spec.values.join(', '), got: text.slice(0, 40) });
  }
  if (spec.noComma && text.includes(',')) throw new UppInputError(spec.name, 'no_comma');
  return text;
}

function checkLength(spec: FieldSpec, text: string): string {
  // String(n) counts Java chars, i.e. UTF-16 code units, as JS string length does.
  if (spec.max !== undefined && text.length > spec.max) {
    throw new UppInputError(spec.name, 'max_length', { max: spec.max, length: text.length });
  }
  return text;
}

function jsonText(spec: FieldSpec, raw: unknown): string {
  if (typeof raw === 'string') {
    try {
      JSON.parse(raw);
    } catch (err) {
      throw new UppInputError(spec.name, 'json', { detail: (err as Error).message.slice(0, 80) });
    }
    return raw;
  }
  if (typeof raw === 'object' && raw !== null) {
    let text: unknown;
    try {
      text = JSON.stringify(raw);
    } catch (err) {
      throw new UppInputError(spec.name, 'json', { detail: (err as Error).message.slice(0, 80) });
    }
    // A toJSON() may turn the object into nothing (or a bare value): only JSON text of an object or array is data.
    if (typeof text !== 'string' || !/^[[{]/.test(text))
      throw new UppInputError(spec.name, 'json', { detail: 'the object serializes to no JSON object' });
    return text;
  }
  throw new UppInputError(spec.name, 'json', { detail: `got ${describeValue(raw)}` });
}

function checkDatetime(spec: FieldSpec, raw: unknown, now: number): string {
  let ms: number | undefined;
  let text: string | undefined;
  if (raw instanceof Date) ms = raw.getTime();
  else if (typeof raw === 'number' && Number.isInteger(raw) && raw > 0) ms = raw;
  else if (typeof raw === 'string') {
    text = raw;
    ms = parseChinaTime(raw);
  }
  if (ms === undefined || !Number.isFinite(ms)) throw new UppInputError(spec.name, 'datetime_format', { got: describeValue(raw) });
  text ??= formatChinaTime(ms);
  // Beyond year 9999 the text is no longer yyyy-MM-dd HH:mm:ss.
  if (parseChinaTime(text) === undefined) throw new UppInputError(spec.name, 'datetime_format', { got: describeValue(raw) });
  if (spec.future && ms <= now) throw new UppInputError(spec.name, 'datetime_future', { got: text, now: formatChinaTime(now) });
  return text;
}

function checkDate(spec: FieldSpec, raw: unknown): string {
  // A Date is read on the China calendar (vendor API §8); text must already be yyyy-MM-dd and a real day.
  const text = raw instanceof Date ? formatChinaTime(raw).slice(0, 10) : raw;
  if (typeof text !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(text) || parseChinaTime(`${text} 00:00:00`) === undefined) {
    throw new UppInputError(spec.name, 'date_format', { got: describeValue(raw) });
  }
  return text;
}

/** A Long(n) id: a non-negative integer, given as a number or digit string, of at most `maxDigits` digits. */
export function longText(field: string, raw: unknown, maxDigits: number): string {
  let text: string | undefined;
  if (typeof raw === 'number' && Number.isSafeInteger(raw) && raw >= 0) text = String(raw);
  else if (typeof raw === 'bigint' && raw >= 0n) text = raw.toString();
  else if (typeof raw === 'string' && /^\d+$/.test(raw.trim())) text = raw.trim().replace(/^0+(?=\d)/, '');
  if (text === undefined || text.length > maxDigits) throw new UppInputError(field, 'type_integer', { max: maxDigits });
  return text;
}
