'use strict';
// The upp-sandbox command: starts, prints its URL and the magic values (never the key), serves, stops on SIGTERM.
const path = require('node:path');
const { spawn, spawnSync } = require('node:child_process');
const h = require('./support/helpers');
const { assert, send, dataOf } = h;

const CLI = path.resolve(__dirname, '..', '..', 'dist', 'nodes', 'sandbox', 'cli.js');

/** Spawns the CLI and resolves once it has printed its URL. */
function startCli(args, env = {}) {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (chunk) => (out += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk) => (err += chunk));
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const ready = new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      const m = /listening at (http:\/\/\S+)/.exec(out);
      if (m) {
        clearInterval(timer);
        resolve(m[1]);
      }
    }, 20);
    exited.then(({ code }) => {
      clearInterval(timer);
      reject(new Error(`exited with ${code}: ${err}`));
    });
  });
  return { child, ready, exited, output: () => out + err };
}

describe('sandbox: upp-sandbox CLI', function () {
  it('starts with options, prints the URL and the magic values but never the key, and stops on SIGTERM', async () => {
    const key = 'cli-secret-key-0042';
    const cli = startCli([
      '--port',
      '0',
      '--prefix',
      '/x',
      '--profile',
      'v2',
      '--key',
      key,
      '--isv-id',
      '321',
      '--partner-id',
      '654',
      '--slow-ms',
      '300',
      '--require-body',
      '--no-data-sign',
    ]);
    try {
      const url = await cli.ready;
      assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/x$/);
      const { port } = new URL(url);
      const sb = { url, origin: new URL(url).origin, port };
      const opts = { profile: 'v2', key, ids: { isvId: '321', partnerId: '654' } };
      assert.equal(dataOf(await send(sb, 'network', {}, opts), 'v2', key).field, '杭州恒生芸泰网络科技有限公司');
      h.rejected(await send(sb, 'scanCode', h.scanInput('1.00'), opts), '字段 body 非法', 'v2', key);
      const scan = await send(sb, 'scanCode', h.scanInput('1.00', { body: 'b' }), opts);
      assert.equal(h.core.verifyTree(scan.tree, key, 'v2', 'auto').verified, 'v2/no-data-sign');
      const out = cli.output();
      assert.match(out, /isvId 321, partnerId 654, profile v2, key: --key/);
      assert.match(out, /\.2N pay_success from query N/);
      assert.match(out, /\.91 slow/);
      assert.match(out, /POST \/x\/access\/network network/, 'access log');
      assert.ok(!out.includes(key), 'the key is never printed');
    } finally {
      cli.child.kill('SIGTERM');
    }
    const { code } = await cli.exited;
    assert.equal(code, 0);
  });

  it('prints the HIS view URLs the platform side asks (or how to set them)', async () => {
    const order = 'http://127.0.0.1:1880/his/order';
    const bill = 'http://127.0.0.1:1880/his/bill';
    const withViews = startCli(['--port', '0', '--quiet', '--his-order-url', order, '--his-bill-url', bill]);
    const without = startCli(['--port', '0', '--quiet']);
    try {
      await Promise.all([withViews.ready, without.ready]);
      for (const cli of [withViews, without])
        while (!/Press Ctrl-C to stop/.test(cli.output())) await new Promise((r) => setTimeout(r, 20));
      assert.match(withViews.output(), new RegExp(`HIS views: order ${order}, bill ${bill}\\n`));
      assert.match(without.output(), /HIS views: order \(none: --his-order-url\), bill \(none: --his-bill-url\)\n/);
      assert.match(without.output(), /control API: http:\/\/127\.0\.0\.1:\d+\/_sandbox\/ \(.*late-payments, his, reconcile, bills\)/);
    } finally {
      withViews.child.kill('SIGTERM');
      without.child.kill('SIGTERM');
    }
    assert.equal((await withViews.exited).code, 0);
    assert.equal((await without.exited).code, 0);
  });

  it('takes the key from UPP_SANDBOX_KEY and defaults to the documented test key', async () => {
    const key = 'env-secret-key-77';
    const cli = startCli(['--port', '0', '--quiet'], { UPP_SANDBOX_KEY: key });
    try {
      const url = await cli.ready;
      const sb = { url, origin: url, port: new URL(url).port };
      dataOf(await send(sb, 'network', {}, { key }), 'v1', key);
      assert.match(cli.output(), /key: env UPP_SANDBOX_KEY/);
      assert.ok(!cli.output().includes(key));
      assert.ok(!cli.output().includes('POST /access'), '--quiet: no access log');
    } finally {
      cli.child.kill('SIGINT');
    }
    assert.equal((await cli.exited).code, 0);

    const plain = startCli(['--port', '0', '--quiet'], { UPP_SANDBOX_KEY: '' });
    try {
      const url = await plain.ready;
      dataOf(await send({ url, origin: url, port: new URL(url).port }, 'network', {}));
      assert.match(plain.output(), /key: default test key/);
    } finally {
      plain.child.kill('SIGTERM');
    }
    assert.equal((await plain.exited).code, 0);
  });

  it('--edition and --sign-variant: serves that edition only and signs as that variant', async () => {
    const cli = startCli(['--port', '0', '--edition', '2.1', '--sign-variant', 'v2-mixed/iso-time', '--quiet']);
    try {
      const url = await cli.ready;
      const sb = { url, origin: url, port: new URL(url).port };
      const input = h.barInput('4.00');
      const res = await send(sb, 'barCode', input, { style: 'v2' });
      assert.deepEqual(h.core.verifyTree(res.tree, h.KEY, 'v1', 'auto'), { verified: 'v2-mixed/iso-time' });
      assert.equal((await send(sb, 'barCode', h.barInput('4.00'), { style: 'manual-1.0' })).status, 404);
      const out = cli.output();
      assert.match(out, /edition 2\.1, isvId 20000, partnerId 12345, profile v1, key: default test key/);
      assert.match(out, /answers signed v2-mixed\/iso-time/);
      assert.match(
        out,
        /paths: \/access\/\{network,scanCode,barCode,paymentQuery,refund,refundQuery,close,faceCode,yuntaiBills,channelBIlls\}/,
      );
    } finally {
      cli.child.kill('SIGTERM');
    }
    assert.equal((await cli.exited).code, 0);
  });

  it('--help prints usage; a bad option exits 2', () => {
    const help = spawnSync(process.execPath, [CLI, '--help'], { encoding: 'utf8' });
    assert.equal(help.status, 0);
    assert.match(help.stdout, /Usage: upp-sandbox/);
    assert.match(help.stdout, /--no-data-sign/);
    const bad = spawnSync(process.execPath, [CLI, '--bogus'], { encoding: 'utf8' });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /bogus/);
    const badPort = spawnSync(process.execPath, [CLI, '--port', 'abc'], { encoding: 'utf8' });
    assert.equal(badPort.status, 2);
    const badEdition = spawnSync(process.execPath, [CLI, '--edition', '3.0'], { encoding: 'utf8' });
    assert.equal(badEdition.status, 2);
    assert.match(badEdition.stderr, /edition must be one of 1\.0, 2\.0, 2\.1, 2\.2, 2\.3/);
    const badVariant = spawnSync(process.execPath, [CLI, '--sign-variant', 'v1/iso'], { encoding: 'utf8' });
    assert.equal(badVariant.status, 2);
    assert.match(badVariant.stderr, /signVariant must be a variant name/);
  });

  it('starts with a #!/usr/bin/env node line', () => {
    assert.ok(require('node:fs').readFileSync(CLI, 'utf8').startsWith('#!/usr/bin/env node\n'));
  });
});
