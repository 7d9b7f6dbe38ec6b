// One call to one endpoint: validate -> encode -> send (with the retries its kind allows) -> parse -> verify ->
// decide. Thrown errors mean "not sent"; everything that may have reached the platform comes back as a result.
import { EDITION_NAMES, editionHas, ENDPOINTS, endpointPath, type EndpointName } from './schema';
import { validateRequest, type RequestInput } from './validate';
import { encodeRequest, type EncodedRequest } from './codec/encode';
import { isJsonObject, parseLossless, type JsonObject } from './codec/json';
import { coversDataSign, hasDataSign, verifyTree, type VerifiedVariant } from './codec/canonical';
import { normalizeAmount, type Decimal } from './codec/money';
import { decide, type Answer, type Outcome, type ReasonCode } from './outcome';
import { bindAnswer, type FieldMismatch } from './binding';
import { decodeData, decodeEnvelope, decodeRows, describeRequest, type Envelope } from './decode';
import { UppClientClosedError, UppConfigError, UppNotSentError } from './errors';
import type { ResolvedOptions } from './options';
import type { AttemptResult, Transport } from './transport';
import { nextCallId, observingAttempts, observingCalls, publishAttempt, publishCall, type CallerInfo, type CallEvent } from './events';

export interface CallOptions {
  /** Cancels the call; a call cancelled after sending comes back pending with reason `aborted`. */
  signal?: AbortSignal;
  /** Overrides the client's timeout for this call. */
  timeoutMs?: number;
  /** Who is calling (node and config node ids): copied into the diagnostics events of nodes/core/events.ts. */
  caller?: CallerInfo;
  /**
   * The amount the answer must be about, for endpoints that do not send one: the order's amount for `query`
   * (compared with data.tradeFee), the refund's for `refundQuery` (data.refundFee). Pay orders and refunds compare
   * with the amount they sent. A different amount is pending with reason `mismatch`.
   */
  expectedAmount?: string | number | Decimal;
}

export interface UppResult {
  endpoint: EndpointName;
  outcome: Outcome;
  /** data.tradeStatus of a verified answer bound to this request (for close: data.isCloseOrder). */
  status?: string;
  /** The response data: amounts as exact strings. */
  data?: Record<string, unknown>;
  /** The rows of a list-shaped answer (bill downloads), amounts as exact strings. */
  rows?: Array<Record<string, unknown>>;
  envelope?: Envelope;
  /** Which verification variant matched (e.g. `v1`, `v2-mixed/iso-time`, `v1/no-data-sign`), or false. */
  verified: VerifiedVariant | false;
  /**
   * True only when data.sign (the scan-code pay URL) is present and authenticated: the verifying variant covers it
   * (or the client says this front-end does not sign it: `dataSignUnsigned`), and the answer is about this request.
   */
  payUrlVerified: boolean;
  /** Bound fields of a verified answer that are not about this request (reason `mismatch`); received null = absent. */
  mismatch?: Record<string, FieldMismatch>;
  /** Fields the manual marks required that a verified, accepted answer lacks (reason `missing_field`). */
  missing?: string[];
  /** True when a rule, not the platform, decided. */
  assumed: boolean;
  reason: ReasonCode;
  /** Technical detail of an ambiguous failure (error code, HTTP status). */
  detail?: string;
  httpStatus?: number;
  /** The request fields as sent (no sign, no key). */
  request: Record<string, unknown>;
  attempts: number;
  elapsedMs: number;
}

/** What the client remembers between calls about how its front-end signs (auto mode). */
export interface VerifyState {
  /** The variant that first verified a bound answer carrying data.sign. */
  dataSignVariant?: VerifiedVariant;
}

export interface OperationContext {
  options: ResolvedOptions;
  transport: Transport;
  key: string;
  isClosed: () => boolean;
  verifyState?: VerifyState;
}

function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

function backoffMs(attempt: number, options: ResolvedOptions): number {
  const ceiling = Math.min(options.retry.maxDelayMs, options.retry.baseDelayMs * 2 ** (attempt - 1));
  return ceiling / 2 + Math.random() * (ceiling / 2); // jitter spreads retries of many clients apart
}

interface ReadAnswer {
  answer: Answer;
  tree?: JsonObject;
  verified: VerifiedVariant | false;
  detail?: string;
  httpStatus?: number;
}

/** Parses and verifies an HTTP answer into what the rules need. */
function readAnswer(attempt: AttemptResult, ctx: OperationContext, endpoint: EndpointName): ReadAnswer {
  if (attempt.kind !== 'answered') {
    return {
      answer: { problem: attempt.kind === 'maybe_sent' ? attempt.reason : 'connection_reset', verified: false },
      verified: false,
      detail: attempt.detail,
    };
  }
  const httpStatus = attempt.statusCode;
  if (httpStatus !== 200) {
    return { answer: { problem: 'http_status', verified: false }, verified: false, httpStatus, detail: `HTTP ${httpStatus}` };
  }
  let tree: JsonObject;
  try {
    const parsed = parseLossless(attempt.body);
    if (!isJsonObject(parsed)) throw new SyntaxError('not a JSON object');
    tree = parsed;
  } catch (err) {
    return unparsable(httpStatus, err);
  }
  const { options } = ctx;
  const remembered = ctx.verifyState?.dataSignVariant;
  const check = verifyTree(tree, ctx.key, options.verifyVariant.profile, options.verify, {
    variant: options.verifyVariant,
    remembered,
    // Once an answer's data.sign verified, a later one verified only without it is not the front-end's (issue 10 item 4).
    requireDataSign: remembered !== undefined && coversDataSign(remembered),
  });
  const data = isJsonObject(tree.data) ? tree.data : undefined;
  // Close reads isCloseOrder alone: an inserted empty tradeStatus must not stand in for it (issue 10 item 2).
  const statusValue = endpoint === 'close' ? data?.isCloseOrder : data?.tradeStatus;
  const answer: Answer = {
    verified: check.verified !== false,
    problem: check.verified === false ? check.problem : undefined,
    result: tree.result,
    kind: tree.kind,
    status: typeof statusValue === 'string' ? statusValue : undefined,
  };
  return { answer, tree, verified: check.verified, httpStatus };
}

function unparsable(httpStatus: number | undefined, err: unknown): ReadAnswer {
  return {
    answer: { problem: 'unparsable', verified: false },
    verified: false,
    httpStatus,
    detail: String((err as Error)?.message ?? err).slice(0, 120),
  };
}

/** The first edition that serves an endpoint (for the error naming the edition). */
const sinceEdition = (endpoint: EndpointName) => EDITION_NAMES.find((e) => editionHas(e, endpoint)) ?? '?';

export async function callEndpoint(
  ctx: OperationContext,
  endpoint: EndpointName,
  input: RequestInput,
  call: CallOptions = {},
): Promise<UppResult> {
  const started = performance.now();
  const prepared = prepareCall(ctx, endpoint, input, call);
  const audit = new CallAudit(endpoint, call.caller, prepared.encoded.fields);
  const { read, attempts } = await sendWithRetries(ctx, prepared, call, audit);
  const result = decideResult(ctx, prepared, read, attempts, started);
  audit.ended({ result }, attempts);
  return result;
}

/** A call ready to send: its fields validated, its body signed, and what its kind allows. */
interface PreparedCall {
  endpoint: EndpointName;
  encoded: EncodedRequest;
  path: string;
  timeoutMs: number;
  /** Reads are safe to repeat after an ambiguous failure; pay, refund and close never are. */
  repeatable: boolean;
  expectedAmount: string | undefined;
  /** The endpoint's own limit on the answer (bill downloads); undefined: the transport's. */
  maxResponseBytes: number | undefined;
}

/** Checks everything that can be checked before sending, then signs: throws (nothing sent) on any broken rule. */
function prepareCall(ctx: OperationContext, endpoint: EndpointName, input: RequestInput, call: CallOptions): PreparedCall {
  const spec = ENDPOINTS[endpoint];
  const { options } = ctx;
  if (!editionHas(options.edition, endpoint)) {
    throw new UppConfigError('edition', 'edition', { edition: options.edition, endpoint, since: sinceEdition(endpoint) });
  }
  const now = options.now();
  const fields = validateRequest(endpoint, input ?? {}, now, options.edition);
  const expectedAmount =
    call.expectedAmount === undefined || call.expectedAmount === null || call.expectedAmount === ''
      ? undefined
      : normalizeAmount('expectedAmount', call.expectedAmount);
  if (ctx.isClosed()) throw new UppClientClosedError();
  if (call.signal?.aborted) throw new UppNotSentError('aborted', 'cancelled before sending', 0);
  return {
    endpoint,
    encoded: encodeRequest(options, fields, ctx.key, options.profile, now),
    path: endpointPath(endpoint, options.edition, options.prefix),
    timeoutMs: call.timeoutMs ?? (spec.kind === 'read' ? options.timeouts.readMs : options.timeouts.payMs),
    repeatable: spec.kind === 'read',
    expectedAmount,
    maxResponseBytes: spec.maxResponseBytes,
  };
}

/**
 * Sends until an attempt gives a usable answer or no attempt is left: a request proven not sent may always be
 * repeated, an ambiguous one only by a read. Throws UppNotSentError when the last attempt was not sent either.
 */
async function sendWithRetries(
  ctx: OperationContext,
  prepared: PreparedCall,
  call: CallOptions,
  audit: CallAudit,
): Promise<{ read: ReadAnswer; attempts: number }> {
  const { options } = ctx;
  for (let attempts = 1; ; attempts++) {
    const attemptStarted = Date.now();
    const attempt = await ctx.transport.post(
      prepared.path,
      prepared.encoded.body,
      prepared.timeoutMs,
      call.signal,
      prepared.maxResponseBytes,
    );
    const last = attempts >= options.retry.attempts || call.signal?.aborted || ctx.isClosed();
    if (attempt.kind === 'not_sent') {
      audit.attempt(attempts, prepared, attemptStarted, attempt);
      if (last) {
        const error = new UppNotSentError(attempt.reason, attempt.detail, attempts, attempt.error);
        audit.ended({ error: { code: error.code, message: error.message } }, attempts);
        throw error;
      }
      await delay(backoffMs(attempts, options), call.signal);
      continue;
    }
    const read = readAndVerify(ctx, prepared.endpoint, attempt);
    audit.attempt(attempts, prepared, attemptStarted, attempt, read);
    if (read.answer.problem && prepared.repeatable && !last) {
      await delay(backoffMs(attempts, options), call.signal);
      continue;
    }
    return { read, attempts };
  }
}

/** From here on the request may have reached the platform: nothing may throw out of the call (issue 10 item 3). */
function readAndVerify(ctx: OperationContext, endpoint: EndpointName, attempt: AttemptResult): ReadAnswer {
  try {
    return readAnswer(attempt, ctx, endpoint);
  } catch (err) {
    return unparsable(attempt.kind === 'answered' ? attempt.statusCode : undefined, err);
  }
}

/** Binds the answer to the request and decides; a crash there is an answer nobody could read. */
function decideResult(ctx: OperationContext, prepared: PreparedCall, read: ReadAnswer, attempts: number, started: number): UppResult {
  const { endpoint, encoded } = prepared;
  const base: CallFacts = { endpoint, request: describeRequest(encoded.fields), attempts, started };
  try {
    return settle(ctx, read, encoded.fields, prepared.expectedAmount, base);
  } catch (err) {
    // A crash in binding, decoding or deciding is an answer nobody could read: the rules for unreadable answers apply.
    const failed = unparsable(read.httpStatus, err);
    const decision = decide(endpoint, failed.answer);
    return {
      endpoint,
      request: base.request,
      attempts,
      outcome: decision.outcome,
      verified: false,
      payUrlVerified: false,
      assumed: decision.assumed,
      reason: decision.reason,
      detail: failed.detail,
      httpStatus: read.httpStatus,
      elapsedMs: elapsedSince(started),
    };
  }
}

/**
 * The call's diagnostics events (nodes/core/events.ts): one per HTTP attempt, one when the call ends. Events are
 * built only while someone observes, so an unobserved call allocates nothing for them.
 */
class CallAudit {
  readonly #callId: number;
  readonly #startedAt = Date.now();

  constructor(
    private readonly endpoint: EndpointName,
    private readonly caller: CallerInfo | undefined,
    private readonly fields: JsonObject,
  ) {
    this.#callId = observingAttempts() || observingCalls() ? nextCallId() : 0;
  }

  attempt(attempt: number, prepared: PreparedCall, startedAt: number, result: AttemptResult, read?: ReadAnswer): void {
    if (!observingAttempts()) return;
    publishAttempt(() => ({
      callId: this.#callId,
      endpoint: this.endpoint,
      caller: this.caller,
      attempt,
      path: prepared.path,
      body: prepared.encoded.body,
      startedAt,
      elapsedMs: Date.now() - startedAt,
      transport: result.kind,
      ...(result.kind === 'not_sent'
        ? { problem: result.reason, detail: result.detail }
        : {
            httpStatus: result.kind === 'answered' ? result.statusCode : undefined,
            responseText: result.kind === 'answered' ? result.body : undefined,
            problem: read?.answer.problem,
            detail: read?.detail,
            verified: read?.verified,
          }),
    }));
  }

  ended(end: Pick<CallEvent, 'result' | 'error'>, attempts: number): void {
    if (!observingCalls()) return;
    publishCall(() => ({
      callId: this.#callId,
      endpoint: this.endpoint,
      caller: this.caller,
      startedAt: this.#startedAt,
      elapsedMs: Date.now() - this.#startedAt,
      attempts,
      paymentNo: idOf(this.fields.paymentNo),
      requestNo: idOf(this.fields.requestNo),
      ...end,
    }));
  }
}

/** What a result says about the call itself, beside what the answer decided. */
interface CallFacts {
  endpoint: EndpointName;
  request: Record<string, unknown>;
  attempts: number;
  /** performance.now() when the call began (for elapsedMs). */
  started: number;
}

const elapsedSince = (started: number) => Math.round((performance.now() - started) * 10) / 10;

/** Binds, decides and decodes a read answer (everything after verification), into the call's result. */
function settle(ctx: OperationContext, read: ReadAnswer, sent: JsonObject, expectedAmount: string | undefined, call: CallFacts): UppResult {
  const { endpoint } = call;
  const { answer, tree } = read;
  const binding = answer.verified && tree ? bindAnswer(endpoint, sent, tree, expectedAmount) : {};
  if (binding.unbound) answer.unbound = binding.unbound;
  const decision = decide(endpoint, answer);
  const bound = answer.verified && !binding.unbound;
  const withDataSign = tree !== undefined && hasDataSign(tree);
  if (bound && withDataSign && ctx.verifyState && ctx.verifyState.dataSignVariant === undefined && typeof read.verified === 'string') {
    ctx.verifyState.dataSignVariant = read.verified;
  }
  // One object literal with every field (no spread of partial results: this runs on every call).
  return {
    outcome: decision.outcome,
    status: bound ? answer.status : undefined,
    data: tree ? decodeData(endpoint, tree) : undefined,
    rows: tree ? decodeRows(endpoint, tree) : undefined,
    envelope: tree ? decodeEnvelope(tree) : undefined,
    verified: read.verified,
    payUrlVerified: bound && withDataSign && (coversDataSign(read.verified) || ctx.options.dataSignUnsigned),
    mismatch: binding.mismatch,
    missing: binding.missing,
    assumed: decision.assumed,
    reason: decision.reason,
    detail: read.detail,
    httpStatus: read.httpStatus,
    endpoint,
    request: call.request,
    attempts: call.attempts,
    elapsedMs: elapsedSince(call.started),
  };
}

function idOf(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
