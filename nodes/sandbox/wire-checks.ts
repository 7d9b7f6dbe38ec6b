// Checks a request exactly as it arrived on the wire, as the platform does: JSON types matter (an amount must be a
// number literal, an id a string), the first bad field wins, and the message is the platform's Chinese text.
// This deliberately does not reuse core/validate.ts: that one converts friendly inputs (e.g. "12.3" or a Date) into
// wire values, while the front-end machine must refuse anything that is not already a correct wire value.
import Decimal from 'decimal.js';
import { ENUMS, PROTOCOL_VERSION, requestFields, type Edition, type EndpointName, type FieldSpec } from '../core/schema';
import { isLosslessNumber, type JsonObject, type JsonTree } from '../core/codec/json';
import { parseChinaTime } from '../core/codec/time';

export const badField = (name: string): string => `字段 ${name} 非法`;

const AMOUNT = /^\d+(\.\d{1,2})?$/;
const INTEGER = /^\d+$/;

const isBlank = (value: JsonTree | undefined): boolean => value === undefined || value === null || value === '';

/** The common fields: ids must match this front-end's, as JSON numbers; version fixed; timestamp an integer. */
export function checkEnvelope(tree: JsonObject, ids: { isvId: string; partnerId: string }): string | undefined {
  for (const name of ['isvId', 'partnerId'] as const) {
    const value = tree[name];
    if (!isLosslessNumber(value) || !INTEGER.test(value.value) || value.value.replace(/^0+(?=\d)/, '') !== ids[name]) return badField(name);
  }
  if (tree.version !== PROTOCOL_VERSION) return badField('version');
  const timestamp = tree.timestamp;
  if (!isLosslessNumber(timestamp) || !INTEGER.test(timestamp.value) || timestamp.value.length > 13) return badField('timestamp');
  return undefined;
}

/** What an edition checks (schema.requestFields), plus `requireBody`: body mandatory on pay orders even before 2.2. */
export interface FieldRules {
  edition: Edition;
  requireBody: boolean;
}

/** The endpoint's own fields, as this edition's schema row says (body from 2.2, authCode length). */
export function checkFields(endpoint: EndpointName, tree: JsonObject, now: number, rules: FieldRules): string | undefined {
  for (const spec of requestFields(endpoint, rules.edition)) {
    const value = tree[spec.name];
    const required = spec.required || (rules.requireBody && spec.name === 'body');
    if (isBlank(value)) {
      if (required) return badField(spec.name);
      continue;
    }
    if (!fieldOk(endpoint, spec, value as JsonTree, now)) return badField(spec.name);
  }
  return undefined;
}

function fieldOk(endpoint: EndpointName, spec: FieldSpec, value: JsonTree, now: number): boolean {
  switch (spec.type) {
    case 'amount':
      return isLosslessNumber(value) && amountOk(value.value);
    case 'long':
      return isLosslessNumber(value) && INTEGER.test(value.value) && value.value.length <= (spec.max ?? 15);
    case 'datetime': {
      if (typeof value !== 'string') return false;
      const ms = parseChinaTime(value);
      return ms !== undefined && (!spec.future || ms > now);
    }
    case 'json':
      return typeof value === 'string' && lengthOk(spec, value) && jsonOk(value);
    case 'date':
      return typeof value === 'string' && parseChinaTime(`${value} 00:00:00`) !== undefined;
    case 'string':
      if (typeof value !== 'string' || !lengthOk(spec, value)) return false;
      if (spec.noComma && value.includes(',')) return false;
      if (spec.values && spec.enumKind === 'closed' && !spec.values.includes(value)) return false;
      // The schema passes unknown products through for clients; the sandbox only knows the three QR channels.
      if (endpoint === 'scanCode' && spec.name === 'channelProduct') return (ENUMS.scanChannelProduct as readonly string[]).includes(value);
      return true;
  }
}

/** BigDecimal(8,2) as a plain literal: no sign or exponent, at most 2 decimals and 8 integer digits, above zero. */
function amountOk(text: string): boolean {
  if (!AMOUNT.test(text)) return false;
  const amount = new Decimal(text);
  return amount.greaterThan(0) && amount.lessThan(1e8);
}

const lengthOk = (spec: FieldSpec, text: string): boolean => spec.max === undefined || text.length <= spec.max;

function jsonOk(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
