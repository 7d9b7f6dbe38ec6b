// The poll engine, usable without Node-RED: `new PollEngine({ scope, settings, client, onFinish, onError })`.
export { PollEngine, type PollEngineOptions } from './engine';
export { jobKey } from './records';
export { isRetryableError } from './query';
export { openJobs, type JobRegistry } from './registry';
export type { EngineStats, OpenJobView, LagSummary } from './stats';
export {
  DEFAULT_ATTEMPTS,
  attemptCap,
  capEndsBeforeExpiry,
  giveUpStep,
  giveUpDecision,
  finalDecision,
  closeInfo,
  afterCloseDecision,
  isUnbound,
  waiterDecision,
} from './rules';
export { toRecord, readRecord } from './records';
export { Scheduler, LagStats } from './scheduler';
export { MinHeap, type HeapItem } from './heap';
export { readTarget, modeOf, pick, expireAtOf, expectedAmountOf, expireText, type ModeSetting } from './input';
export * from './types';
export { pollSettings, POLL_DEFAULTS, type PollNodeSettings } from './settings';
