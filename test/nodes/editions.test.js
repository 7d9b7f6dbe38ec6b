'use strict';
// Issue 12 through the nodes: every edition against a sandbox of that edition (one order of each kind, paid and
// refunded, closed), and a connection set to the wrong edition against a strict sandbox: the network test's
// diagnosis names the setting to change, the pay order sent once and pending (a 404 decides no money), nothing resent.
const assert = require('node:assert/strict');
const s = require('./support');

const { load, unload, configNode, configCredentials, actionFlow, sendAndWait, OUTPUTS, startSandbox, uid } = s;
const EDITIONS = ['1.0', '2.0', '2.1', '2.2', '2.3'];
const expire = () => Date.now() + 10 * 60_000;

describe('nodes: every front-end edition against a strict sandbox', function () {
  this.timeout(30000);
  let sb;
  afterEach(async () => {
    await unload();
    await sb?.close();
    sb = undefined;
  });

  async function call(type, payload, edition) {
    const cfg = configNode(sb, { edition, pathStyle: '', profile: '', payTimeout: 3000, readTimeout: 3000 });
    await load(actionFlow(type, {}, cfg), configCredentials());
    const r = await sendAndWait({ payload }, OUTPUTS[type].length);
    await unload();
    if (r.error) throw new Error(`${type}: ${r.error.error.message}`);
    return { port: OUTPUTS[type][r.port], msg: r.msg };
  }

  for (const edition of EDITIONS) {
    it(`edition ${edition}: scan-code, barcode${edition >= '2.1' ? ', face' : ''} orders, query, refund, refund query and close at that edition's paths`, async () => {
      sb = await startSandbox({ edition });
      const body = { body: 'outpatient fee' };
      const scan = uid('S');
      const r1 = await call(
        'upp-scancode',
        { paymentNo: scan, channelProduct: 'ali_scan_code', tradeFee: '1.00', subject: 'fee', expireTime: expire(), ...body },
        edition,
      );
      assert.equal(r1.port, 'pending');
      assert.ok(r1.msg.upp.payUrl, 'a verified pay URL');
      const closed = await call('upp-close', { paymentNo: scan, bizType: 'scan_pay' }, edition);
      assert.equal(closed.port, 'closed');

      const bar = uid('B');
      const r2 = await call(
        'upp-barcode',
        { paymentNo: bar, tradeFee: '2.00', subject: 'fee', authCode: '28' + '7'.repeat(16), expireTime: expire(), ...body },
        edition,
      );
      assert.equal(r2.port, 'paid');
      const q = await call('upp-query', { paymentNo: bar, bizType: 'barcode_pay', expectedAmount: '2.00' }, edition);
      assert.equal(q.port, 'paid');
      const requestNo = uid('R');
      const refund = await call(
        'upp-refund',
        { paymentNo: bar, bizType: 'barcode_pay', refundFee: '0.50', requestNo, refundNo: requestNo },
        edition,
      );
      assert.equal(refund.port, 'refunded');
      const rq = await call('upp-refund-query', { requestNo }, edition);
      assert.equal(rq.port, 'refunded');

      if (edition >= '2.1') {
        const face = await call(
          'upp-facecode',
          {
            paymentNo: uid('F'),
            channelProduct: 'ali_face_code',
            tradeFee: '3.00',
            subject: 'fee',
            faceCode: 'FC' + '1'.repeat(20),
            expireTime: expire(),
            ...body,
          },
          edition,
        );
        assert.equal(face.port, 'paid');
        assert.equal(face.msg.upp.bizType, 'face_pay');
      }
      const paths = new Set(sb.requests().map((r) => r.path));
      const family =
        edition === '1.0'
          ? ['/access/scancode', '/access/barcode', '/access/query']
          : ['/access/scanCode', '/access/barCode', '/access/paymentQuery'];
      for (const p of family) assert.ok(paths.has(p), `${p} used`);
    });
  }

  it('a 1.0 connection against a 2.0 front-end: the network test diagnosis says to set the edition; a pay order is sent once and stays pending', async () => {
    sb = await startSandbox({ edition: '2.0' });
    const cfg = configNode(sb, { edition: '1.0', pathStyle: '' });
    await load(actionFlow('upp-network', {}, cfg), configCredentials());
    const net = await sendAndWait({ payload: {} }, 1);
    await unload();
    // The link and both signatures work, so the test passes, with the diagnosis saying which setting is wrong.
    assert.equal(net.msg.upp.diagnosis.code, 'wrong_edition');
    assert.match(net.msg.upp.diagnosis.en, /set edition/);
    assert.match(net.msg.upp.diagnosis.zh, /设置版本/);

    const paymentNo = uid('W');
    const r = await call(
      'upp-scancode',
      { paymentNo, channelProduct: 'ali_scan_code', tradeFee: '1.00', subject: 'fee', expireTime: expire() },
      '1.0',
    );
    assert.equal(r.port, 'pending', 'a 404 is no money outcome');
    assert.equal(r.msg.upp.reason, 'http_status');
    assert.equal(r.msg.upp.attempts, 1, 'sent once, never resent');
    assert.equal(r.msg.upp.httpStatus, 404);
    assert.equal(sb.requests().filter((x) => x.body?.paymentNo === paymentNo).length, 0, 'no order reached a served endpoint');
  });

  it('a 2.0 connection against a 1.0 front-end: the network test diagnosis names edition 1.0', async () => {
    sb = await startSandbox({ edition: '1.0' });
    await load(actionFlow('upp-network', {}, configNode(sb, { edition: '2.0', pathStyle: '' })), configCredentials());
    const net = await sendAndWait({ payload: {} }, 1);
    assert.equal(net.msg.upp.diagnosis.code, 'wrong_edition');
    assert.match(net.msg.upp.diagnosis.en, /1\.0/);
  });
});
