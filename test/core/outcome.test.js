'use strict';
// The manual's rules (vendor API §6) as a table: each row is what the platform said and what it must mean.
const assert = require('node:assert/strict');
const { core } = require('../helpers');

const ok = (status) => ({ verified: true, result: true, kind: '0', status });
const rejected = { verified: true, result: false, kind: '1' };
const ambiguous = ['timeout', 'connection_reset', 'http_status', 'unparsable', 'unsigned', 'bad_signature'].map((problem) => ({
  verified: false,
  problem,
}));

const table = [
  // endpoint, answer, outcome, assumed
  ['scanCode', ok('pay_success'), 'success', false],
  ['scanCode', ok('wait_pay'), 'pending', false],
  ['scanCode', ok('pay_failed'), 'pending', false], // an order's answer is never final unless paid
  ['scanCode', rejected, 'pending', false],
  ['barCode', ok('pay_success'), 'success', false],
  ['barCode', ok('wait_pay'), 'pending', false],
  ['barCode', ok('pay_failed'), 'pending', false],
  ['barCode', rejected, 'pending', false],
  ['query', ok('pay_success'), 'success', false],
  ['query', ok('pay_failed'), 'failed', false],
  ['query', ok('wait_pay'), 'pending', false],
  ['query', ok('closed'), 'pending', false],
  ['query', rejected, 'pending', false],
  ['refund', ok('refund_success'), 'success', false],
  ['refund', ok('refund_apply_success'), 'success', false],
  ['refund', ok('refund_failed'), 'failed', false],
  ['refund', ok('refund_exception'), 'pending', false],
  ['refund', rejected, 'pending', false],
  ['refundQuery', ok('refund_success'), 'success', false],
  ['refundQuery', ok('refund_apply_success'), 'success', false],
  ['refundQuery', ok('refund_failed'), 'failed', false],
  ['refundQuery', ok('refund_exception'), 'pending', false],
  ['refundQuery', rejected, 'pending', false],
  ['close', ok('Y'), 'success', false],
  ['close', ok('N'), 'failed', false],
  ['close', ok(undefined), 'success', true],
  ['close', rejected, 'success', true],
  ['network', ok(undefined), 'success', false],
  ['network', rejected, 'failed', false],
];

describe('outcome rules (docs/design.md outcome table, vendor API §6)', () => {
  for (const [endpoint, answer, outcome, assumed] of table) {
    it(`${endpoint}: ${answer.result === false ? 'result:false' : (answer.status ?? 'no status')} -> ${outcome}${assumed ? ' (assumed)' : ''}`, () => {
      const d = core.decide(endpoint, answer);
      assert.equal(d.outcome, outcome);
      assert.equal(d.assumed, assumed);
    });
  }
  for (const endpoint of ['scanCode', 'barCode', 'query', 'refund', 'refundQuery']) {
    it(`${endpoint}: every ambiguous failure is pending, never failed`, () => {
      for (const answer of ambiguous) assert.equal(core.decide(endpoint, answer).outcome, 'pending', answer.problem);
    });
  }
  it('close: every ambiguous failure counts as closed, flagged assumed', () => {
    for (const answer of ambiguous)
      assert.deepEqual(core.decide('close', answer), { outcome: 'success', reason: answer.problem, assumed: true });
  });
  it('close reads isCloseOrder alone: N is not closed, in an accepted or a rejected answer (issue 10 item 2)', () => {
    assert.deepEqual(core.decide('close', { ...rejected, status: 'N' }), { outcome: 'failed', reason: 'rejected', assumed: false });
    assert.deepEqual(core.decide('close', ok('N')), { outcome: 'failed', reason: 'final', assumed: false });
  });
  it('an answer not bound to its request is pending with that reason, for every endpoint but the network test', () => {
    for (const unbound of ['mismatch', 'missing_field']) {
      for (const endpoint of ['scanCode', 'barCode', 'faceCode', 'query', 'refund', 'refundQuery', 'close', 'yuntaiBills']) {
        for (const status of ['pay_success', 'pay_failed', 'refund_success', 'refund_failed', 'Y', 'N']) {
          assert.deepEqual(
            core.decide(endpoint, { ...ok(status), unbound }),
            { outcome: 'pending', reason: unbound, assumed: false },
            `${endpoint} ${status}`,
          );
        }
        assert.equal(core.decide(endpoint, { ...rejected, unbound }).outcome, 'pending');
      }
    }
  });
  it('an unverified answer that claims pay_failed / refund_failed / N is not trusted', () => {
    const forged = (status) => ({ verified: false, problem: 'bad_signature', result: true, kind: '0', status });
    assert.equal(core.decide('query', forged('pay_failed')).outcome, 'pending');
    assert.equal(core.decide('query', forged('pay_success')).outcome, 'pending');
    assert.equal(core.decide('refund', forged('refund_failed')).outcome, 'pending');
    assert.equal(core.decide('close', forged('N')).outcome, 'success');
  });
});
