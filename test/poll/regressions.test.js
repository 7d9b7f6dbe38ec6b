'use strict';
// Regression tests of the poll engine for issue 10 (items 1, 7 and 8), each named after the defect it reproduces.
// A scripted fake client stands in for the front-end (test/poll/support.js); the node-level ones, through Node-RED
// and the sandbox, are in test/poll/node-regressions.test.js.
const assert = require('node:assert/strict');
const poll = require('../../dist/nodes/poll');
const { result, fakeClient, engine, pay, refund } = require('./support');
const { waitFor } = require('../nodes/wait');

const until = (check, what, timeoutMs = 8000) => waitFor(check, what, timeoutMs, 2);

/** A verified answer the core found to be about another amount / order (outcome pending, reason mismatch). */
const mismatched = (endpoint, status, field = 'tradeFee') => ({
  ...result(endpoint, status),
  outcome: 'pending',
  reason: 'mismatch',
  mismatch: { [field]: { expected: '1000.00', received: '0.01' } },
});

describe('poll regressions (issue 10)', () => {
  describe('item 1: a poll answer about another order or amount is never final', () => {
    it('the known amount goes to the core as CallOptions.expectedAmount (payment: tradeFee, refund: refundFee)', async () => {
      const { client, calls } = fakeClient((endpoint) => result(endpoint, endpoint === 'query' ? 'pay_success' : 'refund_success'));
      const { e, finals } = engine(client);
      e.submit(pay('P1', { expectedAmount: '1000.00' }), 'a');
      e.submit(refund('R1', {}), 'b');
      await until(() => finals.length === 2, 'two finals');
      assert.equal(calls.find((c) => c.endpoint === 'query').opts.expectedAmount, '1000.00');
      assert.equal(calls.find((c) => c.endpoint === 'refundQuery').opts.expectedAmount, undefined);
      e.stop();
    });

    it('mismatched pay_success answers use up the attempts and end undetermined/mismatch: no close, never success', async () => {
      const { client, calls } = fakeClient(() => mismatched('query', 'pay_success'));
      const { e, finals } = engine(client, { attempts: 3, closeOnGiveUp: true });
      e.submit(pay('P1', { expectedAmount: '1000.00' }), 'm');
      await until(() => finals.length, 'a final');
      const { final } = finals[0];
      assert.equal(final.route, 'undetermined');
      assert.equal(final.reason, 'mismatch');
      assert.equal(final.info.attempts, 3);
      assert.equal(final.info.closed, undefined);
      assert.equal(calls.filter((c) => c.endpoint === 'close').length, 0, 'no close was sent');
      assert.equal(final.result.mismatch.tradeFee.received, '0.01');
      e.stop();
    });

    it('one mismatch among timeouts is enough: the give-up closes nothing and assumes nothing', async () => {
      const { client, calls } = fakeClient((endpoint, _f, n) =>
        n === 2
          ? mismatched('query', 'wait_pay')
          : { ...result('query', undefined), verified: false, outcome: 'pending', reason: 'timeout' },
      );
      const { e, finals } = engine(client, { attempts: 4 });
      e.submit(pay('P1', { expectedAmount: '1000.00' }), 'm');
      await until(() => finals.length, 'a final');
      assert.equal(finals[0].final.reason, 'mismatch');
      assert.equal(calls.filter((c) => c.endpoint === 'close').length, 0);
      e.stop();
    });

    it('a refund whose answers are about another requestNo is not assumed refunded', async () => {
      const { client } = fakeClient(() => mismatched('refundQuery', 'refund_success', 'requestNo'));
      const { e, finals } = engine(client, { attempts: 2, assumeRefunded: true });
      e.submit(refund('R1'), 'r');
      await until(() => finals.length, 'a final');
      assert.equal(finals[0].final.route, 'undetermined');
      assert.equal(finals[0].final.reason, 'mismatch');
      assert.notEqual(finals[0].final.info.assumed, true);
      e.stop();
    });

    it('an answer lacking a required field (missing_field) counts like a mismatch', async () => {
      const { client, calls } = fakeClient(() => ({ ...result('query', 'pay_success'), outcome: 'pending', reason: 'missing_field' }));
      const { e, finals } = engine(client, { attempts: 2 });
      e.submit(pay('P1'), 'm');
      await until(() => finals.length, 'a final');
      assert.equal(finals[0].final.reason, 'mismatch');
      assert.equal(calls.filter((c) => c.endpoint === 'close').length, 0);
      e.stop();
    });

    it('a message that joins with another amount for the same paymentNo never takes the success as its own', async () => {
      const { client } = fakeClient((_e, _f, n) => result('query', n >= 2 ? 'pay_success' : 'wait_pay'));
      const { e, finals } = engine(client, { attempts: 5 });
      e.submit(pay('P1', { expectedAmount: '5.00' }), 'five');
      e.submit(pay('P1', { expectedAmount: '500.00' }), 'five-hundred');
      await until(() => finals.length === 2, 'two finals');
      const by = Object.fromEntries(finals.map(({ token, final }) => [token, final]));
      assert.equal(by.five.route, 'success');
      assert.equal(by['five-hundred'].route, 'undetermined');
      assert.equal(by['five-hundred'].reason, 'mismatch');
      assert.deepEqual(by['five-hundred'].amountMismatch, { expected: '500.00', received: '5.00' });
      e.stop();
    });

    it('a job saved after a mismatch resumes still barred from closing', async () => {
      const a = fakeClient(() => mismatched('query', 'wait_pay'));
      const first = engine(a.client, { intervalMs: 5, attempts: 3 });
      first.e.submit(pay('P1', { expectedAmount: '1000.00' }), 'm', { saved: '"m"' });
      await until(() => first.e.snapshot()[0]?.attempts >= 1, 'a query');
      const records = first.e.snapshot();
      first.e.stop();
      assert.equal(records[0].mismatched, true);
      assert.equal(records[0].expectedAmount, '1000.00');
      const b = fakeClient(() => result('query', 'wait_pay'));
      const second = engine(b.client, { attempts: 3 });
      second.e.restore(records, (saved) => saved);
      await until(() => second.finals.length, 'a final');
      assert.equal(second.finals[0].final.reason, 'mismatch');
      assert.equal(b.calls.filter((c) => c.endpoint === 'close').length, 0);
      assert.equal(b.calls[0].opts.expectedAmount, '1000.00');
      second.e.stop();
    });
  });

  it('a face-pay order (endpoint faceCode) is polled as a payment: bizType from the schema map, amount from the request', () => {
    const msg = {
      payload: { tradeFee: '0.01' },
      upp: { endpoint: 'faceCode', request: { paymentNo: 'F1', tradeFee: '88.00', expireTime: '2030-01-01 08:00:00' } },
    };
    assert.deepEqual(poll.readTarget(msg, 'auto'), {
      mode: 'payment',
      paymentNo: 'F1',
      bizType: 'face_pay',
      expireAt: Date.UTC(2030, 0, 1, 0, 0, 0),
      expectedAmount: '88.00',
    });
    // msg.payload after an action node is the platform's answer: never the amount the answers are checked against.
    assert.equal(
      poll.readTarget({ payload: { tradeFee: '0.01' }, upp: { endpoint: 'query', paymentNo: 'F1', bizType: 'face_pay' } }, 'auto')
        .expectedAmount,
      undefined,
    );
    // A plain HIS row (no msg.upp) gives its own amount.
    assert.equal(poll.readTarget({ payload: { paymentNo: 'F1', bizType: 'scan_pay', tradeFee: 12.5 } }, 'auto').expectedAmount, '12.50');
    assert.equal(
      poll.readTarget({ upp: { endpoint: 'refund', request: { requestNo: 'R1', refundFee: '3.00' } } }, 'auto').expectedAmount,
      '3.00',
    );
  });

  describe('item 7: expireTime and clocks', () => {
    it('a 12-14 digit expireTime text ("202611281541") is ERR_UPP_INPUT naming expireTime, not epoch ms in 1976', () => {
      for (const expireTime of ['202611281541', '20261128154100', '1764316860000']) {
        assert.throws(
          () => poll.readTarget({ payload: { paymentNo: 'P1', bizType: 'scan_pay', expireTime } }, 'auto'),
          (e) => e.code === 'ERR_UPP_INPUT' && e.field === 'expireTime',
          expireTime,
        );
      }
      // The documented text, a Date and a real number are accepted.
      const at = Date.UTC(2026, 10, 28, 7, 41, 0);
      assert.equal(
        poll.readTarget({ payload: { paymentNo: 'P1', bizType: 'scan_pay', expireTime: '2026-11-28 15:41:00' } }, 'auto').expireAt,
        at,
      );
      assert.equal(poll.readTarget({ payload: { paymentNo: 'P1', bizType: 'scan_pay', expireTime: new Date(at) } }, 'auto').expireAt, at);
      assert.equal(poll.readTarget({ payload: { paymentNo: 'P1', bizType: 'scan_pay', expireTime: at } }, 'auto').expireAt, at);
    });

    it('a wall-clock step back of 1 h does not stall polling (intervals run on a monotonic clock)', async () => {
      let offset = 0;
      const wall = () => Date.now() + offset;
      const { client } = fakeClient(() => result('query', 'wait_pay'));
      // The step comes while the job waits for its next query (progress is reported after it was scheduled).
      const onProgress = (_token, p) => {
        if (p.attempt === 2) offset = -3_600_000;
      };
      const { e, finals } = engine(client, { intervalMs: 5, attempts: 6, closeOnGiveUp: false }, { now: wall, onProgress });
      e.submit(pay('P1', { expireAt: Date.now() + 24 * 3_600_000 }), 'm');
      await until(() => finals.length, 'the poll to carry on and give up after 6 queries');
      assert.equal(finals[0].final.info.attempts, 6);
      e.stop();
    });

    it('the wall clock still decides expiry: a step forward past expireTime ends the poll at the next step', async () => {
      let offset = 0;
      const wall = () => Date.now() + offset;
      const { client, calls } = fakeClient(() => result('query', 'wait_pay'));
      const { e, finals } = engine(client, { intervalMs: 5, attempts: undefined, closeOnGiveUp: false }, { now: wall });
      e.submit(pay('P1', { expireAt: Date.now() + 3_600_000 }), 'm');
      await until(() => calls.length >= 2, 'two queries');
      offset = 2 * 3_600_000;
      await until(() => finals.length, 'the give-up');
      assert.equal(finals[0].final.info.expired, true);
      e.stop();
    });
  });

  describe('item 8: a payment poll runs until the order expires by default', () => {
    it('attempts blank and expireTime known: more than 8 queries, then the give-up at expiry (closed, expired)', async () => {
      const { client, calls } = fakeClient((endpoint) => (endpoint === 'close' ? result('close', 'Y') : result('query', 'wait_pay')));
      const { e, finals } = engine(client, { intervalMs: 10, attempts: undefined });
      e.submit(pay('P1', { expireAt: Date.now() + 1500 }), 'm');
      await until(() => finals.length, 'the give-up at expiry');
      const { final } = finals[0];
      assert.equal(final.reason, 'closed');
      assert.equal(final.info.expired, true);
      assert.equal(final.info.maxAttempts, undefined);
      assert.ok(calls.filter((c) => c.endpoint === 'query').length > poll.DEFAULT_ATTEMPTS + 1, `${calls.length} calls`);
      e.stop();
    });

    it("attempts blank and no expireTime: the manual's 8 queries, then the give-up", async () => {
      const { client, calls } = fakeClient((endpoint) => (endpoint === 'close' ? result('close', 'Y') : result('query', 'wait_pay')));
      const { e, finals } = engine(client, { intervalMs: 2, attempts: undefined });
      e.submit(pay('P1'), 'm');
      await until(() => finals.length, 'the give-up');
      assert.equal(finals[0].final.info.maxAttempts, 8);
      assert.equal(calls.filter((c) => c.endpoint === 'query').length, 9, '8 queries + the one after the close');
      e.stop();
    });
  });

  describe('open jobs (read-only, for a sidebar)', () => {
    it('lists each open job with its ids, attempts, next query time and age; nothing once it ended', async () => {
      const { client } = fakeClient(() => result('query', 'wait_pay'));
      const { e } = engine(client, { intervalMs: 60_000, attempts: undefined });
      const before = Date.now();
      e.submit(pay('P1', { expireAt: before + 3_600_000 }), 'm');
      e.submit(refund('R1'), 'r');
      const jobs = e.openJobs();
      assert.deepEqual(
        jobs.map((j) => [j.key, j.paymentNo ?? j.requestNo, j.attempts, j.maxAttempts, j.waiting]),
        [
          ['payment:P1', 'P1', 0, undefined, 1],
          ['refund:R1', 'R1', 0, 8, 1],
        ],
      );
      for (const j of jobs) {
        assert.ok(j.nextAt >= before + 59_000 && j.nextAt <= Date.now() + 60_000, `nextAt ${j.nextAt - before}`);
        assert.ok(j.ageMs >= 0);
      }
      e.stop();
      assert.deepEqual(e.openJobs(), []);
    });
  });
});
