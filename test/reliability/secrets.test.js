'use strict';
// Secrets: across a whole run of flows (every node type, success and fault paths, input and config errors), the
// signing key -- and so the canonical string + key that is hashed -- never appears in:
// - logs: the runtime log (helper.log(), and a real Node-RED's stdout/stderr at level trace), console output;
// - messages (every output and every Catch message), node statuses, errors (with their causes), warnings;
// - the exported flows (GET /flows), GET /credentials/upp-config/<id> (only has_key), the editor HTML (GET /nodes),
//   the node list, node context (the poll node's saved jobs), flows.json / flows_cred.json on disk;
// - the sandbox's HTTP trace (every raw request body it recorded carries only `sign`) and its access log;
// - the audit stream (every upp-audit record) and the UPP sidebar's admin endpoints (GET /upp/ops, "query now").
// The key is searched in plain text and in base64, hex and as its first 12 characters.
const assert = require('node:assert/strict');
const util = require('node:util');
const fs = require('node:fs');
const path = require('node:path');
const h = require('./support/harness');
const { startNodeRed } = require('./support/red-child');
const { helper, core, IDS, uid } = h;

const KEY = 'Rel1ab-Secret-Key-do-not-leak-93a1f';
const WRONG_KEY = 'Wr0ng-Key-also-secret-5c77e';
const FAULTS = ['slow', 'reset', 'http500', 'malformed', 'bad_sign', 'unsigned_error', 'rejected'];

function needles(key) {
  return [key, Buffer.from(key).toString('base64'), Buffer.from(key).toString('hex'), key.slice(0, 12)];
}
const NEEDLES = [...needles(KEY), ...needles(WRONG_KEY)];

function render(value) {
  if (typeof value === 'string') return value;
  const seen = new WeakSet();
  let json = '';
  try {
    json = JSON.stringify(value, (k, v) => {
      if (v instanceof Error) {
        const out = { name: v.name, message: v.message, stack: v.stack, cause: v.cause };
        for (const p of Object.getOwnPropertyNames(v)) out[p] = v[p];
        return out;
      }
      if (typeof v === 'bigint') return String(v);
      if (typeof v === 'object' && v !== null) {
        if (seen.has(v)) return '[circular]';
        seen.add(v);
      }
      return v;
    });
  } catch (err) {
    json = `unserializable: ${err.message}`;
  }
  return `${json}\n${util.inspect(value, { depth: 8, showHidden: true, breakLength: Infinity, maxStringLength: Infinity, maxArrayLength: 500, getters: false })}`;
}

/** Where each searched text came from, and the text. */
class Haystack {
  constructor() {
    this.items = [];
    this.kinds = {};
  }
  add(kind, value) {
    this.items.push({ kind, text: render(value) });
    this.kinds[kind] = (this.kinds[kind] ?? 0) + 1;
  }
  assertClean() {
    for (const { kind, text } of this.items) {
      for (const needle of NEEDLES) {
        const at = text.indexOf(needle);
        assert.equal(at, -1, `the key leaked in ${kind}: …${text.slice(Math.max(0, at - 200), at + 80)}…`);
      }
    }
    return this.items.length;
  }
}

/** The scenarios: [nodeId, payload] after preparing the sandbox (faults armed by key where needed). */
async function scenarios(sb, client) {
  const expire = () => Date.now() + 600_000;
  const scanOrder = async (fee) => {
    const paymentNo = uid('SW');
    await client.scanCode({ paymentNo, channelProduct: 'ali_scan_code', expireTime: expire(), tradeFee: fee, subject: '挂号费' });
    return paymentNo;
  };
  const paidOrder = async () => {
    const paymentNo = uid('SP');
    await client.barCode({ paymentNo, authCode: '283456789012345678', expireTime: expire(), tradeFee: '50.00', subject: '门诊缴费' });
    return paymentNo;
  };
  const refundOf = async (paymentNo, fee) => {
    const requestNo = uid('SR');
    await client.refund({ paymentNo, bizType: 'barcode_pay', requestNo, refundNo: uid('RN'), refundFee: fee });
    return requestNo;
  };
  const list = [];
  const scan = (fee, extra = {}) => ({ paymentNo: uid('SS'), channelProduct: 'ali_scan_code', tradeFee: fee, subject: '挂号费', ...extra });
  const bar = (fee) => ({ paymentNo: uid('SB'), authCode: '134567890123456789', tradeFee: fee, subject: '门诊缴费' });

  list.push(['network', {}], ['networkWrong', {}], ['networkEnv', {}], ['networkDead', {}]);
  for (const fault of FAULTS)
    list.push(['network', {}, () => sb.armFault(fault, { endpoint: 'network', times: fault === 'slow' ? 1 : 3 })]);
  for (const cents of ['00', '01', '41', '91', '92', '93', '94', '95', '96', '97']) list.push(['scan', scan(`12.${cents}`)]);
  list.push(
    ['scan', scan('1e3')],
    ['scan', scan('12.30', { subject: 'a,b' })],
    ['scan', scan('12.30', { expireTime: '2019-01-01 00:00:00' })],
    ['scanDead', scan('12.30')],
    ['scanNoKey', scan('12.30')],
  );
  for (const cents of ['00', '01', '41', '95', '96', '97']) list.push(['bar', bar(`20.${cents}`)]);
  const paid = await paidOrder();
  const waiting = await scanOrder('10.00');
  const declined = await scanOrder('10.00');
  sb.decline(declined);
  list.push(
    ['query', { paymentNo: paid, bizType: 'barcode_pay' }],
    ['query', { paymentNo: waiting, bizType: 'scan_pay' }],
    ['query', { paymentNo: declined, bizType: 'scan_pay' }],
    ['query', { paymentNo: 'nope', bizType: 'scan_pay' }],
  );
  for (const fault of FAULTS)
    list.push([
      'query',
      { paymentNo: paid, bizType: 'barcode_pay' },
      () => sb.armFault(fault, { endpoint: 'query', paymentNo: paid, times: fault === 'slow' ? 1 : 3 }),
    ]);
  for (const cents of ['00', '02', '03', '10', '91', '92', '95', '96', '97']) {
    list.push([
      'refund',
      {
        paymentNo: paid,
        bizType: 'barcode_pay',
        requestNo: uid('SQ'),
        refundNo: uid('RN'),
        refundFee: `0.${cents === '00' ? '50' : cents}`,
      },
    ]);
  }
  const refunded = await refundOf(paid, '1.00');
  const failedRefund = await refundOf(paid, '1.03');
  list.push(['refundQuery', { requestNo: refunded }], ['refundQuery', { requestNo: failedRefund }], ['refundQuery', { requestNo: 'nope' }]);
  for (const fault of FAULTS)
    list.push([
      'refundQuery',
      { requestNo: refunded },
      () => sb.armFault(fault, { endpoint: 'refundQuery', requestNo: refunded, times: fault === 'slow' ? 1 : 3 }),
    ]);
  list.push(
    ['close', { paymentNo: await scanOrder('10.00'), bizType: 'scan_pay' }],
    ['close', { paymentNo: paid, bizType: 'barcode_pay' }],
  );
  for (const fault of FAULTS) {
    const p = await scanOrder('10.00');
    list.push(['close', { paymentNo: p, bizType: 'scan_pay' }, () => sb.armFault(fault, { endpoint: 'close', paymentNo: p })]);
  }
  list.push(
    ['pollPay', { paymentNo: await scanOrder('10.22'), bizType: 'scan_pay' }],
    ['pollPay', { paymentNo: await scanOrder('10.00'), bizType: 'scan_pay' }],
    ['pollPay', { paymentNo: await scanOrder('10.31'), bizType: 'scan_pay' }],
  );
  list.push(['pollPay', { paymentNo: 'x'.repeat(40), bizType: 'scan_pay' }]);
  const exception = await refundOf(await paidOrder(), '1.10');
  const later = await refundOf(await paidOrder(), '1.12');
  list.push(['pollRefund', { requestNo: exception }], ['pollRefund', { requestNo: later }], ['pollRefund', { requestNo: 'nope' }]);
  return list;
}

/** Our nodes and config nodes, shared by the in-process and the child flows. */
function uppNodes(sb, deadUrl, z) {
  const cfg = (id, url, extra = {}) => ({ ...h.configNode(id, url, { payTimeout: '400', readTimeout: '400', ...extra }) });
  const configs = [cfg('cfg', sb.url), cfg('cfgWrong', sb.url), cfg('cfgEnv', sb.url), cfg('cfgDead', deadUrl), cfg('cfgNoKey', sb.url)];
  const action = (id, type, server) => ({ id, type, z, name: '', server });
  const poll = (id, mode) => ({
    id,
    type: 'upp-poll',
    z,
    name: '',
    server: 'cfg',
    mode,
    interval: '0.02',
    attempts: '3',
    closeOnGiveUp: true,
    assumeRefunded: true,
  });
  const nodes = [
    action('network', 'upp-network', 'cfg'),
    action('networkWrong', 'upp-network', 'cfgWrong'),
    action('networkEnv', 'upp-network', 'cfgEnv'),
    action('networkDead', 'upp-network', 'cfgDead'),
    action('scan', 'upp-scancode', 'cfg'),
    action('scanDead', 'upp-scancode', 'cfgDead'),
    action('scanNoKey', 'upp-scancode', 'cfgNoKey'),
    action('bar', 'upp-barcode', 'cfg'),
    action('query', 'upp-query', 'cfg'),
    action('refund', 'upp-refund', 'cfg'),
    action('refundQuery', 'upp-refund-query', 'cfg'),
    action('close', 'upp-close', 'cfg'),
    poll('pollPay', 'payment'),
    poll('pollRefund', 'refund'),
  ];
  const credentials = { cfg: { key: KEY }, cfgWrong: { key: WRONG_KEY }, cfgEnv: { key: '${UPP_RELIABILITY_KEY}' }, cfgDead: { key: KEY } };
  return { configs, nodes, credentials };
}

describe('reliability: the key never leaks', function () {
  this.timeout(120000);
  let sb;
  let client;
  let deadUrl;
  const accessLog = [];
  const hay = new Haystack();

  before(async () => {
    process.env.UPP_RELIABILITY_KEY = KEY;
    sb = await h.startSandbox({ port: 0, key: KEY, slowMs: 1200, log: (line) => accessLog.push(line) });
    client = new core.UppClient({ baseUrl: sb.url, ...IDS, key: KEY, proxy: 'none' });
    deadUrl = `http://127.0.0.1:${await h.closedPort()}`;
  });
  after(async () => {
    delete process.env.UPP_RELIABILITY_KEY;
    await client?.destroy();
    await sb?.close();
  });

  it('the sandbox side of every test here verifies signatures with this key (the searches are meaningful)', async () => {
    const r = await client.network();
    assert.equal(r.outcome, 'success');
  });

  describe('in process (test helper): logs, console, messages, statuses, errors, the client object', () => {
    let collector;
    const restore = [];
    before(async () => {
      helper.settings({ uppCloseGraceMs: 300 });
      const z = 'f1';
      const { configs, nodes, credentials } = uppNodes(sb, deadUrl, z);
      const flow = [{ id: z, type: 'tab', label: 'secrets' }, ...configs];
      const sinkIds = [];
      for (const def of nodes) {
        const { node, sinks } = h.withSinks(def, z);
        flow.push(node, ...sinks);
        sinkIds.push(...sinks.map((s) => s.id));
      }
      flow.push(
        { id: 'catcher', type: 'catch', z, name: '', scope: null, uncaught: false, wires: [['caught']] },
        { id: 'caught', type: 'helper', z, wires: [] },
      );
      flow.push(
        { id: 'statuses', type: 'status', z, name: '', scope: null, wires: [['statusSink']] },
        { id: 'statusSink', type: 'helper', z, wires: [] },
      );
      flow.push(
        { id: 'audit', type: 'upp-audit', z, name: '', configs: [], endpoints: [], wires: [['auditSink']] },
        { id: 'auditSink', type: 'helper', z, wires: [] },
      );
      // Console and stdout/stderr of this process while the flows run.
      for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace']) {
        const original = console[method];
        console[method] = (...args) => {
          hay.add(`console.${method}`, args);
          return original.apply(console, args);
        };
        restore.push(() => (console[method] = original));
      }
      for (const stream of [process.stdout, process.stderr]) {
        const original = stream.write;
        stream.write = function (chunk, ...rest) {
          hay.add('stdio', String(chunk));
          return original.call(this, chunk, ...rest);
        };
        restore.push(() => (stream.write = original));
      }
      await helper.load(h.NODES, flow, credentials);
      for (const def of [...configs, ...nodes]) {
        const node = helper.getNode(def.id);
        for (const method of ['status', 'error', 'warn', 'log', 'debug', 'trace']) {
          const original = node[method];
          node[method] = function (...args) {
            hay.add(`${def.id}.${method}()`, args);
            return original.apply(this, args);
          };
        }
      }
      collector = new h.Collector();
      collector.attach([...sinkIds, 'caught']);
      helper.getNode('statusSink').on('input', (msg) => hay.add('status node', msg));
      helper.getNode('auditSink').on('input', (msg) => hay.add('audit record', msg));
    });
    after(async () => {
      for (const r of restore.splice(0)) r();
      await helper.unload();
    });

    it('runs every scenario (success, pending, failed, faults, input and config errors) and finds the key nowhere', async () => {
      const list = await scenarios(sb, client);
      const outcomes = {};
      for (const [nodeId, payload, arm] of list) {
        arm?.();
        const tag = uid('ST');
        helper.getNode(nodeId).receive({ tag, topic: 'secrets', payload });
        const { sink, msg } = await collector.wait(tag, 15000);
        outcomes[sink] = (outcomes[sink] ?? 0) + 1;
        hay.add(`msg from ${sink}`, msg);
      }
      await h.sleep(200);
      for (const r of restore.splice(0)) r();
      // Everything else that was produced.
      for (const call of helper.log().getCalls()) hay.add('runtime log', call.args);
      for (const [tag, arrivals] of collector.byTag) for (const a of arrivals) hay.add(`late ${tag}`, a.msg);
      const cfgNode = helper.getNode('cfg');
      const uppClient = cfgNode.getClient();
      hay.add('UppClient inspected', uppClient);
      hay.add('UppClient JSON', JSON.stringify(uppClient));
      hay.add('UppClient options', uppClient.options);
      for (const id of ['network', 'scan', 'refund', 'pollPay'])
        hay.add(
          `node ${id} JSON`,
          JSON.stringify(helper.getNode(id), (k, v) => (k.startsWith('_') || k === 'credentials' ? undefined : v)),
        );
      hay.add('runtime flows', helper._redNodes.getFlows()?.flows);
      const checked = hay.assertClean();
      // The searches saw what they should: the sinks, errors, statuses and log.
      assert.ok(outcomes.caught >= 5, `errors seen: ${JSON.stringify(outcomes)}`);
      for (const kind of ['runtime log', 'status node', 'UppClient inspected', 'audit record'])
        assert.ok(hay.kinds[kind] > 0, `nothing captured from ${kind}`);
      assert.ok(hay.kinds['audit record'] >= list.length, `audit records: ${hay.kinds['audit record']}`);
      assert.ok(Object.keys(hay.kinds).some((k) => k.endsWith('.status()')));
      console.log(
        `      secrets (in process): ${list.length} scenarios, ${checked} items searched (${Object.keys(hay.kinds).length} kinds), outputs ${JSON.stringify(outcomes)}`,
      );
    });
  });

  describe('a real Node-RED (child process): admin API, editor HTML, files, runtime log at trace level', () => {
    let red;
    const SECRET = 'credential-secret-for-the-test';
    before(async () => {
      red = await startNodeRed({ credentialSecret: SECRET });
    });
    after(async () => {
      await red?.stop();
    });

    it('deploys with the key, runs every scenario over HTTP, and no answer, log, API or file shows it', async () => {
      const z = 'f1';
      const { configs, nodes, credentials } = uppNodes(sb, deadUrl, z);
      /** A debug node that logs the whole message to the sidebar and the console (so it reaches the searched log). */
      const debugNode = (id, name) => ({
        id,
        type: 'debug',
        z,
        name,
        active: true,
        tosidebar: true,
        console: true,
        tostatus: false,
        complete: 'true',
        targetType: 'full',
        wires: [],
      });
      const flow = [{ id: z, type: 'tab', label: 'secrets' }];
      for (const c of configs) flow.push(credentials[c.id] ? { ...c, credentials: credentials[c.id] } : c);
      for (const def of nodes) {
        flow.push({
          id: `in-${def.id}`,
          type: 'http in',
          z,
          name: '',
          url: `/${def.id}`,
          method: 'post',
          upload: false,
          swaggerDoc: '',
          wires: [[def.id]],
        });
        const outs = h.OUTPUTS[def.type];
        flow.push({ ...def, wires: outs.map((o) => [`out-${def.id}-${o}`]) });
        for (const o of outs) {
          flow.push({
            id: `out-${def.id}-${o}`,
            type: 'change',
            z,
            name: '',
            rules: [{ t: 'set', p: 'out', pt: 'msg', to: `${def.id}:${o}`, tot: 'str' }],
            wires: [['replyFn']],
          });
        }
      }
      flow.push(
        { id: 'catcher', type: 'catch', z, name: '', scope: null, uncaught: false, wires: [['caughtOut']] },
        {
          id: 'caughtOut',
          type: 'change',
          z,
          name: '',
          rules: [{ t: 'set', p: 'out', pt: 'msg', to: 'caught', tot: 'str' }],
          wires: [['replyFn']],
        },
        {
          id: 'replyFn',
          type: 'function',
          z,
          name: 'answer the HTTP request',
          func: 'const shown = { out: msg.out, payload: msg.payload, upp: msg.upp, error: msg.error };\nconst copy = Object.assign({}, msg); delete copy.req; delete copy.res;\nmsg.payload = shown;\nreturn [msg, copy];',
          outputs: 2,
          wires: [['res'], ['dbg']],
        },
        { id: 'res', type: 'http response', z, name: '', statusCode: '', headers: {}, wires: [] },
        debugNode('dbg', 'dbg everything'),
        { id: 'audit', type: 'upp-audit', z, name: '', configs: [], endpoints: [], wires: [['dbgAudit']] },
        debugNode('dbgAudit', 'dbg audit'),
        { id: 'statuses', type: 'status', z, name: '', scope: null, wires: [['dbgStatus']] },
        debugNode('dbgStatus', 'dbg statuses'),
      );
      const deployed = await red.request('POST', '/flows', { body: flow, headers: { 'Node-RED-Deployment-Type': 'full' } });
      assert.equal(deployed.status, 204, deployed.text);
      await h.sleep(500);

      const list = await scenarios(sb, client);
      const outs = {};
      for (const [nodeId, payload, arm] of list) {
        arm?.();
        const res = await red.request('POST', `/api/${nodeId}`, { body: { ...payload, tag: uid('SC') } });
        assert.equal(res.status, 200, `${nodeId}: ${res.text.slice(0, 300)}`);
        outs[res.json.out] = (outs[res.json.out] ?? 0) + 1;
        hay.add(`HTTP answer of ${nodeId}`, res.text);
      }
      assert.ok(outs.caught >= 5, JSON.stringify(outs));

      // The admin API and the editor.
      const flows = await red.request('GET', '/flows', { headers: { 'Node-RED-API-Version': 'v2' } });
      assert.equal(flows.status, 200);
      hay.add('GET /flows', flows.text);
      const cfgInFlows = flows.json.flows.find((n) => n.id === 'cfg');
      assert.equal(cfgInFlows.credentials, undefined, 'exported flows carry no credentials');
      for (const id of ['cfg', 'cfgWrong', 'cfgEnv', 'cfgDead', 'cfgNoKey']) {
        const creds = await red.request('GET', `/credentials/upp-config/${id}`);
        assert.equal(creds.status, 200);
        hay.add(`GET /credentials/upp-config/${id}`, creds.text);
        assert.deepEqual(Object.keys(creds.json), id === 'cfgNoKey' ? [] : ['has_key'], `only has_key: ${creds.text}`);
        if (id !== 'cfgNoKey') assert.equal(creds.json.has_key, true);
      }
      for (const [p, accept] of [
        ['/nodes', 'text/html'],
        ['/nodes', 'application/json'],
        ['/nodes/@hisflow/node-red-upp', 'application/json'],
        ['/nodes/@hisflow/node-red-upp', 'text/html'],
        ['/settings', 'application/json'],
        ['/diagnostics', 'application/json'],
      ]) {
        const r = await red.request('GET', p, { headers: { accept } });
        hay.add(`GET ${p} (${accept})`, r.text);
        if (p === '/nodes' && accept === 'text/html') {
          assert.match(r.text, /registerType\('upp-config'/, 'the editor HTML of the package was served');
          assert.match(r.text, /key:\s*\{\s*type:\s*['"]password['"]/, 'the key is a password credential in the editor');
        }
      }
      for (const id of ['pollPay', 'pollRefund'])
        hay.add(`GET /context/node/${id}`, (await red.request('GET', `/context/node/${id}`)).text);
      // The UPP sidebar's endpoints: the overview, and "query now" on every item and for a payment of each config.
      const ops = await red.request('GET', '/upp/ops');
      assert.equal(ops.status, 200, ops.text);
      hay.add('GET /upp/ops', ops.text);
      assert.ok(
        ops.json.configs.some((c) => c.id === 'cfg' && c.endpoints.length > 0),
        'the sidebar saw the calls',
      );
      for (const item of ops.json.attention)
        hay.add(`POST /upp/ops/query item ${item.kind}`, (await red.request('POST', '/upp/ops/query', { body: { item: item.id } })).text);
      for (const config of ['cfg', 'cfgWrong', 'cfgEnv', 'cfgDead', 'cfgNoKey']) {
        hay.add(
          `POST /upp/ops/query ${config}`,
          (await red.request('POST', '/upp/ops/query', { body: { config, paymentNo: 'SECRETQ1', bizType: 'scan_pay' } })).text,
        );
      }
      hay.add('GET /upp/ops after queries', (await red.request('GET', '/upp/ops')).text);
      // Files on disk: flows.json has no credentials, flows_cred.json is encrypted.
      const flowsFile = fs.readFileSync(path.join(red.userDir, 'flows.json'), 'utf8');
      const credFile = fs.readFileSync(path.join(red.userDir, 'flows_cred.json'), 'utf8');
      hay.add('flows.json', flowsFile);
      hay.add('flows_cred.json', credFile);
      assert.match(credFile, /"\$"/, 'flows_cred.json is encrypted');

      await h.sleep(300);
      const log = red.output();
      hay.add('Node-RED stdout/stderr (trace)', log);
      assert.match(log, /Started flows/);
      assert.match(log, /\[debug:dbg everything\]/, 'the debug node logged every message');
      assert.match(log, /\[debug:dbg audit\]/, 'the audit records were logged (and searched)');
      // The HTTP trace of the sandbox: every request it recorded carries a sign and never the key.
      const trace = sb.requests();
      for (const r of trace) {
        hay.add(`sandbox raw ${r.endpoint}`, r.raw);
        if (r.raw.startsWith('{')) assert.match(r.raw, /"sign":"[0-9a-f]{32}"/);
      }
      hay.add('sandbox access log', accessLog.join('\n'));
      assert.ok(trace.length > 50, `${trace.length} requests traced`);
      const checked = hay.assertClean();
      console.log(
        `      secrets (Node-RED ${red.version()} child): ${list.length} scenarios over HTTP ${JSON.stringify(outs)}, ${trace.length} sandbox request bodies, ${checked} items searched in total`,
      );
    });
  });
});
