'use strict';
// The sidebar's monitor without Node-RED: calls per endpoint and outcome over the last hour, latency percentiles,
// reachability from the last call, and the "needs a person" list (mismatch, assumed close, undetermined poll,
// assumed refund), listed once, dismissable, bounded.
const assert = require('node:assert/strict');
const { Monitor, percentile, pollAttention } = require('../../dist/nodes/ops');

const MINUTE = 60_000;

function call(over = {}) {
  const { result, ...rest } = over;
  return {
    callId: Math.floor(Math.random() * 1e9),
    endpoint: 'query',
    caller: { node: 'n1', config: 'cfg' },
    startedAt: 0,
    elapsedMs: 100,
    attempts: 1,
    paymentNo: 'P1',
    result:
      result === null
        ? undefined
        : { outcome: 'success', reason: 'final', httpStatus: 200, request: { paymentNo: 'P1', bizType: 'scan_pay' }, ...result },
    ...rest,
  };
}

describe('ops monitor', () => {
  let now;
  let m;
  beforeEach(() => {
    now = 10 * 60 * MINUTE;
    m = new Monitor(() => now);
  });

  it('counts calls per endpoint and outcome over the last hour, then forgets them', () => {
    m.recordCall(call({ endpoint: 'scanCode', result: { outcome: 'pending', reason: 'not_final' } }));
    m.recordCall(call({ endpoint: 'query' }));
    m.recordCall(call({ endpoint: 'query', result: { outcome: 'pending', reason: 'timeout', httpStatus: undefined } }));
    m.recordCall(call({ endpoint: 'query', result: null, error: { code: 'ERR_UPP_NOT_SENT', message: 'refused' } }));
    let view = m.config('cfg');
    assert.deepEqual(
      view.endpoints.map((e) => [e.endpoint, e.counts]),
      [
        ['query', { success: 1, pending: 1, not_sent: 1 }],
        ['scanCode', { pending: 1 }],
      ],
    );
    now += 59 * MINUTE;
    assert.equal(m.config('cfg').endpoints.length, 2, 'still within the hour');
    now += 2 * MINUTE;
    view = m.config('cfg');
    assert.deepEqual(view.endpoints, [], 'older than an hour');
    assert.equal(m.config('other').reachable, 'unknown');
  });

  it('latency p50/p95 per endpoint (nearest rank), not-sent calls left out', () => {
    for (let i = 1; i <= 100; i++) m.recordCall(call({ elapsedMs: i }));
    m.recordCall(call({ elapsedMs: 99999, result: null, error: { code: 'ERR_UPP_NOT_SENT', message: 'x' } }));
    const [q] = m.config('cfg').endpoints;
    assert.equal(q.p50, 50);
    assert.equal(q.p95, 95);
    assert.equal(percentile([], 0.5), undefined);
    assert.equal(percentile([7], 0.95), 7);
  });

  it('reachable from the last call; the last network test kept apart', () => {
    m.recordCall(call({ endpoint: 'network' }));
    assert.equal(m.config('cfg').reachable, 'yes');
    m.recordCall(call({ result: null, error: { code: 'ERR_UPP_NOT_SENT', message: 'refused' } }));
    const view = m.config('cfg');
    assert.equal(view.reachable, 'no');
    assert.equal(view.lastNetwork.outcome, 'success');
    assert.equal(view.lastCall.outcome, 'not_sent');
    assert.equal(view.lastCall.reason, 'ERR_UPP_NOT_SENT');
    m.recordCall(call({ result: { outcome: 'pending', reason: 'timeout', httpStatus: undefined } }));
    assert.equal(m.config('cfg').reachable, 'no', 'a timeout is no answer');
  });

  it('lists mismatched answers and assumed closes from the calls, with ids, node and the fields that differ', () => {
    const mismatch = { paymentNo: { expected: 'P1', received: 'P2' } };
    m.recordCall(call({ result: { outcome: 'pending', reason: 'mismatch', mismatch } }));
    m.recordCall(
      call({
        endpoint: 'close',
        paymentNo: 'P3',
        result: { outcome: 'pending', reason: 'timeout', request: { paymentNo: 'P3', bizType: 'scan_pay' } },
      }),
    );
    m.recordCall(call({ endpoint: 'close', paymentNo: 'P4', result: { outcome: 'success', reason: 'final' } }));
    m.recordCall(call({ endpoint: 'query', result: { outcome: 'pending', reason: 'not_final' } }));
    const items = m.attention();
    assert.deepEqual(
      items.map((i) => [i.kind, i.paymentNo, i.reason]),
      [
        ['assumed_close', 'P3', 'timeout'],
        ['mismatch', 'P1', 'mismatch'],
      ],
    );
    assert.deepEqual(items[1].mismatch, mismatch);
    assert.equal(items[1].node, 'n1');
    assert.equal(items[1].bizType, 'scan_pay');
    assert.equal(items[0].time, now);
  });

  it('lists an undetermined poll once however many messages waited on it; dismiss removes it', () => {
    const entry = {
      config: 'cfg',
      node: 'poll1',
      kind: 'undetermined',
      key: 'payment:P9',
      finishedAt: now,
      paymentNo: 'P9',
      bizType: 'scan_pay',
      reason: 'gave_up',
    };
    m.recordPoll(entry);
    m.recordPoll(entry);
    m.recordPoll({ ...entry, kind: 'assumed_refund', key: 'refund:R1', paymentNo: undefined, requestNo: 'R1', reason: 'assumed_refunded' });
    const items = m.attention();
    assert.deepEqual(
      items.map((i) => [i.kind, i.paymentNo ?? i.requestNo, i.endpoint]),
      [
        ['assumed_refund', 'R1', 'refundQuery'],
        ['undetermined', 'P9', 'query'],
      ],
    );
    assert.equal(m.dismiss(items[1].id), true);
    assert.equal(m.dismiss(items[1].id), false);
    assert.deepEqual(
      m.attention().map((i) => i.kind),
      ['assumed_refund'],
    );
  });

  it('keeps at most 500 items, dropping the oldest', () => {
    for (let i = 0; i < 520; i++)
      m.recordPoll({ config: 'cfg', kind: 'undetermined', key: `payment:P${i}`, finishedAt: i, paymentNo: `P${i}`, reason: 'gave_up' });
    const items = m.attention();
    assert.equal(items.length, 500);
    assert.equal(items[0].paymentNo, 'P519');
    assert.equal(items[499].paymentNo, 'P20');
  });

  it('which final poll answers need a person', () => {
    assert.equal(pollAttention({ route: 'undetermined', reason: 'gave_up' }), 'undetermined');
    assert.equal(pollAttention({ route: 'undetermined', reason: 'refund_not_found' }), 'undetermined');
    assert.equal(pollAttention({ route: 'success', reason: 'assumed_refunded' }), 'assumed_refund');
    assert.equal(pollAttention({ route: 'success', reason: 'final' }), undefined);
    assert.equal(pollAttention({ route: 'failed', reason: 'closed' }), undefined);
  });
});

describe('ops snapshot (what GET /upp/ops answers)', () => {
  const { monitor, snapshot } = require('../../dist/nodes/ops');
  afterEach(() => monitor.reset());

  it('lists every deployed connection (named, even before a call) and a removed one only while it has recent calls', () => {
    monitor.reset();
    monitor.recordCall(call({ caller: { node: 'n9', config: 'gone' } }));
    const runtime = {
      configs: () => [{ id: 'cfg', name: 'sandbox A' }],
      client: () => assert.fail('no client needed'),
      needsPermission: () => () => {},
      jsonBody: () => {},
    };
    const view = snapshot(runtime);
    assert.deepEqual(
      view.configs.map((c) => [c.id, c.name, c.reachable, c.polls.length]),
      [
        ['cfg', 'sandbox A', 'unknown', 0],
        ['gone', undefined, 'yes', 0],
      ],
    );
    assert.equal(typeof view.now, 'number');
    assert.deepEqual(view.attention, []);
  });
});
