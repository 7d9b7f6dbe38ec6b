'use strict';
// The poll's decisions as a table (nodes/poll/rules.ts), like the core's outcome table (test/core/outcome.test.js):
// how many queries a job makes, what the give-up does, and what a close plus the query after it mean.
const assert = require('node:assert/strict');
const poll = require('../../dist/nodes/poll');

const facts = (extra = {}) => ({
  mode: 'payment',
  expired: false,
  learnt: true,
  mismatched: false,
  sawStatus: false,
  lastFailed: false,
  last: undefined,
  ...extra,
});
const settings = { closeOnGiveUp: true, assumeRefunded: true };

describe('poll rules (nodes/poll/rules.ts, docs/poll.md)', () => {
  describe('attemptCap', () => {
    const table = [
      [{ attempts: 3 }, { mode: 'payment', expireAt: 1 }, 3, 'a cap the node sets applies, expiry known or not'],
      [{ attempts: 3 }, { mode: 'refund' }, 3, 'refunds too'],
      [{}, { mode: 'payment', expireAt: 1 }, Infinity, 'no cap and a known expireTime: until expiry'],
      [{}, { mode: 'payment' }, 8, "no cap, no expireTime: the manual's 8 queries"],
      [{}, { mode: 'refund' }, 8, 'refunds have no expiry: 8 queries'],
    ];
    for (const [s, target, cap, why] of table) {
      it(`${JSON.stringify(s)} ${JSON.stringify(target)} -> ${cap} (${why})`, () => assert.equal(poll.attemptCap(s, target), cap));
    }
    it("DEFAULT_ATTEMPTS is the manual's advice", () => assert.equal(poll.DEFAULT_ATTEMPTS, 8));
  });

  describe('capEndsBeforeExpiry', () => {
    const start = 1_000_000;
    it('a cap of 8 x 5 s on an order expiring in 15 min ends 40 s in: warn', () => {
      assert.equal(
        poll.capEndsBeforeExpiry({ attempts: 8, intervalMs: 5000 }, { mode: 'payment', expireAt: start + 15 * 60_000 }, start),
        start + 40_000,
      );
    });
    it('a cap that reaches the expiry, no cap, no expireTime, a refund: nothing to say', () => {
      assert.equal(
        poll.capEndsBeforeExpiry({ attempts: 200, intervalMs: 5000 }, { mode: 'payment', expireAt: start + 15 * 60_000 }, start),
        undefined,
      );
      assert.equal(poll.capEndsBeforeExpiry({ intervalMs: 5000 }, { mode: 'payment', expireAt: start + 15 * 60_000 }, start), undefined);
      assert.equal(poll.capEndsBeforeExpiry({ attempts: 8, intervalMs: 5000 }, { mode: 'payment' }, start), undefined);
      assert.equal(
        poll.capEndsBeforeExpiry({ attempts: 8, intervalMs: 5000 }, { mode: 'refund', expireAt: start + 60_000 }, start),
        undefined,
      );
    });
  });

  describe('giveUpStep', () => {
    it('a payment with closeOnGiveUp closes', () => assert.equal(poll.giveUpStep(facts(), settings), 'close'));
    it('never closes after an answer about another order or amount (issue 10 item 1)', () => {
      assert.equal(poll.giveUpStep(facts({ mismatched: true }), settings), 'decide');
      assert.equal(poll.giveUpStep(facts({ mismatched: true, expired: true }), settings), 'ask', 'the expiry cut-off still asks once more');
    });
    it('without a close: asks once more when nothing was learnt or at the expiry cut-off', () => {
      const off = { ...settings, closeOnGiveUp: false };
      assert.equal(poll.giveUpStep(facts({ learnt: false }), off), 'ask');
      assert.equal(poll.giveUpStep(facts({ expired: true }), off), 'ask');
      assert.equal(poll.giveUpStep(facts(), off), 'decide');
      assert.equal(poll.giveUpStep(facts({ mode: 'refund', learnt: false }), settings), 'ask');
      assert.equal(poll.giveUpStep(facts({ mode: 'refund', expired: true }), settings), 'decide', 'refunds have no expiry');
    });
  });

  describe('giveUpDecision', () => {
    const table = [
      [facts(), settings, 'undetermined', 'gave_up', undefined],
      [facts({ mismatched: true }), settings, 'undetermined', 'mismatch', undefined],
      [facts({ mode: 'refund' }), settings, 'success', 'assumed_refunded', true],
      [facts({ mode: 'refund', mismatched: true }), settings, 'undetermined', 'mismatch', undefined],
      [facts({ mode: 'refund' }), { ...settings, assumeRefunded: false }, 'undetermined', 'gave_up', undefined],
      [facts({ mode: 'refund', last: { verified: 'v1', reason: 'rejected' } }), settings, 'undetermined', 'refund_not_found', undefined],
      [
        facts({ mode: 'refund', sawStatus: true, last: { verified: 'v1', reason: 'rejected' } }),
        settings,
        'success',
        'assumed_refunded',
        true,
      ],
      [facts({ mode: 'refund', last: { verified: false, reason: 'rejected' } }), settings, 'success', 'assumed_refunded', true],
      [
        facts({ mode: 'refund', lastFailed: true, last: { verified: 'v1', reason: 'rejected' } }),
        settings,
        'success',
        'assumed_refunded',
        true,
      ],
    ];
    for (const [f, s, route, reason, assumed] of table) {
      const label = `${f.mode}${f.mismatched ? ' mismatched' : ''}${f.sawStatus ? ' sawStatus' : ''}${f.lastFailed ? ' lastFailed' : ''}${f.last ? ` last ${f.last.verified ? 'verified' : 'unverified'} ${f.last.reason}` : ''}${s.assumeRefunded ? '' : ' assumeRefunded off'} -> ${route}/${reason}`;
      it(label, () => assert.deepEqual(poll.giveUpDecision(f, s), assumed ? { route, reason, assumed } : { route, reason }));
    }
  });

  describe('finalDecision', () => {
    it('only success and failed decide', () => {
      assert.deepEqual(poll.finalDecision('success'), { route: 'success', reason: 'final' });
      assert.deepEqual(poll.finalDecision('failed'), { route: 'failed', reason: 'final' });
      assert.equal(poll.finalDecision('pending'), undefined);
      assert.equal(poll.finalDecision(undefined), undefined);
    });
  });

  describe('closeInfo and afterCloseDecision', () => {
    const close = (outcome, reason, status, assumed = false) => ({
      endpoint: 'close',
      outcome,
      reason,
      status,
      assumed,
      verified: 'v1',
      request: {},
      attempts: 1,
      elapsedMs: 1,
    });
    it('Y closed, N not closed, a timeout closed (assumed), a close about another order not closed', () => {
      assert.deepEqual(
        [
          close('success', 'final', 'Y'),
          close('failed', 'final', 'N'),
          close('success', 'timeout', undefined, true),
          close('pending', 'mismatch', 'Y'),
        ].map((r) => {
          const c = poll.closeInfo(r);
          return [c.outcome, c.assumed];
        }),
        [
          ['closed', false],
          ['not_closed', false],
          ['closed', true],
          ['not_closed', false],
        ],
      );
    });
    const table = [
      [{ outcome: 'closed', assumed: false }, 'success', 'success', 'close_race', false],
      [{ outcome: 'not_closed', assumed: false }, 'success', 'success', 'close_race', false],
      [{ outcome: 'closed', assumed: false }, 'pending', 'failed', 'closed', true],
      [{ outcome: 'closed', assumed: true }, undefined, 'failed', 'closed', true],
      [{ outcome: 'not_closed', assumed: false }, 'failed', 'failed', 'final', false],
      [{ outcome: 'not_closed', assumed: false }, 'pending', 'undetermined', 'not_closed', false],
      [{ outcome: 'not_sent', assumed: false }, undefined, 'undetermined', 'not_closed', false],
    ];
    for (const [c, outcome, route, reason, closed] of table) {
      it(`close ${c.outcome}${c.assumed ? ' (assumed)' : ''}, query after it ${outcome ?? 'threw'} -> ${route}/${reason}`, () => {
        const d = poll.afterCloseDecision(c, outcome);
        assert.equal(d.route, route);
        assert.equal(d.reason, reason);
        assert.equal(d.closed, closed);
        assert.equal(d.assumed, c.outcome === 'closed' && c.assumed && route === 'failed' ? true : undefined);
      });
    }
  });

  describe('waiterDecision', () => {
    const job = { target: { expectedAmount: '5.00' } };
    const success = { route: 'success', reason: 'final' };
    it("a message with the job's amount, or none, shares the decision", () => {
      assert.equal(poll.waiterDecision(job, { expectedAmount: '5.00' }, success), success);
      assert.equal(poll.waiterDecision(job, {}, success), success);
      assert.equal(poll.waiterDecision({ target: {} }, { expectedAmount: '500.00' }, success), success);
    });
    it('a message with another amount never takes a success or an assumption; a failure or a close stays true', () => {
      const other = { expectedAmount: '500.00' };
      const mismatch = { route: 'undetermined', reason: 'mismatch', amountMismatch: { expected: '500.00', received: '5.00' } };
      assert.deepEqual(poll.waiterDecision(job, other, success), mismatch);
      assert.deepEqual(poll.waiterDecision(job, other, { route: 'success', reason: 'close_race' }), mismatch);
      const closed = { route: 'failed', reason: 'closed', assumed: true };
      assert.deepEqual(poll.waiterDecision(job, other, closed), mismatch, 'an assumed close is an assumption');
      const failed = { route: 'failed', reason: 'final' };
      assert.equal(poll.waiterDecision(job, other, failed), failed);
    });
  });

  describe('records (the snapshot format)', () => {
    it('reads back what it wrote; skips what is not a record of ours', () => {
      const record = {
        v: 1,
        key: 'payment:P1',
        mode: 'payment',
        paymentNo: 'P1',
        bizType: 'scan_pay',
        expireAt: 5,
        expectedAmount: '5.00',
        mismatched: true,
        attempts: 2,
        startedAt: 1,
        nextAt: 3,
        phase: 'poll',
        expired: false,
        msgs: ['{}'],
      };
      const read = poll.readRecord(record, 10);
      assert.deepEqual(read.target, { mode: 'payment', paymentNo: 'P1', bizType: 'scan_pay', expireAt: 5, expectedAmount: '5.00' });
      assert.deepEqual(read.carried, { attempts: 2, startedAt: 1, nextAt: 3, phase: 'poll', expired: false, mismatched: true });
      for (const bad of [
        null,
        'x',
        { ...record, v: 2 },
        { ...record, msgs: 'x' },
        { ...record, mode: 'x' },
        { ...record, paymentNo: 1 },
        { v: 1, mode: 'refund', msgs: [] },
      ]) {
        assert.equal(poll.readRecord(bad, 10), undefined, JSON.stringify(bad));
      }
      assert.equal(poll.readRecord({ ...record, attempts: -1, startedAt: 'x' }, 10).carried.attempts, 0);
      assert.equal(poll.readRecord({ ...record, attempts: -1, startedAt: 'x' }, 10).carried.startedAt, 10);
    });
  });
});
