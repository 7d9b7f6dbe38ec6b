'use strict';
// Where each request field comes from: the typedInput types (str, num, option, msg, flow, global, env, jsonata),
// the blank -> msg.payload.<field> fallback, and the defaults (expireTime = now + N minutes; bizType from
// msg.payload, then msg.upp, else an input error naming bizType: no silent scan_pay).
const s = require('./support');
const { assert, OUTPUTS, load, configNode, configCredentials, actionFlow, sendAndWait, uid } = s;
const core = require('../../dist/nodes/core');

describe('nodes: typedInput sources and the blank -> msg.payload fallback', function () {
  let sb;
  before(async () => (sb = await s.startSandbox()));
  after(() => sb.close());
  s.standardHooks();

  async function request(type, props, msg) {
    await load(actionFlow(type, props, configNode(sb)), configCredentials());
    const r = await sendAndWait(msg, OUTPUTS[type].length);
    assert.ok(!r.error, r.error && r.error.error.message);
    return r.msg.upp.request;
  }

  it('str, num and option values set in the node win over msg.payload', async () => {
    const paymentNo = uid('FIX');
    const req = await request(
      'upp-scancode',
      {
        paymentNo,
        paymentNoType: 'str',
        tradeFee: '12.3',
        tradeFeeType: 'num',
        channelProduct: 'uni_scan_code',
        channelProductType: 'enum',
        subject: '挂号',
        subjectType: 'str',
      },
      { payload: { paymentNo: 'IGNORED', tradeFee: '99.00', channelProduct: 'ali_scan_code', subject: 'ignored' } },
    );
    assert.equal(req.paymentNo, paymentNo);
    assert.equal(req.tradeFee, '12.30', 'num keeps the literal text exact, written with two decimals');
    assert.equal(req.channelProduct, 'uni_scan_code');
    assert.equal(req.subject, '挂号');
  });

  it('msg, flow, global, env and jsonata (evaluated asynchronously)', async () => {
    process.env.UPP_TEST_CHANNEL = 'ten_scan_code';
    try {
      await load(
        actionFlow(
          'upp-scancode',
          {
            paymentNo: '"J" & his.no',
            paymentNoType: 'jsonata',
            tradeFee: 'fee',
            tradeFeeType: 'flow',
            subject: 'subject',
            subjectType: 'global',
            channelProduct: 'UPP_TEST_CHANNEL',
            channelProductType: 'env',
            bizData: 'his.extra',
            bizDataType: 'msg',
            body: '$flowContext("body")',
            bodyType: 'jsonata',
          },
          configNode(sb),
        ),
        configCredentials(),
      );
      const node = s.helper.getNode('n1');
      node.context().flow.set('fee', '7.50');
      node.context().flow.set('body', 'from flow via JSONata');
      node.context().global.set('subject', '门诊缴费');
      const no = uid('');
      const r = await sendAndWait({ payload: {}, his: { no, extra: { ward: 3 } } }, 2);
      assert.ok(!r.error, r.error && r.error.error.message);
      const req = r.msg.upp.request;
      assert.equal(req.paymentNo, `J${no}`);
      assert.equal(req.tradeFee, '7.50');
      assert.equal(req.subject, '门诊缴费');
      assert.equal(req.channelProduct, 'ten_scan_code');
      assert.equal(req.bizData, '{"ward":3}', 'an object becomes JSON text');
      assert.equal(req.body, 'from flow via JSONata');
    } finally {
      delete process.env.UPP_TEST_CHANNEL;
    }
  });

  it('blank fields read msg.payload.<field> (a HIS row flows straight in; numbers are fine)', async () => {
    const row = {
      paymentNo: uid('ROW'),
      tradeFee: 12.3,
      subject: '检查费',
      channelProduct: 'ali_scan_code',
      districtId: 'D2',
      sourceType: 'inpatient',
      unrelated: 'ignored',
    };
    const req = await request('upp-scancode', {}, { payload: row });
    assert.equal(req.paymentNo, row.paymentNo);
    assert.equal(req.tradeFee, '12.30');
    assert.equal(req.districtId, 'D2');
    assert.equal(req.sourceType, 'inpatient');
    assert.equal(req.unrelated, undefined);
  });

  it('fieldsFrom: blank fields read another msg property (after a database node replaced msg.payload)', async () => {
    const order = { paymentNo: uid('ORD'), tradeFee: '8.80', subject: '检查费', channelProduct: 'ten_scan_code' };
    // What an INSERT leaves in msg.payload: []; the order was kept in msg.order.
    const req = await request('upp-scancode', { fieldsFrom: 'order' }, { payload: [], order });
    assert.equal(req.paymentNo, order.paymentNo);
    assert.equal(req.tradeFee, '8.80');
    assert.equal(req.channelProduct, 'ten_scan_code');
    await s.unload();
    // A nested path, written with or without "msg.".
    const req2 = await request(
      'upp-refund',
      { fieldsFrom: 'msg.his.refund' },
      {
        payload: { paymentNo: 'IGNORED' },
        his: { refund: { paymentNo: 'P1', bizType: 'scan_pay', refundFee: '1.00', requestNo: uid('R'), refundNo: uid('N') } },
      },
    );
    assert.equal(req2.paymentNo, 'P1');
    await s.unload();
    // The property absent: the required field is named, nothing is sent.
    await load(
      actionFlow('upp-query', { fieldsFrom: 'order', bizType: 'scan_pay', bizTypeType: 'enum' }, configNode(sb)),
      configCredentials(),
    );
    const r = await sendAndWait({ payload: { paymentNo: 'NOT-READ' } }, OUTPUTS['upp-query'].length);
    assert.ok(r.error, JSON.stringify(r.msg && r.msg.upp && r.msg.upp.request));
    assert.equal(r.error.upp.error.field, 'paymentNo');
    assert.equal(r.error.upp.error.rule, 'required');
  });

  it('${VAR} in a str field is replaced by Node-RED at deploy', async () => {
    process.env.UPP_TEST_SUBJECT = '药费';
    try {
      const req = await request(
        'upp-scancode',
        { subject: '${UPP_TEST_SUBJECT}', subjectType: 'str' },
        { payload: { paymentNo: uid(), tradeFee: '1.00', channelProduct: 'ali_scan_code' } },
      );
      assert.equal(req.subject, '药费');
    } finally {
      delete process.env.UPP_TEST_SUBJECT;
    }
  });

  it('expireTime: blank -> msg.payload.expireTime, else now + expireMinutes', async () => {
    const base = { paymentNo: uid(), tradeFee: '1.00', channelProduct: 'ali_scan_code', subject: 'x' };
    const started = Date.now();
    const req = await request('upp-scancode', { expireMinutes: 30 }, { payload: base });
    const ms = core.parseChinaTime(req.expireTime);
    assert.ok(Math.abs(ms - (started + 30 * 60000)) < 5000, `${req.expireTime} is about now + 30 min`);
    await s.unload();
    const fixed = core.formatChinaTime(Date.now() + 3 * 3600000);
    const req2 = await request('upp-scancode', { expireMinutes: 30 }, { payload: { ...base, paymentNo: uid(), expireTime: fixed } });
    assert.equal(req2.expireTime, fixed);
    await s.unload();
    const req3 = await request('upp-barcode', {}, { payload: { paymentNo: uid(), tradeFee: '1.00', subject: 'x', authCode: '1345' } });
    assert.ok(Math.abs(core.parseChinaTime(req3.expireTime) - (Date.now() + 15 * 60000)) < 5000, 'default 15 minutes');
  });

  it('bizType: node value, else msg.payload.bizType, else msg.upp.bizType', async () => {
    const paymentNo = uid();
    const cases = [
      [{ bizType: 'barcode_pay', bizTypeType: 'enum' }, { payload: { paymentNo, bizType: 'scan_pay' } }, 'barcode_pay'],
      [{}, { payload: { paymentNo, bizType: 'barcode_pay' } }, 'barcode_pay'],
      [{}, { payload: { paymentNo }, upp: { bizType: 'barcode_pay' } }, 'barcode_pay'],
    ];
    for (const [props, msg, expected] of cases) {
      const req = await request('upp-query', props, msg);
      assert.equal(req.bizType, expected, JSON.stringify(msg));
      await s.unload();
    }
  });

  for (const type of ['upp-query', 'upp-close', 'upp-refund']) {
    it(`${type}: no bizType anywhere is ERR_UPP_INPUT naming bizType, nothing sent (no silent scan_pay)`, async () => {
      await load(actionFlow(type, {}, configNode(sb)), configCredentials());
      const before = sb.requests().length;
      const payload = { paymentNo: uid('NB'), refundFee: '1.00', requestNo: uid('NR'), refundNo: uid('NF') };
      const r = await sendAndWait({ payload }, OUTPUTS[type].length);
      assert.ok(r.error, 'a catchable error, no output');
      assert.equal(r.error.error.code, 'ERR_UPP_INPUT');
      assert.equal(r.error.upp.error.field, 'bizType');
      assert.equal(sb.requests().length, before, 'nothing reached the front-end');
    });
  }

  it("a pay node's pending output feeds a query node as is (payload.paymentNo, msg.upp.bizType)", async () => {
    const flow = actionFlow('upp-scancode', {}, configNode(sb));
    flow.find((n) => n.id === 'n1').wires = [['out0'], ['q']];
    flow.push(
      { id: 'q', z: 'f1', type: 'upp-query', server: 'cfg', wires: [['out0'], ['qp'], ['out0']] },
      { id: 'qp', z: 'f1', type: 'helper' },
    );
    await load(flow, configCredentials());
    const paymentNo = uid('CH');
    const got = new Promise((resolve) => s.helper.getNode('qp').on('input', resolve));
    s.helper.getNode('n1').receive({ payload: { paymentNo, tradeFee: '2.00', channelProduct: 'ali_scan_code', subject: 'x' } });
    const m = await got;
    s.capture('msg', m);
    assert.equal(m.upp.endpoint, 'query');
    assert.equal(m.upp.request.paymentNo, paymentNo);
    assert.equal(m.upp.request.bizType, 'scan_pay');
    assert.equal(m.upp.tradeStatus, 'wait_pay');
  });
});
