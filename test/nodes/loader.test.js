'use strict';
// The package through Node-RED's real loader: a Node-RED 4 process with a user directory that has this package
// installed (node_modules/@hisflow/node-red-upp -> this repo). Checks that the nodes, icons, both languages'
// catalogs and help are found, that a deployed flow works (${VAR} key, network test on deploy, HTTP In -> pay ->
// HTTP Response keeps msg.res), that the key never reaches the editor API or the log, and that the log has no
// warning or error about our nodes.
const fs = require('node:fs');
const os = require('node:os');
const net = require('node:net');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { request } = require('undici');
const s = require('./support');
const { assert, KEY, IDS } = s;

const ROOT = path.resolve(__dirname, '..', '..');
const OURS = ['upp-config', 'upp-network', 'upp-scancode', 'upp-barcode', 'upp-query', 'upp-refund', 'upp-refund-query', 'upp-close'];
const MODULE = '@hisflow/node-red-upp';

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

async function startNodeRed(lang, env) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'upp-nr-'));
  fs.mkdirSync(path.join(dir, 'node_modules', '@hisflow'), { recursive: true });
  fs.symlinkSync(ROOT, path.join(dir, 'node_modules', '@hisflow', 'node-red-upp'), 'dir');
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({ name: 'upp-loader-test', private: true, dependencies: { [MODULE]: `file:${ROOT}` } }),
  );
  const port = await freePort();
  const settings = {
    uiPort: port,
    uiHost: '127.0.0.1',
    flowFile: 'flows.json',
    credentialSecret: 'loader-test-secret',
    lang,
    uppCloseGraceMs: 500,
    logging: { console: { level: 'info', metrics: false, audit: false } },
    editorTheme: { projects: { enabled: false }, tours: false },
    externalModules: { autoInstall: false },
  };
  fs.writeFileSync(path.join(dir, 'settings.js'), `module.exports = ${JSON.stringify(settings, null, 2)};\n`);
  const red = require.resolve('node-red/red.js');
  const child = spawn(process.execPath, [red, '-u', dir, '-s', path.join(dir, 'settings.js')], {
    env: { ...process.env, ...env, NODE_RED_ENABLE_PROJECTS: '', http_proxy: '', https_proxy: '', HTTP_PROXY: '', HTTPS_PROXY: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout.on('data', (d) => (log += d));
  child.stderr.on('data', (d) => (log += d));
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20000;
  for (;;) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`Node-RED did not start:\n${log}`);
    const up = await request(`${url}/settings`).then(
      async (r) => (await r.body.text(), r.statusCode === 200),
      () => false,
    );
    if (up) break;
    await s.delay(100);
  }
  return {
    dir,
    url,
    get log() {
      return log;
    },
    async stop() {
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 8000);
      await exited;
      clearTimeout(timer);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function http(url, opts = {}) {
  const res = await request(url, opts);
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, text, json: () => JSON.parse(text) };
}

for (const lang of ['en-US', 'zh-CN']) {
  describe(`the package in a real Node-RED 4 (${lang})`, function () {
    this.timeout(60000);
    let sb;
    let nr;
    before(async () => {
      sb = await s.startSandbox();
      nr = await startNodeRed(lang, { UPP_LOADER_KEY: KEY, UPP_LOADER_PORT: String(new URL(sb.url).port) });
    });
    after(async () => {
      if (process.env.UPP_SHOW_NR_LOG) console.log(nr?.log);
      await nr?.stop();
      await sb?.close();
    });

    it('registers the eight types of this issue from the package, enabled, without errors', async () => {
      const res = await http(`${nr.url}/nodes`, { headers: { accept: 'application/json' } });
      assert.equal(res.status, 200);
      const sets = res.json().filter((n) => n.module === MODULE);
      for (const type of OURS) {
        const set = sets.find((n) => n.types.includes(type));
        assert.ok(set, `${type} registered`);
        assert.equal(set.enabled, true);
        assert.equal(set.err, undefined, `${type}: ${set.err}`);
      }
      // upp-poll is another issue's node: tolerate only its own absence.
      for (const set of sets.filter((n) => n.err)) assert.match(set.id, /upp-poll$/, `${set.id}: ${set.err}`);
    });

    it('serves the editor HTML with every dialog and the help in this language', async () => {
      const res = await http(`${nr.url}/nodes`, { headers: { accept: 'text/html', 'accept-language': lang } });
      assert.equal(res.status, 200);
      for (const type of OURS) {
        assert.ok(res.text.includes(`data-template-name="${type}"`), `${type} dialog`);
        assert.ok(res.text.includes(`data-help-name="${type}"`), `${type} help`);
        assert.ok(res.text.includes(`RED.nodes.registerType('${type}'`), `${type} definition`);
      }
      if (lang === 'zh-CN') {
        assert.ok(res.text.includes('只有 <code>refund_failed</code> 表示退款失败'));
        assert.ok(res.text.includes('包括应答超时，都视为已关闭'));
      } else {
        assert.ok(res.text.includes('Only <code>refund_failed</code> means the refund failed'));
        assert.ok(res.text.includes('a response timeout included, counts as closed'));
      }
    });

    it('serves each catalog in this language and the icons', async () => {
      for (const type of OURS) {
        const res = await http(`${nr.url}/locales/${MODULE}/${type}?lng=${lang}`);
        assert.equal(res.status, 200, type);
        const catalog = res.json()[type];
        assert.equal(catalog.lang, lang === 'zh-CN' ? 'zh' : 'en', `${type} catalog in ${lang}`);
        if (type !== 'upp-config') {
          const icon = await http(`${nr.url}/icons/${MODULE}/${type}.svg`);
          assert.equal(icon.status, 200, `${type}.svg`);
          assert.match(icon.headers['content-type'], /svg/);
        }
      }
      const query = (await http(`${nr.url}/locales/${MODULE}/upp-query?lng=${lang}`)).json()['upp-query'];
      assert.equal(query.outputs.paid, lang === 'zh-CN' ? '已支付（pay_success）' : 'paid (pay_success)');
    });

    it('runs a deployed flow: ${VAR} key, network test on deploy, HTTP In -> pay -> HTTP Response (msg.res kept)', async () => {
      const flows = [
        { id: 'f1', type: 'tab', label: 'upp' },
        {
          id: 'cfgA',
          type: 'upp-config',
          name: 'literal key',
          baseUrl: sb.url,
          isvId: IDS.isvId,
          partnerId: IDS.partnerId,
          profile: 'v1',
          verify: 'auto',
          pathStyle: 'manual-1.0',
          connectTimeout: 1000,
          payTimeout: 3000,
          readTimeout: 1000,
          proxy: 'none',
          credentials: { key: KEY },
        },
        {
          id: 'cfgB',
          type: 'upp-config',
          name: 'key from env',
          baseUrl: 'http://127.0.0.1:${UPP_LOADER_PORT}',
          isvId: '${UPP_LOADER_ISV}',
          partnerId: IDS.partnerId,
          proxy: 'none',
          credentials: { key: '${UPP_LOADER_KEY}' },
        },
        { id: 'netA', z: 'f1', type: 'upp-network', server: 'cfgA', onDeploy: true, wires: [[]] },
        { id: 'netB', z: 'f1', type: 'upp-network', server: 'cfgB', onDeploy: true, wires: [[]] },
        { id: 'in', z: 'f1', type: 'http in', url: '/pay', method: 'post', wires: [['pay']] },
        {
          id: 'pay',
          z: 'f1',
          type: 'upp-scancode',
          server: 'cfgA',
          channelProduct: 'ali_scan_code',
          channelProductType: 'enum',
          wires: [['out'], ['out']],
        },
        { id: 'out', z: 'f1', type: 'http response', statusCode: '', headers: {}, wires: [] },
        // Errors (no output) reach a Catch with msg.res kept, so the flow can still answer the HTTP request.
        { id: 'c1', z: 'f1', type: 'catch', scope: ['pay'], uncaught: false, wires: [['bad']] },
        { id: 'bad', z: 'f1', type: 'http response', statusCode: '400', headers: {}, wires: [] },
      ];
      // cfgB's isvId comes from an env var that is only in the flow's environment.
      flows[0].env = [{ name: 'UPP_LOADER_ISV', value: IDS.isvId, type: 'str' }];
      cfgInFlow(flows, 'cfgB');
      const deploy = await http(`${nr.url}/flows`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'node-red-deployment-type': 'full' },
        body: JSON.stringify(flows),
      });
      assert.equal(deploy.status, 204, deploy.text);
      const ok = lang === 'zh-CN' ? '部署时网络测试：连接正常' : 'network test on deploy: Connected';
      await s.until(() => nr.log.split(ok).length - 1 >= 2, 10000).catch(() => assert.fail(`no "${ok}" twice in the log:\n${nr.log}`));

      const paid = await http(`${nr.url}/pay`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ paymentNo: s.uid('HTTP'), tradeFee: '12.00', subject: '挂号费' }),
      });
      assert.equal(paid.status, 200, paid.text);
      const data = paid.json();
      assert.equal(data.tradeStatus, 'wait_pay');
      assert.equal(data.tradeFee, '12.00');
      assert.match(data.sign, /^http/);

      // An input error: no output, the Catch answers the HTTP request (msg.res kept).
      const bad = await http(`${nr.url}/pay`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ paymentNo: 'X1', tradeFee: '0', subject: 's' }),
      });
      assert.equal(bad.status, 400);
      assert.equal(bad.json().tradeFee, '0', 'the original payload');
    });

    it('never gives the key back: not in GET /flows, not in the credentials API, not in the flow file or the log', async () => {
      const flows = await http(`${nr.url}/flows`);
      assert.equal(flows.status, 200);
      assert.ok(!flows.text.includes(KEY), 'GET /flows');
      assert.ok(flows.text.includes('${UPP_LOADER_PORT}'), 'the ${VAR} texts are kept as typed');
      const creds = await http(`${nr.url}/credentials/upp-config/cfgA`);
      assert.deepEqual(creds.json(), { has_key: true });
      const file = fs.readFileSync(path.join(nr.dir, 'flows.json'), 'utf8');
      assert.ok(!file.includes(KEY), 'flows.json');
      const credFile = fs.readFileSync(path.join(nr.dir, 'flows_cred.json'), 'utf8');
      assert.ok(!credFile.includes(KEY), 'flows_cred.json is encrypted');
      assert.ok(!nr.log.includes(KEY), 'the log');
    });

    it('logs no warning or error about these nodes', () => {
      const lines = nr.log.split('\n').filter((l) => /\[(warn|error)\]/.test(l));
      const ours = lines.filter((l) => /upp|hisflow/i.test(l) && !/tradeFee/.test(l));
      assert.deepEqual(ours, []);
      assert.ok(!/Waiting for missing types|Missing node modules|Unable to load/i.test(nr.log), nr.log);
    });
  });
}

function cfgInFlow(flows, id) {
  // A config node placed in the flow (z set) reads the flow's environment variables.
  flows.find((n) => n.id === id).z = 'f1';
}
