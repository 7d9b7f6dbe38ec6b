// Shapes of the HIS side (spec 10): the two views the platform asks the HIS for, their requests and answers.

/** `order`: the HIS real-time order (spec 10.2, asked before every automatic refund); `bill`: the HIS bill (10.1). */
export type HisKind = 'order' | 'bill';

export const HIS_KINDS: readonly HisKind[] = ['order', 'bill'];

export interface Texts {
  en: string;
  zh: string;
}

export interface OrderViewRequest {
  paymentNo: string;
  outPaymentNo: string;
  inPaymentNo?: string;
}

export interface BillViewRequest {
  startTime: string;
  endTime: string;
}

export type HisRequest = OrderViewRequest | BillViewRequest;

/** A row as the platform reads it: amounts with two decimals, times as yyyy-MM-dd HH:mm:ss China time. */
export interface HisRow {
  tradeType: 'pay' | 'refund';
  tradeFee: string;
  tradeTime: string;
  outTradeNo: string;
  inTradeNo?: string;
  tradeNo: string;
  [extra: string]: string | undefined;
}

/** The envelope of spec 10. `data` is present only with result:true; `[]` only for a database's empty result. */
export interface HisAnswer {
  result: boolean;
  msg: string;
  data?: HisRow[];
}

/** Why a request or a row was refused: the field, and the rule in both languages. */
export interface Problem extends Texts {
  field: string;
}
