'use strict';
// A hospital's private CA for the HTTPS tests: a CA and a server certificate for 127.0.0.1 signed by it, made with
// openssl (valid two days), and an HTTPS server on 127.0.0.1 that presents it.
const fs = require('node:fs');
const https = require('node:https');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

/** PEM texts { ca, cert, key }; the files are made in a temporary folder that is removed again. Throws without openssl. */
function makeCertificates() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'upp-tls-'));
  try {
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
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * For a before() hook (pass its `this`): an HTTPS server on 127.0.0.1 (a free port) with a certificate of a private
 * CA, answering with `handler`: { certs: { ca, cert, key }, baseUrl, server }. The suite is skipped when openssl is
 * missing on this machine; under CI=true that is a failure.
 */
async function httpsServerOrSkip(hook, handler) {
  let certs;
  try {
    certs = makeCertificates();
  } catch (err) {
    if (process.env.CI === 'true') throw err;
    return hook.skip();
  }
  const server = https.createServer({ cert: certs.cert, key: certs.key }, handler);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { certs, server, baseUrl: `https://127.0.0.1:${server.address().port}` };
}

module.exports = { httpsServerOrSkip };
