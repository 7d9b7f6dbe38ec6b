'use strict';
// HTTPS with a hospital's private CA: trusted when the CA is given, refused (as "not sent") when it is not.
const assert = require('node:assert/strict');
const https = require('node:https');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { core } = require('../helpers');

const KEY = 'tls-test-key';

function makeCertificates(dir) {
  const run = (...args) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  run(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '2',
    '-subj',
    '/CN=Hospital Test CA',
  );
  run('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
  fs.writeFileSync(path.join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1\n');
  run(
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'server.pem',
    '-days',
    '2',
    '-extfile',
    'ext.cnf',
  );
  const read = (f) => fs.readFileSync(path.join(dir, f), 'utf8');
  return { ca: read('ca.pem'), cert: read('server.pem'), key: read('server.key') };
}

describe('transport over HTTPS with a private CA', function () {
  this.timeout(30000);
  let server;
  let certs;
  let baseUrl;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'upp-tls-'));

  before(async function () {
    try {
      certs = makeCertificates(dir);
    } catch (err) {
      if (process.env.CI === 'true') throw err;
      this.skip(); // no openssl on this machine
    }
    server = https.createServer({ cert: certs.cert, key: certs.key }, (req, res) => {
      req.resume();
      req.on('end', () => {
        const tree = {
          result: true,
          kind: '0',
          msg: '',
          version: '1.0.0',
          timestamp: new core.LosslessNumber(String(Date.now())),
          data: { field: core.NETWORK_FIELD_TEXT },
        };
        tree.sign = core.md5Sign(core.canonicalOf(tree, 'v1'), KEY);
        res.setHeader('content-type', 'application/json;charset=UTF-8');
        res.end(core.writeJson(tree, { canonical: false }));
      });
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `https://127.0.0.1:${server.address().port}`;
  });
  after(() => {
    server?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('verifies the server against the given CA', async () => {
    const client = new core.UppClient({ baseUrl, isvId: 1, partnerId: 2, key: KEY, proxy: 'none', tls: { ca: certs.ca } });
    const r = await client.network();
    await client.destroy();
    assert.equal(r.outcome, 'success');
    assert.equal(r.diagnosis.code, 'ok');
  });

  it('without the CA the handshake fails before anything is sent', async () => {
    const client = new core.UppClient({ baseUrl, isvId: 1, partnerId: 2, key: KEY, proxy: 'none', retry: { attempts: 1 } });
    await assert.rejects(
      client.barCode({ paymentNo: 'T1', expireTime: Date.now() + 60e3, tradeFee: '1.00', subject: 's', authCode: '28' }),
      (err) => {
        assert.equal(err.code, 'ERR_UPP_NOT_SENT');
        return true;
      },
    );
    await client.destroy();
  });
});
