'use strict';
// upp-audit: one record per HTTP attempt of the UPP nodes, over real HTTP to the sandbox (node-red-node-test-helper):
// the body as sent (signature, never the key), the answer as received, outcome and reason, attempts of a retried
// read tied by callId, the filters by connection and endpoint, and nothing collected once no audit node is deployed.
const assert = require('node:assert/strict');
const diagnostics = require('node:diagnostics_channel');
const s = require('../nodes/support');
const { until } = s;
const { helper, KEY } = s;

const { auditHub } = require('../../dist/nodes/ops');
const { ATTEMPT_CHANNEL, CALL_CHANNEL } = require('../../dist/nodes/core');

describe('upp-audit', function () {
  this.timeout(20000);
  let sb;
  before(async () => {
    sb = await s.startSandbox();
  });
  after(async () => {
    await sb.close();
  });
  afterEach(async () => {
    await s.unload();
  });

  /** Two config nodes on the sandbox, a scan-code and a query node on cfg, a query node on cfg2, audit nodes. */
  async function load(auditNodes) {
    const cfg2 = { ...s.configNode(sb), id: 'cfg2', name: 'second' };
    const flow = [
      { id: 'f1', type: 'tab', label: 'audit' },
      s.configNode(sb),
      cfg2,
      { id: 'scan', z: 'f1', type: 'upp-scancode', name: '', server: 'cfg', wires: [['out'], ['out']] },
      { id: 'query', z: 'f1', type: 'upp-query', name: '', server: 'cfg', wires: [['out'], ['out'], ['out']] },
      { id: 'query2', z: 'f1', type: 'upp-query', name: '', server: 'cfg2', wires: [['out'], ['out'], ['out']] },
      { id: 'out', z: 'f1', type: 'helper' },
      ...auditNodes.flatMap((a) => [
        { z: 'f1', type: 'upp-audit', name: '', wires: [[`${a.id}-sink`]], configs: [], endpoints: [], ...a },
        { id: `${a.id}-sink`, z: 'f1', type: 'helper' },
      ]),
    ];
    await s.load(flow, { cfg: { key: KEY }, cfg2: { key: KEY } });
    const records = {};
    for (const a of auditNodes) {
      records[a.id] = [];
      helper.getNode(`${a.id}-sink`).on('input', (msg) => records[a.id].push(msg));
    }
    const outs = [];
    helper.getNode('out').on('input', (msg) => outs.push(msg));
    return { records, outs };
  }

  const scanPayload = (paymentNo) => ({ paymentNo, channelProduct: 'ali_scan_code', tradeFee: '12.30', subject: '挂号费' });

  it('emits one record per attempt: the body as sent with its signature, the answer as received, outcome and ids', async () => {
    const { records, outs } = await load([{ id: 'all' }]);
    const paymentNo = s.uid('AU');
    helper.getNode('scan').receive({ payload: scanPayload(paymentNo) });
    await until(() => outs.length === 1 && records.all.length === 1);
    const [msg] = records.all;
    const r = msg.payload;
    assert.equal(msg.topic, 'upp/audit/scanCode');
    assert.equal(r.endpoint, 'scanCode');
    assert.equal(r.node, 'scan');
    assert.equal(r.config, 'cfg');
    assert.equal(r.paymentNo, paymentNo);
    assert.equal(r.attempt, 1);
    assert.equal(r.attempts, 1);
    assert.equal(r.final, true);
    assert.equal(r.transport, 'answered');
    assert.equal(r.httpStatus, 200);
    assert.equal(r.outcome, outs[0].upp.outcome);
    assert.equal(r.reason, outs[0].upp.reason);
    assert.equal(r.verified, outs[0].upp.verified);
    const sent = JSON.parse(r.request);
    assert.equal(sent.paymentNo, paymentNo);
    assert.match(sent.sign, /^[0-9A-Fa-f]{32}$/, 'the signature is in the body as sent');
    // The body is exactly what the sandbox received, the answer exactly what it sent back.
    const [seen] = sb.requests({ endpoint: 'scanCode', paymentNo });
    assert.equal(r.request, seen.raw);
    assert.equal(JSON.parse(r.response).data.paymentNo, paymentNo);
    assert.ok(r.elapsedMs >= 0 && r.callElapsedMs >= r.elapsedMs);
    assert.ok(!JSON.stringify(records).includes(KEY), 'the key is in no record');
  });

  it('a retried read: one record per attempt, tied by callId; earlier attempts "retried" with their problem', async () => {
    const { records, outs } = await load([{ id: 'all' }]);
    const paymentNo = s.uid('AQ');
    const client = new (require('../../dist/nodes/core').UppClient)({
      baseUrl: sb.url,
      isvId: s.IDS.isvId,
      partnerId: s.IDS.partnerId,
      key: KEY,
      proxy: 'none',
    });
    await client.scanCode({ ...scanPayload(paymentNo), expireTime: Date.now() + 600000 });
    await client.destroy();
    sb.armFault('http500', { endpoint: 'query', paymentNo, times: 1 });
    helper.getNode('query').receive({ payload: { paymentNo, bizType: 'scan_pay' } });
    const ofNode = () => records.all.map((m) => m.payload).filter((r) => r.node === 'query');
    await until(() => outs.length === 1 && ofNode().length === 2);
    const [first, second] = ofNode();
    assert.equal(first.callId, second.callId);
    assert.deepEqual([first.attempt, second.attempt, first.attempts], [1, 2, 2]);
    assert.equal(first.outcome, 'retried');
    assert.equal(first.reason, 'http_status');
    assert.equal(first.httpStatus, 500);
    assert.equal(first.final, false);
    assert.equal(second.final, true);
    assert.equal(second.outcome, outs[0].upp.outcome);
    assert.equal(second.verified, outs[0].upp.verified);
    assert.equal(sb.requests({ endpoint: 'query', paymentNo }).length, 2, 'as many records as requests the sandbox saw');
  });

  it('a network test: its request and the edition probe it sends, each listed (the probe as outcome "probe")', async () => {
    const flow = [
      { id: 'f1', type: 'tab', label: 'audit' },
      s.configNode(sb),
      { id: 'net', z: 'f1', type: 'upp-network', name: '', server: 'cfg', wires: [['out']] },
      { id: 'out', z: 'f1', type: 'helper' },
      { id: 'a', z: 'f1', type: 'upp-audit', name: '', configs: ['cfg'], endpoints: [], wires: [['sink']] },
      { id: 'sink', z: 'f1', type: 'helper' },
    ];
    await s.load(flow, { cfg: { key: KEY } });
    const records = [];
    const outs = [];
    helper.getNode('sink').on('input', (m) => records.push(m.payload));
    helper.getNode('out').on('input', (m) => outs.push(m));
    const before = sb.requests().length;
    helper.getNode('net').receive({ payload: {} });
    await until(() => outs.length === 1);
    const sent = sb.requests().slice(before);
    await until(() => records.length === sent.length);
    assert.deepEqual(records.map((r) => r.request).sort(), sent.map((r) => r.raw).sort());
    assert.deepEqual(
      records.map((r) => [r.endpoint, r.outcome, r.node]),
      [
        ['network', 'success', 'net'],
        ['query', 'probe', 'net'],
      ],
    );
  });

  it('follows only the chosen connections and endpoints', async () => {
    const { records, outs } = await load([
      { id: 'all' },
      { id: 'cfg2only', configs: ['cfg2'] },
      { id: 'scanOnly', endpoints: ['scanCode'] },
    ]);
    helper.getNode('scan').receive({ payload: scanPayload(s.uid('AF')) });
    helper.getNode('query2').receive({ payload: { paymentNo: s.uid('AN'), bizType: 'scan_pay' } });
    await until(() => outs.length === 2 && records.all.length >= 2 && records.cfg2only.length >= 1 && records.scanOnly.length >= 1);
    assert.deepEqual(
      records.cfg2only.map((m) => m.payload.node),
      ['query2'],
    );
    assert.deepEqual(
      records.scanOnly.map((m) => m.payload.endpoint),
      ['scanCode'],
    );
    assert.deepEqual(records.all.map((m) => m.payload.node).sort(), ['query2', 'scan']);
  });

  it('connection refused: each attempt listed as not sent, nothing else', async () => {
    const dead = `http://127.0.0.1:${await require('../reliability/support/harness').closedPort()}`;
    const flow = [
      { id: 'f1', type: 'tab', label: 'audit' },
      { ...s.configNode(sb), baseUrl: dead },
      { id: 'scan', z: 'f1', type: 'upp-scancode', name: '', server: 'cfg', wires: [[], []] },
      { id: 'c1', z: 'f1', type: 'catch', scope: ['scan'], uncaught: false, wires: [['caught']] },
      { id: 'caught', z: 'f1', type: 'helper' },
      { id: 'a', z: 'f1', type: 'upp-audit', name: '', configs: [], endpoints: [], wires: [['sink']] },
      { id: 'sink', z: 'f1', type: 'helper' },
    ];
    await s.load(flow, { cfg: { key: KEY } });
    const records = [];
    const caught = [];
    helper.getNode('sink').on('input', (m) => records.push(m.payload));
    helper.getNode('caught').on('input', (m) => caught.push(m));
    helper.getNode('scan').receive({ payload: scanPayload(s.uid('AD')) });
    await until(() => caught.length === 1);
    await until(() => records.length === 3);
    assert.ok(
      records.every((r) => r.transport === 'not_sent' && r.outcome === 'not_sent' && r.response === null && r.reason === 'ECONNREFUSED'),
      JSON.stringify(records),
    );
    assert.deepEqual(
      records.map((r) => r.attempt),
      [1, 2, 3],
    );
  });

  it('collects nothing once no audit node is deployed (the client channels have no subscriber)', async () => {
    await load([{ id: 'all' }]);
    assert.ok(diagnostics.channel(ATTEMPT_CHANNEL).hasSubscribers);
    await s.unload();
    assert.equal(diagnostics.channel(ATTEMPT_CHANNEL).hasSubscribers, false);
    assert.equal(auditHub.waiting, 0);
    // The call channel may still have the sidebar's monitor when the plugin runs; the test helper does not load it.
    assert.equal(diagnostics.channel(CALL_CHANNEL).hasSubscribers, false);
  });
});
