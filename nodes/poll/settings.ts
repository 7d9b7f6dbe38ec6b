// The node's properties (stable flow-file names) checked and turned into engine settings.
import type { ModeSetting } from './input';
import { PollInputError } from './input';
import type { PollSettings } from './types';

export interface PollNodeSettings extends Required<PollSettings> {
  mode: ModeSetting;
  /** Adds a 4th output with one message per attempt that was not final. */
  progress: boolean;
}

export const POLL_DEFAULTS = {
  mode: 'auto' as ModeSetting,
  interval: 5,
  attempts: 8,
  closeOnGiveUp: true,
  assumeRefunded: true,
  progress: false,
  concurrency: 50,
};

const blank = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
const flag = (v: unknown, fallback: boolean) => (blank(v) ? fallback : v === true || v === 'true');

function badNumber(field: string, en: string, zh: string, got: unknown): PollInputError {
  const text = JSON.stringify(String(got).slice(0, 20));
  return new PollInputError(field, 'option', `${field} ${en} (got ${text})`, `${field} ${zh}（实际为 ${text}）`);
}

/** Reads `mode`, `interval` (s), `attempts`, `closeOnGiveUp`, `assumeRefunded`, `progress`, `concurrency`. */
export function pollSettings(def: Record<string, unknown>): PollNodeSettings {
  const mode = blank(def.mode) ? POLL_DEFAULTS.mode : def.mode;
  if (mode !== 'auto' && mode !== 'payment' && mode !== 'refund') {
    throw new PollInputError('mode', 'option', `mode must be one of auto, payment, refund (got ${JSON.stringify(String(mode))})`, `mode 必须是 auto、payment、refund 之一（实际为 ${JSON.stringify(String(mode))}）`);
  }
  const interval = blank(def.interval) ? POLL_DEFAULTS.interval : Number(def.interval);
  if (!Number.isFinite(interval) || interval <= 0) throw badNumber('interval', 'must be a number of seconds greater than 0', '必须是大于 0 的秒数', def.interval);
  const attempts = blank(def.attempts) ? POLL_DEFAULTS.attempts : Number(def.attempts);
  if (!Number.isInteger(attempts) || attempts < 1) throw badNumber('attempts', 'must be a whole number of at least 1', '必须是不小于 1 的整数', def.attempts);
  const concurrency = blank(def.concurrency) ? POLL_DEFAULTS.concurrency : Number(def.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw badNumber('concurrency', 'must be a whole number of at least 1', '必须是不小于 1 的整数', def.concurrency);
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
