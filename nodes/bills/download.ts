// One bill download, start to finish, without Node-RED: the call through the client (signed, verified, rows decoded
// with amounts as exact text), then the rows read (rows.ts). The bill comes back whole, or pending with the reason and
// nothing of the bill: a timeout, a bad or missing signature, a refusal (result:false), an unparsable answer, a row
// lacking a required field, or a row that cannot be read.
import type { CallOptions, UppClient, UppResult } from '../core';
import { billTotals, rowProblem, type BillRow, type BillTotals, type RowProblem } from './rows';
import type { BillDates } from './dates';

export type BillSource = 'platform' | 'channel';
export const BILL_SOURCES: readonly BillSource[] = ['platform', 'channel'];

/** platform → yuntaiBills (vendor API §4.9), channel → channelBills (§4.10, path /access/channelBIlls). */
export const BILL_ENDPOINT = { platform: 'yuntaiBills', channel: 'channelBills' } as const;

/** What happened, for msg.upp (no key, no sign; the envelope's own words). */
export interface BillMeta {
  endpoint: (typeof BILL_ENDPOINT)[BillSource];
  source: BillSource;
  outcome: 'success' | 'pending';
  /** final; or why pending: timeout, bad_signature, unsigned, rejected, unparsable, missing_field, unreadable_row, ... */
  reason: string;
  detail?: string;
  verified: string | false;
  /** The request as sent (startDate, endDate and the common fields; no sign). */
  request: Record<string, unknown>;
  /** Number of rows delivered (success only). */
  rows?: number;
  totals?: BillTotals;
  result?: boolean;
  kind?: string;
  msg?: string;
  /** The platform's msg when a verified answer refused the request. */
  platformMsg?: string;
  httpStatus?: number;
  /** Required fields a row lacks (`data[3].tradeFee`). */
  missing?: string[];
  /** The first row that could not be read. */
  problem?: RowProblem;
  attempts: number;
  elapsedMs: number;
}

export type BillOutcome = { outcome: 'success'; rows: BillRow[]; upp: BillMeta } | { outcome: 'pending'; upp: BillMeta };

/** Downloads one bill. Throws (nothing sent) only what the client throws: config, input, not sent, closed. */
export async function downloadBill(client: UppClient, source: BillSource, dates: BillDates, call: CallOptions = {}): Promise<BillOutcome> {
  const endpoint = BILL_ENDPOINT[source];
  const result = await client.call(endpoint, { startDate: dates.startDate, endDate: dates.endDate }, call);
  const upp = meta(endpoint, source, result);
  if (result.outcome !== 'success') return { outcome: 'pending', upp: { ...upp, outcome: 'pending' } };
  const rows = result.rows ?? [];
  const problem = rowProblem(rows, dates, { isvId: client.options.isvId, partnerId: client.options.partnerId });
  if (problem) {
    const detail = `row ${problem.row}: ${problem.field} ${problem.rule} (${problem.got})`;
    return { outcome: 'pending', upp: { ...upp, outcome: 'pending', reason: 'unreadable_row', detail, problem } };
  }
  return { outcome: 'success', rows, upp: { ...upp, rows: rows.length, totals: billTotals(rows) } };
}

function meta(endpoint: BillMeta['endpoint'], source: BillSource, result: UppResult): BillMeta {
  const envelope = result.envelope;
  const upp: BillMeta = {
    endpoint,
    source,
    outcome: result.outcome === 'success' ? 'success' : 'pending',
    reason: result.reason,
    verified: result.verified,
    request: result.request,
    attempts: result.attempts,
    elapsedMs: result.elapsedMs,
  };
  if (result.detail !== undefined) upp.detail = result.detail;
  if (result.httpStatus !== undefined) upp.httpStatus = result.httpStatus;
  if (envelope?.result !== undefined) upp.result = envelope.result;
  if (envelope?.kind !== undefined) upp.kind = envelope.kind;
  if (envelope?.msg !== undefined) upp.msg = envelope.msg;
  if (result.verified !== false && envelope?.result === false && envelope.msg?.trim()) upp.platformMsg = envelope.msg.trim();
  if (result.missing?.length) upp.missing = result.missing;
  return upp;
}
