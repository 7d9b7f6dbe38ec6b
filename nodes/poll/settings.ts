// The node's properties (stable flow-file names) checked and turned into engine settings.
import { UppInputError } from '../core';
import type { ModeSetting } from './input';
import type { PollSettings } from './types';

export interface PollNodeSettings extends Required<Omit<PollSettings, 'attempts'>>, Pick<PollSettings, 'attempts'> {
  mode: ModeSetting;
  /** Adds a 4th output with one message per attempt that was not final. */
  progress: boolean;
}

export const POLL_DEFAULTS = {
  mode: 'auto' as ModeSetting,
  interval: 5,
  /** Blank: a payment polls until its expireTime, else DEFAULT_ATTEMPTS (rules.ts). */
  attempts: undefined as number | undefined,
  closeOnGiveUp: true,
  assumeRefunded: true,
  progress: false,
  concurrency: 50,
};

const blank = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
const flag = (v: unknown, fallback: boolean) => (blank(v) ? fallback : v === true || v === 'true');

function badNumber(field: string, text: 'seconds_positive' | 'integer_min_1', got: unknown): UppInputError {
  return new UppInputError(field, 'option', { got: JSON.stringify(String(got).slice(0, 20)) }, { text });
}

/** Reads `mode`, `interval` (s), `attempts` (blank: no cap), `closeOnGiveUp`, `assumeRefunded`, `progress`, `concurrency`. */
export function pollSettings(def: Record<string, unknown>): PollNodeSettings {
  const mode = blank(def.mode) ? POLL_DEFAULTS.mode : def.mode;
  if (mode !== 'auto' && mode !== 'payment' && mode !== 'refund') {
    throw new UppInputError('mode', 'option', { values: 'auto, payment, refund', got: String(mode) });
  }
  const interval = blank(def.interval) ? POLL_DEFAULTS.interval : Number(def.interval);
  if (!Number.isFinite(interval) || interval <= 0) throw badNumber('interval', 'seconds_positive', def.interval);
  const attempts = blank(def.attempts) ? POLL_DEFAULTS.attempts : Number(def.attempts);
  if (attempts !== undefined && (!Number.isInteger(attempts) || attempts < 1)) throw badNumber('attempts', 'integer_min_1', def.attempts);
  const concurrency = blank(def.concurrency) ? POLL_DEFAULTS.concurrency : Number(def.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw badNumber('concurrency', 'integer_min_1', def.concurrency);
  return {
    mode,
    intervalMs: Math.max(1, Math.round(interval * 1000)),
    attempts,
    closeOnGiveUp: flag(def.closeOnGiveUp, POLL_DEFAULTS.closeOnGiveUp),
    assumeRefunded: flag(def.assumeRefunded, POLL_DEFAULTS.assumeRefunded),
    progress: flag(def.progress, POLL_DEFAULTS.progress),
    concurrency,
  };
}
