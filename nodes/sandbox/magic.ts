// Deterministic outcomes chosen by the cents of an amount, so a test (or a person at the demo) can pick any path
// of the state machine just by the amount it sends. docs/sandbox.md holds the same table.
import type { FaultName, PayStatus, RefundStatus } from './types';

/** What happens after the order answer: a status reached on the N-th query (counted from 1). */
export interface Later<S> {
  status: S;
  fromQuery: number;
}

export interface PayPlan {
  initial: PayStatus;
  later?: Later<PayStatus>;
  behaviour: string;
  fault?: FaultName;
}

export interface RefundPlan {
  initial: RefundStatus;
  later?: Later<RefundStatus>;
  behaviour: string;
  fault?: FaultName;
}

const FAULT_BY_CENTS: Record<string, FaultName> = {
  '91': 'slow',
  '92': 'reset',
  '93': 'http500',
  '94': 'malformed',
  '95': 'bad_sign',
  '96': 'unsigned_error',
  '97': 'rejected',
};

/** The last two digits of an amount's text ("12.34" -> "34", "12" -> "00", "12.3" -> "30"). */
export function centsOf(amountText: string): string {
  const [, decimals = ''] = amountText.split('.');
  return decimals.padEnd(2, '0').slice(0, 2);
}

export function payPlan(kind: 'scan' | 'barcode' | 'face', tradeFee: string): PayPlan {
  const cents = centsOf(tradeFee);
  const fault = FAULT_BY_CENTS[cents];
  const tens = cents[0];
  const n = Math.max(1, Number(cents[1]));
  if (cents === '01') return { initial: 'pay_success', behaviour: 'cents 01: paid at once' };
  if (tens === '2')
    return { initial: 'wait_pay', later: { status: 'pay_success', fromQuery: n }, behaviour: `cents ${cents}: paid from query ${n} on` };
  if (tens === '3')
    return {
      initial: 'wait_pay',
      later: { status: 'pay_failed', fromQuery: n },
      behaviour: `cents ${cents}: pay_failed from query ${n} on`,
    };
  if (cents === '40') return { initial: 'wait_pay', behaviour: 'cents 40: wait_pay until expireTime, then closed' };
  if (cents === '41') return { initial: 'pay_failed', behaviour: 'cents 41: pay_failed at once' };
  // Everything else (00 and the faults, whose order is still created as usual) follows the default.
  const prefix = fault ? `cents ${cents}: fault ${fault}; ` : '';
  return kind === 'scan'
    ? { initial: 'wait_pay', behaviour: `${prefix}waits for the cashier page`, fault }
    : { initial: 'pay_success', behaviour: `${prefix}${kind} paid at once`, fault };
}

export function refundPlan(refundFee: string): RefundPlan {
  const cents = centsOf(refundFee);
  const fault = FAULT_BY_CENTS[cents];
  if (cents === '02')
    return {
      initial: 'refund_apply_success',
      later: { status: 'refund_success', fromQuery: 1 },
      behaviour: 'cents 02: applied, refund_success on query',
    };
  if (cents === '03') return { initial: 'refund_failed', behaviour: 'cents 03: refund_failed' };
  if (cents === '10') return { initial: 'refund_exception', behaviour: 'cents 10: refund_exception for ever' };
  if (cents[0] === '1') {
    const n = Number(cents[1]);
    return {
      initial: 'refund_exception',
      later: { status: 'refund_success', fromQuery: n },
      behaviour: `cents ${cents}: refund_exception, refund_success from query ${n} on`,
    };
  }
  const prefix = fault ? `cents ${cents}: fault ${fault}; ` : '';
  return { initial: 'refund_success', behaviour: `${prefix}refund_success at once`, fault };
}

/** One line per magic value, for the CLI's start-up summary (docs/sandbox.md holds the same table). */
export const MAGIC_SUMMARY: readonly string[] = [
  'Pay (scanCode/barCode), by the cents of tradeFee:',
  '  .00 scan: wait_pay until the cashier page pays/declines; barcode: pay_success at once',
  '  .01 pay_success at once      .2N pay_success from query N     .3N pay_failed from query N',
  '  .40 wait_pay, then closed after expireTime                      .41 pay_failed at once',
  'Refund, by the cents of refundFee:',
  '  .00/.01 refund_success  .02 refund_apply_success (query: refund_success)  .03 refund_failed',
  '  .10 refund_exception for ever    .1N refund_exception, refund_success from query N',
  'Faults (pay/refund cents, or POST /_sandbox/faults for any endpoint):',
  '  .91 slow  .92 reset  .93 http500  .94 malformed  .95 bad_sign (state applied first)',
  '  .96 unsigned_error  .97 rejected (nothing applied)',
  'Armed only (POST /_sandbox/faults with Content-Type: application/json), state applied first:',
  '  mismatch_paymentNo  mismatch_amount  mismatch_requestNo (a signed answer about something else)',
  '  insert_field {"field":"tradeStatus","value":""} (inserted into data after signing)',
];
