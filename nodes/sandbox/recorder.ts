// The request log: every request that reaches an endpoint path, rejected ones included, so a test can prove what a
// client did and did not send ("no second pay request"). Handed out as deep copies.
import { isLosslessNumber, isJsonObject, type JsonTree } from '../core/codec/json';
import type { RecordedRequest, RequestFilter } from './types';

export class Recorder {
  private records: RecordedRequest[] = [];
  private seq = 0;

  add(entry: Omit<RecordedRequest, 'seq' | 'response'>): RecordedRequest {
    this.seq += 1;
    const record: RecordedRequest = { seq: this.seq, ...entry, response: {} };
    this.records.push(record);
    return record;
  }

  list(filter: RequestFilter = {}): RecordedRequest[] {
    return this.records
      .filter(
        (r) =>
          (!filter.endpoint || r.endpoint === filter.endpoint) &&
          (!filter.paymentNo || r.body.paymentNo === filter.paymentNo) &&
          (!filter.requestNo || r.body.requestNo === filter.requestNo),
      )
      .map((r) => structuredClone(r));
  }

  clear(): void {
    this.records = [];
  }
}

/** A parsed body as a plain object: numbers become their literal text, so nothing is rounded. */
export function plainBody(tree: JsonTree | undefined): Record<string, unknown> {
  return isJsonObject(tree) ? (plain(tree) as Record<string, unknown>) : {};
}

function plain(value: JsonTree): unknown {
  if (isLosslessNumber(value)) return value.value;
  if (Array.isArray(value)) return value.map(plain);
  if (isJsonObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
}
