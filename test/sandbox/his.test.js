'use strict';
// The sandbox as the platform's side of the HIS views (nodes/sandbox/his.ts): late and second payments, the HIS
// order view asked before each automatic refund (refund only on result:true without a paid record of the payment,
// hold on anything else), every decision recorded, the URLs set by CLI / options / control API.
const http = require('node:http');
const h = require('./support/helpers');
const { assert, send, dataOf, scanOrder, startSandbox } = h;
const { parseCli } = require('../../dist/nodes/sandbox/cli.js');
const { hisDecide } = require('../../dist/nodes/sandbox');

/** A stand-in HIS view: answers each request with what `reply(body)` returns ({status, text} or 'hang'). */
async function fakeHis(reply) {
  const seen = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const parsed = JSON.parse(body);
      seen.push(parsed);
      const out = reply(parsed);
      if (out === 'hang') return;
      res.writeHead(out.status ?? 200, { 'Content-Type': 'application/json' });
      res.end(typeof out.text === 'string' ? out.text : JSON.stringify(out.json));
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/his/order`,
    seen,
    close: () => (server.closeAllConnections(), new Promise((resolve) => server.close(resolve))),
  };
}

const control = async (sb, method, path, json) => {
  const res = await fetch(`${sb.origin}${path}`, {
    method,
    headers: { 'Content-Type': 'application/json' },
    body: json === undefined ? undefined : JSON.stringify(json),
  });
  return { status: res.status, body: await res.json() };
};

describe('sandbox: the platform asks the HIS before refunding late payments', function () {
  let sb;
  let his;
  let answer;
  before(async () => {
    his = await fakeHis((req) => answer(req));
    sb = await startSandbox({ port: 0, hisOrderUrl: his.url, hisTimeoutMs: 300, hisRetryMs: 3600000 });
  });
  after(async () => {
    await sb.close();
    await his.close();
  });

  async function closedOrder(fee = '5.00') {
    const { paymentNo, data } = await scanOrder(sb, fee);
    dataOf(await send(sb, 'close', { paymentNo, bizType: 'scan_pay' }));
    return { paymentNo, outPaymentNo: data.outPaymentNo };
  }
  const latePay = (paymentNo, extra = {}) =>
    control(sb, 'POST', `/_sandbox/orders/${encodeURIComponent(paymentNo)}/late-pay`, { wait: true, ...extra });

  it("asks the order view with the payment's serials and refunds on result:true with no paid record", async () => {
    const order = await closedOrder();
    answer = () => ({ json: { result: true, msg: '', data: [] } });
    const res = await latePay(order.paymentNo);
    assert.equal(res.status, 200);
    assert.equal(res.body.kind, 'after_close');
    assert.equal(res.body.state, 'refunded');
    const asked = his.seen[his.seen.length - 1];
    assert.deepEqual(Object.keys(asked).sort(), ['inPaymentNo', 'outPaymentNo', 'paymentNo']);
    assert.equal(asked.paymentNo, order.paymentNo);
    assert.equal(asked.outPaymentNo, order.outPaymentNo);
  });

  it('holds on result:false, an HTTP error, a timeout, null data or an invalid row, and never refunds', async () => {
    const cases = [
      [() => ({ json: { result: false, msg: '数据库不可用' } }), 'result_false'],
      [() => ({ status: 500, text: 'oops' }), 'error'],
      [() => 'hang', 'timeout'],
      [() => ({ json: { result: true, msg: '', data: null } }), 'unreadable'],
      [() => ({ json: { result: true, msg: '' } }), 'unreadable'],
      [() => ({ text: 'not json' }), 'unreadable'],
      [
        () => ({
          json: {
            result: true,
            data: [{ tradeType: 'paid', tradeFee: '5.00', tradeTime: '2026-11-28 10:00:00', outTradeNo: 'x', tradeNo: 'y' }],
          },
        }),
        'unreadable',
      ],
    ];
    for (const [reply, kind] of cases) {
      const order = await closedOrder();
      answer = reply;
      const res = await latePay(order.paymentNo);
      assert.equal(res.body.state, 'held', kind);
      assert.equal(res.body.decisions[0].answer, kind);
      assert.equal(res.body.decisions[0].action, 'hold');
      assert.equal(res.body.refundNo, undefined);
    }
    // Asked again once the HIS answers: refunded then, and both decisions stay on record.
    answer = () => ({ json: { result: true, msg: '', data: [] } });
    const rechecked = await control(sb, 'POST', '/_sandbox/his/recheck');
    assert.ok(rechecked.body.length >= cases.length);
    for (const late of (await control(sb, 'GET', '/_sandbox/late-payments')).body.filter((l) => l.decisions.length > 1)) {
      assert.deepEqual(
        late.decisions.map((d) => d.action),
        ['hold', 'refund'],
      );
      assert.equal(late.state, 'refunded');
    }
    const all = (await control(sb, 'GET', '/_sandbox/his')).body.decisions;
    assert.deepEqual(
      all.map((d) => d.seq),
      [...all.map((d) => d.seq)].sort((a, b) => a - b),
      'decisions in order',
    );
  });

  it('keeps a payment the HIS has paid (same platform serial), and refunds a second payment through another channel', async () => {
    const order = await closedOrder('7.00');
    answer = (req) => ({
      json: {
        result: true,
        msg: '',
        data: [
          { tradeType: 'pay', tradeFee: '7.00', tradeTime: '2026-11-28 10:00:00', outTradeNo: req.outPaymentNo, tradeNo: req.paymentNo },
        ],
      },
    });
    const kept = await latePay(order.paymentNo);
    assert.equal(kept.body.state, 'kept');
    assert.match(kept.body.decisions[0].why, /the HIS has this payment as paid/);

    const { paymentNo, data } = await scanOrder(sb, '9.00');
    sb.pay(paymentNo);
    answer = (req) => ({
      json: {
        result: true,
        msg: '',
        data: [
          { tradeType: 'pay', tradeFee: '9.00', tradeTime: '2026-11-28 10:00:00', outTradeNo: data.outPaymentNo, tradeNo: req.paymentNo },
        ],
      },
    });
    assert.equal((await latePay(paymentNo, { channelType: 'ali' })).status, 400, 'another channel than the first payment');
    const second = await latePay(paymentNo, { channelType: 'ten' });
    assert.equal(second.body.kind, 'second_channel');
    assert.equal(second.body.channelType, 'ten');
    assert.notEqual(second.body.outPaymentNo, data.outPaymentNo);
    assert.equal(second.body.state, 'refunded');
    assert.equal(sb.order(paymentNo).tradeStatus, 'pay_success');
  });

  it('refuses a late payment of an order that can still be paid (409) or does not exist (404)', async () => {
    const { paymentNo } = await scanOrder(sb, '5.00');
    assert.equal((await latePay(paymentNo)).status, 409);
    assert.equal((await latePay('NO-SUCH-ORDER')).status, 404);
  });

  it('the cashier page offers "pay anyway" on a closed order and shows the platform\'s decision', async () => {
    const order = await closedOrder();
    answer = () => ({ json: { result: false, msg: 'down' } });
    const view = sb.order(order.paymentNo);
    const page = await (await fetch(view.payUrl)).text();
    assert.match(page, /id="late-pay"/);
    const u = new URL(view.payUrl);
    const res = await fetch(`${sb.origin}/_sandbox/cashier/late`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ order: u.searchParams.get('order'), t: u.searchParams.get('t') }).toString(),
    });
    const html = await res.text();
    assert.equal(res.status, 200);
    assert.match(html, /data-state="held"/);
    assert.match(html, /result is false: down/);
    const wrongToken = await fetch(`${sb.origin}/_sandbox/cashier/late`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ order: u.searchParams.get('order'), t: 'nope' }).toString(),
    });
    assert.equal(wrongToken.status, 404);
  });

  it('without an order view URL every late payment is held (no_url); the URL is set through the control API', async () => {
    const bare = await startSandbox({ port: 0, hisRetryMs: 3600000 });
    try {
      const { paymentNo } = await scanOrder(bare, '5.00');
      dataOf(await send(bare, 'close', { paymentNo, bizType: 'scan_pay' }));
      const held = await control(bare, 'POST', `/_sandbox/orders/${paymentNo}/late-pay`, { wait: true });
      assert.equal(held.body.decisions[0].answer, 'no_url');
      assert.equal((await control(bare, 'POST', '/_sandbox/his', { orderUrl: 'ftp://x' })).status, 400);
      answer = () => ({ json: { result: true, msg: '', data: [] } });
      const set = await control(bare, 'POST', '/_sandbox/his', { orderUrl: his.url });
      assert.equal(set.body.orderUrl, his.url);
      assert.equal((await control(bare, 'GET', '/_sandbox')).body.hisOrderUrl, his.url);
      await control(bare, 'POST', '/_sandbox/his/recheck');
      assert.equal(bare.his.latePayment(held.body.id).state, 'refunded');
    } finally {
      await bare.close();
    }
  });

  it('the rule as a function: refund without a paid record of this payment or with it refunded, else keep', () => {
    const pay = (outTradeNo, fee = '5.00') => ({
      tradeType: 'pay',
      tradeFee: fee,
      tradeTime: '2026-11-28 10:00:00',
      outTradeNo,
      tradeNo: 'P',
    });
    const refund = (fee) => ({
      tradeType: 'refund',
      tradeFee: fee,
      tradeTime: '2026-11-28 10:05:00',
      outTradeNo: `R${fee}`,
      tradeNo: `RF${fee}`,
    });
    assert.equal(hisDecide({ outPaymentNo: 'A' }, []).action, 'refund');
    assert.equal(hisDecide({ outPaymentNo: 'A' }, [pay('A')]).action, 'hold');
    assert.equal(hisDecide({ outPaymentNo: 'B' }, [pay('A')]).action, 'refund');
    assert.equal(hisDecide({ outPaymentNo: 'A' }, [pay('A'), refund('5.00')]).action, 'refund');
    assert.equal(
      hisDecide({ outPaymentNo: 'A' }, [pay('A'), refund('4.99')]).action,
      'hold',
      'a partial refund: the HIS still keeps money',
    );
  });

  it('--his-order-url and --his-bill-url reach the options', () => {
    const parsed = parseCli(['--his-order-url', 'http://10.0.0.5:1880/his/order', '--his-bill-url', 'http://10.0.0.5:1880/his/bill'], {});
    assert.equal(parsed.options.hisOrderUrl, 'http://10.0.0.5:1880/his/order');
    assert.equal(parsed.options.hisBillUrl, 'http://10.0.0.5:1880/his/bill');
  });
});
