// Armed faults: "the next N requests matching this get that fault". Checked in arming order; each match uses one.
import { ENDPOINT_NAMES, type EndpointName } from '../core/schema';
import { FAULT_NAMES, type FaultName, type FaultOptions, type FaultTaken, type InsertValue } from './types';

interface Armed extends FaultTaken {
  endpoint?: EndpointName;
  paymentNo?: string;
  requestNo?: string;
  left: number;
}

export class FaultBoard {
  private armed: Armed[] = [];

  arm(fault: FaultName, options: FaultOptions = {}): void {
    if (!FAULT_NAMES.includes(fault)) throw new TypeError(`Unknown fault ${JSON.stringify(fault)}; one of ${FAULT_NAMES.join(', ')}`);
    if (options.endpoint !== undefined && !ENDPOINT_NAMES.includes(options.endpoint)) {
      throw new TypeError(`Unknown endpoint ${JSON.stringify(options.endpoint)}; one of ${ENDPOINT_NAMES.join(', ')}`);
    }
    const times = options.times ?? 1;
    if (!Number.isInteger(times) || times < 1) throw new TypeError(`times must be a positive integer (got ${String(times)})`);
    const armed: Armed = { fault, endpoint: options.endpoint, paymentNo: options.paymentNo, requestNo: options.requestNo, left: times };
    if (fault === 'insert_field') Object.assign(armed, insertion(options));
    else if (options.field !== undefined || options.value !== undefined)
      throw new TypeError(`field and value belong to insert_field only (got fault ${fault})`);
    this.armed.push(armed);
  }

  /** Uses up and returns the first armed fault matching this request, if any. */
  take(endpoint: EndpointName, body: Record<string, unknown>): FaultTaken | undefined {
    const index = this.armed.findIndex(
      (a) =>
        (a.endpoint === undefined || a.endpoint === endpoint) &&
        (a.paymentNo === undefined || a.paymentNo === body.paymentNo) &&
        (a.requestNo === undefined || a.requestNo === body.requestNo),
    );
    if (index < 0) return undefined;
    const found = this.armed[index];
    found.left -= 1;
    if (found.left === 0) this.armed.splice(index, 1);
    const taken: FaultTaken = { fault: found.fault };
    if (found.fault === 'insert_field') Object.assign(taken, { field: found.field, value: found.value });
    return taken;
  }

  list(): Array<Omit<Armed, 'left'> & { times: number }> {
    return this.armed.map(({ left, ...rest }) => ({ ...rest, times: left }));
  }

  clear(): void {
    this.armed = [];
  }
}

/** insert_field needs a field name and a JSON scalar (an empty string is the point of the attack, so it is allowed). */
function insertion(options: FaultOptions): { field: string; value: InsertValue } {
  const { field, value } = options;
  if (typeof field !== 'string' || field.trim() === '')
    throw new TypeError('insert_field needs field: the name of the field to insert, e.g. "tradeStatus"');
  const scalar = value === null || ['string', 'boolean'].includes(typeof value) || (typeof value === 'number' && Number.isFinite(value));
  if (!scalar)
    throw new TypeError(
      `insert_field needs value: a string, finite number, boolean or null (got ${value === undefined ? 'none' : typeof value})`,
    );
  return { field, value: value as InsertValue };
}
