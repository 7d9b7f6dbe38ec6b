// An answer is evidence about one request (issue 10 item 1): after verification and before it decides anything, its
// data must be about the order, refund and amount that were sent, and carry what the manual marks required. The
// rules come from the schema (ENDPOINTS[*].binding and the response tables' `required`).
import { Decimal } from './codec/money';
import { isJsonObject, isLosslessNumber, writeJson, type JsonObject, type JsonTree } from './codec/json';
import { ENDPOINTS, type EndpointName, type FieldSpec } from './schema';

export interface FieldMismatch {
  expected: string;
  /** What the answer said; null when the field is absent. */
  received: string | null;
}

export interface BindingResult {
  /** Bound fields (paymentNo, requestNo, tradeFee, refundFee) that differ from the request, or are absent. */
  mismatch?: Record<string, FieldMismatch>;
  /** Fields the manual marks required in an accepted answer that are absent or empty (rows as `data[i].field`). */
  missing?: string[];
  /** `mismatch` when a bound field has another value; else `missing_field` when anything required is absent. */
  unbound?: 'mismatch' | 'missing_field';
}

/** Empty values are left out of the canonical string, so a keyless attacker can add them: they count as absent. */
const present = (value: JsonTree | undefined): value is JsonTree => value !== undefined && value !== null && value !== '';

function textOf(value: JsonTree): string {
  if (typeof value === 'string') return value;
  if (isLosslessNumber(value)) return value.value;
  return writeJson(value, { canonical: false }).slice(0, 64);
}

function sameAmount(expected: string, received: JsonTree): boolean {
  if (typeof received !== 'string' && !isLosslessNumber(received)) return false;
  const text = textOf(received);
  if (!/^\d+(\.\d+)?$/.test(text)) return false; // a plain decimal only: no sign, exponent, NaN or Infinity
  return new Decimal(text).equals(new Decimal(expected)); // 12.3 == 12.30
}

function missingIn(row: JsonObject | undefined, fields: readonly FieldSpec[], prefix = ''): string[] {
  return fields.filter((f) => f.required && !present(row?.[f.name])).map((f) => `${prefix}${f.name}`);
}

/**
 * Checks a verified answer against the request it answers. `sent` is the request tree as sent; `expectedAmount` the
 * caller's amount (two-decimal text) for endpoints whose amount is not in their request (query, refundQuery).
 * Required fields are checked only in accepted answers (result true, kind "0"): a rejection carries no data.
 */
export function bindAnswer(endpoint: EndpointName, sent: JsonObject, tree: JsonObject, expectedAmount?: string): BindingResult {
  const spec = ENDPOINTS[endpoint];
  if (endpoint === 'network') return {}; // nothing to bind to; its text is diagnosed (diagnose.ts)
  const accepted = tree.result === true && tree.kind === '0';
  const data = tree.data;

  if (spec.dataShape === 'list') {
    if (!accepted) return {};
    // A list of rows; a single row object is accepted (vendor API §4.9, nodes/core/schema.ts). An absent data is no rows.
    const rows = Array.isArray(data) ? data : present(data) ? [data] : [];
    const missing = rows.flatMap((row, i) => (isJsonObject(row) ? missingIn(row, spec.response, `data[${i}].`) : [`data[${i}]`]));
    return missing.length ? { missing, unbound: 'missing_field' } : {};
  }

  const row = isJsonObject(data) ? data : undefined;
  const missing = accepted ? missingIn(row, spec.response) : [];
  const mismatch: Record<string, FieldMismatch> = {};
  const binding = spec.binding;
  for (const id of binding?.ids ?? []) {
    const expected = sent[id];
    if (typeof expected !== 'string') continue;
    const received = row?.[id];
    if (present(received)) {
      if (textOf(received) !== expected) mismatch[id] = { expected, received: textOf(received) };
    } else if (missing.includes(id)) mismatch[id] = { expected, received: null };
  }
  const amount = binding?.amount;
  if (amount) {
    const sentAmount = sent[amount.field];
    const expected = amount.source === 'request' ? (isLosslessNumber(sentAmount) ? sentAmount.value : undefined) : expectedAmount;
    const received = row?.[amount.field];
    if (expected !== undefined) {
      if (present(received)) {
        if (!sameAmount(expected, received)) mismatch[amount.field] = { expected, received: textOf(received) };
      } else if (missing.includes(amount.field)) mismatch[amount.field] = { expected, received: null };
    }
  }
  const result: BindingResult = {};
  if (Object.keys(mismatch).length) result.mismatch = mismatch;
  if (missing.length) result.missing = missing;
  if (Object.values(mismatch).some((m) => m.received !== null)) result.unbound = 'mismatch';
  else if (missing.length) result.unbound = 'missing_field';
  return result;
}
