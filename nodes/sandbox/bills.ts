// The bill downloads (spec 4.9 platform bill, 4.10 channel bill), built from what moved money: each paid order and
// each refund that reached refund_success in the ledger, each late payment the channel took (spec 6) and the
// platform's automatic refund of it (nodes/sandbox/his.ts), and the discrepancies injected for a day
// (nodes/sandbox/bill-book.ts). The channel bill is what the simulated channel moved; the platform bill is what the
// platform recorded: the same trades, except a refund that happened only at the channel. Rows of a trade whose UTC+8
// day lies in [startDate, endDate], in time order; the channel bill's rows have no derateFee (the sandbox gives no
// discounts, so the platform's is always 0.00).
import { isLosslessNumber, LosslessNumber, type JsonObject } from '../core/codec/json';
import { formatChinaTime, parseChinaTime } from '../core/codec/time';
import { bizTypeOf, type Ledger } from './ledger';
import type { LatePayment } from './his';
import { BILL_SOURCES, type BillBook, type BillSource, type Trade } from './bill-book';

export type { BillSource, Trade };

export interface BillInputs {
  ledger: Ledger;
  late: readonly LatePayment[];
  book: BillBook;
  ids: { isvId: string; partnerId: string };
}

/** Every trade that moved money, in no particular order (the bills filter, adjust and sort them). */
export function settledTrades(ledger: Ledger, late: readonly LatePayment[], book: BillBook): Trade[] {
  const trades: Trade[] = [];
  for (const order of ledger.allOrders()) {
    if (order.status !== 'pay_success' || order.paidAt === undefined) continue;
    trades.push({
      at: order.paidAt,
      tradeType: 'pay',
      tradeFee: order.tradeFee,
      outTradeNo: order.outPaymentNo,
      inTradeNo: order.inPaymentNo,
      tradeNo: order.paymentNo,
      bizType: bizTypeOf(order),
      channelType: order.channelType,
      channelProduct: order.channelProduct,
      bills: BILL_SOURCES,
    });
  }
  for (const refund of ledger.allRefunds()) {
    const order = ledger.order(refund.paymentNo);
    if (!order || refund.status !== 'refund_success' || refund.refundedAt === undefined) continue;
    trades.push({
      at: refund.refundedAt,
      tradeType: 'refund',
      tradeFee: refund.refundFee,
      outTradeNo: refund.outRefundNo,
      tradeNo: refund.refundNo,
      bizType: bizTypeOf(order),
      channelType: order.channelType,
      channelProduct: order.channelProduct,
      bills: BILL_SOURCES,
    });
  }
  // A late payment moved money at the channel whatever the HIS says; its automatic refund moved it back.
  for (const payment of late) {
    const channel = { bizType: 'scan_pay', channelType: payment.channelType, channelProduct: `${payment.channelType}_scan_code` };
    const paidAt = parseChinaTime(payment.paymentTime) as number;
    trades.push({
      at: paidAt,
      tradeType: 'pay',
      tradeFee: payment.tradeFee,
      outTradeNo: payment.outPaymentNo,
      inTradeNo: payment.inPaymentNo,
      tradeNo: payment.paymentNo,
      ...channel,
      bills: BILL_SOURCES,
    });
    if (payment.state === 'refunded' && payment.refundTime && payment.outRefundNo) {
      trades.push({
        at: parseChinaTime(payment.refundTime) as number,
        tradeType: 'refund',
        tradeFee: payment.tradeFee,
        outTradeNo: payment.outRefundNo,
        tradeNo: payment.refundNo,
        ...channel,
        bills: BILL_SOURCES,
      });
    }
  }
  trades.push(...book.channelOnlyTrades());
  return trades;
}

/** The rows one bill answers for a date range: the trades it shows, with the day's injected discrepancies applied. */
export function billRows(source: BillSource, inputs: BillInputs, startDate: string, endDate: string): JsonObject[] {
  const { book } = inputs;
  return settledTrades(inputs.ledger, inputs.late, book)
    .filter((trade) => {
      const day = formatChinaTime(trade.at).slice(0, 10);
      return trade.bills.includes(source) && day >= startDate && day <= endDate && !book.isMissing(source, day);
    })
    .sort((a, b) => a.at - b.at)
    .map((trade) => billRow(source, inputs.ids, trade, book.amountOf(source, trade)));
}

/** One bill row of a trade, as the download writes it (amounts as number literals keeping their scale). */
export function billRow(
  source: BillSource,
  ids: { isvId: string; partnerId: string },
  trade: Trade,
  tradeFee = trade.tradeFee,
): JsonObject {
  const time = formatChinaTime(trade.at);
  const data: JsonObject = {
    partnerId: new LosslessNumber(ids.partnerId),
    isvId: new LosslessNumber(ids.isvId),
    tradeType: trade.tradeType,
    bizType: trade.bizType,
    channelType: trade.channelType,
    channelProduct: trade.channelProduct,
    billsDate: time.slice(0, 10),
  };
  if (source === 'platform') data.derateFee = new LosslessNumber('0.00');
  data.tradeFee = new LosslessNumber(tradeFee);
  data.tradeTime = time;
  data.outTradeNo = trade.outTradeNo;
  if (trade.inTradeNo) data.inTradeNo = trade.inTradeNo;
  if (trade.tradeNo) data.tradeNo = trade.tradeNo;
  return data;
}

/** A bill row as plain JSON for the control API and the in-process API: amounts and ids as their exact text. */
export function plainRow(row: JsonObject): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(row)) out[key] = isLosslessNumber(value) ? value.value : String(value);
  return out;
}
