'use strict';
// Redeploy while requests are in flight (issue 10 item 5): no crash, no unhandled rejection (the standard hooks fail
// the test on one), and every input message leaves exactly once, through the flow as it stands after the deploy.
const s = require('./support');
const { assert, OUTPUTS, load, configNode, configCredentials, actionFlow, uid, delay } = s;

describe('nodes: redeploy while requests are in flight', function () {
  let sb;
  before(async () => (sb = await s.startSandbox({ slowMs: 1500 })));
  after(() => sb.close());
  s.standardHooks();

  /** Every message delivered to the given node ids, whichever instance (a redeploy replaces them), via a runtime hook. */
  function deliveries(ids) {
    const { hooks } = require('@node-red/util');
    const got = [];
    hooks.add('onReceive.uppRedeployTest', (event) => {
      if (ids.includes(event.destination.id)) got.push({ to: event.destination.id, msg: event.msg });
    });
    return { got, stop: () => hooks.remove('*.uppRedeployTest') };
  }
  const scan = (fee) => ({ payload: { paymentNo: uid('RD'), channelProduct: 'ali_scan_code', tradeFee: fee, subject: 'x' } });
  const redNodes = () => s.helper._redNodes;

  for (const mode of ['full', 'flows', 'nodes']) {
    it(`${mode} redeploy: calls in flight leave through the node that replaces the sender, each exactly once`, async () => {
      const flow = actionFlow('upp-scancode', {}, configNode(sb, { payTimeout: 5000 }));
      s.helper.settings({ uppCloseGraceMs: 3000 });
      await load(flow, configCredentials());
      const seen = deliveries(['out0', 'out1', 'caught']);
      try {
        const old = s.helper.getNode('n1');
        const msgs = [scan('1.91'), scan('2.91'), scan('3.00'), scan('4.91'), scan('5.01')];
        msgs.forEach((m, i) => {
          m._msgid = `m${i}`;
          old.receive(m);
        });
        await s.until(() => sb.requests({ endpoint: 'scanCode' }).length >= 5, 5000);
        const changed = flow.map((n) => (n.id === 'n1' ? { ...n, name: 'changed' } : n));
        if (mode === 'full') changed.find((n) => n.id === 'cfg').name = 'changed too';
        await redNodes().setFlows(changed, configCredentials(), mode);
        await s.until(() => seen.got.length >= 5, 8000);
        await delay(100); // nothing more may come
        const ids = seen.got.map((g) => g.msg._msgid).sort();
        assert.deepEqual(ids, ['m0', 'm1', 'm2', 'm3', 'm4'], JSON.stringify(seen.got.map((g) => [g.msg._msgid, g.to])));
        for (const g of seen.got) assert.ok(g.to === 'out0' || g.to === 'out1', `${g.msg._msgid} went to ${g.to}`);
        const fresh = s.helper.getNode('n1');
        assert.notEqual(fresh, old, 'a new node instance');
        assert.deepEqual(old.statuses.at(-1), {}, 'the old instance cleared its status');
        // The new instance works for new messages too.
        fresh.receive({ ...scan('6.01'), _msgid: 'n0' });
        await s.until(() => seen.got.some((g) => g.msg._msgid === 'n0'), 3000);
      } finally {
        seen.stop();
        s.helper.settings({ uppCloseGraceMs: 300 });
      }
    });
  }

  it('a deleted node: each outcome is a warning with its paymentNo and a record in global context uppUndelivered', async () => {
    const flow = actionFlow('upp-scancode', {}, configNode(sb, { payTimeout: 5000 }));
    await load(flow, configCredentials());
    const old = s.helper.getNode('n1');
    const warned = [];
    const warn = old.warn;
    old.warn = function (m) {
      warned.push(String(m));
      return warn.apply(this, arguments);
    };
    const m = scan('1.91');
    old.receive(m);
    await s.until(() => sb.requests({ endpoint: 'scanCode' }).length >= 1, 5000);
    await redNodes().setFlows(
      flow.filter((n) => n.id !== 'n1'),
      configCredentials(),
      'nodes',
    );
    await s.until(() => warned.length >= 1, 5000);
    assert.deepEqual(warned, ['upp-scancode.warn.undelivered']);
    const global = s.helper.getNode('cfg').context().global;
    const records = global.get('uppUndelivered');
    assert.equal(records.length, 1);
    assert.equal(records[0].paymentNo, m.payload.paymentNo);
    assert.equal(records[0].nodeId, 'n1');
    assert.equal(records[0].outcome, 'pending');
    global.set('uppUndelivered', undefined);
  });

  it('stop flows, then start them: every node type busy, each message delivered once through the new instances', async () => {
    const types = Object.keys(OUTPUTS);
    const flow = [{ id: 'f1', type: 'tab', label: 't' }, configNode(sb, { payTimeout: 5000, readTimeout: 5000 })];
    types.forEach((type, i) => {
      flow.push({
        id: `x${i}`,
        z: 'f1',
        type,
        server: 'cfg',
        bizType: 'scan_pay',
        bizTypeType: 'enum',
        wires: OUTPUTS[type].map(() => [`h${i}`]),
      });
      flow.push({ id: `h${i}`, z: 'f1', type: 'helper' });
    });
    flow.push({ id: 'c1', z: 'f1', type: 'catch', uncaught: false, wires: [['caught']] }, { id: 'caught', z: 'f1', type: 'helper' });
    await load(flow, configCredentials());
    const seen = deliveries([...types.map((_, i) => `h${i}`), 'caught']);
    try {
      for (const endpoint of ['network', 'query', 'refundQuery', 'close']) sb.armFault('slow', { endpoint, times: 5 });
      const inputs = {
        'upp-network': {},
        'upp-scancode': scan('1.91').payload,
        'upp-barcode': { paymentNo: uid(), tradeFee: '1.91', subject: 's', authCode: '13' },
        'upp-facecode': { paymentNo: uid(), tradeFee: '1.91', subject: 's', faceCode: 'F1', channelProduct: 'ali_face_code' },
        'upp-query': { paymentNo: uid() },
        'upp-refund': { paymentNo: uid(), refundFee: '1.00', requestNo: uid(), refundNo: uid() },
        'upp-refund-query': { requestNo: uid() },
        'upp-close': { paymentNo: uid() },
      };
      const sent = [];
      types.forEach((type, i) => {
        for (let k = 0; k < 3; k++) {
          const id = `${type}-${k}`;
          sent.push(id);
          const payload = { ...inputs[type] };
          if (payload.paymentNo) payload.paymentNo += k;
          if (payload.requestNo) payload.requestNo += k;
          s.helper.getNode(`x${i}`).receive({ _msgid: id, payload });
        }
      });
      await delay(100);
      await redNodes().stopFlows();
      await redNodes().startFlows();
      await s.until(() => seen.got.length >= sent.length - 3, 10000); // upp-network keeps its close-and-wait behaviour
      await delay(200);
      const ids = seen.got.map((g) => g.msg._msgid);
      for (const id of sent.filter((x) => !x.startsWith('upp-network'))) {
        assert.equal(ids.filter((x) => x === id).length, 1, `${id}: ${JSON.stringify(ids)}`);
      }
    } finally {
      seen.stop();
    }
    sb.reset();
  });
});
