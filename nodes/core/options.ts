// Client configuration: defaults, checks and normalization. The key is checked for presence only and never echoed.
import { UppConfigError } from './errors';
import {
  DEFAULT_EDITION,
  EDITION_NAMES,
  EDITION_OF_PATH_STYLE,
  EDITIONS,
  type Edition,
  type PathStyle,
  type Profile,
  type SignProfile,
  type TimeText,
  type VerifyMode,
} from './schema';
import { parseVariant, SIGN_PROFILES, VARIANT_NAMES, type Variant, type VerifiedVariant } from './codec/canonical';
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
  /**
   * The front-end machine's edition (docs/design.md §9; default `1.0`): it decides the paths, body and authCode rules,
   * which endpoints exist and the default request profile. See docs/client.md, "Editions".
   */
  edition?: Edition;
  /** How request values appear in the canonical string: `v1` (quoted) or `v2` (typed). Default: the edition's (v2 for 2.3, else v1). */
  profile?: Profile;
  /** `auto` (default) accepts every verification variant and reports which; `strict` only `verifyVariant`. */
  verify?: VerifyMode;
  /**
   * The answer signing variant this front-end uses: a name such as `v2-mixed/iso-time`, or its parts. Strict accepts
   * only it; auto tries it first. Default: the request profile, wire time, data.sign covered.
   */
  verifyVariant?: VerifiedVariant | { profile?: SignProfile; time?: TimeText; dataSign?: boolean };
  /**
   * Set only for a front-end known not to sign data.sign (the scan-code pay URL): its pay URL is then trusted
   * without a signature covering it (result.payUrlVerified). Default false.
   */
  dataSignUnsigned?: boolean;
  /** Legacy (flows saved before `edition`): `manual-1.0` means edition 1.0, `v2` edition 2.0. `edition` wins when both are set. */
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
  edition: Edition;
  profile: Profile;
  verify: VerifyMode;
  /** The configured answer variant (strict: the only one accepted). */
  verifyVariant: Variant;
  dataSignUnsigned: boolean;
  /** The edition's endpoint names. */
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
  if (options.partnerId === undefined || options.partnerId === null || options.partnerId === '')
    throw new UppConfigError('partnerId', 'required');
  if (typeof options.key !== 'string' || options.key.length === 0) throw new UppConfigError('key', 'required');
  const retry = options.retry ?? {};
  const attempts = retry.attempts ?? 3;
  if (!Number.isInteger(attempts) || attempts < 1 || attempts > 10) throw new UppConfigError('retry.attempts', 'type_integer', { max: 2 });
  const legacyStyle = oneOf('pathStyle', options.pathStyle, ['manual-1.0', 'v2'] as const, 'manual-1.0');
  const edition = oneOf('edition', options.edition, EDITION_NAMES, EDITION_OF_PATH_STYLE[legacyStyle] ?? DEFAULT_EDITION);
  const profile = oneOf('profile', options.profile, ['v1', 'v2'] as const, EDITIONS[edition].requestProfile);
  if (options.dataSignUnsigned !== undefined && typeof options.dataSignUnsigned !== 'boolean') {
    throw new UppConfigError('dataSignUnsigned', 'option', { values: 'true, false', got: String(options.dataSignUnsigned).slice(0, 40) });
  }
  return {
    origin,
    prefix,
    isvId: configId('isvId', options.isvId),
    partnerId: configId('partnerId', options.partnerId),
    edition,
    profile,
    verify: oneOf('verify', options.verify, ['strict', 'auto'] as const, 'auto'),
    verifyVariant: resolveVariant(options.verifyVariant, profile),
    dataSignUnsigned: options.dataSignUnsigned === true,
    pathStyle: EDITIONS[edition].pathStyle,
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

function resolveVariant(value: UppClientOptions['verifyVariant'], profile: Profile): Variant {
  const fallback: Variant = { profile, time: 'wire', dataSign: true };
  if (value === undefined || value === null || value === '') return fallback;
  if (typeof value === 'string') {
    const parsed = parseVariant(value);
    if (!parsed) throw new UppConfigError('verifyVariant', 'option', { values: VARIANT_NAMES.join(', '), got: value.slice(0, 40) });
    return parsed;
  }
  if (typeof value !== 'object')
    throw new UppConfigError('verifyVariant', 'option', { values: VARIANT_NAMES.join(', '), got: String(value).slice(0, 40) });
  const dataSign = value.dataSign ?? true;
  if (typeof dataSign !== 'boolean')
    throw new UppConfigError('verifyVariant.dataSign', 'option', { values: 'true, false', got: String(dataSign).slice(0, 40) });
  return {
    profile: oneOf('verifyVariant.profile', value.profile, SIGN_PROFILES, profile),
    time: oneOf('verifyVariant.time', value.time, ['wire', 'iso'] as const, 'wire'),
    dataSign,
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
