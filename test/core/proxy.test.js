'use strict';
// Proxies from the usual environment variables (http_proxy / https_proxy / no_proxy), as hospitals often require.
const assert = require('node:assert/strict');
const http = require('node:http');
const net = require('node:net');
const { core } = require('../helpers');
const { startSandbox } = require('../../dist/nodes/sandbox');

function startConnectProxy() {
  const seen = [];
  const server = http.createServer((req, res) => {
    res.statusCode = 405;
    res.end();
  });
  server.on('connect', (req, socket, head) => {
    seen.push(req.url);
    const [host, port] = req.url.split(':');
    const upstream = net.connect(Number(port), host, () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, seen, url: `http://127.0.0.1:${server.address().port}` })),
  );
}

describe('proxy from the environment', () => {
  let sb;
  let proxy;
  const saved = {};
  const names = ['http_proxy', 'HTTP_PROXY', 'https_proxy', 'HTTPS_PROXY', 'no_proxy', 'NO_PROXY'];

  before(async () => {
    sb = await startSandbox({ port: 0 });
    proxy = await startConnectProxy();
    for (const n of names) saved[n] = process.env[n];
  });
  after(async () => {
    for (const n of names) {
      if (saved[n] === undefined) delete process.env[n];
      else process.env[n] = saved[n];
    }
    proxy.server.close();
    await sb.close();
  });
  beforeEach(() => {
    for (const n of names) delete process.env[n];
    proxy.seen.length = 0;
  });

  const client = (over = {}) => new core.UppClient({ baseUrl: sb.url, isvId: 20000, partnerId: 12345, key: 'sandbox-key-0001', ...over });

  it('goes through http_proxy when set', async () => {
    process.env.http_proxy = proxy.url;
    const c = client();
    const r = await c.network();
    await c.destroy();
    assert.equal(r.outcome, 'success');
    // the network test, then its read on the query path (the edition probe): both tunnelled through the proxy
    assert.equal(proxy.seen.length, 2);
    assert.equal(sb.requests().length, 2);
  });
  it('skips the proxy for hosts in no_proxy, and with proxy: none', async () => {
    process.env.http_proxy = proxy.url;
    process.env.no_proxy = '127.0.0.1';
    const c1 = client();
    assert.equal((await c1.network()).outcome, 'success');
    await c1.destroy();
    delete process.env.no_proxy;
    const c2 = client({ proxy: 'none' });
    assert.equal((await c2.network()).outcome, 'success');
    await c2.destroy();
    assert.equal(proxy.seen.length, 0);
  });
});
