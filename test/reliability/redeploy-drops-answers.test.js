'use strict';
// Attack "redeploy-drops-answers" (issue 10 item 5): 20 scan-code orders in flight, the front-end answers after
// about a second, and someone deploys while they wait. Before the fix a full or "modified flows" deploy left the 20
// orders at the platform and none downstream (the old node's wires led to stopped nodes). Every answer must now leave
// exactly once, through the flow as it stands after the deploy, for each deploy type. The deploy is started once all
// 20 orders have reached the front-end (not after a fixed delay), so the check does not depend on timing. The
// network node's test messages get the same hand-over.
const s = require('../nodes/support');
const { assert, load, configNode, configCredentials, actionFlow, uid, delay } = s;

const ORDERS = 20;

describe('reliability: redeploy-drops-answers (a deploy while pay calls are in flight loses no answer)', function () {
  this.timeout(60000);
  let sb;
  before(async () => (sb = await s.startSandbox({ slowMs: 1000 })));
  after(() => sb.close());
  s.standardHooks();

  /** Every message delivered to the given node ids, whichever instance (a deploy replaces them). */
  function deliveries(ids) {
    const { hooks } = require('@node-red/util');
    const got = [];
    hooks.add('onReceive.uppDropsAnswers', (event) => {
      if (ids.includes(event.destination.id))
        got.push({ to: event.destination.id, paymentNo: event.msg.upp && event.msg.upp.paymentNo, msg: event.msg });
    });
    return { got, stop: () => hooks.remove('*.uppDropsAnswers') };
  }

  for (const mode of ['full', 'flows', 'nodes']) {
    it(`${mode} deploy at ~150 ms, answers after ~1 s: all ${ORDERS} orders delivered downstream exactly once [redeploy-drops-answers/${mode}]`, async () => {
      s.helper.settings({ uppCloseGraceMs: 3000 });
      // The scan-code node wired to a downstream node on each output, as a flow into upp-poll would be.
      const flow = actionFlow('upp-scancode', {}, configNode(sb, { payTimeout: 10000 }));
      await load(flow, configCredentials());
      const seen = deliveries(['out0', 'out1', 'caught']);
      try {
        const paymentNos = [];
        for (let i = 0; i < ORDERS; i++) {
          const paymentNo = uid('DA');
          paymentNos.push(paymentNo);
          // cents 91: the sandbox answers slowly (slowMs), a normal wait_pay
          s.helper.getNode('n1').receive({ payload: { paymentNo, channelProduct: 'ali_scan_code', tradeFee: '8.91', subject: '门诊' } });
        }
        await s.until(() => paymentNos.every((p) => sb.order(p)), 5000);
        const changed = flow.map((n) => (n.id === 'n1' ? { ...n, name: `deployed ${mode}` } : n));
        if (mode === 'full') changed.find((n) => n.id === 'cfg').name = 'sandbox (changed)';
        await s.helper._redNodes.setFlows(changed, configCredentials(), mode);
        await s.until(() => seen.got.length >= ORDERS, 15000);
        await delay(300); // a duplicate would arrive now
        const delivered = seen.got.map((g) => g.paymentNo).sort();
        assert.deepEqual(delivered, [...paymentNos].sort(), 'each order exactly once');
        for (const g of seen.got) {
          assert.equal(g.to, 'out1', `${g.paymentNo}: the pending output`);
          assert.equal(g.msg.upp.outcome, 'pending');
        }
        for (const paymentNo of paymentNos)
          assert.equal(sb.requests({ endpoint: 'scanCode', paymentNo }).length, 1, `${paymentNo} sent once`);
      } finally {
        seen.stop();
        s.helper.settings({ uppCloseGraceMs: 300 });
      }
    });
  }

  // upp-network's own test messages (not a money call, but a message lost is a flow that never goes on): the same
  // hand-over. The sandbox answers the network tests slowly; the deploy starts once all have reached it.
  const TESTS = 5;
  for (const mode of ['full', 'flows', 'nodes']) {
    it(`${mode} deploy while ${TESTS} network tests wait for their answers: each message leaves once, through the new flow [redeploy-drops-answers/network/${mode}]`, async () => {
      s.helper.settings({ uppCloseGraceMs: 3000 });
      const flow = actionFlow('upp-network', {}, configNode(sb, { readTimeout: 10000 }));
      await load(flow, configCredentials());
      const before = sb.requests({ endpoint: 'network' }).length;
      sb.armFault('slow', { endpoint: 'network', times: TESTS });
      const seen = deliveries(['out0', 'caught']);
      try {
        const tags = [];
        for (let i = 0; i < TESTS; i++) {
          tags.push(`NT${i}`);
          s.helper.getNode('n1').receive({ tag: `NT${i}` });
        }
        await s.until(() => sb.requests({ endpoint: 'network' }).length === before + TESTS, 5000);
        const changed = flow.map((n) => (n.id === 'n1' ? { ...n, name: `deployed ${mode}` } : n));
        if (mode === 'full') changed.find((n) => n.id === 'cfg').name = 'sandbox (changed)';
        await s.helper._redNodes.setFlows(changed, configCredentials(), mode);
        await s.until(() => seen.got.length >= TESTS, 15000);
        await delay(300); // a duplicate would arrive now
        assert.deepEqual(seen.got.map((g) => g.msg.tag).sort(), tags, 'each test message exactly once');
        for (const g of seen.got) {
          assert.equal(g.to, 'out0', `${g.msg.tag}: the ok output`);
          assert.equal(g.msg.upp.outcome, 'success');
        }
      } finally {
        seen.stop();
        sb.reset();
        s.helper.settings({ uppCloseGraceMs: 300 });
      }
    });
  }

  it('a network test in flight when its node is deleted is warned about and recorded (uppUndelivered), not silent', async () => {
    s.helper.settings({ uppCloseGraceMs: 3000 });
    const flow = actionFlow('upp-network', {}, configNode(sb, { readTimeout: 10000 }));
    await load(flow, configCredentials());
    sb.armFault('slow', { endpoint: 'network', times: 1 });
    const before = sb.requests({ endpoint: 'network' }).length;
    const n1 = s.helper.getNode('n1');
    const warnings = [];
    n1.warn = (text) => warnings.push(String(text));
    const global = n1.context().global;
    const recorded = () => (global.get('uppUndelivered') ?? []).filter((r) => r.nodeId === 'n1' && r.type === 'upp-network');
    const already = recorded().length;
    try {
      n1.receive({ tag: 'gone' });
      await s.until(() => sb.requests({ endpoint: 'network' }).length === before + 1, 5000);
      await s.helper._redNodes.setFlows(
        flow.filter((n) => n.id !== 'n1'),
        configCredentials(),
        'nodes',
      );
      await s.until(() => recorded().length > already, 15000);
      assert.equal(recorded().at(-1).outcome, 'success');
      // The test helper loads no message catalogs: the warning is its key (the texts are checked in test/nodes).
      assert.deepEqual(warnings, ['upp-network.warn.undelivered']);
    } finally {
      sb.reset();
      s.helper.settings({ uppCloseGraceMs: 300 });
    }
  });
});
