// What upp-reconcile reads from a message: the bill rows, the HIS rows, the day and the bill's source. Kept apart
// from the node file so the rules (which field, which default) are testable without Node-RED.
import { UppInputError, addDays, chinaDate, describeValue } from '../core';
import type { BillSource, RawRow } from './types';

export interface ReconcileSources {
  bill: unknown;
  his: unknown;
  /** The node's date setting's value (blank = from the bill download, else yesterday). */
  date: unknown;
  /** msg.upp of the bill download (upp-bills sets endpoint and request.startDate). */
  upp: unknown;
  /** The node's source setting: platform | channel | '' (from the bill download). */
  source: string;
  now: number;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function rowsOf(field: string, value: unknown): RawRow[] {
  if (!Array.isArray(value)) throw new UppInputError(field, 'rows', { got: describeValue(value) });
  return value as RawRow[];
}

const bag = (v: unknown): Record<string, unknown> | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

/** The checked inputs of one reconciliation. */
export function readSources(s: ReconcileSources): { date: string; source: BillSource; platform: RawRow[]; his: RawRow[] } {
  const upp = bag(s.upp);
  const request = bag(upp?.request);
  let date: unknown = s.date;
  if (date === undefined || date === null || date === '') date = request?.startDate;
  if (date === undefined || date === null || date === '') date = addDays(chinaDate(s.now), -1);
  if (typeof date !== 'string' || !DAY.test(date) || addDays(date, 0) !== date) {
    throw new UppInputError('date', 'date_format', { got: describeValue(date) });
  }
  let source: BillSource = 'platform';
  if (s.source === 'channel' || (s.source === '' && upp?.endpoint === 'channelBills')) source = 'channel';
  return { date, source, platform: rowsOf('bill', s.bill), his: rowsOf('his', s.his) };
}
