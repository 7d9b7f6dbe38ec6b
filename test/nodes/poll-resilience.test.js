'use strict';
// upp-poll resilience through Node-RED against the sandbox over HTTP: single flight (one loop per key and config
// node, every message answered once), redeploy mid-poll (old timers gone, jobs carried over with their attempts),
// node removal (no query after it), and a restart from a file-backed context store (localfilesystem).
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const helper = require('node-red-node-test-helper');
const { startSandbox } = require('../../dist/nodes/sandbox');
const core = require('../../dist/nodes/core');
const { describeResult } = require('../../dist/nodes/lib/message');
const configNode = require('../../dist/nodes/upp-config.js');
const pollNode = require('../../dist/nodes/upp-poll.js');

helper.init(require.resolve('node-red'));

const KEY = 'sandbox-key-0001';
let counter = 0;
const uid = (prefix) => `${prefix}${process.pid % 10000}${Date.now().toString(36)}${++counter}`;
const { sleep, waitFor: until } = require('./wait');

describe('upp-poll resilience (sandbox over HTTP)', function () {
  this.timeout(20000);
  let sb;
  let client;
  const rejections = [];
  const onRejection = (reason) => rejections.push(reason);

  before(async () => {
    sb = await startSandbox({ port: 0 });
    client = new core.UppClient({ baseUrl: sb.url, isvId: '20000', partnerId: '12345', key: KEY });
    process.on('unhandledRejection', onRejection);
  });
  after(async () => {
    process.off('unhandledRejection', onRejection);
    await client.destroy();
    await sb.close();
  });
  afterEach(async () => {
    await helper.unload();
    helper.settings({});
    assert.deepEqual(
      rejections.map((r) => (r && r.stack) || String(r)),
      [],
      'no unhandled rejections',
    );
  });

  const config = (id = 'cfg') => ({ id, type: 'upp-config', baseUrl: sb.url, isvId: '20000', partnerId: '12345', readTimeout: '4000' });
  const poll = (id, props = {}) => ({
    id,
    type: 'upp-poll',
    server: 'cfg',
    interval: 0.05,
    attempts: 3,
    wires: [['s'], ['f'], ['u']],
    ...props,
  });
  const sinks = () => ['s', 'f', 'u'].map((id) => ({ id, type: 'helper' }));

  /** Collects [port, msg] from the helper nodes s/f/u (call again after a redeploy: the nodes are new). */
  function listen(outputs = []) {
    ['s', 'f', 'u'].forEach((id, port) =>
      helper.getNode(id).on('input', (msg) => outputs.push({ port: ['success', 'failed', 'undetermined'][port], msg })),
    );
    return outputs;
  }

  async function scanOrder(tradeFee) {
    const paymentNo = uid('P');
    const result = await client.scanCode({
      paymentNo,
      channelProduct: 'ali_scan_code',
      expireTime: core.formatChinaTime(Date.now() + 600000),
      tradeFee,
      subject: 'poll test',
    });
    const { payload, upp } = describeResult(result);
    return { paymentNo, msg: { payload, upp, his: { row: 7 } } };
  }
  const queries = (paymentNo) => sb.requests({ endpoint: 'query', paymentNo });

  describe('single flight', () => {
    it('a second message for a key being polled joins the loop: one set of queries, two outputs', async () => {
      await helper.load([configNode, pollNode], [config(), poll('poll', { interval: 0.1, attempts: 5 }), ...sinks()], {
        cfg: { key: KEY },
      });
      const outputs = listen();
      const order = await scanOrder('1.23'); // paid from the 3rd query on
      const node = helper.getNode('poll');
      node.receive({ ...order.msg, _msgid: 'first' });
      await sleep(30);
      node.receive({ ...order.msg, _msgid: 'second' });
      await until(() => outputs.length === 2, 'two outputs');
      await sleep(200);
      assert.equal(outputs.length, 2);
      assert.deepEqual(
        outputs.map((o) => o.port),
        ['success', 'success'],
      );
      assert.equal(queries(order.paymentNo).length, 3, 'one loop of queries');
      const byId = Object.fromEntries(outputs.map((o) => [o.msg._msgid, o.msg]));
      assert.equal(byId.first.upp.poll.joined, false);
      assert.equal(byId.second.upp.poll.joined, true);
      assert.equal(byId.second.upp.poll.attempts, 3);
    });

    it('two poll nodes on one config node share the loop', async () => {
      await helper.load([configNode, pollNode], [config(), poll('poll'), poll('poll2'), ...sinks()], { cfg: { key: KEY } });
      const outputs = listen();
      const order = await scanOrder('1.22');
      helper.getNode('poll').receive({ ...order.msg });
      helper.getNode('poll2').receive({ ...order.msg });
      await until(() => outputs.length === 2, 'two outputs');
      assert.equal(queries(order.paymentNo).length, 2);
    });

    it('the same key on two config nodes is polled separately (single flight is per config node)', async () => {
      await helper.load(
        [configNode, pollNode],
        [config('cfg'), config('cfg2'), poll('poll'), poll('poll2', { server: 'cfg2' }), ...sinks()],
        {
          cfg: { key: KEY },
          cfg2: { key: KEY },
        },
      );
      const outputs = listen();
      const order = await scanOrder('1.00');
      helper.getNode('poll').receive({ ...order.msg });
      helper.getNode('poll2').receive({ ...order.msg });
      await until(() => outputs.length === 2, 'two outputs');
      // Each node: 3 queries, a close and a query after it (the second close answers Y again: already closed).
      assert.equal(queries(order.paymentNo).length, 8);
    });

    it('a node stopping hands messages of other nodes waiting on its job over to them (attempts kept)', async () => {
      const flow = [
        config(),
        poll('poll', { interval: 0.1, attempts: 6, closeOnGiveUp: false }),
        poll('poll2', { interval: 0.1, attempts: 6, closeOnGiveUp: false }),
        ...sinks(),
      ];
      await helper.load([configNode, pollNode], flow, { cfg: { key: KEY } });
      let outputs = listen();
      const order = await scanOrder('1.00');
      helper.getNode('poll').receive({ ...order.msg, _msgid: 'owner' });
      await sleep(20);
      helper.getNode('poll2').receive({ ...order.msg, _msgid: 'joiner' });
      await until(() => queries(order.paymentNo).length >= 2, 'two queries');
      // Remove the owner only (a "nodes" deploy): poll2 carries on.
      await helper.setFlows(
        flow.filter((n) => n.id !== 'poll'),
        'nodes',
      );
      outputs = listen([]);
      await until(() => outputs.length === 1, 'the joiner output');
      assert.equal(outputs[0].msg._msgid, 'joiner');
      assert.equal(outputs[0].port, 'undetermined');
      assert.equal(outputs[0].msg.upp.poll.attempts, 6);
      // A query in flight when the owner stopped is not counted (its answer is ignored) and is asked again.
      assert.ok([6, 7].includes(queries(order.paymentNo).length));
    });
  });

  describe('redeploy and removal', () => {
    it('redeploy mid-poll: old timer cleared, the new node resumes with the attempts already spent', async () => {
      const flow = [config(), poll('poll', { interval: 0.05, attempts: 10, closeOnGiveUp: false }), ...sinks()];
      await helper.load([configNode, pollNode], flow, { cfg: { key: KEY } });
      let outputs = listen();
      const order = await scanOrder('1.00');
      const old = helper.getNode('poll');
      old.receive({ ...order.msg, _msgid: 'm1' });
      await until(() => queries(order.paymentNo).length >= 3, 'three queries');
      const oldEngine = old.pollEngine;
      await helper.setFlows(flow, 'full');
      assert.equal(oldEngine.isStopped, true);
      assert.equal(oldEngine.timerArmed, false, 'the old timer is gone');
      assert.equal(oldEngine.stats().jobs, 0);
      assert.equal(outputs.length, 0, 'no output from the stopped node');
      outputs = listen([]);
      const fresh = helper.getNode('poll');
      assert.notEqual(fresh, old);
      await until(() => outputs.length, 'the resumed output');
      await sleep(150);
      assert.equal(outputs.length, 1);
      const { port, msg } = outputs[0];
      assert.equal(port, 'undetermined');
      assert.equal(msg._msgid, 'm1');
      assert.deepEqual(msg.his, { row: 7 });
      assert.equal(msg.upp.poll.resumed, true);
      assert.equal(msg.upp.poll.attempts, 10);
      // The log says what happened: a redeploy handed the job over, not "saved before the restart" (the helper
      // runs without the catalogs, so the key is logged; the catalogs' texts are checked below in both languages).
      const logged = helper
        .log()
        .args.map(([e]) => e)
        .filter((e) => e && e.type === 'upp-poll' && /^upp-poll\.log\./.test(e.msg));
      assert.deepEqual(
        logged.map((e) => e.msg),
        ['upp-poll.log.handedOver'],
      );
      for (const [lang, deploy, restart] of [
        ['en-US', /previous deploy/, /restart/],
        ['zh-CN', /部署/, /重启/],
      ]) {
        const text = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'locales', lang, 'upp-poll.json'), 'utf8'))['upp-poll'].log
          .handedOver;
        assert.match(text, deploy);
        assert.doesNotMatch(text, restart);
      }
      // At most one answer may have been lost to the redeploy (a query in flight when it stopped).
      const made = queries(order.paymentNo).length;
      assert.ok(made === 10 || made === 11, `${made} queries`);
    });

    it('node removed mid-poll: no query after it, no output, no timer', async () => {
      const flow = [config(), poll('poll', { interval: 0.05, attempts: 50 }), ...sinks()];
      await helper.load([configNode, pollNode], flow, { cfg: { key: KEY } });
      const outputs = listen();
      const order = await scanOrder('1.00');
      const node = helper.getNode('poll');
      node.receive({ ...order.msg });
      await until(() => queries(order.paymentNo).length >= 2, 'two queries');
      const engine = node.pollEngine;
      await helper.setFlows(
        flow.filter((n) => n.id !== 'poll'),
        'full',
      );
      const count = sb.requests({ paymentNo: order.paymentNo }).length;
      await sleep(300);
      assert.equal(sb.requests({ paymentNo: order.paymentNo }).length, count, 'nothing sent after removal');
      assert.equal(engine.timerArmed, false);
      assert.equal(engine.isStopped, true);
      assert.equal(outputs.length, 0);
    });

    it('a config node redeployed under a running poll: queries after it use the new client, no crash', async () => {
      const flow = [config(), poll('poll', { interval: 0.05, attempts: 12, closeOnGiveUp: false }), ...sinks()];
      await helper.load([configNode, pollNode], flow, { cfg: { key: KEY } });
      let outputs = listen();
      const order = await scanOrder('1.00');
      helper.getNode('poll').receive({ ...order.msg });
      await until(() => queries(order.paymentNo).length >= 2, 'two queries');
      const changed = flow.map((n) => (n.id === 'cfg' ? { ...n, readTimeout: '5000' } : n));
      await helper.setFlows(changed, 'nodes');
      outputs = listen([]);
      await until(() => outputs.length, 'an output');
      assert.equal(outputs[0].port, 'undetermined');
      assert.equal(outputs[0].msg.upp.poll.attempts, 12);
    });
  });

  describe('restart', () => {
    let contextDir;
    it('resumes from a file-backed context store after a restart, attempts already spent counted; msg.res is not kept', async () => {
      const dir = (contextDir = fs.mkdtempSync(path.join(os.tmpdir(), 'upp-poll-ctx-')));
      const settings = { contextStorage: { default: { module: 'localfilesystem', config: { dir, flushInterval: 30 } } } };
      helper.settings(settings);
      // Runs before the flows start: opens the configured store, as the runtime does at start-up.
      const openStore = () => helper._context.load();
      const flow = [config(), poll('poll', { interval: 0.1, attempts: 8 }), ...sinks()];
      await helper.load([openStore, configNode, pollNode], flow, { cfg: { key: KEY } });
      let outputs = listen();
      const order = await scanOrder('1.00');
      helper.getNode('poll').receive({ ...order.msg, _msgid: 'm-restart', topic: 'keep me', res: { _res: { fake: true }, send() {} } });
      await until(() => queries(order.paymentNo).length >= 3, 'three queries');

      // "Restart": stop the flows (the node saves its jobs), close the store (flush to disk), open a fresh store
      // instance on the same directory, start the flows again.
      await helper._redNodes.stopFlows();
      const spent = queries(order.paymentNo).length;
      await helper._context.close();
      const files = fs.readdirSync(path.join(dir, 'context'), { recursive: true }).map(String);
      const file = files.find((f) => f.endsWith('.json') && f.includes('poll'));
      assert.ok(file, `a context file for the poll node (${files.join(', ')})`);
      const saved = JSON.parse(fs.readFileSync(path.join(dir, 'context', file), 'utf8'));
      assert.equal(saved.jobs.length, 1);
      // A query in flight at the stop is not counted (its answer is ignored): it is asked again after the restart.
      assert.ok(saved.jobs[0].attempts === spent || saved.jobs[0].attempts === spent - 1, `${saved.jobs[0].attempts} of ${spent}`);
      assert.equal(saved.jobs[0].paymentNo, order.paymentNo);
      assert.ok(!saved.jobs[0].msgs[0].includes('"res"'), 'msg.res is not saved');
      assert.equal(outputs.length, 0);

      helper._context.init(helper._settings);
      await helper._context.load();
      await helper._redNodes.startFlows();
      outputs = listen([]);
      await until(() => outputs.length, 'the resumed output');
      const { port, msg } = outputs[0];
      assert.equal(port, 'failed');
      assert.equal(msg._msgid, 'm-restart');
      assert.equal(msg.topic, 'keep me');
      assert.equal(msg.res, undefined, 'an HTTP response cannot be resumed');
      assert.equal(msg.upp.poll.resumed, true);
      assert.equal(msg.upp.closed, true);
      assert.equal(msg.upp.poll.attempts, 9, '8 queries (some before the restart) + the one after the close');
      assert.equal(queries(order.paymentNo).length, 9 + (spent - saved.jobs[0].attempts));
      await sleep(700);
      // Once finished, the job is gone from the store.
      assert.equal(
        await new Promise((resolve) =>
          helper
            .getNode('poll')
            .context()
            .get('jobs', (err, v) => resolve(v)),
        ),
        undefined,
      );
    });

    // The helper keeps the context module across tests, and its unload() starts a context clean it does not await:
    // with the file store still installed, that clean raced this directory's removal (ENOENT / ENOTEMPTY as
    // unhandled rejections). So: stop the flows, close the file store (it finishes its writes), put the default
    // memory store back, and only then remove the directory; the outer afterEach's unload() meets the memory store.
    afterEach(async () => {
      if (!contextDir) return;
      await helper._redNodes.stopFlows();
      await helper._context.close();
      helper._context.init({});
      await helper._context.load();
      fs.rmSync(contextDir, { recursive: true, force: true });
      contextDir = undefined;
    });
  });
});
