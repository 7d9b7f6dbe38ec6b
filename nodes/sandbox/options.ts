// Options with their defaults, checked once at start so a mistake fails loudly (never echoing the key).
import type { Profile } from '../core/schema';

export interface SandboxOptions {
  /** Default 7000; 0 picks a free port. */
  port?: number;
  /** Default '127.0.0.1'. */
  host?: string;
  /** Optional context prefix, e.g. '/hs-access-facepay'; endpoints are served at `${prefix}/access/...`. */
  prefix?: string;
  /** Default '20000'. */
  isvId?: string;
  /** Default '12345'. */
  partnerId?: string;
  /** Signing key, default 'sandbox-key-0001'. */
  key?: string;
  /** Default 'v1': how requests are verified and responses signed. */
  profile?: Profile;
  /** Default true: include data.sign (the pay URL) in the response canonical string. */
  dataSignInCanonical?: boolean;
  /** Default false: later front-ends require `body` on scan/barcode orders. */
  requireBody?: boolean;
  /** Default 40000: delay of the "slow" fault (longer than a client's timeout). */
  slowMs?: number;
  /** Base used in pay URLs; default the server's own http://host:port. */
  publicUrl?: string;
  /** Clock, default Date.now (tests inject one). */
  now?: () => number;
  /** Optional access log; never given the key. */
  log?: (line: string) => void;
  /** The HIS real-time order view (spec 10.2) asked before every automatic refund of a late payment. */
  hisOrderUrl?: string;
  /** The HIS bill view (spec 10.1) pulled by POST /_sandbox/reconcile. */
  hisBillUrl?: string;
  /** How long the platform waits for a HIS view, default 5000 ms. */
  hisTimeoutMs?: number;
  /** When a payment held because the HIS could not answer is asked about again, default 30000 ms. */
  hisRetryMs?: number;
}

export const DEFAULTS = {
  port: 7000,
  host: '127.0.0.1',
  isvId: '20000',
  partnerId: '12345',
  key: 'sandbox-key-0001',
  profile: 'v1' as Profile,
  slowMs: 40000,
  hisTimeoutMs: 5000,
  hisRetryMs: 30000,
};

export interface ResolvedOptions {
  port: number;
  host: string;
  prefix: string;
  isvId: string;
  partnerId: string;
  key: string;
  profile: Profile;
  dataSignInCanonical: boolean;
  requireBody: boolean;
  slowMs: number;
  publicUrl?: string;
  now: () => number;
  log?: (line: string) => void;
  hisOrderUrl?: string;
  hisBillUrl?: string;
  hisTimeoutMs: number;
  hisRetryMs: number;
}

export function resolveOptions(options: SandboxOptions = {}): ResolvedOptions {
  const port = options.port ?? DEFAULTS.port;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new TypeError(`port must be an integer from 0 to 65535 (got ${String(port)})`);
  const profile = options.profile ?? DEFAULTS.profile;
  if (profile !== 'v1' && profile !== 'v2') throw new TypeError(`profile must be "v1" or "v2" (got ${JSON.stringify(profile)})`);
  const key = options.key ?? DEFAULTS.key;
  if (typeof key !== 'string' || key === '') throw new TypeError('key must be a non-empty string');
  const slowMs = options.slowMs ?? DEFAULTS.slowMs;
  if (!Number.isFinite(slowMs) || slowMs < 0) throw new TypeError(`slowMs must be a number of milliseconds >= 0 (got ${String(slowMs)})`);
  return {
    port,
    host: options.host || DEFAULTS.host,
    prefix: normalizePrefix(options.prefix ?? ''),
    isvId: id('isvId', options.isvId ?? DEFAULTS.isvId),
    partnerId: id('partnerId', options.partnerId ?? DEFAULTS.partnerId),
    key,
    profile,
    dataSignInCanonical: options.dataSignInCanonical ?? true,
    requireBody: options.requireBody ?? false,
    slowMs,
    publicUrl: options.publicUrl ? options.publicUrl.replace(/\/+$/, '') : undefined,
    now: options.now ?? Date.now,
    log: options.log,
    hisOrderUrl: options.hisOrderUrl || undefined,
    hisBillUrl: options.hisBillUrl || undefined,
    hisTimeoutMs: millis('hisTimeoutMs', options.hisTimeoutMs ?? DEFAULTS.hisTimeoutMs),
    hisRetryMs: millis('hisRetryMs', options.hisRetryMs ?? DEFAULTS.hisRetryMs),
  };
}

/** '' or '/x/y' (leading slash, no trailing one), so `${prefix}/access/...` is always a clean path. */
export function normalizePrefix(prefix: string): string {
  const trimmed = prefix.trim().replace(/^\/+|\/+$/g, '');
  return trimmed === '' ? '' : `/${trimmed}`;
}

/** isvId / partnerId: Long(15) digits, compared as the number text the client sends. */
function id(name: string, value: string | number): string {
  const text = String(value).trim();
  if (!/^\d{1,15}$/.test(text)) throw new TypeError(`${name} must be 1 to 15 digits (got ${JSON.stringify(text)})`);
  return text.replace(/^0+(?=\d)/, '');
}

function millis(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new TypeError(`${name} must be a number of milliseconds above 0 (got ${String(value)})`);
  return value;
}
