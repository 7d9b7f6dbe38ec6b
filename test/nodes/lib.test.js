'use strict';
// The shared node helpers in nodes/lib, and two behaviours best seen on a single node: the status with several
// calls in flight, and the network test on deploy. Also a canary for the key search the other files rely on.
const s = require('./support');
const { assert, KEY, load, configNode, configCredentials, actionFlow, uid, delay } = s;
const { StatusTracker } = require('../../dist/nodes/lib/status');
const { CallTracker } = require('../../dist/nodes/lib/calls');
const { localizeError } = require('../../dist/nodes/lib/i18n');
const { describeResult, describeError } = require('../../dist/nodes/lib/message');
const { resolveEnv } = require('../../dist/nodes/lib/env');
const { isBag, dropUndefined, sendThenDone } = require('../../dist/nodes/lib/util');
const core = require('../../dist/nodes/core');

describe('nodes/lib', () => {
  it('util: isBag reads only plain objects; dropUndefined deletes undefined keys in place and keeps null and falsy', () => {
    assert.ok(isBag({ a: 1 }));
    for (const v of [null, undefined, [], Buffer.from('x'), 'text', 5]) assert.ok(!isBag(v), String(v));
    const o = { a: undefined, b: null, c: 0, d: '', e: false };
    assert.equal(dropUndefined(o), o);
    assert.deepEqual(Object.keys(o), ['b', 'c', 'd', 'e']);
  });

  it('util: sendThenDone reports a downstream throw once, to done or else to node.error with the message', () => {
    const calls = [];
    const node = { error: (err, msg) => calls.push(['error', err.message, msg.id]) };
    sendThenDone(
      node,
      { id: 1 },
      () => calls.push(['sent']),
      (err) => calls.push(['done', err && err.message]),
    );
    sendThenDone(
      node,
      { id: 2 },
      () => {
        throw new Error('downstream');
      },
      (err) => calls.push(['done', err && err.message]),
    );
    sendThenDone(
      node,
      { id: 3 },
      () => {
        throw 'text';
      },
      undefined,
    );
    assert.deepEqual(calls, [['sent'], ['done', undefined], ['done', 'downstream'], ['error', 'text', 3]]);
  });

  it('StatusTracker: a count while several calls are in flight, then the last result; nothing after close', () => {
    const shown = [];
    const tracker = new StatusTracker({ status: (st) => shown.push(st) }, (key, p) => (p ? `${key}:${p.n}` : key));
    tracker.start();
    tracker.start();
    tracker.start();
    tracker.finish({ fill: 'green', shape: 'dot', text: 'first' });
    tracker.finish({ fill: 'yellow', shape: 'ring', text: 'second' });
    tracker.finish({ fill: 'green', shape: 'dot', text: 'third' });
    assert.deepEqual(
      shown.map((x) => x.text),
      ['status.requesting', 'status.requestingN:2', 'status.requestingN:3', 'status.requestingN:2', 'status.requesting', 'third'],
    );
    tracker.clear();
    tracker.set({ text: 'late' });
    assert.deepEqual(shown.at(-1), {});
  });

  it('CallTracker: close waits for calls within the grace, then aborts the rest and waits for them', async () => {
    const calls = new CallTracker();
    const events = [];
    calls.run(async () => {
      await delay(20);
      events.push('quick done');
    });
    calls.run(
      (signal) =>
        new Promise((resolve) => {
          signal.addEventListener('abort', () => {
            events.push('slow aborted');
            setTimeout(resolve, 10);
          });
        }),
    );
    await calls.close(100);
    assert.deepEqual(events, ['quick done', 'slow aborted']);
    assert.equal(calls.size, 0);
    let aborted;
    calls.run(async (signal) => (aborted = signal.aborted));
    assert.equal(aborted, true, 'a call started after close starts aborted');
  });

  it('localizeError: the runtime language, both texts kept', () => {
    const err = new core.UppInputError('tradeFee', 'amount_positive', { got: '0' });
    localizeError(err, 'zh');
    assert.equal(err.message, 'tradeFee 必须大于 0（实际为 0）');
    assert.equal(err.messageEn, 'tradeFee must be greater than 0 (got 0)');
    localizeError(err, 'en');
    assert.equal(err.message, 'tradeFee must be greater than 0 (got 0)');
    assert.deepEqual(describeError(err), {
      code: 'ERR_UPP_INPUT',
      message: 'tradeFee must be greater than 0 (got 0)',
      messageEn: 'tradeFee must be greater than 0 (got 0)',
      messageZh: 'tradeFee 必须大于 0（实际为 0）',
      field: 'tradeFee',
      rule: 'amount_positive',
      notSent: true,
    });
  });

  it('describeResult: unverified data never becomes msg.payload; undefined fields are left out', () => {
    const { payload, upp } = describeResult({
      endpoint: 'query',
      outcome: 'pending',
      data: { tradeStatus: 'pay_success', paymentNo: 'P1' },
      verified: false,
      assumed: false,
      reason: 'bad_signature',
      request: { bizType: 'scan_pay', paymentNo: 'P1' },
      attempts: 1,
      elapsedMs: 3,
    });
    assert.deepEqual(payload, {});
    assert.deepEqual(upp.unverifiedData, { tradeStatus: 'pay_success', paymentNo: 'P1' });
    assert.equal(upp.tradeStatus, undefined);
    assert.ok(!('tradeStatus' in upp) && !('httpStatus' in upp));
    assert.equal(upp.bizType, 'scan_pay');
  });

  it('resolveEnv: ${VAR} anywhere in a value; an unset variable names the field and the variable', () => {
    const RED = { util: { evaluateNodeProperty: (v, type) => (type === 'env' ? (process.env[v.slice(2, -1)] ?? '') : v) } };
    process.env.UPP_LIB_A = 'a';
    try {
      assert.equal(resolveEnv(RED, {}, 'baseUrl', 'http://${UPP_LIB_A}:7000/${UPP_LIB_A}'), 'http://a:7000/a');
      assert.equal(resolveEnv(RED, {}, 'baseUrl', 'plain'), 'plain');
      assert.equal(resolveEnv(RED, {}, 'connectTimeout', 500), 500);
      assert.throws(
        () => resolveEnv(RED, {}, 'key', '${UPP_LIB_MISSING}'),
        (err) => {
          assert.equal(err.code, 'ERR_UPP_CONFIG');
          assert.equal(err.field, 'key');
          assert.equal(err.variable, 'UPP_LIB_MISSING');
          assert.match(err.message, /key refers to the environment variable UPP_LIB_MISSING, which is not set/);
          assert.match(err.messageZh, /UPP_LIB_MISSING/);
          return true;
        },
      );
    } finally {
      delete process.env.UPP_LIB_A;
    }
  });

  it('the key search fails when the key shows up (canary)', () => {
    s.capture('msg', { payload: { note: `…${KEY}…` } });
    assert.throws(() => s.assertKeyNeverLeaked(), /the key leaked in a msg/);
    s.capture('node.status', [{ text: new Error(KEY) }]);
    assert.throws(() => s.assertKeyNeverLeaked(), /leaked/);
  });
});

describe('nodes: status and on-deploy test on a single node', function () {
  let sb;
  before(async () => (sb = await s.startSandbox()));
  after(() => sb.close());
  s.standardHooks();

  it('several messages at once: the status counts them, then shows the last result', async () => {
    await load(actionFlow('upp-query', {}, configNode(sb, { readTimeout: 3000 })), configCredentials());
    const node = s.helper.getNode('n1');
    sb.armFault('slow', { endpoint: 'query', times: 2 });
    const all = s.collect(3);
    node.receive({ payload: { paymentNo: uid(), bizType: 'scan_pay' } });
    node.receive({ payload: { paymentNo: uid(), bizType: 'scan_pay' } });
    node.receive({ payload: { paymentNo: uid(), bizType: 'scan_pay' } });
    await s.until(() => all.got.length === 3, 5000);
    all.stop();
    const texts = node.statuses.map((x) => x.text);
    assert.deepEqual(texts.slice(0, 3), ['upp-query.status.requesting', 'upp-query.status.requestingN', 'upp-query.status.requestingN']);
    assert.equal(node.statuses.at(-1).fill, 'yellow', 'the last result (unknown order: rejected -> pending)');
    assert.equal(node.statuses.filter((x) => x.fill === 'yellow').length, 1, 'results are not shown while others are in flight');
  });

  it('network test on deploy: status and log, no message', async () => {
    await load(actionFlow('upp-network', { onDeploy: true }, configNode(sb)), configCredentials());
    const node = s.helper.getNode('n1');
    const all = s.collect(1);
    await s.until(() => node.statuses.some((x) => x.fill === 'green'), 3000);
    await delay(50);
    all.stop();
    assert.deepEqual(all.got, []);
    assert.deepEqual(node.statuses.at(-1), { fill: 'green', shape: 'dot', text: 'upp-network.status.ok' });
    const logged = s.helper
      .log()
      .getCalls()
      .map((c) => c.args[0])
      .filter((e) => e.id === 'n1');
    assert.ok(
      logged.some((e) => e.level === 40 && /upp-network\.log\.deployOk/.test(e.msg)),
      JSON.stringify(logged),
    );
  });

  it('network test on deploy with a wrong key: red status and a warning with the diagnosis', async () => {
    await load(actionFlow('upp-network', { onDeploy: true }, configNode(sb)), configCredentials('wrong-key'));
    const node = s.helper.getNode('n1');
    await s.until(() => node.statuses.some((x) => x.fill === 'red'), 3000);
    assert.deepEqual(node.statuses.at(-1), { fill: 'red', shape: 'ring', text: 'ERR_UPP_NETWORK' });
    const warned = s.helper
      .log()
      .getCalls()
      .map((c) => c.args[0])
      .filter((e) => e.id === 'n1' && e.level === 30);
    assert.equal(warned.length, 1);
  });

  it('network test on deploy, redeployed before the answer: no warning, no crash', async () => {
    sb.armFault('slow', { endpoint: 'network', times: 5 });
    await load(actionFlow('upp-network', { onDeploy: true }, configNode(sb, { readTimeout: 3000 })), configCredentials());
    await delay(50);
    await s.helper._redNodes.stopFlows();
    const warned = s.helper
      .log()
      .getCalls()
      .map((c) => c.args[0])
      .filter((e) => e.id === 'n1' && e.level <= 30);
    assert.deepEqual(warned, []);
    sb.reset();
  });
});
