'use strict';
// The transport reads an answer exactly as received, with or without a Content-Length, and refuses one over its
// limit either way; a caller's signal shared by many attempts aborts every attempt in flight and holds one listener.
const assert = require('node:assert/strict');
const http = require('node:http');
const { getEventListeners } = require('node:events');
const { Transport } = require('../../dist/nodes/core/transport');

const BOM = '\ufeff';
const ANSWER = `${BOM}{"result":true,"msg":"成功","tradeFee":100.00}`;
/** An answer larger than what undici's reader takes whole (64 KiB), with characters of several bytes across chunks. */
const BILL = `${BOM}{"data":[${Array.from({ length: 3000 }, (_, i) => `{"memo":"芸泰统一支付${i}","fee":${i}.10}`).join(',')}]}`;

describe('transport: reading answers', () => {
  let server;
  let origin;
  let transport;
  const held = [];

  before(async () => {
    server = http.createServer((req, res) => {
      req.resume();
      const mode = req.url.slice(1);
      if (mode === 'hold') return held.push(res); // answered by the test, or never
      const bytes = Buffer.from(mode.startsWith('large') ? 'x'.repeat(4096) : mode.startsWith('bill') ? BILL : ANSWER, 'utf8');
      if (mode.endsWith('chunked')) {
        res.write(bytes.subarray(0, 5));
        res.end(bytes.subarray(5));
      } else {
        res.setHeader('content-length', bytes.length);
        res.end(bytes);
      }
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${server.address().port}`;
    transport = new Transport({ origin, connectTimeoutMs: 2000, proxy: 'none', maxResponseBytes: 1024 });
  });

  after(async () => {
    for (const res of held) res.destroy();
    await transport.close();
    await new Promise((resolve) => server.close(resolve));
  });

  for (const mode of ['length', 'chunked']) {
    it(`an answer ${mode === 'length' ? 'with a Content-Length' : 'sent in chunks'} comes back byte for byte (a BOM included)`, async () => {
      const attempt = await transport.post(`/${mode}`, '{}', 5000);
      assert.equal(attempt.kind, 'answered');
      assert.equal(attempt.body, ANSWER);
    });

    it(`an answer over the limit ${mode === 'length' ? 'by its Content-Length' : 'in chunks'} is too_large (maybe sent)`, async () => {
      const attempt = await transport.post(`/large-${mode}`, '{}', 5000);
      assert.equal(attempt.kind, 'maybe_sent');
      assert.equal(attempt.reason, 'too_large');
    });
  }

  for (const mode of ['bill-length', 'bill-chunked']) {
    it(`a large answer ${mode === 'bill-length' ? 'with a Content-Length' : 'sent in chunks'} (over 64 KiB) comes back byte for byte`, async () => {
      assert.ok(Buffer.byteLength(BILL) > 64 * 1024);
      const attempt = await transport.post(`/${mode}`, '{}', 5000, undefined, 1024 * 1024);
      assert.equal(attempt.kind, 'answered');
      assert.equal(attempt.body, BILL);
    });
  }

  it('a per-endpoint limit overrides the transport default', async () => {
    const attempt = await transport.post('/large-length', '{}', 5000, undefined, 8192);
    assert.equal(attempt.kind, 'answered');
    assert.equal(attempt.body.length, 4096);
  });

  it('one caller signal shared by attempts in flight: aborting it aborts them all; it carries one listener', async () => {
    const controller = new AbortController();
    const attempts = [1, 2, 3].map(() => transport.post('/hold', '{}', 10000, controller.signal));
    while (held.length < 3) await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal(getEventListeners(controller.signal, 'abort').length, 1);
    controller.abort();
    for (const attempt of await Promise.all(attempts)) {
      assert.equal(attempt.kind, 'maybe_sent');
      assert.equal(attempt.reason, 'aborted');
    }
    const after = await transport.post('/length', '{}', 5000, controller.signal);
    assert.equal(after.kind, 'maybe_sent', 'an attempt on an aborted signal is aborted at once (as before)');
    assert.equal(after.reason, 'aborted');
  });
});
