// Client configuration: defaults, checks and normalization. The key is checked for presence only and never echoed.
import { UppConfigError } from './errors';
import type { PathStyle, Profile, VerifyMode } from './schema';
import type { TlsOptions } from './transport';
import { longText } from './validate';

export interface Timeouts {
  /** Opening the TCP/TLS connection (default 5 000 ms). */
  connectMs?: number;
  /** Pay, refund and close calls (default 35 000 ms: the front-end may wait ~30 s for the cloud). */
  payMs?: number;
  /** Network test and queries (default 10 000 ms). */
  readMs?: number;
}

export interface RetryOptions {
  /** Attempts per call at most, the first included (default 3). Pay and refund are retried only if not sent. */
  attempts?: number;
  /** First backoff delay (default 200 ms), doubled each time, with full jitter. */
  baseDelayMs?: number;
  /** Longest backoff delay (default 2 000 ms). */
  maxDelayMs?: number;
}

export interface UppClientOptions {
  /** e.g. http://10.1.2.3:7000 or https://upp.hospital.local/hs-access-facepay (a path prefix is allowed). */
  baseUrl: string;
  isvId: string | number;
  partnerId: string | number;
  /** The signing key issued for (partnerId, isvId). Kept private; never logged or returned. */
  key: string;
  /** How values appear in the canonical string: `v1` (ISV manual 1.0, default) or `v2` (HIS manual V2.3). */
  profile?: Profile;
  /** `auto` (default) accepts any of the four verification variants and reports which; `strict` only the profile's. */
  verify?: VerifyMode;
  /** Endpoint names: `manual-1.0` (scancode, barcode, query; default) or `v2` (scanCode, barCode, paymentQuery). */
  pathStyle?: PathStyle;
  timeouts?: Timeouts;
  retry?: RetryOptions;
  tls?: TlsOptions;
  /** `env` (default) honours http_proxy / https_proxy / no_proxy; `none` connects directly. */
  proxy?: 'env' | 'none';
  /** How long destroy() lets calls in flight finish before aborting them (default 0). */
  closeGraceMs?: number;
  /** Clock, for tests. */
  now?: () => number;
}

export interface ResolvedOptions {
  origin: string;
  prefix: string;
  isvId: string;
  partnerId: string;
  profile: Profile;
  verify: VerifyMode;
  pathStyle: PathStyle;
  timeouts: Required<Timeouts>;
  retry: Required<RetryOptions>;
  tls?: TlsOptions;
  proxy: 'env' | 'none';
  closeGraceMs: number;
  now: () => number;
}

function oneOf<T extends string>(field: string, value: unknown, allowed: readonly T[], fallback: T): T {
  if (value === undefined || value === null || value === '') return fallback;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw new UppConfigError(field, 'option', { values: allowed.join(', '), got: String(value).slice(0, 40) });
}

function positiveMs(field: string, value: unknown, fallback: number): number {
  if (value === undefined || value === null || value === '') return fallback;
  const n = typeof value === 'string' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n) || n <= 0) throw new UppConfigError(field, 'type_integer', { max: 9 });
  return n;
}

/** Checks and completes client options; throws UppConfigError naming the field. */
export function resolveOptions(options: UppClientOptions): ResolvedOptions {
  if (!options || typeof options !== 'object') throw new UppConfigError('baseUrl', 'required');
  const { origin, prefix } = splitBaseUrl(options.baseUrl);
  if (options.isvId === undefined || options.isvId === null || options.isvId === '') throw new UppConfigError('isvId', 'required');
  if (options.partnerId === undefined || options.partnerId === null || options.partnerId === '') throw new UppConfigError('partnerId', 'required');
  if (typeof options.key !== 'string' || options.key.length === 0) throw new UppConfigError('key', 'required');
  const retry = options.retry ?? {};
  const attempts = retry.attempts ?? 3;
  if (!Number.isInteger(attempts) || attempts < 1 || attempts > 10) throw new UppConfigError('retry.attempts', 'type_integer', { max: 2 });
  return {
    origin,
    prefix,
    isvId: configId('isvId', options.isvId),
    partnerId: configId('partnerId', options.partnerId),
    profile: oneOf('profile', options.profile, ['v1', 'v2'] as const, 'v1'),
    verify: oneOf('verify', options.verify, ['strict', 'auto'] as const, 'auto'),
    pathStyle: oneOf('pathStyle', options.pathStyle, ['manual-1.0', 'v2'] as const, 'manual-1.0'),
    timeouts: {
      connectMs: positiveMs('timeouts.connectMs', options.timeouts?.connectMs, 5000),
      payMs: positiveMs('timeouts.payMs', options.timeouts?.payMs, 35000),
      readMs: positiveMs('timeouts.readMs', options.timeouts?.readMs, 10000),
    },
    retry: {
      attempts,
      baseDelayMs: positiveMs('retry.baseDelayMs', retry.baseDelayMs, 200),
      maxDelayMs: positiveMs('retry.maxDelayMs', retry.maxDelayMs, 2000),
    },
    tls: options.tls,
    proxy: oneOf('proxy', options.proxy, ['env', 'none'] as const, 'env'),
    closeGraceMs: options.closeGraceMs ?? 0,
    now: options.now ?? Date.now,
  };
}

function configId(field: string, value: unknown): string {
  try {
    return longText(field, value, 15);
  } catch {
    throw new UppConfigError(field, 'type_integer', { max: 15 });
  }
}

function splitBaseUrl(baseUrl: unknown): { origin: string; prefix: string } {
  if (typeof baseUrl !== 'string' || baseUrl.trim() === '') throw new UppConfigError('baseUrl', 'required');
  let url: URL;
  try {
    url = new URL(baseUrl.trim());
  } catch {
    throw new UppConfigError('baseUrl', 'url', { got: baseUrl.slice(0, 60) });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UppConfigError('baseUrl', 'url', { got: baseUrl.slice(0, 60) });
  // A base URL copied from the manual may end in /access; the endpoint paths add it again.
  const prefix = url.pathname.replace(/\/+$/, '').replace(/\/access$/, '');
  return { origin: url.origin, prefix };
}
