// What the client tells observers about its calls, through node:diagnostics_channel (no dependency on who listens).
// Two channels: one event per HTTP attempt (request body as sent, response text as received) and one per call when
// it ends (the result, or the error it threw). Nothing is built unless someone subscribes, so a process without
// observers pays one `hasSubscribers` check per attempt. The key is never part of an event; the request body
// carries the signature, which is public by design (it is sent over the wire).
import diagnostics from 'node:diagnostics_channel';
import type { EndpointName } from './schema';
import type { VerifiedVariant } from './codec/canonical';
import type { UppResult } from './operations';
import type { AttemptResult } from './transport';

export const ATTEMPT_CHANNEL = 'hisflow.upp.attempt';
export const CALL_CHANNEL = 'hisflow.upp.call';

/** Who made a call (the Node-RED node and its config node); copied from CallOptions.caller into the events. */
export interface CallerInfo {
  node?: string;
  config?: string;
}

/** What one HTTP attempt sent and got back. */
export interface AttemptEvent {
  /** Ties the attempts of one call to its CallEvent (a counter per process). */
  callId: number;
  endpoint: EndpointName;
  caller?: CallerInfo;
  /** 1 for the first attempt. */
  attempt: number;
  path: string;
  /** The request body exactly as sent. */
  body: string;
  /** Epoch ms when the attempt started. */
  startedAt: number;
  elapsedMs: number;
  /** answered: an HTTP answer came; not_sent: proven not to have left; maybe_sent: may have reached the platform. */
  transport: 'answered' | 'not_sent' | 'maybe_sent';
  httpStatus?: number;
  /** The response body as received (answered only). */
  responseText?: string;
  /** Why the attempt did not give a usable answer (timeout, http_status, unparsable, bad_signature, ECONNREFUSED, ...). */
  problem?: string;
  detail?: string;
  /** Which verification variant matched this answer, or false. */
  verified?: VerifiedVariant | false;
}

/** How one call ended: its result, or the error it threw (nothing sent). */
export interface CallEvent {
  callId: number;
  endpoint: EndpointName;
  caller?: CallerInfo;
  startedAt: number;
  elapsedMs: number;
  attempts: number;
  /** paymentNo / requestNo of the request, when it has them. */
  paymentNo?: string;
  requestNo?: string;
  result?: UppResult;
  error?: { code?: string; message: string };
  /** A request the client sends for itself, not a call: the network test's edition probe (only its HTTP status is read). */
  probe?: true;
}

const attemptChannel = diagnostics.channel(ATTEMPT_CHANNEL);
const callChannel = diagnostics.channel(CALL_CHANNEL);
let lastCallId = 0;

export function nextCallId(): number {
  lastCallId = lastCallId >= Number.MAX_SAFE_INTEGER ? 1 : lastCallId + 1;
  return lastCallId;
}

export function observingAttempts(): boolean {
  return attemptChannel.hasSubscribers;
}

export function observingCalls(): boolean {
  return callChannel.hasSubscribers;
}

/**
 * Builds the event only when someone listens. A subscriber that throws becomes an uncaught exception (that is how
 * diagnostics_channel reports it), so subscribers must catch their own errors.
 */
export function publishAttempt(make: () => AttemptEvent): void {
  if (attemptChannel.hasSubscribers) attemptChannel.publish(make());
}

export function publishCall(make: () => CallEvent): void {
  if (callChannel.hasSubscribers) callChannel.publish(make());
}

/** The network test's edition probe (nodes/core/client.ts): one attempt, reported as a call of its own. */
export function publishProbe(
  caller: CallerInfo | undefined,
  path: string,
  body: string,
  attempt: AttemptResult,
  startedAt: number,
  paymentNo: string,
): void {
  if (!attemptChannel.hasSubscribers && !callChannel.hasSubscribers) return;
  const callId = nextCallId();
  const elapsedMs = Date.now() - startedAt;
  publishAttempt(() => ({
    callId,
    endpoint: 'query',
    caller,
    attempt: 1,
    path,
    body,
    startedAt,
    elapsedMs,
    transport: attempt.kind,
    httpStatus: attempt.kind === 'answered' ? attempt.statusCode : undefined,
    responseText: attempt.kind === 'answered' ? attempt.body : undefined,
    problem: attempt.kind === 'answered' ? undefined : attempt.reason,
    detail: attempt.kind === 'answered' ? undefined : attempt.detail,
  }));
  publishCall(() => ({ callId, endpoint: 'query', caller, startedAt, elapsedMs, attempts: 1, paymentNo, probe: true }));
}
