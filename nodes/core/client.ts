// UppClient: the library's front door. One keep-alive pool per client; one method per endpoint.
import { publishProbe } from './events';
import { EDITIONS, endpointPath, type EndpointName, type PathStyle } from './schema';
import { encodeRequest } from './codec/encode';
import { validateRequest } from './validate';
import { resolveOptions, type ResolvedOptions, type UppClientOptions } from './options';
import { Transport } from './transport';
import { callEndpoint, type CallOptions, type OperationContext, type UppResult, type VerifyState } from './operations';
import { diagnoseNetwork, type Diagnosis, type EditionProbe } from './diagnose';
import { variantName } from './codec/canonical';
import { UppInFlightError, isUppError, type UppNotSentError } from './errors';
import type { RequestInput } from './validate';

export interface NetworkResult extends UppResult {
  diagnosis: Diagnosis;
}

/** Which request field identifies a money-moving call that must not run twice at once. */
const SINGLE_FLIGHT_KEY: Partial<Record<EndpointName, 'paymentNo' | 'requestNo'>> = {
  scanCode: 'paymentNo',
  barCode: 'paymentNo',
  faceCode: 'paymentNo',
  refund: 'requestNo',
};

export class UppClient {
  readonly options: ResolvedOptions;
  readonly #key: string; // private: invisible to util.inspect, JSON.stringify and Object.keys
  readonly #transport: Transport;
  readonly #inFlight = new Set<string>();
  readonly #context: OperationContext;
  /** How this front-end signs, learnt from its answers (auto mode): see VerifyState. */
  readonly #verifyState: VerifyState = {};

  constructor(options: UppClientOptions) {
    this.options = resolveOptions(options);
    this.#key = options.key;
    this.#transport = new Transport({
      origin: this.options.origin,
      connectTimeoutMs: this.options.timeouts.connectMs,
      proxy: this.options.proxy,
      tls: this.options.tls,
    });
    this.#context = {
      options: this.options,
      transport: this.#transport,
      key: this.#key,
      isClosed: () => this.#transport.isClosed,
      verifyState: this.#verifyState,
    };
  }

  /** Network test: proves the link, our signature and the answer's signature; `diagnosis` says what is wrong. */
  async network(call?: CallOptions): Promise<NetworkResult> {
    try {
      // Strict mode checks the answer in auto mode too, so the diagnosis can name the variant it does verify under.
      const strict = this.options.verify === 'strict';
      const ctx: OperationContext = strict
        ? { ...this.#context, options: { ...this.options, verify: 'auto' }, verifyState: {} }
        : this.#context;
      const found = await callEndpoint(ctx, 'network', {}, call);
      // The network path is the same in every edition: a read on the query path tells which paths this front-end serves.
      const probe = found.httpStatus === 200 ? await this.#probeEdition(call) : undefined;
      const pinned = variantName(this.options.verifyVariant);
      const diagnosis = diagnoseNetwork(found, this.options, probe);
      if (!strict || found.verified === false || found.verified === pinned) return { ...found, diagnosis };
      // Strict, and the answer verifies only under another variant: the call failed; say which variant would do.
      const failed: UppResult = { ...found, outcome: 'failed', reason: 'bad_signature', verified: false, status: undefined };
      if (diagnosis.code === 'wrong_edition' || diagnosis.code === 'profile_mismatch') return { ...failed, diagnosis };
      return {
        ...failed,
        diagnosis: {
          code: 'sign_variant',
          en: `The key is right, but the front-end's answers verify only under variant ${found.verified}, not the pinned ${pinned}: set the verification variant to ${found.verified}, or verification to auto`,
          zh: `密钥正确，但前置机应答仅能按 ${found.verified} 方式验签，而非指定的 ${pinned}：请把验签方式设为 ${found.verified}，或改为自动验签`,
        },
      };
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

  /**
   * Asks the configured edition's query path, and if it answers 404 the other path family's, with a query for an
   * order that does not exist (a read: safe, changes nothing). Never throws; undefined when nothing can be said.
   */
  async #probeEdition(call?: CallOptions): Promise<EditionProbe | undefined> {
    try {
      const { options } = this;
      const status = async (style: PathStyle) => {
        const now = options.now();
        const fields = validateRequest('query', { bizType: 'scan_pay', paymentNo: `UPPPROBE${now}` }, now, options.edition);
        const encoded = encodeRequest(options, fields, this.#key, options.profile, now);
        const path = endpointPath('query', style, options.prefix);
        const startedAt = Date.now();
        const attempt = await this.#transport.post(path, encoded.body, options.timeouts.readMs, call?.signal);
        publishProbe(call?.caller, path, encoded.body, attempt, startedAt, String(fields.paymentNo));
        return attempt.kind === 'answered' ? attempt.statusCode : undefined;
      };
      const configured = EDITIONS[options.edition].pathStyle;
      const other: PathStyle = configured === 'v2' ? 'manual-1.0' : 'v2';
      const configuredStatus = await status(configured);
      if (configuredStatus !== 404) return { configured, configuredStatus };
      return { configured, configuredStatus, other, otherStatus: await status(other) };
    } catch {
      return undefined;
    }
  }

  scanCode(fields: RequestInput, call?: CallOptions): Promise<UppResult> {
    return this.call('scanCode', fields, call);
  }

  barCode(fields: RequestInput, call?: CallOptions): Promise<UppResult> {
    return this.call('barCode', fields, call);
  }

  /** Face payment order (vendor API §4.8, nodes/core/schema.ts; editions 2.1 on). */
  faceCode(fields: RequestInput, call?: CallOptions): Promise<UppResult> {
    return this.call('faceCode', fields, call);
  }

  /** Platform bill of a date range (vendor API §4.9; editions 2.1 on): rows in result.rows, amounts as exact strings. */
  yuntaiBills(fields: RequestInput, call?: CallOptions): Promise<UppResult> {
    return this.call('yuntaiBills', fields, call);
  }

  /** Channel bill of a date range (vendor API §4.10, path /access/channelBIlls; editions 2.1 on): rows in result.rows. */
  channelBills(fields: RequestInput, call?: CallOptions): Promise<UppResult> {
    return this.call('channelBills', fields, call);
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

  /** Calls any endpoint by name (what the nodes use). Errors come back as a rejected promise, never thrown. */
  call(endpoint: EndpointName, fields: RequestInput, call?: CallOptions): Promise<UppResult> {
    if (endpoint === 'network') return this.network(call);
    const keyField = SINGLE_FLIGHT_KEY[endpoint];
    const keyValue = keyField ? fields?.[keyField] : undefined;
    if (keyField === undefined || (typeof keyValue !== 'string' && typeof keyValue !== 'number')) {
      // Not wrapped in another async function: a read's promise is callEndpoint's own (one promise less per call).
      return callEndpoint(this.#context, endpoint, fields, call);
    }
    return this.#singleFlight(keyField, String(keyValue), () => callEndpoint(this.#context, endpoint, fields, call));
  }

  /** Runs a money-moving call unless one for the same order or refund is in flight (UppInFlightError). */
  async #singleFlight(keyField: string, keyValue: string, run: () => Promise<UppResult>): Promise<UppResult> {
    const flightKey = `${keyField}:${keyValue}`;
    if (this.#inFlight.has(flightKey)) throw new UppInFlightError(keyField, keyValue);
    this.#inFlight.add(flightKey);
    try {
      return await run();
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
    return {
      baseUrl: `${this.options.origin}${this.options.prefix}`,
      isvId: this.options.isvId,
      partnerId: this.options.partnerId,
      edition: this.options.edition,
      profile: this.options.profile,
    };
  }
}
