'use strict';
// The engine's parts on their own (nodes/poll/query.ts, giveup.ts, results.ts, registry.ts): what one attempt
// teaches a job, the give-up's steps, what each waiting message receives, and the process-wide job registry. The
// engine's behaviour with all of them together is in engine.test.js and regressions.test.js.
const assert = require('node:assert/strict');
const core = require('../../dist/nodes/core');
const { Job } = require('../../dist/nodes/poll/job');
const query = require('../../dist/nodes/poll/query');
const { applyGiveUp, factsOf } = require('../../dist/nodes/poll/giveup');
const { finalFor, jobInfo, progressOf } = require('../../dist/nodes/poll/results');
const registry = require('../../dist/nodes/poll/registry');
const { result, timeout, pay, refund } = require('./support');

const job = (target = pay(), cap = 3, owner = {}) => new Job('payment:P1', target, owner, 1000, cap);
const settings = { closeOnGiveUp: true, assumeRefunded: true };

describe('poll engine parts', () => {
  describe('query.ts: one attempt', () => {
    it('retryable errors are the ones that prove nothing was sent (or the client is gone)', () => {
      for (const code of ['ERR_UPP_NOT_SENT', 'ERR_UPP_IN_FLIGHT', 'ERR_UPP_CLIENT_CLOSED']) {
        assert.equal(query.isRetryableError({ code }), true, code);
      }
      assert.equal(query.isRetryableError(new core.UppConfigError('baseUrl', 'required')), false);
      assert.equal(query.isRetryableError(new Error('bug')), false);
      assert.equal(query.isRetryableError(undefined), false);
    });

    it('queries the order with the amount the caller knows, or the refund by requestNo; never throws', async () => {
      const calls = [];
      const client = {
        query: async (fields, opts) => (calls.push(['query', fields, opts.expectedAmount]), result('query', 'pay_success')),
        refundQuery: async (fields) => (calls.push(['refundQuery', fields]), result('refundQuery', 'refund_success')),
        close: async () => {
          throw new core.UppNotSentError('refused', 'connection refused', 0);
        },
      };
      const signal = new AbortController().signal;
      const paid = await query.queryTarget(pay('P1', { expectedAmount: '12.30' }), client, { signal });
      const refunded = await query.queryTarget(refund('R1'), client, { signal });
      assert.equal(paid.ok && paid.result.status, 'pay_success');
      assert.equal(refunded.ok && refunded.result.status, 'refund_success');
      assert.deepEqual(calls, [
        ['query', { paymentNo: 'P1', bizType: 'scan_pay' }, '12.30'],
        ['refundQuery', { requestNo: 'R1' }],
      ]);
      const broken = await query.queryTarget(pay(), { ...client, query: () => Promise.reject(new Error('bug')) }, { signal });
      assert.equal(broken.ok, false);
      assert.equal(broken.error.message, 'bug');
    });

    it('a close whose client() throws is an answer with the error, not a throw', async () => {
      const answer = await query.closeTarget(
        pay(),
        () => {
          throw new core.UppConfigError('baseUrl', 'required');
        },
        { signal: new AbortController().signal },
      );
      assert.equal(answer.ok, false);
      assert.equal(answer.error.code, 'ERR_UPP_CONFIG');
    });

    it('a verified status counts as seen; an answer about another order marks the job mismatched, not seen', () => {
      const j = job();
      query.recordAttempt(j, { ok: true, result: result('query', 'wait_pay', { envelope: { result: true, kind: '0', msg: 'waiting' } }) });
      assert.deepEqual([j.attempts, j.learnt, j.sawStatus, j.mismatched, j.lastMsg], [1, true, true, false, 'waiting']);
      const other = job();
      query.recordAttempt(other, { ok: true, result: { ...result('query', 'pay_success'), outcome: 'pending', reason: 'mismatch' } });
      assert.deepEqual([other.sawStatus, other.mismatched], [false, true]);
    });

    it('an error is kept as its code and sentence; the last outcome is then unknown', () => {
      const j = job();
      query.recordAttempt(j, { ok: true, result: result('query', 'pay_success') });
      assert.equal(query.lastOutcome(j), 'success');
      query.recordAttempt(j, { ok: false, error: new core.UppNotSentError('refused', 'connection refused', 0) });
      assert.equal(j.attempts, 2);
      assert.equal(j.lastError.code, 'ERR_UPP_NOT_SENT');
      assert.equal(query.lastOutcome(j), undefined);
      const close = query.notSentClose(new core.UppNotSentError('refused', 'connection refused', 0));
      assert.deepEqual([close.outcome, close.assumed, close.reason], ['not_sent', false, 'ERR_UPP_NOT_SENT']);
    });
  });

  describe('giveup.ts: the steps of a give-up', () => {
    const calls = (script) => {
      const log = [];
      return {
        log,
        calls: {
          ask: async () => (log.push('ask'), script.ask ? script.ask() : true),
          close: async () => (log.push('close'), script.close()),
        },
      };
    };

    it('a payment: close, then query; paid after the close is a success (close_race), closed is failed', async () => {
      const j = job();
      j.learnt = true;
      const closed = { close: { outcome: 'closed', assumed: false, reason: 'final' }, closeResult: result('close', 'Y') };
      const race = calls({ close: async () => closed, ask: async () => ((j.last = result('query', 'pay_success')), true) });
      const end = await applyGiveUp(j, settings, race.calls);
      assert.deepEqual(race.log, ['close', 'ask']);
      assert.deepEqual([end.decision.route, end.decision.reason, end.closed], ['success', 'close_race', false]);
      assert.equal(end.closeResult.status, 'Y');

      const k = job();
      k.learnt = true;
      const plain = calls({ close: async () => closed, ask: async () => ((k.last = result('query', 'wait_pay')), true) });
      const ended = await applyGiveUp(k, settings, plain.calls);
      assert.deepEqual([ended.decision.route, ended.decision.reason, ended.closed], ['failed', 'closed', true]);
    });

    it('the engine stopping during the close or the query after it decides nothing', async () => {
      const j = job();
      assert.equal(await applyGiveUp(j, settings, calls({ close: async () => undefined }).calls), undefined);
      const closed = { close: { outcome: 'closed', assumed: false, reason: 'final' } };
      const stopped = calls({ close: async () => closed, ask: async () => false });
      assert.equal(await applyGiveUp(j, settings, stopped.calls), undefined);
      assert.deepEqual(stopped.log, ['close', 'ask']);
    });

    it('nothing learnt in this run: ask once more; a final answer then decides', async () => {
      const j = job(refund(), 3);
      const s = calls({ ask: async () => ((j.last = result('refundQuery', 'refund_failed')), (j.learnt = true), true) });
      const end = await applyGiveUp(j, settings, s.calls);
      assert.deepEqual(s.log, ['ask']);
      assert.deepEqual([end.decision.route, end.decision.reason], ['failed', 'final']);
    });

    it('a refund that answered and ran out: decided by the rules without a call (assumed refunded)', async () => {
      const j = job(refund(), 3);
      j.learnt = true;
      j.sawStatus = true;
      j.last = timeout('refundQuery');
      const s = calls({});
      const end = await applyGiveUp(j, settings, s.calls);
      assert.deepEqual(s.log, []);
      assert.deepEqual(end.decision, { route: 'success', reason: 'assumed_refunded', assumed: true });
      assert.deepEqual(factsOf(j), {
        mode: 'refund',
        expired: false,
        learnt: true,
        mismatched: false,
        sawStatus: true,
        lastFailed: false,
        last: j.last,
      });
    });
  });

  describe('results.ts: what waiting messages receive', () => {
    it('each message its share: one that joined with another amount cannot take the success', () => {
      const j = job(pay('P1', { expectedAmount: '5.00' }));
      j.attempts = 2;
      const decision = { route: 'success', reason: 'final' };
      const base = jobInfo(j, decision, {}, 5000, 9000);
      assert.deepEqual([base.attempts, base.intervalMs, base.startedAt, base.finishedAt, base.gaveUp], [2, 5000, 1000, 9000, false]);
      const paid = result('query', 'pay_success');
      const same = finalFor(j, { joined: false, resumed: false, expectedAmount: '5.00' }, decision, base, paid, undefined);
      const other = finalFor(j, { joined: true, resumed: false, expectedAmount: '500.00' }, decision, base, paid, undefined);
      assert.deepEqual([same.route, same.reason, same.info.joined], ['success', 'final', false]);
      assert.deepEqual(
        [other.route, other.reason, other.info.outcome, other.info.joined],
        ['undetermined', 'mismatch', 'undetermined', true],
      );
      assert.deepEqual(other.amountMismatch, { expected: '500.00', received: '5.00' });
      assert.equal(other.result, paid);
    });

    it('progress names the next query, none while giving up', () => {
      const j = job();
      j.attempts = 1;
      assert.equal(progressOf(j, 7000).nextAt, 7000);
      j.phase = 'giveup';
      assert.equal(progressOf(j, 7000).nextAt, undefined);
    });
  });

  describe('registry.ts: the jobs of every engine, by scope and key', () => {
    it('a job leaves only if it still holds its key; an empty scope goes', () => {
      const reg = new Map();
      const first = new Job('payment:P1', pay(), {}, 0, 3);
      const second = new Job('payment:P1', pay(), {}, 0, 3);
      registry.registerJob(reg, 'cfg', first);
      registry.registerJob(reg, 'cfg', second);
      assert.equal(registry.lookupJob(reg, 'cfg', 'payment:P1'), second);
      assert.equal(registry.lookupJob(reg, 'other', 'payment:P1'), undefined);
      registry.unregisterJob(reg, 'cfg', first);
      assert.equal(registry.lookupJob(reg, 'cfg', 'payment:P1'), second);
      registry.unregisterJob(reg, 'cfg', second);
      assert.equal(reg.size, 0);
    });

    it('openJobs lists the running jobs of one scope through their owners, not the finished ones', () => {
      const reg = new Map();
      const owner = { view: (j, waiting) => ({ key: j.key, waiting }) };
      const running = new Job('payment:P1', pay(), owner, 0, 3);
      running.waiters = [{}, {}];
      const done = new Job('refund:R1', refund(), owner, 0, 3);
      done.phase = 'done';
      registry.registerJob(reg, 'cfg', running);
      registry.registerJob(reg, 'cfg', done);
      registry.registerJob(reg, 'cfg2', new Job('payment:P2', pay('P2'), owner, 0, 3));
      assert.deepEqual(registry.openJobs('cfg', reg), [{ key: 'payment:P1', waiting: 2 }]);
      assert.equal(registry.sharedRegistry(), registry.sharedRegistry());
    });
  });
});
