'use strict';
// The cashier page behind the pay URL, the control API, the request log, the access log and close().
const h = require('./support/helpers');
const { assert, send, dataOf, scanOrder, barOrder, query, refundInput, inMinutes } = h;

async function get(url) {
  const res = await h.request(url);
  return { status: res.statusCode, headers: res.headers, text: await res.body.text() };
}
async function form(url, fields) {
  const res = await h.request(url, {
    method: 'POST',
    body: new URLSearchParams(fields).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  return { status: res.statusCode, text: await res.body.text() };
}
async function api(sb, method, path, body) {
  const res = await h.request(`${sb.origin}${path}`, {
    method,
    body: body === undefined ? undefined : JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
  });
  const text = await res.body.text();
  return { status: res.statusCode, json: JSON.parse(text) };
}
const statusIn = (html) => /id="status"[^>]*>([^<]*)</.exec(html)?.[1];
const hiddenFields = (html, action) => {
  const formHtml = new RegExp(`<form method="post" action="${action}">(.*?)</form>`).exec(html)[1];
  return Object.fromEntries([...formHtml.matchAll(/name="(\w+)" value="([^"]*)"/g)].map((m) => [m[1], m[2]]));
};

describe('sandbox: cashier page', function () {
  let sb;
  before(async () => (sb = await h.startSandbox({ port: 0, prefix: '/hs-access-facepay' })));
  after(() => sb.close());

  it('GET of the pay URL shows subject (HTML-escaped), amount, status and the two buttons', async () => {
    const subject = '<script>alert("x")</script> & 挂号费';
    const { data } = await scanOrder(sb, '12.30', { subject });
    const page = await get(data.sign);
    assert.equal(page.status, 200);
    assert.match(page.headers['content-type'], /^text\/html/);
    assert.ok(!page.text.includes('<script>alert'), 'subject must be escaped');
    assert.ok(page.text.includes('&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; &#38; 挂号费'));
    assert.ok(page.text.includes('12.30'));
    assert.equal(statusIn(page.text), 'wait_pay');
    assert.match(page.text, /<button id="pay" type="submit">支付 Pay<\/button>/);
    assert.match(page.text, /<button id="decline" type="submit">拒绝 Decline<\/button>/);
    assert.ok(page.text.includes('action="/_sandbox/cashier/pay"') && page.text.includes('action="/_sandbox/cashier/decline"'));
    assert.ok(page.text.includes(data.sign.replace(/&/g, '&#38;')), 'shows the QR content');
  });

  it('pressing Pay (form POST) pays the order and shows the new status; the query answers pay_success', async () => {
    const { paymentNo, data } = await scanOrder(sb, '12.00');
    const page = await get(data.sign);
    const result = await form(`${sb.origin}/_sandbox/cashier/pay`, hiddenFields(page.text, '/_sandbox/cashier/pay'));
    assert.equal(result.status, 200);
    assert.equal(statusIn(result.text), 'pay_success');
    assert.match(result.text, /<button id="pay" type="submit" disabled>/);
    const after = dataOf(await query(sb, paymentNo));
    assert.equal(after.tradeStatus, 'pay_success');
    assert.ok(after.paymentTime);
    const twice = await form(`${sb.origin}/_sandbox/cashier/decline`, hiddenFields(page.text, '/_sandbox/cashier/decline'));
    assert.equal(twice.status, 409);
    assert.equal(statusIn(twice.text), 'pay_success');
  });

  it('pressing Decline makes the order pay_failed', async () => {
    const { paymentNo, data } = await scanOrder(sb, '12.00');
    const page = await get(data.sign);
    const result = await form(`${sb.origin}/_sandbox/cashier/decline`, hiddenFields(page.text, '/_sandbox/cashier/decline'));
    assert.equal(statusIn(result.text), 'pay_failed');
    assert.equal(dataOf(await query(sb, paymentNo)).tradeStatus, 'pay_failed');
  });

  it('a wrong token or unknown order is 404 and changes nothing', async () => {
    const { paymentNo, data } = await scanOrder(sb, '12.00');
    const url = new URL(data.sign);
    assert.equal((await get(data.sign.replace(/t=[0-9a-f]+/, 't=0000'))).status, 404);
    const bad = await form(`${sb.origin}/_sandbox/cashier/pay`, { order: url.searchParams.get('order'), t: 'guess' });
    assert.equal(bad.status, 404);
    assert.equal(sb.order(paymentNo).tradeStatus, 'wait_pay');
  });

  it('an expired order shows closed and cannot be paid (injected clock)', async () => {
    let clock = Date.now();
    const timed = await h.startSandbox({ port: 0, now: () => clock });
    try {
      const { paymentNo, data } = await scanOrder(timed, '12.00', { expireTime: inMinutes(1, clock) }, { now: clock });
      const page = await get(data.sign);
      clock += 2 * 60_000;
      const result = await form(`${timed.origin}/_sandbox/cashier/pay`, hiddenFields(page.text, '/_sandbox/cashier/pay'));
      assert.equal(result.status, 409);
      assert.equal(statusIn(result.text), 'closed');
      assert.equal(statusIn((await get(data.sign)).text), 'closed');
      assert.equal(timed.order(paymentNo).tradeStatus, 'closed');
    } finally {
      await timed.close();
    }
  });
});

describe('sandbox: request log', function () {
  let sb;
  before(async () => (sb = await h.startSandbox({ port: 0 })));
  after(() => sb.close());
  beforeEach(() => sb.clearRequests());

  it('records every endpoint request with the exact raw text, parsed body (numbers as text) and outcome', async () => {
    const input = h.barInput('7.00');
    const res = await send(sb, 'barCode', input);
    await send(sb, 'barCode', input); // duplicate, refused
    await send(sb, 'network', {}, { key: 'wrong' });
    const all = sb.requests();
    assert.equal(all.length, 3);
    const [first, second, third] = all;
    assert.ok(first.seq < second.seq && second.seq < third.seq);
    assert.equal(first.raw, res.body);
    assert.equal(first.endpoint, 'barCode');
    assert.equal(first.path, '/access/barcode');
    assert.equal(first.body.tradeFee, '7.00');
    assert.equal(first.body.isvId, '20000');
    assert.equal(first.body.paymentNo, input.paymentNo);
    assert.equal(first.signatureValid, true);
    assert.equal(typeof first.time, 'number');
    assert.deepEqual(first.response, { httpStatus: 200, result: true, tradeStatus: 'pay_success' });
    assert.deepEqual(second.response, { httpStatus: 200, result: false, msg: '订单号重复' });
    assert.equal(third.signatureValid, false);
    assert.equal(third.response.msg, '签名错误');
  });

  it('filters by endpoint, paymentNo and requestNo; "no second pay request was sent" is checkable', async () => {
    const a = await barOrder(sb, '9.00');
    const b = await barOrder(sb, '9.00');
    await query(sb, a.paymentNo, 'barcode_pay');
    const refund = refundInput(a.paymentNo, '1.00');
    await send(sb, 'refund', refund);
    assert.equal(sb.requests({ endpoint: 'barCode', paymentNo: a.paymentNo }).length, 1);
    assert.equal(sb.requests({ paymentNo: a.paymentNo }).length, 3);
    assert.equal(sb.requests({ endpoint: 'barCode' }).length, 2);
    assert.equal(sb.requests({ requestNo: refund.requestNo })[0].endpoint, 'refund');
    assert.equal(sb.requests({ paymentNo: b.paymentNo, endpoint: 'query' }).length, 0);
  });

  it('hands out copies, and clearRequests() empties it', async () => {
    await send(sb, 'network', {});
    sb.requests()[0].body.isvId = 'changed';
    assert.equal(sb.requests()[0].body.isvId, '20000');
    sb.clearRequests();
    assert.deepEqual(sb.requests(), []);
  });
});

describe('sandbox: control API (origin root, whatever the prefix)', function () {
  let sb;
  before(async () => (sb = await h.startSandbox({ port: 0, prefix: '/ctx', key: 'control-test-key-9' })));
  after(() => sb.close());
  const opts = { key: 'control-test-key-9' };
  const data = (res) => dataOf(res, 'v1', 'control-test-key-9');

  it('GET /_sandbox describes the sandbox without the key; not served under the prefix', async () => {
    const info = await api(sb, 'GET', '/_sandbox');
    assert.equal(info.status, 200);
    assert.equal(info.json.url, sb.url);
    assert.equal(info.json.isvId, '20000');
    assert.ok(!JSON.stringify(info.json).includes('control-test-key-9'));
    assert.equal((await get(`${sb.url}/_sandbox/orders`)).status, 404);
  });

  it('orders, one order, pay / decline / expire, and 404 / 409 with a reason', async () => {
    const a = h.scanInput('3.00');
    const b = h.scanInput('3.00');
    const c = h.scanInput('3.00');
    for (const input of [a, b, c]) data(await send(sb, 'scanCode', input, opts));
    const list = await api(sb, 'GET', '/_sandbox/orders');
    assert.deepEqual(list.json.map((o) => o.paymentNo).filter((p) => [a, b, c].some((i) => i.paymentNo === p)).length, 3);
    const one = await api(sb, 'GET', `/_sandbox/orders/${encodeURIComponent(a.paymentNo)}`);
    assert.equal(one.json.tradeStatus, 'wait_pay');
    assert.equal(one.json.tradeFee, '3.00');
    assert.equal((await api(sb, 'POST', `/_sandbox/orders/${a.paymentNo}/pay`)).json.tradeStatus, 'pay_success');
    assert.equal((await api(sb, 'POST', `/_sandbox/orders/${b.paymentNo}/decline`)).json.tradeStatus, 'pay_failed');
    assert.equal((await api(sb, 'POST', `/_sandbox/orders/${c.paymentNo}/expire`)).json.tradeStatus, 'closed');
    const again = await api(sb, 'POST', `/_sandbox/orders/${a.paymentNo}/pay`);
    assert.equal(again.status, 409);
    assert.match(again.json.error, /pay_success/);
    assert.equal((await api(sb, 'GET', '/_sandbox/orders/nope')).status, 404);
    assert.equal((await api(sb, 'POST', '/_sandbox/orders/nope/pay')).status, 404);
    assert.equal(data(await send(sb, 'query', { bizType: 'scan_pay', paymentNo: a.paymentNo }, opts)).tradeStatus, 'pay_success');
  });

  it('refunds and one refund', async () => {
    const bar = h.barInput('4.00');
    data(await send(sb, 'barCode', bar, opts));
    const refund = refundInput(bar.paymentNo, '1.02');
    data(await send(sb, 'refund', refund, opts));
    const list = await api(sb, 'GET', '/_sandbox/refunds');
    assert.ok(list.json.some((r) => r.requestNo === refund.requestNo && r.tradeStatus === 'refund_apply_success'));
    assert.equal((await api(sb, 'GET', `/_sandbox/refunds/${refund.requestNo}`)).json.refundFee, '1.02');
  });

  it('requests with filters, and DELETE clears them', async () => {
    const input = h.barInput('4.00');
    await send(sb, 'barCode', input, opts);
    const found = await api(sb, 'GET', `/_sandbox/requests?endpoint=barCode&paymentNo=${input.paymentNo}`);
    assert.equal(found.json.length, 1);
    assert.equal(found.json[0].body.tradeFee, '4.00');
    assert.equal((await api(sb, 'DELETE', '/_sandbox/requests')).status, 200);
    assert.deepEqual((await api(sb, 'GET', '/_sandbox/requests')).json, []);
  });

  it('POST /_sandbox/faults arms a fault; bad specs are 400', async () => {
    const armed = await api(sb, 'POST', '/_sandbox/faults', { fault: 'http500', endpoint: 'network', times: 1 });
    assert.equal(armed.status, 200);
    assert.equal((await send(sb, 'network', {}, opts)).status, 500);
    data(await send(sb, 'network', {}, opts));
    assert.equal((await api(sb, 'POST', '/_sandbox/faults', { fault: 'nope' })).status, 400);
    assert.equal((await api(sb, 'POST', '/_sandbox/faults', { fault: 'slow', endpoint: 'x' })).status, 400);
    const res = await h.request(`${sb.origin}/_sandbox/faults`, {
      method: 'POST',
      body: '{oops',
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(res.statusCode, 400);
    await res.body.text();
  });

  it('POST /_sandbox/reset forgets orders, refunds, faults and requests', async () => {
    data(await send(sb, 'barCode', h.barInput('4.00'), opts));
    await api(sb, 'POST', '/_sandbox/faults', { fault: 'http500' });
    assert.equal((await api(sb, 'POST', '/_sandbox/reset')).status, 200);
    assert.deepEqual(sb.orders(), []);
    assert.deepEqual(sb.refunds(), []);
    assert.deepEqual(sb.requests(), []);
    data(await send(sb, 'network', {}, opts));
  });

  it('unknown control paths are 404', async () => {
    assert.equal((await get(`${sb.origin}/_sandbox/nothing`)).status, 404);
  });
});

describe('sandbox: access log and close()', function () {
  it('logs one line per request and never the key', async () => {
    const lines = [];
    const key = 'secret-key-never-logged-42';
    const sb = await h.startSandbox({ port: 0, key, log: (line) => lines.push(line) });
    try {
      const input = h.barInput('1.00');
      dataOf(await send(sb, 'barCode', input, { key }), 'v1', key);
      await send(sb, 'network', {}, { key: 'wrong' });
      assert.equal(lines.length, 2);
      assert.match(lines[0], new RegExp(`POST /access/barcode barCode ${input.paymentNo} -> 200 result=true pay_success`));
      assert.match(lines[1], /签名错误.*\(bad sign\)/);
      assert.ok(lines.every((line) => !line.includes(key)));
    } finally {
      await sb.close();
    }
  });

  it('close() with a slow answer in flight finishes at once and frees the port', async () => {
    const sb = await h.startSandbox({ port: 0, slowMs: 60_000 });
    const pending = send(sb, 'barCode', h.barInput('1.91')).then(
      () => 'answered',
      () => 'dropped',
    );
    while (sb.requests().length === 0) await new Promise((r) => setTimeout(r, 5));
    const closed = await Promise.race([sb.close().then(() => 'closed'), new Promise((r) => setTimeout(() => r('still open'), 3000))]);
    assert.equal(closed, 'closed');
    assert.equal(await pending, 'dropped');
    await sb.close(); // idempotent
    const again = await h.startSandbox({ port: sb.port });
    await again.close();
  });

  it('keep-alive: the next request reuses the connection', async () => {
    const http = require('node:http');
    const sb = await h.startSandbox({ port: 0 });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const once = () =>
      new Promise((resolve, reject) => {
        const { body } = h.core.encodeRequest(h.IDS, {}, h.KEY, 'v1', Date.now());
        const req = http.request(
          `${sb.url}/access/network`,
          { method: 'POST', agent, headers: { 'content-type': 'application/json' } },
          (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (chunk) => (text += chunk));
            res.on('end', () => resolve({ reused: req.reusedSocket, tree: h.core.parseLossless(text), status: res.statusCode }));
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    try {
      const answers = [await once(), await once(), await once()];
      answers.forEach((a) => h.verified(a));
      assert.deepEqual(
        answers.map((a) => a.reused),
        [false, true, true],
      );
    } finally {
      agent.destroy();
      await sb.close();
    }
  });
});
