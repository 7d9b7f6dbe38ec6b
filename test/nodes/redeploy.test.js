'use strict';
// Redeploy while requests are in flight: no crash, no unhandled rejection (the standard hooks fail the test on
// one), and every input message gets exactly one outcome (an output) or one error.
const s = require('./support');
const { assert, OUTPUTS, load, configNode, configCredentials, actionFlow, uid, delay } = s;

describe('nodes: redeploy while requests are in flight', function () {
  let sb;
  before(async () => (sb = await s.startSandbox({ slowMs: 1500 })));
  after(() => sb.close());
  s.standardHooks();

  /** Records, on the node instance, every send and every error with the msg ids they concern. */
  function track(node) {
    const outcomes = [];
    const originalSend = node.send;
    node.send = function (msgs) {
      const list = Array.isArray(msgs) ? msgs : [msgs];
      list.forEach((m, port) => {
        if (m) {
          s.capture('msg', m);
          outcomes.push({ id: m._msgid, port, reason: m.upp && m.upp.reason });
        }
      });
      return originalSend.apply(this, arguments);
    };
    const originalError = node.error;
    node.error = function (err, msg) {
      s.capture('error', [err, msg]);
      if (msg) outcomes.push({ id: msg._msgid, error: err && err.code });
      return originalError.apply(this, arguments);
    };
    return outcomes;
  }
  const scan = (fee) => ({ payload: { paymentNo: uid('RD'), channelProduct: 'ali_scan_code', tradeFee: fee, subject: 'x' } });
  const redNodes = () => s.helper._redNodes;

  for (const mode of ['full', 'nodes']) {
    it(`${mode} redeploy: slow calls end pending (aborted) after the grace, fast ones normally; one outcome each`, async () => {
      const flow = actionFlow('upp-scancode', {}, configNode(sb, { payTimeout: 5000 }));
      await load(flow, configCredentials());
      const old = s.helper.getNode('n1');
      const outcomes = track(old);
      const msgs = [scan('1.91'), scan('2.91'), scan('3.00'), scan('4.91'), scan('5.01')];
      msgs.forEach((m, i) => {
        m._msgid = `m${i}`;
        old.receive(m);
      });
      await delay(100); // the fast ones are answered, the slow ones (1500 ms) are in flight
      assert.ok(
        old.statuses.some((st) => /requestingN/.test(st.text || '')),
        'the status counted the calls in flight',
      );
      const changed = flow.map((n) => (n.id === 'n1' ? { ...n, name: 'changed' } : n));
      if (mode === 'full') changed.find((n) => n.id === 'cfg').name = 'changed too';
      const started = Date.now();
      await redNodes().setFlows(changed, configCredentials(), mode);
      const took = Date.now() - started;
      await delay(50);
      const byId = {};
      for (const o of outcomes) (byId[o.id] = byId[o.id] || []).push(o);
      assert.deepEqual(Object.keys(byId).sort(), ['m0', 'm1', 'm2', 'm3', 'm4'], JSON.stringify(outcomes));
      for (const [id, list] of Object.entries(byId)) assert.equal(list.length, 1, `${id} got ${JSON.stringify(list)}`);
      for (const id of ['m0', 'm1', 'm3']) {
        assert.equal(byId[id][0].port, 1, 'pending');
        assert.equal(byId[id][0].reason, 'aborted');
      }
      assert.equal(byId.m2[0].port, 1);
      assert.equal(byId.m2[0].reason, 'not_final');
      assert.equal(byId.m4[0].port, 0);
      assert.ok(took < 1400, `the redeploy waited for the grace (300 ms), not for the slow answers (${took} ms)`);
      assert.deepEqual(old.statuses.at(-1), {}, 'status cleared on close');
      // The new flow works.
      s.helper.getNode('n1') !== old || assert.fail('a new node instance');
      const fresh = s.helper.getNode('n1');
      const freshOutcomes = track(fresh);
      fresh.receive({ ...scan('6.01'), _msgid: 'n0' });
      await s.until(() => freshOutcomes.length === 1, 3000);
      assert.equal(freshOutcomes[0].port, 0);
    });
  }

  it('calls answered within the grace are delivered normally', async () => {
    const flow = actionFlow('upp-query', {}, configNode(sb, { readTimeout: 5000 }));
    s.helper.settings({ uppCloseGraceMs: 3000 });
    await load(flow, configCredentials());
    try {
      const old = s.helper.getNode('n1');
      const outcomes = track(old);
      sb.armFault('slow', { endpoint: 'query' });
      old.receive({ _msgid: 'q1', payload: { paymentNo: 'NOPE' } });
      await delay(100);
      await redNodes().setFlows(
        flow.map((n) => (n.id === 'n1' ? { ...n, name: 'x' } : n)),
        configCredentials(),
        'nodes',
      );
      assert.equal(outcomes.length, 1);
      assert.equal(outcomes[0].port, 1);
      assert.equal(outcomes[0].reason, 'rejected', 'answered (an unknown order: result false), not aborted');
    } finally {
      s.helper.settings({ uppCloseGraceMs: 300 });
    }
  });

  it('stopping all flows with every node type busy: no crash, one outcome or error per message', async () => {
    const types = Object.keys(OUTPUTS);
    const flow = [{ id: 'f1', type: 'tab', label: 't' }, configNode(sb, { payTimeout: 5000, readTimeout: 5000 })];
    types.forEach((type, i) => flow.push({ id: `x${i}`, z: 'f1', type, server: 'cfg', wires: OUTPUTS[type].map(() => []) }));
    await load(flow, configCredentials());
    const all = types.map((_, i) => track(s.helper.getNode(`x${i}`)));
    for (const endpoint of ['network', 'query', 'refundQuery', 'close']) sb.armFault('slow', { endpoint, times: 5 });
    const inputs = {
      'upp-network': {},
      'upp-scancode': scan('1.91').payload,
      'upp-barcode': { paymentNo: uid(), tradeFee: '1.91', subject: 's', authCode: '13' },
      'upp-query': { paymentNo: uid() },
      'upp-refund': { paymentNo: uid(), refundFee: '1.00', requestNo: uid(), refundNo: uid() },
      'upp-refund-query': { requestNo: uid() },
      'upp-close': { paymentNo: uid() },
    };
    types.forEach((type, i) => {
      for (let k = 0; k < 3; k++)
        s.helper
          .getNode(`x${i}`)
          .receive({
            _msgid: `${type}-${k}`,
            payload: {
              ...inputs[type],
              paymentNo: inputs[type].paymentNo && `${inputs[type].paymentNo}${k}`,
              requestNo: inputs[type].requestNo && `${inputs[type].requestNo}${k}`,
            },
          });
    });
    await delay(100);
    await redNodes().stopFlows();
    await delay(50);
    types.forEach((type, i) => {
      const ids = all[i].map((o) => o.id).sort();
      assert.deepEqual(ids, [`${type}-0`, `${type}-1`, `${type}-2`], `${type}: ${JSON.stringify(all[i])}`);
    });
    sb.reset();
  });
});
