// The bill downloads (spec 4.9 platform bill, 4.10 channel bill): one row per settled trade of the ledger whose
// UTC+8 day lies in [startDate, endDate] — a paid order (tradeType pay) or a refund that reached refund_success
// (tradeType refund). Rows come in time order; the channel bill is the same rows without derateFee (the sandbox
// gives no discounts, so the platform bill's derateFee is always 0.00).
import { LosslessNumber, type JsonObject } from '../core/codec/json';
import { formatChinaTime } from '../core/codec/time';
import { bizTypeOf, type Ledger, type Order } from './ledger';

interface Trade {
  at: number;
  order: Order;
  tradeType: 'pay' | 'refund';
  tradeFee: string;
  outTradeNo: string;
  inTradeNo?: string;
  tradeNo: string;
}

export function billRows(
  kind: 'yuntai' | 'channel',
  ledger: Ledger,
  ids: { isvId: string; partnerId: string },
  startDate: string,
  endDate: string,
): JsonObject[] {
  const trades: Trade[] = [];
  for (const order of ledger.allOrders()) {
    if (order.status === 'pay_success' && order.paidAt !== undefined) {
      const { outPaymentNo: outTradeNo, inPaymentNo: inTradeNo, paymentNo: tradeNo, tradeFee } = order;
      trades.push({ at: order.paidAt, order, tradeType: 'pay', tradeFee, outTradeNo, inTradeNo, tradeNo });
    }
  }
  for (const refund of ledger.allRefunds()) {
    const order = ledger.order(refund.paymentNo);
    if (!order || refund.status !== 'refund_success' || refund.refundedAt === undefined) continue;
    trades.push({
      at: refund.refundedAt,
      order,
      tradeType: 'refund',
      tradeFee: refund.refundFee,
      outTradeNo: refund.outRefundNo,
      tradeNo: refund.refundNo,
    });
  }
  return trades
    .filter((trade) => {
      const day = formatChinaTime(trade.at).slice(0, 10);
      return day >= startDate && day <= endDate;
    })
    .sort((a, b) => a.at - b.at)
    .map((trade) => row(kind, ids, trade));
}

function row(kind: 'yuntai' | 'channel', ids: { isvId: string; partnerId: string }, trade: Trade): JsonObject {
  const time = formatChinaTime(trade.at);
  const data: JsonObject = {
    partnerId: new LosslessNumber(ids.partnerId),
    isvId: new LosslessNumber(ids.isvId),
    tradeType: trade.tradeType,
    bizType: bizTypeOf(trade.order),
    channelType: trade.order.channelType,
    channelProduct: trade.order.channelProduct,
    billsDate: time.slice(0, 10),
  };
  if (kind === 'yuntai') data.derateFee = new LosslessNumber('0.00');
  data.tradeFee = new LosslessNumber(trade.tradeFee);
  data.tradeTime = time;
  data.outTradeNo = trade.outTradeNo;
  if (trade.inTradeNo) data.inTradeNo = trade.inTradeNo;
  data.tradeNo = trade.tradeNo;
  return data;
}
