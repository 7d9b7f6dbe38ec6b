// Operations, usable without Node-RED: the audit stream (audit.ts), the monitor behind the sidebar (monitor.ts) and
// its admin routes (routes.ts), all fed by the client's diagnostics events (nodes/core/events.ts).
export { auditHub, auditRecords, matches, type AuditRecord, type AuditFilter } from './audit';
export { monitor, Monitor, percentile, type AttentionItem, type AttentionKind, type ConfigView } from './monitor';
export { registerRoutes, snapshot, ROUTE_BASE, COMMS_TOPIC, type OpsRuntime, type OpsSnapshot, type AdminApp } from './routes';
export { attempts, calls } from './observer';
export { pollAttention } from './poll-report';
