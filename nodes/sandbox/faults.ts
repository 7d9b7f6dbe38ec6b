// Armed faults: "the next N requests matching this get that fault". Checked in arming order; each match uses one.
import { ENDPOINT_NAMES, type EndpointName } from '../core/schema';
import { FAULT_NAMES, type FaultName, type FaultOptions } from './types';

interface Armed {
  fault: FaultName;
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
    this.armed.push({ fault, endpoint: options.endpoint, paymentNo: options.paymentNo, requestNo: options.requestNo, left: times });
  }

  /** Uses up and returns the first armed fault matching this request, if any. */
  take(endpoint: EndpointName, body: Record<string, unknown>): FaultName | undefined {
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
    return found.fault;
  }

  list(): Array<Omit<Armed, 'left'> & { times: number }> {
    return this.armed.map(({ left, ...rest }) => ({ ...rest, times: left }));
  }

  clear(): void {
    this.armed = [];
  }
}
