// HTTP transport: one undici dispatcher per client (a keep-alive Pool, or the environment's proxy), timeouts, and
// the one question that matters for money: did the request possibly reach the platform ("maybe sent") or provably
// not ("not sent")? Retries are decided by the caller (operations), which knows whether the endpoint is safe to repeat.
import { EventEmitter } from 'node:events';
import type { Dispatcher } from 'undici';
import type { ConnectionOptions } from 'node:tls';

export interface TlsOptions {
  /** PEM text of a private CA (or several), for front-ends behind HTTPS with the hospital's own certificate. */
  ca?: string | string[];
  cert?: string;
  key?: string;
  rejectUnauthorized?: boolean;
  servername?: string;
}

export interface TransportOptions {
  /** Origin only, e.g. https://10.1.2.3:7000 (the path prefix is added per request). */
  origin: string;
  connectTimeoutMs: number;
  /** 'env' uses http_proxy / https_proxy / no_proxy when set; 'none' always connects directly. */
  proxy?: 'env' | 'none';
  tls?: TlsOptions;
  /** Upper bound on a response body; larger answers are treated as unparsable. */
  maxResponseBytes?: number;
  connections?: number;
}

/** What one attempt produced. `not_sent` is proven harmless; `maybe_sent` may have reached the platform. */
export type AttemptResult =
  | { kind: 'answered'; statusCode: number; body: string }
  | { kind: 'not_sent'; reason: string; detail: string; error: unknown }
  | { kind: 'maybe_sent'; reason: 'timeout' | 'connection_reset' | 'aborted' | 'too_large'; detail: string; error: unknown };

// Errors raised before any byte of the request could have left this machine.
const NOT_SENT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EADDRNOTAVAIL',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'CERT_HAS_EXPIRED',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
]);
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

function errorCode(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; current && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'UND_ERR_SOCKET') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return (error as { code?: string })?.code ?? 'UNKNOWN';
}

export function hasProxyEnvironment(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.http_proxy || env.HTTP_PROXY || env.https_proxy || env.HTTPS_PROXY);
}

export class Transport {
  private readonly dispatcher: Dispatcher;
  private readonly origin: string;
  private readonly maxResponseBytes: number;
  private closed = false;

  constructor(options: TransportOptions) {
    this.origin = options.origin;
    this.maxResponseBytes = options.maxResponseBytes ?? 1024 * 1024;
    const connect = { timeout: options.connectTimeoutMs, ...(options.tls as ConnectionOptions | undefined) };
    // Loaded on first use: undici costs ~70 ms and ~19 MB, which Node-RED would otherwise pay at start-up even
    // when no UPP node is deployed.
    const { Pool, EnvHttpProxyAgent } = require('undici') as typeof import('undici');
    this.dispatcher =
      options.proxy !== 'none' && hasProxyEnvironment()
        ? new EnvHttpProxyAgent({ connect, connectTimeout: options.connectTimeoutMs })
        : new Pool(options.origin, { connect, connections: options.connections ?? 64, keepAliveTimeout: 4000 });
  }

  /** Sends one POST and classifies what happened. Never throws for network trouble. `maxBytes`: the answer's limit. */
  async post(
    path: string,
    body: string,
    timeoutMs: number,
    signal?: AbortSignal,
    maxBytes = this.maxResponseBytes,
  ): Promise<AttemptResult> {
    // Our own timer for the whole attempt: undici's headersTimeout/bodyTimeout tick coarsely (about every 0.5 s),
    // so they only stand behind it as a backstop. One abort per attempt, linked to the caller's signal and
    // unlinked in `finally`.
    const attempt = new AttemptAbort();
    let timedOutFlag = false;
    const timer = setTimeout(() => {
      timedOutFlag = true;
      attempt.abort();
    }, timeoutMs);
    const unlink = signal ? linkToCaller(signal, attempt) : undefined;
    const timedOut = (error: unknown): AttemptResult | undefined =>
      timedOutFlag && !signal?.aborted
        ? { kind: 'maybe_sent', reason: 'timeout', detail: `no answer within ${timeoutMs} ms`, error }
        : undefined;
    try {
      let response: Dispatcher.ResponseData;
      try {
        response = await this.dispatcher.request({
          origin: this.origin,
          path,
          method: 'POST',
          headers: { 'content-type': 'application/json;charset=UTF-8', accept: 'application/json' },
          body,
          headersTimeout: timeoutMs + 1000,
          bodyTimeout: timeoutMs + 1000,
          signal: attempt,
        });
      } catch (error) {
        const failure = classifyFailure(error);
        // A connect failure is "not sent" even when the deadline fired meanwhile.
        return failure.kind === 'not_sent' ? failure : (timedOut(error) ?? failure);
      }
      try {
        const text = await readBody(response, maxBytes);
        if (text === undefined) return { kind: 'maybe_sent', reason: 'too_large', detail: `body over ${maxBytes} bytes`, error: undefined };
        return { kind: 'answered', statusCode: response.statusCode, body: text };
      } catch (error) {
        // Headers arrived, so the request certainly reached the server.
        const late = timedOut(error);
        if (late) return late;
        const failure = classifyFailure(error);
        return failure.kind === 'not_sent' ? { kind: 'maybe_sent', reason: 'connection_reset', detail: failure.detail, error } : failure;
      }
    } finally {
      clearTimeout(timer);
      unlink?.();
    }
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * Closes the pool. Requests in flight may finish for up to `graceMs` (their answers are not lost); after that they
   * are aborted and come back as maybe-sent.
   */
  async close(graceMs = 0): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
    });
    await Promise.race([this.dispatcher.close().catch(() => undefined), grace]);
    clearTimeout(timer);
    await this.dispatcher.destroy().catch(() => undefined);
  }
}

/**
 * What undici's `signal` option accepts besides an AbortSignal (an EventEmitter with `aborted`, see its
 * Dispatcher.request docs): a plain emitter costs less per attempt than an AbortController and its EventTarget.
 * Aborting it makes undici fail the request with UND_ERR_ABORTED (classifyFailure: aborted).
 */
class AttemptAbort extends EventEmitter {
  aborted = false;

  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    this.emit('abort');
  }
}

/**
 * The attempts in flight of each caller signal, and one 'abort' listener per signal, added at its first attempt: a
 * signal that many calls share (a node's, the poll engine's) then costs a Set entry per attempt, not an EventTarget
 * listener added and removed (each O(listeners)) per attempt.
 */
const ATTEMPTS_OF_SIGNAL = new WeakMap<AbortSignal, Set<AttemptAbort>>();

/** Aborts `attempt` when `signal` aborts (at once if it already has); returns the function that unlinks them. */
function linkToCaller(signal: AbortSignal, attempt: AttemptAbort): (() => void) | undefined {
  if (signal.aborted) {
    attempt.abort();
    return undefined;
  }
  let attempts = ATTEMPTS_OF_SIGNAL.get(signal);
  if (attempts === undefined) {
    const inFlight = new Set<AttemptAbort>();
    ATTEMPTS_OF_SIGNAL.set(signal, inFlight);
    signal.addEventListener('abort', () => inFlight.forEach((a) => a.abort()), { once: true });
    attempts = inFlight;
  }
  attempts.add(attempt);
  const linked = attempts;
  return () => linked.delete(attempt);
}

function classifyFailure(error: unknown): Exclude<AttemptResult, { kind: 'answered' }> {
  const code = errorCode(error);
  const detail = `${code}${(error as Error)?.message ? `: ${(error as Error).message}` : ''}`.slice(0, 200);
  if (NOT_SENT_CODES.has(code))
    return { kind: 'not_sent', reason: code === 'UND_ERR_CONNECT_TIMEOUT' ? 'connect_timeout' : code, detail, error };
  if (TIMEOUT_CODES.has(code)) return { kind: 'maybe_sent', reason: 'timeout', detail, error };
  if ((error as Error)?.name === 'AbortError' || code === 'UND_ERR_ABORTED' || code === 'ABORT_ERR') {
    return { kind: 'maybe_sent', reason: 'aborted', detail, error };
  }
  return { kind: 'maybe_sent', reason: 'connection_reset', detail, error };
}

/**
 * The answer's text exactly as received (a BOM included: body.text() would drop it), or undefined when it is over
 * `limit` bytes. With a Content-Length within the limit, undici's own reader takes the bytes at once: undici never
 * delivers more body than the Content-Length says. Without one (chunked), with a larger one, or for a large answer,
 * chunks are counted as they come: undici's reader keeps its result reachable from the response stream after the
 * call (a whole bill's bytes, seen held after the rows were delivered), while chunks read here are garbage at once.
 */
async function readBody(response: Dispatcher.ResponseData, limit: number): Promise<string | undefined> {
  const length = response.headers['content-length'];
  if (typeof length === 'string' && /^\d{1,9}$/.test(length) && Number(length) <= Math.min(limit, READ_WHOLE_UP_TO)) {
    const bytes = await response.body.bytes();
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  }
  return readLimited(response.body, limit);
}

/** Answers up to this many bytes are taken whole by undici's reader (an ordinary answer is well under 1 KiB). */
const READ_WHOLE_UP_TO = 64 * 1024;

async function readLimited(body: Dispatcher.ResponseData['body'], limit: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > limit) {
      body.destroy();
      return undefined;
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
