// The UPP sandbox: a standalone HTTP server that behaves like the hospital's front-end machine (前置机), built on
// the core schema and codec. docs/sandbox.md describes editions, sign variants, magic values, faults and the control API.
export { startSandbox, SandboxServer } from './server';
export type { SandboxOptions } from './options';
export { DEFAULTS as SANDBOX_DEFAULTS } from './options';
export type {
  Sandbox,
  FaultName,
  FaultOptions,
  OrderView,
  RefundView,
  RecordedRequest,
  RecordedResponse,
  RequestFilter,
  PayStatus,
  RefundStatus,
  BillSource,
  BillRowView,
  SeedTrade,
  DiscrepancyKind,
  DiscrepancySpec,
  DiscrepancyView,
} from './types';
export { FAULT_NAMES } from './types';
export { DISCREPANCY_KINDS } from './bill-book';
export { MAGIC_SUMMARY } from './magic';
export { HisDesk, decide as hisDecide, type LatePayment, type LateKind, type LateState, type HisDecision, type HisSettings } from './his';
