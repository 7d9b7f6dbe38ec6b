'use strict';
// upp-bills against the sandbox (issue 15 item 1): both bills with exact amounts; the dates from the node, from
// msg.payload, else yesterday on the China calendar of the client's clock (across midnight UTC); every failure ends
// pending with nothing of the bill delivered; editions before 2.1 and bad dates refused before anything is sent,
// naming the edition or the field; a redeploy hands a download in flight to the node that replaces it.
const s = require('./support');
const { assert, load, configNode, configCredentials } = s;

const DAY = '2026-11-25';

function flow(sb, props = {}, cfg = {}) {
  return [
    { id: 'f1', type: 'tab', label: 'test' },
    configNode(sb, { edition: '2.1', pathStyle: undefined, readTimeout: 500, ...cfg }),
    { id: 'n1', z: 'f1', type: 'upp-bills', name: '', server: 'cfg', source: 'platform', wires: [['out0'], ['out1']], ...props },
    { id: 'out0', z: 'f1', type: 'helper' },
    { id: 'out1', z: 'f1', type: 'helper' },
    { id: 'c1', z: 'f1', type: 'catch', scope: ['n1'], uncaught: false, wires: [['caught']] },
    { id: 'caught', z: 'f1', type: 'helper' },
  ];
}

/** The client's clock (today and yesterday come from it): a fixed instant, never the time the test runs at. */
const NOW = Date.parse('2026-11-27T04:00:00Z');
async function deploy(sb, props, cfg) {
  await load(flow(sb, props, cfg), configCredentials());
  s.helper.getNode('cfg').getClient().options.now = () => NOW;
}
const billRequests = (sb) => sb.requests().filter((r) => r.endpoint === 'yuntaiBills' || r.endpoint === 'channelBills');

describe('nodes: upp-bills', function () {
  let sb;
  before(async () => {
    let tick = Date.parse(`${DAY}T04:00:00Z`);
    sb = await s.startSandbox({ edition: '2.1', slowMs: 1500, now: () => (tick += 1000) });
  });
  after(() => sb.close());
  beforeEach(() => {
    sb.reset();
    sb.seedTrades(DAY, [
      { tradeNo: 'HP1', tradeFee: '12.3', tradeTime: '09:10:11', outTradeNo: 'YT-HP1', channelProduct: 'ten_bar_code' },
      { tradeNo: 'HP2', tradeFee: '100.00', tradeTime: '10:00:00', outTradeNo: 'YT-HP2' },
      { tradeType: 'refund', tradeNo: 'HR1', paymentNo: 'HP1', tradeFee: '2.30', tradeTime: '11:00:00', outTradeNo: 'YTR-HR1' },
    ]);
    sb.seedTrades('2026-11-24', [{ tradeNo: 'OLD1', tradeFee: '5.00', outTradeNo: 'YT-OLD1' }]);
  });
  s.standardHooks();

  for (const source of ['platform', 'channel']) {
    it(`${source} bill: the rows whole, amounts as exact strings, dates as text; msg.upp says what was asked and verified`, async () => {
      await deploy(sb, { source, startDate: DAY, startDateType: 'str' });
      const r = await s.sendAndWait({ payload: 'tick', topic: 'keep me' }, 2);
      assert.equal(r.port, 0, JSON.stringify(r));
      const { payload, upp, topic } = r.msg;
      assert.equal(topic, 'keep me');
      assert.deepEqual(
        payload.map((row) => [row.tradeType, row.tradeNo, row.tradeFee, row.tradeTime, row.billsDate, row.outTradeNo]),
        [
          ['pay', 'HP1', '12.30', `${DAY} 09:10:11`, DAY, 'YT-HP1'],
          ['pay', 'HP2', '100.00', `${DAY} 10:00:00`, DAY, 'YT-HP2'],
          ['refund', 'HR1', '2.30', `${DAY} 11:00:00`, DAY, 'YTR-HR1'],
        ],
      );
      for (const row of payload) assert.equal(typeof row.tradeFee, 'string');
      assert.equal(payload[0].channelProduct, 'ten_bar_code');
      assert.equal('derateFee' in payload[0], source === 'platform');
      if (source === 'platform') assert.equal(payload[0].derateFee, '0.00');
      assert.equal(upp.endpoint, source === 'platform' ? 'yuntaiBills' : 'channelBills');
      assert.equal(upp.source, source);
      assert.equal(upp.outcome, 'success');
      assert.equal(upp.reason, 'final');
      assert.equal(upp.verified, 'v1');
      assert.deepEqual([upp.request.startDate, upp.request.endDate], [DAY, DAY]);
      assert.equal(upp.rows, 3);
      assert.deepEqual(upp.totals, { pay: { count: 2, amount: '112.30' }, refund: { count: 1, amount: '2.30' } });
      const sent = billRequests(sb);
      assert.equal(sent.length, 1);
      assert.equal(sent[0].path, source === 'platform' ? '/access/yuntaiBills' : '/access/channelBIlls');
      assert.deepEqual(s.helper.getNode('n1').statuses.at(-1), { fill: 'green', shape: 'dot', text: 'upp-bills.status.rows' });
    });
  }

  it('blank dates read msg.payload.startDate / endDate; typed inputs read msg, flow and env', async () => {
    process.env.UPP_BILL_END = DAY;
    try {
      await deploy(sb);
      let r = await s.sendAndWait({ payload: { startDate: '2026-11-24', endDate: DAY } }, 2);
      assert.equal(r.port, 0);
      assert.deepEqual(
        r.msg.payload.map((row) => row.tradeNo),
        ['OLD1', 'HP1', 'HP2', 'HR1'],
      );
      await s.unload();
      await deploy(sb, { startDate: 'bill.from', startDateType: 'msg', endDate: 'UPP_BILL_END', endDateType: 'env' });
      r = await s.sendAndWait({ payload: {}, bill: { from: '2026-11-24' } }, 2);
      assert.deepEqual(r.msg.upp.request.startDate, '2026-11-24');
      assert.deepEqual(r.msg.upp.request.endDate, DAY);
    } finally {
      delete process.env.UPP_BILL_END;
    }
  });

  for (const [utc, yesterday] of [
    ['2026-11-26T15:59:59Z', DAY], // 23:59:59 on the 26th in China: yesterday is the 25th (UTC says the 26th too)
    ['2026-11-26T16:00:00Z', '2026-11-26'], // 00:00:00 on the 27th in China, still the 26th in UTC
    ['2026-11-25T17:30:00Z', DAY], // 01:30 on the 26th in China, the 25th in UTC: "yesterday in UTC" would be the 24th
  ]) {
    it(`blank everywhere: yesterday on the China calendar of the client's clock (${utc} -> ${yesterday})`, async () => {
      await deploy(sb);
      s.helper.getNode('cfg').getClient().options.now = () => Date.parse(utc);
      const r = await s.sendAndWait({ payload: {} }, 2);
      assert.equal(r.port, 0, JSON.stringify(r.msg?.upp ?? r.error));
      assert.deepEqual([r.msg.upp.request.startDate, r.msg.upp.request.endDate], [yesterday, yesterday]);
      assert.equal(billRequests(sb)[0].body.startDate, yesterday);
      assert.equal(r.msg.payload.length, yesterday === DAY ? 3 : 0);
    });
  }

  for (const [title, arm, reason] of [
    ['a timeout (every attempt)', () => sb.armFault('slow', { endpoint: 'yuntaiBills', times: 5 }), 'timeout'],
    ['a bad signature', () => sb.armFault('bad_sign', { endpoint: 'yuntaiBills', times: 5 }), 'bad_signature'],
    ['an unsigned answer', () => sb.armFault('unsigned_error', { endpoint: 'yuntaiBills', times: 5 }), 'unsigned'],
    ['result:false', () => sb.armFault('rejected', { endpoint: 'yuntaiBills', times: 5 }), 'rejected'],
    ['an unparsable answer', () => sb.armFault('malformed', { endpoint: 'yuntaiBills', times: 5 }), 'unparsable'],
    ['HTTP 500', () => sb.armFault('http500', { endpoint: 'yuntaiBills', times: 5 }), 'http_status'],
  ]) {
    it(`${title}: pending with msg.upp.reason ${reason}, nothing of the bill in msg.payload`, async () => {
      arm();
      await deploy(sb, { startDate: DAY });
      const input = { startDate: DAY, note: 'as it came' };
      const r = await s.sendAndWait({ payload: input }, 2, 10000);
      assert.equal(r.port, 1, JSON.stringify(r.msg?.upp ?? r.error));
      assert.deepEqual(r.msg.payload, input, 'msg.payload is the input, no row of the bill');
      assert.equal(r.msg.upp.outcome, 'pending');
      assert.equal(r.msg.upp.reason, reason);
      assert.equal(r.msg.upp.rows, undefined);
      assert.equal(r.msg.upp.totals, undefined);
      assert.equal(JSON.stringify(r.msg).includes('YT-HP1'), false, 'no serial of the bill anywhere in the message');
      if (reason === 'rejected') assert.equal(r.msg.upp.platformMsg, '业务拒绝');
      const status = s.helper.getNode('n1').statuses.at(-1);
      assert.deepEqual([status.fill, status.shape], ['yellow', 'ring']);
    });
  }

  it('a day missing from the bill (sandbox missing_day) is an empty bill, not pending', async () => {
    sb.injectDiscrepancy({ date: DAY, kind: 'missing_day' });
    await deploy(sb, { startDate: DAY });
    const r = await s.sendAndWait({ payload: {} }, 2);
    assert.equal(r.port, 0);
    assert.deepEqual(r.msg.payload, []);
    assert.equal(r.msg.upp.rows, 0);
  });

  for (const edition of ['1.0', '2.0']) {
    it(`edition ${edition}: ERR_UPP_CONFIG naming the edition, status red, nothing sent`, async () => {
      await deploy(sb, { startDate: DAY }, { edition });
      const r = await s.sendAndWait({ payload: {} }, 2);
      assert.ok(r.error, JSON.stringify(r));
      assert.equal(r.error.error.code, 'ERR_UPP_CONFIG');
      assert.equal(r.error.upp.error.field, 'edition');
      assert.match(
        r.error.error.message,
        new RegExp(`edition ${edition.replace('.', '\\.')} has no yuntaiBills endpoint \\(it exists from edition 2\\.1\\)`),
      );
      assert.deepEqual(billRequests(sb), []);
      assert.deepEqual(s.helper.getNode('n1').statuses.at(-1), { fill: 'red', shape: 'ring', text: 'ERR_UPP_CONFIG: edition' });
    });
  }

  for (const [payload, field, rule] of [
    [{ startDate: '2026-02-30' }, 'startDate', 'date_format'],
    [{ startDate: '2026/11/25' }, 'startDate', 'date_format'],
    [{ startDate: DAY, endDate: 20261126 }, 'endDate', 'date_format'],
    [{ startDate: DAY, endDate: '2026-11-24' }, 'endDate', 'date_order'],
    [{ startDate: '2026-10-01', endDate: '2026-11-01' }, 'endDate', 'date_range'],
    [{ startDate: '2099-01-01' }, 'startDate', 'date_future'],
  ]) {
    it(`${JSON.stringify(payload)}: ERR_UPP_INPUT naming ${field} (${rule}), nothing sent`, async () => {
      await deploy(sb);
      const r = await s.sendAndWait({ payload }, 2);
      assert.ok(r.error, JSON.stringify(r));
      assert.equal(r.error.error.code, 'ERR_UPP_INPUT');
      assert.deepEqual([r.error.upp.error.field, r.error.upp.error.rule], [field, rule]);
      assert.match(r.error.error.message, new RegExp(`^${field}[ :]`));
      assert.deepEqual(billRequests(sb), []);
    });
  }

  it('31 days is allowed: the whole range in one bill', async () => {
    await deploy(sb);
    const r = await s.sendAndWait({ payload: { startDate: '2026-10-26', endDate: DAY } }, 2);
    assert.equal(r.port, 0);
    assert.equal(r.msg.upp.rows, 4);
  });

  it('a redeploy while a download is in flight: the bill leaves through the node that replaces it, once', async () => {
    const { hooks } = require('@node-red/util');
    const got = [];
    hooks.add('onReceive.uppBillsTest', (event) => {
      if (['out0', 'out1', 'caught'].includes(event.destination.id)) got.push({ to: event.destination.id, msg: event.msg });
    });
    s.helper.settings({ uppCloseGraceMs: 3000 });
    try {
      sb.armFault('slow', { endpoint: 'yuntaiBills', times: 1 });
      const f = flow(sb, { startDate: DAY }, { readTimeout: 5000 });
      await load(f, configCredentials());
      s.helper.getNode('cfg').getClient().options.now = () => NOW;
      const old = s.helper.getNode('n1');
      old.receive({ payload: {}, _msgid: 'b1' });
      await s.until(() => billRequests(sb).length >= 1, 5000);
      await s.helper._redNodes.setFlows(
        f.map((n) => (n.id === 'n1' ? { ...n, name: 'changed' } : n)),
        configCredentials(),
        'nodes',
      );
      await s.until(() => got.length >= 1, 8000);
      await s.delay(100);
      assert.deepEqual(
        got.map((g) => [g.msg._msgid, g.to, g.msg.payload.length]),
        [['b1', 'out0', 3]],
      );
      assert.notEqual(s.helper.getNode('n1'), old);
    } finally {
      hooks.remove('*.uppBillsTest');
      s.helper.settings({ uppCloseGraceMs: 300 });
    }
  });
});

describe('nodes: upp-bills in the audit trail', function () {
  let sb;
  before(async () => {
    let tick = Date.parse(`${DAY}T04:00:00Z`);
    sb = await s.startSandbox({ edition: '2.1', now: () => (tick += 1000) });
    sb.seedTrades(DAY, [{ tradeNo: 'AU1', tradeFee: '9.90', outTradeNo: 'YT-AU1' }]);
  });
  after(() => sb.close());
  s.standardHooks();

  it('a bill download is one upp-audit record: the request as sent and the whole answer; left out when only other endpoints are ticked', async () => {
    for (const [endpoints, expected] of [
      [['yuntaiBills'], 1],
      [['query', 'refund'], 0],
    ]) {
      const f = [
        ...flow(sb, { startDate: DAY }),
        { id: 'a1', z: 'f1', type: 'upp-audit', name: '', configs: ['cfg'], endpoints, wires: [['audit']] },
        { id: 'audit', z: 'f1', type: 'helper' },
      ];
      await load(f, configCredentials());
      s.helper.getNode('cfg').getClient().options.now = () => NOW;
      const records = [];
      s.helper.getNode('audit').on('input', (m) => records.push(m.payload));
      const r = await s.sendAndWait({ payload: {} }, 2);
      assert.equal(r.port, 0);
      // The record leaves the audit node when the call ends, before the bill leaves upp-bills: it has arrived by now.
      assert.equal(records.length, expected, JSON.stringify(endpoints));
      if (expected) {
        const [rec] = records;
        assert.deepEqual([rec.endpoint, rec.outcome, rec.path, rec.final], ['yuntaiBills', 'success', '/access/yuntaiBills', true]);
        assert.match(rec.request, /"startDate":"2026-11-25"/);
        assert.match(rec.response, /"tradeFee":9\.90,.*"outTradeNo":"YT-AU1"/);
      }
      if (expected) await s.unload(); // the next round loads its own flow
    }
  });
});
