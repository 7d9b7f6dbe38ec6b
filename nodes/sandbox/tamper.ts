// Faults that change what a well-formed answer says, for testing that a client binds every answer to its request
// (issue 10 item 1-2): the mismatch faults sign an answer about another order, amount or refund request, as a buggy
// or replaying front-end would; insert_field adds a field after signing, as a keyless man-in-the-middle would (an
// empty value is left out of the canonical string, so the signature still verifies).
import Decimal from 'decimal.js';
import { LosslessNumber, isLosslessNumber, type JsonObject } from '../core/codec/json';
import type { FaultName, InsertValue } from './types';

/** The data an answer would carry under a mismatch fault (unchanged when it has no such field), before signing. */
export function mismatchedData<T extends JsonObject | JsonObject[] | undefined>(fault: FaultName, data: T): T | JsonObject {
  if (!data || Array.isArray(data)) return data; // bill rows are left alone
  const changed: JsonObject = { ...data };
  if (fault === 'mismatch_paymentNo') otherId(changed, 'paymentNo');
  if (fault === 'mismatch_requestNo') otherId(changed, 'requestNo');
  if (fault === 'mismatch_amount') for (const field of ['tradeFee', 'refundFee']) otherAmount(changed, field);
  return changed;
}

/** Another order's or request's id: same shape, at most 32 characters, never equal to the real one. */
function otherId(data: JsonObject, field: string): void {
  const value = data[field];
  if (typeof value === 'string' && value !== '') data[field] = `${value.startsWith('X') ? 'Y' : 'X'}${value}`.slice(0, 32);
}

/** Another amount: 0.01 (the cheapest order a replay could bring), or 0.02 when the real amount is 0.01. */
function otherAmount(data: JsonObject, field: string): void {
  const value = data[field];
  if (isLosslessNumber(value)) data[field] = new LosslessNumber(new Decimal(value.value).equals('0.01') ? '0.02' : '0.01');
}

/** A signed envelope with `field` put into its data (or the envelope itself when it has no data), after signing. */
export function withInsertedField(signed: JsonObject, field: string, value: InsertValue): JsonObject {
  const written = typeof value === 'number' ? new LosslessNumber(String(value)) : value;
  const data = signed.data;
  if (data !== null && typeof data === 'object' && !Array.isArray(data) && !isLosslessNumber(data))
    return { ...signed, data: { ...data, [field]: written } };
  return { ...signed, [field]: written };
}
