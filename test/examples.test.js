'use strict';
// The example flows (examples/*.json): well-formed, only core nodes and ours, every node type but the config node
// covered, one shared config node for the sandbox with the key from ${UPP_KEY}, properties the nodes know; and all
// of them deployed together in a real Node-RED (as `npm start` does) and run over HTTP against the sandbox.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const lib = require('../scripts/demo/lib');

const ROOT = lib.ROOT;
const PKG = require(path.join(ROOT, 'package.json'));
const OUR_TYPES = Object.keys(PKG['node-red'].nodes);
const { ENDPOINTS } = require(path.join(ROOT, 'dist', 'nodes', 'core'));
const ENDPOINT_OF = {
  'upp-network': 'network',
  'upp-scancode': 'scanCode',
  'upp-barcode': 'barCode',
  'upp-query': 'query',
  'upp-refund': 'refund',
  'upp-refund-query': 'refundQuery',
  'upp-close': 'close',
};

/** Node types registered by the Node-RED core nodes (their HTML files). */
function coreTypes() {
  const dir = path.dirname(require.resolve('@node-red/nodes/package.json', { paths: [ROOT] }));
  const types = new Set();
  const walk = (d) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.name.endsWith('.html')) for (const m of fs.readFileSync(p, 'utf8').matchAll(/registerType\(\s*['"]([^'"]+)['"]/g)) types.add(m[1]);
    }
  };
  walk(path.join(dir, 'core'));
  return types;
}

/** The `defaults` keys and output count each of our node types declares in its shipped HTML (parsed like node-red-dev). */
function ourDefinitions() {
  const devLibs = path.join(ROOT, 'node_modules', 'node-red-dev', 'src', 'libs');
  const acorn = require(require.resolve('acorn', { paths: [devLibs] }));
  const walk = require(require.resolve('acorn-walk', { paths: [devLibs] }));
  const defs = {};
  for (const [type, file] of Object.entries(PKG['node-red'].nodes)) {
    const html = fs.readFileSync(path.join(ROOT, file.replace(/\.js$/, '.html')), 'utf8');
    for (const [, script] of html.matchAll(/<script[^>]*type=['"]text\/javascript['"][^>]*>([\s\S]*?)<\/script>/gi)) {
      walk.simple(acorn.parse(script, { ecmaVersion: 'latest' }), {
        CallExpression(node) {
          if (node.callee.property && node.callee.property.name === 'registerType' && node.arguments[0].value === type) {
            const def = { defaults: [], outputs: 0 };
            for (const prop of node.arguments[1].properties) {
              if (prop.key.name === 'defaults') def.defaults = prop.value.properties.map((p) => p.key.name);
              if (prop.key.name === 'outputs') def.outputs = prop.value.value;
              if (prop.key.name === 'credentials') def.credentials = prop.value.properties.map((p) => p.key.name);
            }
            defs[type] = def;
          }
        },
      });
    }
  }
  return defs;
}

const COMMON_PROPS = new Set(['id', 'type', 'z', 'x', 'y', 'wires', 'name', 'info', 'g', 'd', 'credentials', 'l', 'icon', 'inputLabels', 'outputLabels']);

describe('examples: the flow files', () => {
  const examples = lib.loadExamples();
  const core = coreTypes();
  const defs = ourDefinitions();

  it('are there, in menu order, each a JSON array of nodes', () => {
    assert.ok(examples.length >= 6, `found ${examples.length} examples`);
    for (const { file, flow } of examples) {
      assert.match(file, /^\d\d - [A-Z][\w -]+\.json$/, `${file}: "NN - Title.json" (the menu shows the name)`);
      assert.ok(Array.isArray(flow) && flow.length > 0, `${file} is an array of nodes`);
      for (const node of flow) assert.ok(typeof node.id === 'string' && typeof node.type === 'string', `${file}: every node has an id and a type`);
    }
  });

  it('use only Node-RED core nodes and ours', () => {
    for (const { file, flow } of examples) {
      for (const node of flow) assert.ok(core.has(node.type) || OUR_TYPES.includes(node.type), `${file}: ${node.type} is neither a core node nor ours`);
    }
  });

  it('together cover every node type of the package but the config node', () => {
    const used = new Set(examples.flatMap((e) => e.flow.map((n) => n.type)));
    for (const type of OUR_TYPES.filter((t) => t !== 'upp-config')) assert.ok(used.has(type), `no example uses ${type}`);
  });

  it('each start with a comment saying what to replace, and sit on one flow tab', () => {
    for (const { file, flow } of examples) {
      const comments = flow.filter((n) => n.type === 'comment');
      assert.ok(comments.length >= 1 && /replace/i.test(comments[0].name) && comments[0].info.length > 100, `${file}: a comment node on top says what to replace`);
      const top = Math.min(...flow.filter((n) => n.y !== undefined).map((n) => n.y));
      assert.equal(comments[0].y, top, `${file}: the comment is on top`);
      assert.equal(flow.filter((n) => n.type === 'tab').length, 0, `${file}: no tab node (Import puts it on a flow of the user's choice)`);
      assert.equal(new Set(flow.filter((n) => n.type !== 'upp-config').map((n) => n.z)).size, 1, `${file}: one z for all flow nodes`);
    }
  });

  it('have ids unique across all examples except the one shared config node, and wires that resolve', () => {
    const seen = new Map();
    for (const { file, flow } of examples) {
      const ids = new Set(flow.map((n) => n.id));
      assert.equal(ids.size, flow.length, `${file}: duplicate ids`);
      for (const node of flow) {
        if (node.type !== 'upp-config') {
          assert.ok(!seen.has(node.id), `${file}: id ${node.id} also in ${seen.get(node.id)}`);
          seen.set(node.id, file);
        }
        for (const port of node.wires || []) for (const target of port) assert.ok(ids.has(target), `${file}: ${node.id} wires to missing ${target}`);
      }
    }
  });

  it('share one config node for the sandbox, with the key only as the ${UPP_KEY} credential', () => {
    const configs = examples.map(({ file, flow }) => {
      const list = flow.filter((n) => n.type === 'upp-config');
      assert.equal(list.length, 1, `${file}: exactly one config node`);
      return list[0];
    });
    for (const config of configs) assert.deepEqual(config, configs[0], 'the config node is identical in every example');
    const c = configs[0];
    assert.equal(c.id, lib.CONFIG_ID);
    assert.equal(c.baseUrl, 'http://127.0.0.1:7000');
    assert.equal(String(c.isvId), '20000');
    assert.equal(String(c.partnerId), '12345');
    assert.deepEqual(c.credentials, { key: '${UPP_KEY}' });
    assert.equal(c.key, undefined, 'no key outside credentials');
    for (const { file } of examples) {
      const text = fs.readFileSync(path.join(ROOT, 'examples', file), 'utf8');
      assert.ok(!text.includes('sandbox-key-0001'), `${file} carries no literal key`);
    }
    for (const { file, flow } of examples) {
      for (const node of flow) if (node.type !== 'upp-config') assert.equal(node.credentials, undefined, `${file}: ${node.type} has no credentials`);
    }
  });

  it('set only properties our nodes declare, every request field with its type beside it, and wire each output', () => {
    for (const { file, flow } of examples) {
      for (const node of flow.filter((n) => OUR_TYPES.includes(n.type))) {
        const def = defs[node.type];
        assert.ok(def, `${node.type} definition found in its HTML`);
        for (const prop of Object.keys(node)) {
          assert.ok(COMMON_PROPS.has(prop) || def.defaults.includes(prop), `${file}: ${node.type}.${prop} is not a property of the node`);
        }
        if (node.type === 'upp-config') continue;
        if (node.type === 'upp-audit') assert.deepEqual(node.configs, [lib.CONFIG_ID], `${file}: upp-audit follows the shared config node`);
        else assert.equal(node.server, lib.CONFIG_ID, `${file}: ${node.type} uses the shared config node`);
        if (ENDPOINT_OF[node.type]) {
          for (const spec of ENDPOINTS[ENDPOINT_OF[node.type]].request) {
            assert.ok(spec.name in node && `${spec.name}Type` in node, `${file}: ${node.type} has ${spec.name} and ${spec.name}Type`);
          }
        }
        assert.equal(node.wires.length, def.outputs, `${file}: ${node.type} has ${def.outputs} output ports`);
      }
    }
  });
});

describe('examples: all deployed in Node-RED (as npm start does) and run against the sandbox', function () {
  this.timeout(90000);
  let sandbox;
  let nodeRed;
  let tmp;
  let base;
  const KEY = 'examples-test-key-0042';

  before(async () => {
    const { startSandbox } = require(path.join(ROOT, 'dist', 'nodes', 'sandbox'));
    sandbox = await startSandbox({ port: 0, key: KEY });
    const port = await lib.freePort();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'upp-examples-'));
    // Shorter poll timings than the examples' (5 s x 8) so the refund that never settles is assumed within seconds.
    const edit = (flows) => flows.map((n) => (n.type === 'upp-poll' ? { ...n, interval: 0.2, attempts: n.mode === 'refund' ? 3 : 50 } : n));
    const { userDir, settingsFile } = lib.prepareUserDir({ userDir: path.join(tmp, 'userdir'), port, sandboxUrl: sandbox.url, deploy: true, edit });
    nodeRed = await lib.startNodeRed({ userDir, settingsFile, port, env: { UPP_KEY: KEY } });
    base = nodeRed.url;
  });
  after(async () => {
    if (nodeRed) await nodeRed.stop();
    if (sandbox) await sandbox.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  const call = async (method, url, body) => {
    const res = await fetch(base + url, { method, headers: { 'Content-Type': 'application/json' }, body: body && JSON.stringify(body) });
    return { status: res.status, body: await res.json() };
  };
  const until = async (fn, what, ms = 15000) => {
    const end = Date.now() + ms;
    for (;;) {
      const v = await fn();
      if (v) return v;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const problems = () => nodeRed.log.filter((l) => /\[(warn|error)\]/.test(l) && !/Projects disabled/.test(l));

  it('start without warnings and run the network test on deploy with the key from ${UPP_KEY}', async () => {
    const net = await until(() => sandbox.requests({ endpoint: 'network' })[0], 'the network test');
    assert.equal(net.signatureValid, true);
    assert.deepEqual(problems(), []);
  });

  it('scan-code pay: POST /pay/scan -> pay URL; paid at the cashier -> GET /pay/status says paid', async () => {
    const order = await call('POST', 'pay/scan', { tradeFee: '0.10', subject: '门诊缴费' });
    assert.equal(order.status, 200);
    assert.equal(order.body.outcome, 'pending');
    assert.match(order.body.payUrl, /\/_sandbox\/cashier\?order=/);
    assert.equal((await call('GET', `pay/status?paymentNo=${order.body.paymentNo}`)).body.status, 'pending');
    sandbox.pay(order.body.paymentNo);
    const status = await until(async () => {
      const s = (await call('GET', `pay/status?paymentNo=${order.body.paymentNo}`)).body;
      return s.status === 'paid' && s;
    }, 'paid');
    assert.equal(status.tradeStatus, 'pay_success');
  });

  it('refund: a refund that never settles is assumed done by the poll, and the HIS node records it', async () => {
    const order = await call('POST', 'pay/scan', { tradeFee: '5.00' });
    sandbox.pay(order.body.paymentNo);
    const refund = await call('POST', 'pay/refund', { paymentNo: order.body.paymentNo, bizType: 'scan_pay', refundFee: '0.10' });
    assert.equal(refund.status, 202);
    assert.equal(refund.body.outcome, 'pending');
    const warn = await until(() => nodeRed.log.find((l) => l.includes(refund.body.requestNo) && /assumed refunded/.test(l)), 'the assumed refund warning');
    assert.match(warn, /\[warn\] \[function:HIS: mark refunded\]/);
    const rq = await call('GET', `pay/refund-status?requestNo=${refund.body.requestNo}`);
    assert.equal(rq.body.outcome, 'pending', 'the platform still has not decided');
  });

  it('payment query, close and the barcode window flow', async () => {
    const order = await call('POST', 'pay/scan', { tradeFee: '0.40' });
    const q = await call('GET', `pay/query?paymentNo=${order.body.paymentNo}&bizType=scan_pay`);
    assert.equal(q.body.outcome, 'pending');
    const close = await call('POST', 'pay/close', { paymentNo: order.body.paymentNo, bizType: 'scan_pay' });
    assert.equal(close.body.outcome, 'success');
    assert.equal(close.body.data.isCloseOrder, 'Y');

    const before = sandbox.requests({ endpoint: 'barCode' }).length;
    const injects = JSON.parse(fs.readFileSync(path.join(ROOT, 'examples', '03 - Barcode pay at the window.json'), 'utf8')).filter((n) => n.type === 'inject');
    for (const inject of injects) assert.equal((await fetch(`${base}inject/${inject.id}`, { method: 'POST' })).status, 200);
    await until(() => sandbox.requests({ endpoint: 'barCode' }).length === before + injects.length, 'the barcode orders');
    const slow = sandbox.requests({ endpoint: 'barCode' }).find((r) => r.body.tradeFee === '0.22');
    await until(() => sandbox.order(slow.body.paymentNo)?.queries >= 2, 'the poll node querying the slow payment');
  });

  it('audit trail: every request the nodes sent is one JSON line in upp-audit.jsonl, with the exact body and answer', async () => {
    const file = path.join(tmp, 'userdir', 'upp-audit.jsonl');
    // The network test on deploy (with its edition probe, a query for UPPPROBE…) may run before the audit node
    // exists: compare the other requests. test/ops/audit.test.js checks that a network test is audited whole.
    const sent = () => sandbox.requests().filter((r) => r.endpoint !== 'network' && !String(r.body.paymentNo).startsWith('UPPPROBE'));
    const lines = () => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)) : []);
    const missing = () => {
      const bodies = new Set(lines().map((r) => r.request));
      return sent().filter((r) => !bodies.has(r.raw));
    };
    await until(() => sent().length > 0 && missing().length === 0, 'an audit line for every request').catch((err) => {
      throw new Error(`${err.message}: missing ${JSON.stringify(missing().map((r) => [r.endpoint, r.raw.slice(0, 200)]))}`);
    });
    const raw = new Set(sandbox.requests().map((r) => r.raw));
    const records = lines();
    for (const record of records) {
      assert.ok(raw.has(record.request), `an audit line for a request the sandbox never got: ${record.request.slice(0, 120)}`);
      assert.ok(record.node && record.config === lib.CONFIG_ID, JSON.stringify(record));
      assert.equal(typeof record.response, 'string');
    }
    assert.equal(new Set(records.map((r) => `${r.callId}/${r.attempt}`)).size, records.length, 'no attempt listed twice');
    assert.ok(!fs.readFileSync(file, 'utf8').includes(KEY), 'the key is not in the audit trail');
  });

  it('a bad amount is answered 400 by the Catch path and nothing is sent', async () => {
    const count = sandbox.requests().length;
    const bad = await call('POST', 'pay/scan', { tradeFee: '12.345' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.field, 'tradeFee');
    assert.equal(sandbox.requests().length, count);
  });
});
