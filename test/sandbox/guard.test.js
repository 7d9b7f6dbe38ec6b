'use strict';
// The control API and the cashier against a developer's own browser (issue 10 item 7): DNS rebinding (foreign Host),
// CSRF (foreign Origin) and "simple" cross-site POSTs (text/plain, forms) are refused; the sandbox's own names, the
// cashier page's same-origin forms and JSON clients keep working.
const http = require('node:http');
const h = require('./support/helpers');
const { assert, scanOrder } = h;

/** A raw request with exactly these headers (undici would not let a test forge Host). */
function raw(sb, method, path, { headers = {}, body = '' } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port: sb.port, method, path, headers: { 'content-length': Buffer.byteLength(body), ...headers } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode, text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('sandbox: control API and cashier refuse cross-site requests', function () {
  let sb;
  let own;
  before(async () => {
    sb = await h.startSandbox({ port: 0 });
    own = `127.0.0.1:${sb.port}`;
  });
  after(() => sb.close());
  afterEach(() => sb.reset());
  const status = (paymentNo) => sb.order(paymentNo).tradeStatus;

  it('the attack: a text/plain POST from a foreign Origin with Host rebind.evil.example does not pay the order', async () => {
    const { paymentNo } = await scanOrder(sb, '12.00');
    const res = await raw(sb, 'POST', `/_sandbox/orders/${paymentNo}/pay`, {
      headers: { host: 'rebind.evil.example', origin: 'http://rebind.evil.example', 'content-type': 'text/plain' },
      body: '{}',
    });
    assert.equal(res.status, 403);
    assert.match(JSON.parse(res.text).error, /rebind\.evil\.example/);
    assert.equal(status(paymentNo), 'wait_pay');
  });

  it('each protection on its own: foreign Host, foreign or null Origin, a body that is not JSON', async () => {
    const { paymentNo } = await scanOrder(sb, '12.00');
    const path = `/_sandbox/orders/${paymentNo}/pay`;
    const json = { 'content-type': 'application/json' };
    assert.equal((await raw(sb, 'POST', path, { headers: { ...json, host: `rebind.evil.example:${sb.port}` } })).status, 403);
    assert.equal((await raw(sb, 'POST', path, { headers: { ...json, host: own, origin: 'https://evil.example' } })).status, 403);
    assert.equal((await raw(sb, 'POST', path, { headers: { ...json, host: own, origin: 'null' } })).status, 403);
    assert.equal(
      (await raw(sb, 'POST', path, { headers: { ...json, host: `127.0.0.1:${sb.port + 1}` } })).status,
      403,
      'another port is another origin',
    );
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', undefined]) {
      const headers = type ? { host: own, 'content-type': type } : { host: own };
      assert.equal((await raw(sb, 'POST', path, { headers })).status, 415, String(type));
    }
    assert.equal((await raw(sb, 'POST', '/_sandbox/reset', { headers: { host: own, 'content-type': 'text/plain' } })).status, 415);
    assert.equal((await raw(sb, 'DELETE', '/_sandbox/requests', { headers: { host: own } })).status, 415);
    assert.equal(status(paymentNo), 'wait_pay');
    assert.ok(sb.requests().length > 0, 'reset and DELETE were refused');
  });

  it('a rebound page cannot read the control API either (GET with a foreign Host)', async () => {
    await scanOrder(sb, '12.00');
    const res = await raw(sb, 'GET', '/_sandbox/orders', { headers: { host: 'rebind.evil.example' } });
    assert.equal(res.status, 403);
    assert.doesNotMatch(res.text, /paymentNo/);
  });

  it('its own names work: 127.0.0.1, localhost, [::1] with the port, JSON, same-origin Origin or none', async () => {
    const names = [own, `localhost:${sb.port}`, `[::1]:${sb.port}`, `LOCALHOST:${sb.port}`];
    for (const host of names) {
      const { paymentNo } = await scanOrder(sb, '12.00');
      const origin = `http://${host.toLowerCase()}`;
      const res = await raw(sb, 'POST', `/_sandbox/orders/${paymentNo}/pay`, {
        headers: { host, origin, 'content-type': 'application/json; charset=utf-8' },
      });
      assert.equal(res.status, 200, `${host}: ${res.text}`);
      assert.equal(status(paymentNo), 'pay_success');
    }
    assert.equal((await raw(sb, 'GET', '/_sandbox/orders', { headers: { host: `localhost:${sb.port}` } })).status, 200);
  });

  it('the cashier page: same-origin form posts pay; a foreign Origin or Host cannot', async () => {
    const { paymentNo, data } = await scanOrder(sb, '12.00');
    const url = new URL(data.sign);
    const form = new URLSearchParams({ order: url.searchParams.get('order'), t: url.searchParams.get('t') }).toString();
    const formType = { 'content-type': 'application/x-www-form-urlencoded' };
    assert.equal((await raw(sb, 'GET', `${url.pathname}${url.search}`, { headers: { host: `localhost:${sb.port}` } })).status, 200);
    assert.equal((await raw(sb, 'GET', `${url.pathname}${url.search}`, { headers: { host: 'rebind.evil.example' } })).status, 403);
    const cross = await raw(sb, 'POST', '/_sandbox/cashier/pay', {
      headers: { ...formType, host: own, origin: 'http://evil.example' },
      body: form,
    });
    assert.equal(cross.status, 403);
    assert.equal(status(paymentNo), 'wait_pay');
    const same = await raw(sb, 'POST', '/_sandbox/cashier/pay', {
      headers: { ...formType, host: own, origin: `http://${own}` },
      body: form,
    });
    assert.equal(same.status, 200, same.text);
    assert.equal(status(paymentNo), 'pay_success');
  });

  it('a public URL is one of its names (cashier links behind a proxy)', async () => {
    const proxied = await h.startSandbox({ port: 0, publicUrl: 'https://pay.example.org/' });
    try {
      const { data } = await scanOrder(proxied, '12.00');
      const url = new URL(data.sign);
      assert.equal(url.host, 'pay.example.org');
      const page = await raw(proxied, 'GET', `${url.pathname}${url.search}`, {
        headers: { host: 'pay.example.org', origin: 'https://pay.example.org' },
      });
      assert.equal(page.status, 200);
      assert.equal((await raw(proxied, 'GET', '/_sandbox', { headers: { host: 'other.example.org' } })).status, 403);
    } finally {
      await proxied.close();
    }
  });

  it('the signed endpoints are not affected (any Host: they need the key)', async () => {
    const res = await h.send(sb, 'network', {});
    assert.equal(res.status, 200);
    const spoofed = await raw(sb, 'POST', '/access/network', {
      headers: { host: 'anything.example', 'content-type': 'text/plain' },
      body: res.body,
    });
    assert.equal(spoofed.status, 200);
    assert.equal(JSON.parse(spoofed.text).result, true);
  });
});
