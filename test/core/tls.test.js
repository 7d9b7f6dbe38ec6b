'use strict';
// HTTPS with a hospital's private CA: trusted when the CA is given, refused (as "not sent") when it is not.
const assert = require('node:assert/strict');
const { core } = require('../helpers');
const { httpsServerOrSkip } = require('../support/tls');

const KEY = 'tls-test-key';

describe('transport over HTTPS with a private CA', function () {
  this.timeout(30000);
  let server;
  let certs;
  let baseUrl;

  before(async function () {
    ({ certs, server, baseUrl } = await httpsServerOrSkip(this, (req, res) => {
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
    }));
  });
  after(() => server?.close());

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
