'use strict';
// upp-config: one lazily created client per config node, the runtime API (getClient), ${VAR} in every field
// (the key included), config errors that name the field, TLS through a core tls-config node, release on close.
const s = require('./support');
const { httpsServerOrSkip } = require('../support/tls');
const { assert, KEY, load, configNode, configCredentials, actionFlow, sendAndWait } = s;
const core = require('../../dist/nodes/core');

describe('upp-config', function () {
  let sb;
  before(async () => (sb = await s.startSandbox()));
  after(() => sb.close());
  s.standardHooks();

  const flowWith = (cfgExtra) => actionFlow('upp-network', {}, configNode(sb, cfgExtra));

  it('registers the key as a password credential (never sent to the editor, never exported)', async () => {
    await load(flowWith({}), configCredentials());
    const redNodes = s.helper._redNodes;
    assert.deepEqual(redNodes.getCredentialDefinition('upp-config'), { key: { type: 'password' } });
  });

  it("getClient(): created on first use, one per config node, with the node's settings", async () => {
    await load(
      flowWith({ connectTimeout: '700', payTimeout: 900, readTimeout: '800', pathStyle: 'v2', profile: 'v2', verify: 'strict' }),
      configCredentials(),
    );
    const cfg = s.helper.getNode('cfg');
    const a = cfg.getClient();
    const b = cfg.getClient();
    assert.ok(a instanceof core.UppClient);
    assert.strictEqual(a, b);
    assert.deepEqual(a.options.timeouts, { connectMs: 700, payMs: 900, readMs: 800 });
    assert.equal(a.options.pathStyle, 'v2');
    assert.equal(a.options.profile, 'v2');
    assert.equal(a.options.verify, 'strict');
    assert.equal(a.options.proxy, 'none');
    assert.equal(a.options.closeGraceMs, 300, 'grace from settings.uppCloseGraceMs');
    assert.ok(!JSON.stringify(a).includes(KEY));
  });

  it('defaults: timeouts 5000/35000/10000, profile v1, verify auto, manual-1.0 paths, proxy env', async () => {
    await load([{ id: 'cfg', type: 'upp-config', baseUrl: sb.url, isvId: '20000', partnerId: '12345' }], configCredentials());
    const o = s.helper.getNode('cfg').getClient().options;
    assert.deepEqual(o.timeouts, { connectMs: 5000, payMs: 35000, readMs: 10000 });
    assert.equal(o.profile, 'v1');
    assert.equal(o.verify, 'auto');
    assert.equal(o.pathStyle, 'manual-1.0');
    assert.equal(o.proxy, 'env');
  });

  it('getClient() throws UppConfigError naming the field, never the key', async () => {
    await load(flowWith({ isvId: 'abc' }), configCredentials());
    assert.throws(
      () => s.helper.getNode('cfg').getClient(),
      (err) => {
        assert.ok(err instanceof core.UppConfigError);
        assert.equal(err.code, 'ERR_UPP_CONFIG');
        assert.equal(err.field, 'isvId');
        assert.ok(!err.message.includes(KEY) && !err.messageZh.includes(KEY));
        return true;
      },
    );
  });

  describe('${VAR} in every field, the key included', () => {
    const env = {
      UPP_T_KEY: KEY,
      UPP_T_HOST: '127.0.0.1',
      UPP_T_ISV: '20000',
      UPP_T_PARTNER: '12345',
      UPP_T_TIMEOUT: '650',
      UPP_T_PROFILE: 'v1',
    };
    before(() => Object.assign(process.env, env, { UPP_T_PORT: String(new URL(sb.url).port) }));
    after(() => {
      for (const k of [...Object.keys(env), 'UPP_T_PORT']) delete process.env[k];
    });

    it('whole values (Node-RED substitutes them) and embedded ones (the node does)', async () => {
      await load(
        flowWith({
          baseUrl: 'http://${UPP_T_HOST}:${UPP_T_PORT}',
          isvId: '${UPP_T_ISV}',
          partnerId: '${UPP_T_PARTNER}',
          readTimeout: '${UPP_T_TIMEOUT}',
          profile: '${UPP_T_PROFILE}',
        }),
        configCredentials('${UPP_T_KEY}'),
      );
      const r = await sendAndWait({ payload: 1 }, 1);
      assert.ok(!r.error, r.error && r.error.error.message);
      assert.equal(r.msg.upp.diagnosis.code, 'ok', 'the key from the environment signs correctly');
      assert.equal(s.helper.getNode('cfg').getClient().options.timeouts.readMs, 650);
    });

    it('the key embedded in a longer value', async () => {
      process.env.UPP_T_KEY_TAIL = KEY.slice(4);
      try {
        await load(flowWith({}), configCredentials(`${KEY.slice(0, 4)}\${UPP_T_KEY_TAIL}`));
        const r = await sendAndWait({ payload: 1 }, 1);
        assert.equal(r.msg?.upp.diagnosis.code, 'ok');
      } finally {
        delete process.env.UPP_T_KEY_TAIL;
      }
    });

    it("a config node inside a flow reads the flow's environment variables", async () => {
      const flow = flowWith({ baseUrl: '${FLOW_UPP_URL}', isvId: '${FLOW_ISV}' });
      flow[0].env = [
        { name: 'FLOW_UPP_URL', value: sb.url, type: 'str' },
        { name: 'FLOW_ISV', value: '20000', type: 'str' },
        { name: 'FLOW_KEY', value: KEY, type: 'str' },
      ];
      flow[1].z = 'f1';
      await load(flow, configCredentials('${FLOW_KEY}'));
      const r = await sendAndWait({ payload: 1 }, 1);
      assert.ok(!r.error, r.error && r.error.error.message);
      assert.equal(r.msg.upp.diagnosis.code, 'ok');
    });

    it('an unset variable is an ERR_UPP_CONFIG error naming the field and the variable (key included)', async () => {
      for (const [field, extra, key] of [
        ['key', {}, '${UPP_T_NOT_SET}'],
        ['baseUrl', { baseUrl: 'http://${UPP_T_NOT_SET}:7000' }, KEY],
        ['baseUrl', { baseUrl: '${UPP_T_NOT_SET}' }, KEY],
        ['isvId', { isvId: '${UPP_T_NOT_SET}' }, KEY],
      ]) {
        await load(flowWith(extra), configCredentials(key));
        const r = await sendAndWait({ payload: 1 }, 1);
        assert.ok(r.error, `${field}: expected an error`);
        assert.equal(r.error.error.code, 'ERR_UPP_CONFIG');
        assert.equal(r.error.upp.error.field, field);
        assert.match(r.error.error.message, /UPP_T_NOT_SET/);
        await s.unload();
      }
    });
  });

  it('close (redeploy) releases the client; a closed config node refuses new calls as not sent', async () => {
    await load(flowWith({}), configCredentials());
    const cfg = s.helper.getNode('cfg');
    const client = cfg.getClient();
    let destroyed = 0;
    const original = client.destroy.bind(client);
    client.destroy = (grace) => {
      destroyed += 1;
      assert.equal(grace, 300);
      return original(grace);
    };
    await cfg.close();
    assert.equal(destroyed, 1);
    assert.throws(
      () => cfg.getClient(),
      (err) => err.code === 'ERR_UPP_CLIENT_CLOSED',
    );
  });

  describe('TLS through a core tls-config node (private CA)', function () {
    this.timeout(30000);
    let server;
    let certs;
    let baseUrl;
    const tlsNode = require('@node-red/nodes/core/network/05-tls.js');

    before(async function () {
      // An HTTPS front-end: the sandbox behind a TLS-terminating proxy would do; a tiny relay to it is enough.
      const { request } = require('undici');
      ({ certs, server, baseUrl } = await httpsServerOrSkip(this, async (req, res) => {
        const chunks = [];
        for await (const c of req) chunks.push(c);
        const upstream = await request(`${sb.origin}${req.url}`, {
          method: req.method,
          headers: { 'content-type': req.headers['content-type'] },
          body: Buffer.concat(chunks),
        });
        res.writeHead(upstream.statusCode, { 'content-type': upstream.headers['content-type'] });
        res.end(Buffer.from(await upstream.body.arrayBuffer()));
      }));
    });
    after(() => server?.close());

    it('trusts the front-end with the CA of the tls-config node', async () => {
      const flow = [
        ...actionFlow('upp-network', {}, configNode(sb, { baseUrl, tls: 'tls1' })),
        {
          id: 'tls1',
          type: 'tls-config',
          name: '',
          cert: '',
          key: '',
          ca: '',
          certname: '',
          keyname: '',
          caname: 'ca.pem',
          servername: '',
          verifyservercert: true,
        },
      ];
      await load(flow, { ...configCredentials(), tls1: { cadata: certs.ca } }, [tlsNode]);
      const r = await sendAndWait({ payload: 1 }, 1);
      assert.ok(!r.error, r.error && r.error.error.message);
      assert.equal(r.msg.upp.diagnosis.code, 'ok');
      assert.equal(s.helper.getNode('cfg').getClient().options.tls.ca, certs.ca);
      assert.equal(s.helper.getNode('cfg').getClient().options.tls.rejectUnauthorized, true);
    });

    it('without it the handshake fails: not sent', async () => {
      await load(actionFlow('upp-network', {}, configNode(sb, { baseUrl })), configCredentials());
      const r = await sendAndWait({ payload: 1 }, 1);
      assert.equal(r.error.error.code, 'ERR_UPP_NETWORK');
      assert.equal(r.error.upp.error.notSent, true);
    });

    it('a tls reference to a missing node is a config error naming tls', async () => {
      await load(actionFlow('upp-network', {}, configNode(sb, { baseUrl, tls: 'nope' })), configCredentials());
      const r = await sendAndWait({ payload: 1 }, 1);
      assert.equal(r.error.error.code, 'ERR_UPP_CONFIG');
      assert.equal(r.error.upp.error.field, 'tls');
    });
  });
});
