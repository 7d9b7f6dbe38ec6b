// Shapes of the reconciliation: the rows it reads (a platform or channel bill, vendor API §4.9/4.10 in
// nodes/core/schema.ts; the HIS bill, docs/design.md §10) and the report it writes (§11: matched totals, discrepancies
// with the platform's recommended handling).

export type TradeType = 'pay' | 'refund';
export type Side = 'platform' | 'his';
export type BillSource = 'platform' | 'channel';

/** A bill row as read: amounts as exact strings (or numbers / Decimals from a database), times as text. */
export type RawRow = Record<string, unknown>;

/** What the HIS stored about a row the package did not settle (msg.upp.assumed, the poll's undetermined output). */
export type HisFlag = 'assumed' | 'undetermined';

export type DiscrepancyKind = 'his_only' | 'platform_only' | 'amount_mismatch' | 'duplicate' | 'refund_exceeds_payment';

export interface Texts {
  en: string;
  zh: string;
}

export interface Money {
  count: number;
  /** Sum in yuan with two decimals ("1234.50"). */
  amount: string;
}

export type Totals = Record<TradeType, Money>;

export interface Discrepancy {
  kind: DiscrepancyKind;
  tradeType: TradeType;
  /** The serials that identify the row(s): HIS serial and platform serial. */
  tradeNo?: string;
  outTradeNo?: string;
  his?: RawRow;
  platform?: RawRow;
  /** platform − HIS, for amount mismatches ("-0.10"). */
  difference?: string;
  /** Which side repeats a serial (duplicate). */
  side?: Side;
  handling: Texts;
}

export type FlagVerdict =
  | 'confirmed' // the bill shows what the HIS assumed (an assumed refund that happened; a close with no payment)
  | 'not_in_bill' // the bill does not show it (an assumed refund that never happened; an undetermined one not moved)
  | 'in_bill' // an undetermined payment or refund the bill shows moved
  | 'paid_after_close' // an order counted as closed (assumed) that the bill shows paid
  | 'amount_differs';

export interface FlaggedRow {
  flag: HisFlag;
  tradeType: TradeType;
  tradeNo?: string;
  verdict: FlagVerdict;
  his: RawRow;
  platform?: RawRow;
  handling: Texts;
}

/** A row that could not be read (missing serial, bad amount, unknown tradeType): listed, never guessed. */
export interface InvalidRow {
  side: Side;
  index: number;
  field: string;
  problem: string;
  row: RawRow;
}

export type ReportStatus = 'balanced' | 'discrepancies' | 'empty_side' | 'both_empty';

export interface ReconcileReport {
  date: string;
  source: BillSource;
  status: ReportStatus;
  /** Set when exactly one side has no rows for the day: nothing is called "only on the other side". */
  emptySide?: Side;
  totals: Record<Side, Totals>;
  matched: Totals;
  discrepancies: Discrepancy[];
  /** HIS rows the package flagged (assumed, undetermined) with what the bill says about them. */
  flagged: FlaggedRow[];
  /** Rows dated outside the day (e.g. across midnight): left out of the comparison, listed for the next day's check. */
  otherDay: Array<{ side: Side; row: RawRow }>;
  invalid: InvalidRow[];
  /** Discrepancy counts by kind, for a summary or a chart. */
  byKind: Record<DiscrepancyKind, number>;
}
