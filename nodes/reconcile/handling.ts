// What the platform recommends for each kind of discrepancy (docs/design.md §11), in both languages.
import type { BillSource, DiscrepancyKind, FlagVerdict, Side, Texts, TradeType } from './types';

const NO_CONSOLE_REFUND = {
  en: ' The platform console refunds same-day only: refund a previous day through the API.',
  zh: '平台控制台只能退当日交易：往日交易请通过接口退款。',
};

const HANDLING: Record<'his_only' | 'platform_only' | 'amount_mismatch', Record<TradeType, Texts>> = {
  his_only: {
    pay: {
      en: 'Make up the difference or write it off: usually the HIS marked paid what was never paid.',
      zh: '补差或平账：通常是 HIS 把未支付的订单记为已支付。',
    },
    refund: { en: 'Refund it by hand, then write it off.', zh: '人工退款后平账。' },
  },
  platform_only: {
    pay: {
      en: 'Refund the patient, or record the payment in the HIS if the service was given.' + NO_CONSOLE_REFUND.en,
      zh: '退款给患者；若已提供服务，则在 HIS 中补录该笔支付。' + NO_CONSOLE_REFUND.zh,
    },
    refund: { en: 'Make up the difference or write it off.', zh: '补差或平账。' },
  },
  amount_mismatch: {
    pay: { en: 'Write it off after checking both amounts.', zh: '核实两边金额后平账。' },
    refund: { en: 'Write it off after checking both amounts.', zh: '核实两边金额后平账。' },
  },
};

const SIDE_NAMES: Record<Side | BillSource, Texts> = {
  his: { en: 'HIS', zh: 'HIS' },
  platform: { en: 'platform', zh: '芸泰平台' },
  channel: { en: 'channel', zh: '支付渠道' },
};

export function handlingOf(kind: DiscrepancyKind, tradeType: TradeType, side?: Side, source: BillSource = 'platform'): Texts {
  if (kind === 'duplicate') {
    const name = SIDE_NAMES[side === 'his' ? 'his' : source];
    return {
      en: `The ${name.en} side lists this serial more than once: check which record is real and remove the other.`,
      zh: `${name.zh}一侧该流水号出现多次：请核实哪条记录属实并删除其余记录。`,
    };
  }
  if (kind === 'refund_exceeds_payment') {
    return {
      en: 'The refunds of this payment add up to more than it was: stop further refunds and check each one.',
      zh: '该笔支付的退款合计超过支付金额：请停止继续退款并逐笔核实。',
    };
  }
  return HANDLING[kind][tradeType];
}

const VERDICTS: Record<FlagVerdict, Record<TradeType, Texts>> = {
  confirmed: {
    pay: { en: 'The bill shows no payment: the close stands.', zh: '账单无该笔支付：关单成立。' },
    refund: { en: 'The bill confirms the refund: clear the assumed flag.', zh: '账单确认该笔退款：可清除“假定成功”标记。' },
  },
  not_in_bill: {
    pay: {
      en: 'The bill shows no payment on this day: check the neighbouring day, then close the order in the HIS.',
      zh: '当日账单无该笔支付：请核对相邻日期，再在 HIS 中关闭订单。',
    },
    refund: {
      en: 'The bill shows no refund: the patient was not refunded. Resend it with the same requestNo.',
      zh: '账单无该笔退款：患者未收到退款。请用同一 requestNo 重新发起退款。',
    },
  },
  in_bill: {
    pay: { en: 'The bill shows it paid: mark the order paid in the HIS.', zh: '账单显示已支付：请在 HIS 中将订单标记为已支付。' },
    refund: { en: 'The bill shows it refunded: mark the refund done in the HIS.', zh: '账单显示已退款：请在 HIS 中将退款标记为成功。' },
  },
  paid_after_close: {
    pay: {
      en: 'Paid after the order was counted closed: the platform refunds it after asking the HIS; check that refund on the bill.',
      zh: '订单按已关闭处理后又被支付：平台询问 HIS 后会自动退款，请在账单中核对该笔退款。',
    },
    refund: { en: 'Check the refund by hand.', zh: '请人工核对该笔退款。' },
  },
  amount_differs: {
    pay: { en: 'The bill shows another amount: check both before marking anything.', zh: '账单金额不同：请核实后再处理。' },
    refund: { en: 'The bill shows another amount: check both before marking anything.', zh: '账单金额不同：请核实后再处理。' },
  },
};

export function verdictHandling(verdict: FlagVerdict, tradeType: TradeType): Texts {
  return VERDICTS[verdict][tradeType];
}

export const KIND_LABELS: Record<DiscrepancyKind, Texts> = {
  his_only: { en: 'HIS only', zh: '商户单边' },
  platform_only: { en: 'Platform only', zh: '芸泰单边' },
  amount_mismatch: { en: 'Amount mismatch', zh: '金额不匹配' },
  duplicate: { en: 'Duplicate serial', zh: '流水号重复' },
  refund_exceeds_payment: { en: 'Refund exceeds payment', zh: '退款超过支付' },
};
