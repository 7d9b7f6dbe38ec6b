// UppClient: the library's front door. One keep-alive pool per client; one method per endpoint.
import type { EndpointName } from './schema';
import { resolveOptions, type ResolvedOptions, type UppClientOptions } from './options';
import { Transport } from './transport';
import { callEndpoint, type CallOptions, type OperationContext, type UppResult } from './operations';
import { diagnoseNetwork, type Diagnosis } from './diagnose';
import { UppInFlightError, isUppError, type UppNotSentError } from './errors';
import type { RequestInput } from './validate';

export interface NetworkResult extends UppResult {
  diagnosis: Diagnosis;
}

/** Which request field identifies a money-moving call that must not run twice at once. */
const SINGLE_FLIGHT_KEY: Partial<Record<EndpointName, 'paymentNo' | 'requestNo'>> = {
  scanCode: 'paymentNo',
  barCode: 'paymentNo',
  refund: 'requestNo',
};

export class UppClient {
  readonly options: ResolvedOptions;
  readonly #key: string; // private: invisible to util.inspect, JSON.stringify and Object.keys
  readonly #transport: Transport;
  readonly #inFlight = new Set<string>();
  readonly #context: OperationContext;

  constructor(options: UppClientOptions) {
    this.options = resolveOptions(options);
    this.#key = options.key;
    this.#transport = new Transport({
      origin: this.options.origin,
      connectTimeoutMs: this.options.timeouts.connectMs,
      proxy: this.options.proxy,
      tls: this.options.tls,
    });
    this.#context = { options: this.options, transport: this.#transport, key: this.#key, isClosed: () => this.#transport.isClosed };
  }

  /** Network test: proves the link, our signature and the answer's signature; `diagnosis` says what is wrong. */
  async network(call?: CallOptions): Promise<NetworkResult> {
    try {
      const result = await callEndpoint(this.#context, 'network', {}, call);
      return { ...result, diagnosis: diagnoseNetwork(result, this.options.profile) };
    } catch (err) {
      if (isUppError<UppNotSentError & { diagnosis?: Diagnosis }>(err, 'ERR_UPP_NOT_SENT')) {
        err.diagnosis = {
          code: 'connection',
          en: `Cannot connect to ${this.options.origin}: check the address, the port and the network`,
          zh: `无法连接 ${this.options.origin}：请检查地址、端口和网络`,
        };
      }
      throw err;
    }
  }

  scanCode(fields: RequestInput, call?: CallOptions): Promise<UppResult> {
    return this.call('scanCode', fields, call);
  }

  barCode(fields: RequestInput, call?: CallOptions): Promise<UppResult> {
    return this.call('barCode', fields, call);
  }

  query(fields: RequestInput, call?: CallOptions): Promise<UppResult> {
    return this.call('query', fields, call);
  }

  refund(fields: RequestInput, call?: CallOptions): Promise<UppResult> {
    return this.call('refund', fields, call);
  }

  refundQuery(fields: RequestInput, call?: CallOptions): Promise<UppResult> {
    return this.call('refundQuery', fields, call);
  }

  close(fields: RequestInput, call?: CallOptions): Promise<UppResult> {
    return this.call('close', fields, call);
  }

  /** Calls any endpoint by name (what the nodes use). */
  async call(endpoint: EndpointName, fields: RequestInput, call?: CallOptions): Promise<UppResult> {
    if (endpoint === 'network') return this.network(call);
    const keyField = SINGLE_FLIGHT_KEY[endpoint];
    const keyValue = keyField ? fields?.[keyField] : undefined;
    if (keyField === undefined || (typeof keyValue !== 'string' && typeof keyValue !== 'number')) {
      return callEndpoint(this.#context, endpoint, fields, call);
    }
    const flightKey = `${keyField}:${keyValue}`;
    if (this.#inFlight.has(flightKey)) throw new UppInFlightError(keyField, String(keyValue));
    this.#inFlight.add(flightKey);
    try {
      return await callEndpoint(this.#context, endpoint, fields, call);
    } finally {
      this.#inFlight.delete(flightKey);
    }
  }

  /** Number of pay/refund calls in flight (for status displays). */
  get inFlight(): number {
    return this.#inFlight.size;
  }

  /** Releases the pool. Calls in flight get `closeGraceMs` to finish, then come back pending (aborted). */
  destroy(graceMs = this.options.closeGraceMs): Promise<void> {
    return this.#transport.close(graceMs);
  }

  toJSON(): Record<string, unknown> {
    return { baseUrl: `${this.options.origin}${this.options.prefix}`, isvId: this.options.isvId, partnerId: this.options.partnerId, profile: this.options.profile };
  }
}
