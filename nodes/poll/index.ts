// The poll engine, usable without Node-RED: `new PollEngine({ scope, settings, client, onFinish, onError })`.
export { PollEngine, jobKey, isRetryableError, openJobs, type PollEngineOptions, type EngineStats, type OpenJobView } from './engine';
export { Scheduler, LagStats } from './scheduler';
export { MinHeap, type HeapItem } from './heap';
export { readTarget, modeOf, pick, expireAtOf, expireText, type ModeSetting } from './input';
export * from './types';
export { pollSettings, POLL_DEFAULTS, type PollNodeSettings } from './settings';
