'use strict';
// The poll engine without Node-RED or HTTP: heap and scheduler (one timer, bounded concurrency), the engine's rules
// with a scripted fake client (errors, give-up paths, stop, restore), input and settings parsing, saved copies.
const assert = require('node:assert/strict');
const core = require('../../dist/nodes/core');
const poll = require('../../dist/nodes/poll');
const { savedCopy, reviveCopy, describeFinal } = require('../../dist/nodes/poll/output');

const { sleep, waitFor } = require('../nodes/wait');

const until = (check, what, timeoutMs = 4000) => waitFor(check, what, timeoutMs, 2);

const { result, timeout, fakeClient, engine, pay, refund } = require('./support');

describe('poll engine', () => {
  const rejections = [];
  const onRejection = (reason) => rejections.push(reason);
  before(() => process.on('unhandledRejection', onRejection));
  after(() => process.off('unhandledRejection', onRejection));
  afterEach(() =>
    assert.deepEqual(
      rejections.map((r) => (r && r.stack) || String(r)),
      [],
    ),
  );

  describe('MinHeap', () => {
    it('pops in due order (FIFO on ties), supports moving and removing items', () => {
      const heap = new poll.MinHeap();
      const items = Array.from({ length: 500 }, (_, i) => ({ id: i, due: 0, heapIndex: -1, heapSeq: 0 }));
      for (const item of items) heap.push(item, Math.floor(Math.random() * 50));
      for (const item of items.filter((_, i) => i % 7 === 0)) heap.remove(item);
      for (const item of items.filter((_, i) => i % 11 === 1)) heap.push(item, Math.floor(Math.random() * 50));
      const out = [];
      while (heap.size) out.push(heap.pop());
      assert.equal(out.length, items.filter((_, i) => i % 7 !== 0).length + items.filter((_, i) => i % 7 === 0 && i % 11 === 1).length);
      for (let i = 1; i < out.length; i++) {
        assert.ok(out[i - 1].due < out[i].due || (out[i - 1].due === out[i].due && out[i - 1].heapSeq < out[i].heapSeq));
      }
      assert.ok(out.every((item) => item.heapIndex === -1));
    });
  });

  describe('Scheduler', () => {
    it('keeps at most one timer armed, whatever the number and order of jobs', async () => {
      const live = new Set();
      let maxLive = 0;
      const realSet = global.setTimeout;
      const realClear = global.clearTimeout;
      global.setTimeout = (fn, ms, ...args) => {
        const t = realSet(() => {
          live.delete(t);
          fn(...args);
        }, ms);
        live.add(t);
        maxLive = Math.max(maxLive, live.size);
        return t;
      };
      global.clearTimeout = (t) => {
        live.delete(t);
        realClear(t);
      };
      let ran = 0;
      try {
        const s = new poll.Scheduler({ concurrency: 10, run: async () => void ran++, onError: assert.fail });
        const now = Date.now();
        for (let i = 0; i < 1000; i++) s.schedule({ due: 0, heapIndex: -1, heapSeq: 0 }, now + 50 - (i % 50));
        assert.equal(maxLive, 1);
        assert.ok(s.armed);
      } finally {
        global.setTimeout = realSet;
        global.clearTimeout = realClear;
      }
      await until(() => ran === 1000, 'every job');
    });

    it('never runs more than `concurrency` jobs at once, in due order, and records how late each started', async () => {
      let running = 0;
      let most = 0;
      const order = [];
      const s = new poll.Scheduler({
        concurrency: 5,
        run: async (item) => {
          running++;
          most = Math.max(most, running);
          order.push(item.id);
          await sleep(3);
          running--;
        },
        onError: assert.fail,
      });
      const now = Date.now();
      for (let i = 0; i < 100; i++) s.schedule({ id: i, due: 0, heapIndex: -1, heapSeq: 0 }, now + 5 + i);
      await until(() => order.length === 100, 'all jobs');
      assert.equal(most, 5);
      assert.deepEqual(
        order,
        [...order].sort((a, b) => a - b),
      );
      assert.equal(s.lag.count, 100);
      assert.ok(s.lag.percentile(0.5) >= 0);
    });

    it('a job that throws or rejects goes to onError; the scheduler carries on; stop() clears the timer', async () => {
      const errors = [];
      let ok = 0;
      const s = new poll.Scheduler({
        run: async (item) => {
          if (item.id === 1) throw new Error('boom');
          ok++;
        },
        onError: (item, err) => errors.push([item.id, err.message]),
      });
      s.schedule({ id: 1, due: 0, heapIndex: -1, heapSeq: 0 }, Date.now());
      s.schedule({ id: 2, due: 0, heapIndex: -1, heapSeq: 0 }, Date.now() + 5);
      await until(() => ok === 1, 'the second job');
      assert.deepEqual(errors, [[1, 'boom']]);
      s.schedule({ id: 3, due: 0, heapIndex: -1, heapSeq: 0 }, Date.now() + 10000);
      assert.ok(s.armed);
      s.stop();
      assert.equal(s.armed, false);
      assert.equal(s.waiting, 0);
    });
  });

  describe('rules with a fake client', () => {
    it('pending answers and not-sent errors use up attempts; give-up closes and queries once more', async () => {
      const { client, calls } = fakeClient((endpoint, _f, n) => {
        if (endpoint === 'close') return result('close', 'Y');
        if (n === 2) throw new core.UppNotSentError('ECONNREFUSED', 'refused', 3);
        return n === 3 ? timeout('query') : result('query', 'wait_pay');
      });
      const { e, finals, errors } = engine(client);
      e.submit(pay(), 'm1');
      await until(() => finals.length, 'a final');
      assert.deepEqual(errors, []);
      assert.deepEqual(
        calls.map((c) => c.endpoint),
        ['query', 'query', 'query', 'close', 'query'],
      );
      const { final } = finals[0];
      assert.equal(final.route, 'failed');
      assert.equal(final.reason, 'closed');
      assert.equal(final.info.closed, true);
      assert.equal(final.info.attempts, 4);
      assert.equal(e.timerArmed, false);
    });

    it('a close that times out counts as closed (assumed); N lets the last query decide', async () => {
      const a = fakeClient((endpoint) => (endpoint === 'close' ? timeout('close') : result('query', 'wait_pay')));
      const one = engine(a.client, { attempts: 1 });
      one.e.submit(pay(), 'm');
      await until(() => one.finals.length, 'a final');
      assert.equal(one.finals[0].final.route, 'failed');
      assert.equal(one.finals[0].final.info.assumed, true);
      assert.equal(one.finals[0].final.info.close.reason, 'timeout');

      const b = fakeClient((endpoint, _f, n) =>
        endpoint === 'close' ? result('close', 'N') : result('query', n === 2 ? 'pay_failed' : 'wait_pay'),
      );
      const two = engine(b.client, { attempts: 1 });
      two.e.submit(pay(), 'm');
      await until(() => two.finals.length, 'a final');
      assert.equal(two.finals[0].final.route, 'failed');
      assert.equal(two.finals[0].final.reason, 'final');
      assert.equal(two.finals[0].final.info.closed, false);
    });

    it('a bug or an input error (not retryable) reaches onError for every waiting token, once', async () => {
      const { client } = fakeClient(() => {
        throw new TypeError('a bug');
      });
      const { e, finals, errors } = engine(client);
      e.submit(pay(), 'm1');
      e.submit(pay(), 'm2');
      await until(() => errors.length === 2, 'two errors');
      await sleep(30);
      assert.equal(errors.length, 2);
      assert.deepEqual(
        errors.map((x) => x.token),
        ['m1', 'm2'],
      );
      assert.match(errors[0].err.message, /a bug/);
      assert.equal(finals.length, 0);
      assert.equal(e.stats().jobs, 0);
    });

    it('a config error from the client getter reaches onError', async () => {
      const { e, errors } = engine(() => {
        throw new core.UppConfigError('baseUrl', 'required');
      });
      e.submit(refund(), 'm');
      await until(() => errors.length, 'an error');
      assert.equal(errors[0].err.code, 'ERR_UPP_CONFIG');
    });

    it('a throwing onFinish for one token does not keep the others from their answer', async () => {
      const { client } = fakeClient(() => result('query', 'pay_success'));
      const { e, finals, errors } = engine(client, {}, { throwOn: 'bad' });
      e.submit(pay(), 'bad');
      e.submit(pay(), 'good');
      await until(() => finals.length && errors.length, 'both');
      assert.equal(finals[0].token, 'good');
      assert.equal(finals[0].final.info.joined, true);
      assert.equal(errors[0].token, 'bad');
    });

    it('refund: assumed success when attempts run out; progress is reported per attempt', async () => {
      const progress = [];
      const { client } = fakeClient(() =>
        result('refundQuery', 'refund_exception', { envelope: { result: true, kind: '0', msg: '退款处理中' } }),
      );
      const { e, finals } = engine(client, {}, { onProgress: (token, p) => progress.push([token, p.attempt, p.nextAt !== undefined]) });
      e.submit(refund(), 'r');
      await until(() => finals.length, 'a final');
      assert.equal(finals[0].final.route, 'success');
      assert.equal(finals[0].final.reason, 'assumed_refunded');
      assert.equal(finals[0].final.info.lastMsg, '退款处理中');
      assert.deepEqual(progress, [
        ['r', 1, true],
        ['r', 2, true],
        ['r', 3, false],
      ]);
      const { upp } = describeFinal(finals[0].final);
      assert.equal(upp.assumed, true);
      assert.equal(upp.msg, '退款处理中');
    });

    it('stop(): the timer is cleared, an answer in flight is ignored, nothing is output', async () => {
      const { client, calls } = fakeClient(() => result('query', 'pay_success'), 40);
      const { e, finals, errors } = engine(client);
      e.submit(pay('A'), 'a');
      e.submit(pay('B', { expireAt: Date.now() + 60000 }), 'b');
      await until(() => calls.length === 2, 'queries in flight');
      e.stop();
      await sleep(80);
      assert.equal(finals.length + errors.length, 0);
      assert.equal(e.timerArmed, false);
      assert.throws(() => e.submit(pay('C'), 'c'), /stopped/);
    });

    it('snapshot() and restore(): attempts spent carry over; all spent -> gives up at once after one query', async () => {
      const a = fakeClient(() => result('query', 'wait_pay'));
      const first = engine(a.client, { attempts: 5, intervalMs: 20, closeOnGiveUp: false });
      first.e.submit(pay('S1'), 'x', { saved: '{"_msgid":"x"}' });
      await until(() => first.e.snapshot()[0].attempts === 2, 'two queries');
      const records = first.e.snapshot();
      first.e.stop();
      assert.equal(records.length, 1);
      assert.equal(records[0].attempts, 2);
      assert.deepEqual(records[0].msgs, ['{"_msgid":"x"}']);

      const b = fakeClient(() => result('query', 'wait_pay'));
      const second = engine(b.client, { attempts: 5, intervalMs: 5, closeOnGiveUp: false });
      assert.equal(
        second.e.restore(records, (saved) => JSON.parse(saved)),
        1,
      );
      await until(() => second.finals.length, 'a final');
      assert.equal(b.calls.length, 3, 'only the attempts left');
      assert.equal(second.finals[0].final.info.attempts, 5);
      assert.equal(second.finals[0].final.info.resumed, true);
      assert.deepEqual(second.finals[0].token, { _msgid: 'x' });

      const c = fakeClient(() => result('refundQuery', 'refund_exception'));
      const third = engine(c.client, { attempts: 5 });
      third.e.restore([{ ...records[0], key: 'refund:R9', mode: 'refund', requestNo: 'R9', attempts: 5 }], (saved) => saved);
      await until(() => third.finals.length, 'a final');
      assert.equal(c.calls.length, 1, 'one query: nothing was known in this run');
      assert.equal(third.finals[0].final.reason, 'assumed_refunded');
      assert.equal(third.finals[0].final.info.attempts, 6);
    });

    it('restore() skips records that are not job records (whatever the store gave back)', async () => {
      const { client, calls } = fakeClient(() => result('refundQuery', 'refund_success'));
      const { e, finals } = engine(client);
      const n = e.restore(
        [
          null,
          { v: 2 },
          { v: 1, mode: 'payment', msgs: ['x'] },
          { v: 1, mode: 'other', msgs: ['x'] },
          { v: 1, mode: 'refund', requestNo: 'R7', msgs: ['ok'], attempts: 'bad', nextAt: -5 },
        ],
        (saved) => saved,
      );
      assert.equal(n, 1);
      await until(() => finals.length, 'a final');
      assert.equal(finals[0].token, 'ok');
      assert.equal(calls.length, 1);
    });

    it('engines on one scope share jobs; a stopping owner hands its joiners over', async () => {
      const registry = new Map();
      const { client, calls } = fakeClient(() => result('query', 'wait_pay'));
      const one = engine(client, { attempts: 6, intervalMs: 10, closeOnGiveUp: false }, { registry });
      const two = engine(client, { attempts: 6, intervalMs: 10, closeOnGiveUp: false }, { registry });
      const other = engine(client, { attempts: 6, intervalMs: 10, closeOnGiveUp: false }, { registry, scope: 'cfg2' });
      one.e.submit(pay('J'), 'a');
      assert.equal(two.e.submit(pay('J'), 'b').joined, true);
      assert.equal(other.e.submit(pay('J'), 'c').joined, false);
      await until(() => calls.length >= 4, 'some queries');
      one.e.stop();
      await until(() => two.finals.length && other.finals.length, 'finals');
      assert.equal(one.finals.length, 0);
      assert.equal(two.finals[0].final.info.attempts, 6);
      // Two loops, one per scope; the answer in flight when the owner stopped is ignored and asked again.
      assert.ok([12, 13].includes(calls.filter((c) => c.fields.paymentNo === 'J').length));
    });

    it('rejects bad settings', () => {
      assert.throws(() => engine({}, { intervalMs: 0 }), RangeError);
      assert.throws(() => engine({}, { attempts: 1.5 }), RangeError);
    });
  });

  describe('input and settings', () => {
    it('mode: the node setting, else msg.upp.endpoint, else which key is present', () => {
      assert.equal(poll.modeOf({}, 'refund'), 'refund');
      assert.equal(poll.modeOf({ upp: { endpoint: 'scanCode', requestNo: 'x' } }, 'auto'), 'payment');
      assert.equal(poll.modeOf({ upp: { endpoint: 'close' } }, 'auto'), 'payment');
      assert.equal(poll.modeOf({ upp: { endpoint: 'refundQuery' } }, 'auto'), 'refund');
      assert.equal(poll.modeOf({ payload: { paymentNo: 'p', requestNo: 'r' } }, 'auto'), 'refund');
      assert.equal(poll.modeOf({ upp: { request: { paymentNo: 'p' } } }, 'auto'), 'payment');
      assert.throws(
        () => poll.modeOf({ payload: 'x' }, 'auto'),
        (err) => err.field === 'mode' && err.code === 'ERR_UPP_INPUT',
      );
    });

    it('fields from msg.upp, then msg.upp.request, then msg.payload; bizType from the endpoint; expireTime parsed as UTC+8', () => {
      const t = poll.readTarget(
        {
          upp: { endpoint: 'barCode', request: { paymentNo: 'A1', expireTime: '2030-01-01 08:00:00' } },
          payload: { paymentNo: 'ignored' },
        },
        'auto',
      );
      assert.deepEqual(t, { mode: 'payment', paymentNo: 'A1', bizType: 'barcode_pay', expireAt: Date.UTC(2030, 0, 1, 0, 0, 0) });
      assert.equal(poll.readTarget({ payload: { paymentNo: 12345, bizType: 'scan_pay' } }, 'auto').paymentNo, '12345');
      assert.equal(
        poll.readTarget({ payload: { paymentNo: 'A', bizType: 'scan_pay', expireTime: new Date(5000) } }, 'auto').expireAt,
        5000,
      );
      assert.deepEqual(poll.readTarget({ upp: { endpoint: 'refund', requestNo: 'R1' } }, 'auto'), { mode: 'refund', requestNo: 'R1' });
      assert.throws(
        () => poll.readTarget({ payload: { paymentNo: 'A', bizType: 'scan_pay', expireTime: '2030-02-30 00:00:00' } }, 'auto'),
        (e) => e.field === 'expireTime',
      );
      assert.throws(
        () => poll.readTarget({ payload: { requestNo: 'R'.repeat(33) } }, 'auto'),
        (e) => e.field === 'requestNo' && e.rule === 'max_length',
      );
    });

    it('settings: defaults, decimals for the interval, bad values name the field', () => {
      const d = poll.pollSettings({});
      assert.deepEqual(d, {
        mode: 'auto',
        intervalMs: 5000,
        attempts: undefined,
        closeOnGiveUp: true,
        assumeRefunded: true,
        progress: false,
        concurrency: 50,
      });
      assert.equal(poll.pollSettings({ interval: '0.05' }).intervalMs, 50);
      assert.equal(poll.pollSettings({ closeOnGiveUp: false, assumeRefunded: 'false' }).closeOnGiveUp, false);
      for (const [field, value] of [
        ['interval', 0],
        ['interval', 'x'],
        ['attempts', 0],
        ['attempts', 2.5],
        ['concurrency', -1],
        ['mode', 'both'],
      ]) {
        assert.throws(
          () => poll.pollSettings({ [field]: value }),
          (e) => e.field === field && typeof e.messageZh === 'string',
          `${field}=${value}`,
        );
      }
    });

    it('saved copies leave out msg.req / msg.res and circular references; Buffers come back', () => {
      const msg = { _msgid: 'm', payload: { a: 1 }, buf: Buffer.from('hi'), req: { socket: {} }, res: { send() {} } };
      msg.payload.self = msg.payload;
      const saved = savedCopy(msg);
      assert.ok(!saved.includes('"req"') && !saved.includes('"res"'));
      const back = reviveCopy(saved);
      assert.deepEqual(back.payload, { a: 1 });
      assert.ok(Buffer.isBuffer(back.buf));
      assert.equal(back.buf.toString(), 'hi');
    });
  });
});
