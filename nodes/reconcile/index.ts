// Reconciliation, usable without Node-RED: `reconcile({ date, source, platform, his })` returns the day's report.
export { reconcile, DISCREPANCY_KINDS, type ReconcileInput } from './engine';
export { handlingOf, verdictHandling, KIND_LABELS } from './handling';
export { readRow, amountOf, dayOf } from './rows';
export * from './types';
export { readSources, type ReconcileSources } from './inputs';
