// Bill downloads (issue 15): which days, the call, the rows read whole or not at all. No Node-RED here; the node is
// nodes/upp-bills.ts, the user documentation docs/reconciliation.md ("Downloading the bill").
export { billDates, MAX_RANGE_DAYS, type BillDates } from './dates';
export { rowProblem, billTotals, type BillRow, type BillTotals, type RowProblem, type Money } from './rows';
export { downloadBill, BILL_ENDPOINT, BILL_SOURCES, type BillSource, type BillMeta, type BillOutcome } from './download';
