// One call to one endpoint: validate -> encode -> send (with the retries its kind allows) -> parse -> verify ->
// decide. Thrown errors mean "not sent"; everything that may have reached the platform comes back as a result.
import { ENDPOINTS, endpointPath, type EndpointName } from './schema';
import { validateRequest, type RequestInput } from './validate';
import { encodeRequest } from './codec/encode';
import { isJsonObject, parseLossless, type JsonObject } from './codec/json';
import { verifyTree, type VerifiedVariant } from './codec/canonical';
import { decide, type Answer, type Outcome, type ReasonCode } from './outcome';
import { decodeData, decodeEnvelope, describeRequest, type Envelope } from './decode';
import { UppClientClosedError, UppNotSentError } from './errors';
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
}

export interface UppResult {
  endpoint: EndpointName;
  outcome: Outcome;
  /** data.tradeStatus (isCloseOrder for close) of a verified answer. */
  status?: string;
  /** The response data: amounts as exact strings. */
  data?: Record<string, unknown>;
  envelope?: Envelope;
  /** Which verification variant matched, or false. */
  verified: VerifiedVariant | false;
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

export interface OperationContext {
  options: ResolvedOptions;
  transport: Transport;
  key: string;
  isClosed: () => boolean;
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

/** Parses and verifies an HTTP answer into what the rules need. */
function readAnswer(attempt: AttemptResult, ctx: OperationContext): { answer: Answer; tree?: JsonObject; verified: VerifiedVariant | false; detail?: string; httpStatus?: number } {
  if (attempt.kind !== 'answered') {
    return { answer: { problem: attempt.kind === 'maybe_sent' ? attempt.reason : 'connection_reset', verified: false }, verified: false, detail: attempt.detail };
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
    return { answer: { problem: 'unparsable', verified: false }, verified: false, httpStatus, detail: (err as Error).message.slice(0, 120) };
  }
  const check = verifyTree(tree, ctx.key, ctx.options.profile, ctx.options.verify);
  const data = isJsonObject(tree.data) ? tree.data : undefined;
  const statusValue = data?.tradeStatus ?? data?.isCloseOrder;
  const answer: Answer = {
    verified: check.verified !== false,
    problem: check.verified === false ? check.problem : undefined,
    result: tree.result,
    kind: tree.kind,
    status: typeof statusValue === 'string' ? statusValue : undefined,
  };
  return { answer, tree, verified: check.verified, httpStatus };
}

export async function callEndpoint(ctx: OperationContext, endpoint: EndpointName, input: RequestInput, call: CallOptions = {}): Promise<UppResult> {
  const started = performance.now();
  const spec = ENDPOINTS[endpoint];
  const { options } = ctx;
  const now = options.now();
  const fields = validateRequest(endpoint, input ?? {}, now);
  if (ctx.isClosed()) throw new UppClientClosedError();
  if (call.signal?.aborted) throw new UppNotSentError('aborted', 'cancelled before sending', 0);
  const encoded = encodeRequest(options, fields, ctx.key, options.profile, now);
  const path = endpointPath(endpoint, options.pathStyle, options.prefix);
  const timeoutMs = call.timeoutMs ?? (spec.kind === 'read' ? options.timeouts.readMs : options.timeouts.payMs);
  const repeatable = spec.kind === 'read';

  // Observers (nodes/core/events.ts): one event per HTTP attempt, one when the call ends.
  const callId = observingAttempts() || observingCalls() ? nextCallId() : 0;
  const callStarted = Date.now();
  const ids = { paymentNo: idOf(fields.paymentNo), requestNo: idOf(fields.requestNo) };
  const ended = (end: Pick<CallEvent, 'result' | 'error'>) =>
    publishCall(() => ({ callId, endpoint, caller: call.caller, startedAt: callStarted, elapsedMs: Date.now() - callStarted, attempts, ...ids, ...end }));

  let attempts = 0;
  let read: ReturnType<typeof readAnswer>;
  for (;;) {
    attempts += 1;
    const attemptStarted = Date.now();
    const attempt = await ctx.transport.post(path, encoded.body, timeoutMs, call.signal);
    const last = attempts >= options.retry.attempts || call.signal?.aborted || ctx.isClosed();
    if (attempt.kind === 'not_sent') {
      publishAttempt(() => ({ callId, endpoint, caller: call.caller, attempt: attempts, path, body: encoded.body, startedAt: attemptStarted, elapsedMs: Date.now() - attemptStarted, transport: 'not_sent', problem: attempt.reason, detail: attempt.detail }));
      if (last) {
        const error = new UppNotSentError(attempt.reason, attempt.detail, attempts, attempt.error);
        ended({ error: { code: error.code, message: error.message } });
        throw error;
      }
      await delay(backoffMs(attempts, options), call.signal);
      continue;
    }
    read = readAnswer(attempt, ctx);
    publishAttempt(() => ({
      callId,
      endpoint,
      caller: call.caller,
      attempt: attempts,
      path,
      body: encoded.body,
      startedAt: attemptStarted,
      elapsedMs: Date.now() - attemptStarted,
      transport: attempt.kind,
      httpStatus: attempt.kind === 'answered' ? attempt.statusCode : undefined,
      responseText: attempt.kind === 'answered' ? attempt.body : undefined,
      problem: read.answer.problem,
      detail: read.detail,
      verified: read.verified,
    }));
    // Reads are safe to repeat after an ambiguous failure; pay, refund and close never are.
    if (read.answer.problem && repeatable && !last) {
      await delay(backoffMs(attempts, options), call.signal);
      continue;
    }
    break;
  }

  const decision = decide(endpoint, read.answer);
  const result: UppResult = {
    endpoint,
    outcome: decision.outcome,
    status: read.answer.verified ? read.answer.status : undefined,
    data: read.tree ? decodeData(endpoint, read.tree) : undefined,
    envelope: read.tree ? decodeEnvelope(read.tree) : undefined,
    verified: read.verified,
    assumed: decision.assumed,
    reason: decision.reason,
    detail: read.detail,
    httpStatus: read.httpStatus,
    request: describeRequest(encoded.fields),
    attempts,
    elapsedMs: Math.round((performance.now() - started) * 10) / 10,
  };
  ended({ result });
  return result;
}

function idOf(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
