'use strict';
// The sidebar's admin endpoints in a real Node-RED (child process) with adminAuth: no token -> 401; a read-only user
// sees the data (a poll in progress, an undetermined poll in "needs a person", calls per endpoint) but cannot act;
// an admin can query now and dismiss. Nothing returned carries the key. With the admin API off, the endpoints do
// not exist and the flows run as before.
const assert = require('node:assert/strict');
const path = require('node:path');
const { startNodeRed } = require('../reliability/support/red-child');
const h = require('../reliability/support/harness');

const KEY = h.KEY;
const ROOT = path.resolve(__dirname, '..', '..');
const bcrypt = require(require.resolve('bcryptjs', { paths: [path.dirname(require.resolve('node-red/package.json', { paths: [ROOT] }))] }));
const USERS = { admin: 'admin-pw-7Qx', viewer: 'viewer-pw-3Zk' };

/** Inject once on deploy -> scan-code -> poll: one payment per entry. */
function opsFlow(sbUrl, payments) {
  const z = 'fo';
  const flow = [
    { id: z, type: 'tab', label: 'ops' },
    { ...h.configNode('cfg', sbUrl), name: 'sandbox A', credentials: { key: KEY } },
  ];
  payments.forEach((p, i) => {
    const payload = JSON.stringify({ paymentNo: p.paymentNo, channelProduct: 'ali_scan_code', tradeFee: '10.00', subject: '挂号费' });
    flow.push(
      {
        id: `inj${i}`,
        type: 'inject',
        z,
        name: '',
        props: [{ p: 'payload' }],
        repeat: '',
        crontab: '',
        once: true,
        onceDelay: 0.1,
        topic: '',
        payload,
        payloadType: 'json',
        wires: [[`scan${i}`]],
      },
      { id: `scan${i}`, type: 'upp-scancode', z, name: `scan ${i}`, server: 'cfg', wires: [[], [`poll${i}`]] },
      {
        id: `poll${i}`,
        type: 'upp-poll',
        z,
        name: `poll ${i}`,
        server: 'cfg',
        mode: 'payment',
        interval: p.interval,
        attempts: p.attempts,
        closeOnGiveUp: false,
        assumeRefunded: false,
        wires: [[], [], []],
      },
    );
  });
  return flow;
}

/** 'yyyy-MM-dd HH:mm:ss' China time (spec 8) as epoch ms. */
const chinaTimeMs = (text) => Date.parse(`${text.replace(' ', 'T')}+08:00`);

async function until(check, what, ms = 15000) {
  const end = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await h.sleep(100);
  }
}

describe('UPP sidebar endpoints (real Node-RED, adminAuth)', function () {
  this.timeout(60000);
  let sb;
  let red;
  const tokens = {};
  const texts = [];
  const waiting = h.uid('OW');
  const undetermined = h.uid('OU');
  const untilExpiry = h.uid('OE');

  const as = async (user, method, url, body) => {
    const res = await red.request(method, url, { body, headers: user ? { authorization: `Bearer ${tokens[user]}` } : {} });
    texts.push(res.text);
    return res;
  };

  before(async () => {
    sb = await h.startSandbox({ port: 0 });
    const users = [
      { username: 'admin', password: bcrypt.hashSync(USERS.admin, 8), permissions: '*' },
      { username: 'viewer', password: bcrypt.hashSync(USERS.viewer, 8), permissions: 'read' },
    ];
    red = await startNodeRed({
      credentialSecret: 'ops-test-secret',
      logLevel: 'info',
      settings: { adminAuth: { type: 'credentials', users } },
    });
    for (const user of Object.keys(USERS)) {
      const res = await red.request('POST', '/auth/token', {
        body: { client_id: 'node-red-admin', grant_type: 'password', scope: '', username: user, password: USERS[user] },
      });
      assert.equal(
        res.status,
        200,
        `${res.text}\n${red
          .output()
          .split('\n')
          .filter((l) => /auth/.test(l))
          .join('\n')}`,
      );
      tokens[user] = res.json.access_token;
    }
    const flow = opsFlow(sb.url, [
      { paymentNo: waiting, interval: '600', attempts: '3' },
      { paymentNo: undetermined, interval: '0.05', attempts: '1' },
      { paymentNo: untilExpiry, interval: '600', attempts: '' }, // the default: until the order's expireTime
    ]);
    const deployed = await as('admin', 'POST', '/flows', flow);
    assert.equal(deployed.status, 204, deployed.text);
  });
  after(async () => {
    await red?.stop();
    await sb?.close();
  });

  it('answers 401 without a token, to reading and to acting', async () => {
    assert.equal((await as(null, 'GET', '/upp/ops')).status, 401);
    assert.equal((await as(null, 'POST', '/upp/ops/query', { config: 'cfg', paymentNo: waiting, bizType: 'scan_pay' })).status, 401);
    assert.equal((await as(null, 'POST', '/upp/ops/attention/1/dismiss', {})).status, 401);
  });

  it('a read-only user sees the poll in progress, the undetermined poll and the calls of the last hour', async () => {
    const data = await until(async () => {
      const res = await as('viewer', 'GET', '/upp/ops');
      assert.equal(res.status, 200, res.text);
      const cfg = res.json.configs.find((c) => c.id === 'cfg');
      const open = cfg?.polls.find((p) => p.paymentNo === waiting) && cfg.polls.find((p) => p.paymentNo === untilExpiry);
      const item = res.json.attention.find((a) => a.paymentNo === undetermined);
      return open && item ? res.json : undefined;
    }, 'the open polls and the undetermined one');
    const cfg = data.configs.find((c) => c.id === 'cfg');
    assert.equal(cfg.name, 'sandbox A');
    assert.equal(cfg.reachable, 'yes');
    const open = cfg.polls.find((p) => p.paymentNo === waiting);
    assert.equal(open.mode, 'payment');
    assert.equal(open.attempts, 0);
    assert.equal(open.maxAttempts, 3);
    assert.ok(open.nextAt > data.now && open.startedAt <= data.now, JSON.stringify(open));
    assert.ok(!cfg.polls.some((p) => p.paymentNo === undetermined), 'a finished poll is no longer listed as open');
    // A poll without a cap: no maxAttempts, and the order's expireTime the sidebar shows instead ("until expiry").
    const untilExpiryPoll = cfg.polls.find((p) => p.paymentNo === untilExpiry);
    assert.ok(untilExpiryPoll, 'the poll until expiry is listed');
    assert.equal(untilExpiryPoll.maxAttempts, undefined);
    assert.equal(untilExpiryPoll.expireAt, chinaTimeMs(sb.order(untilExpiry).expireTime));
    const item = data.attention.find((a) => a.paymentNo === undetermined);
    assert.equal(item.kind, 'undetermined');
    assert.equal(item.reason, 'gave_up');
    assert.equal(item.config, 'cfg');
    assert.equal(item.node, 'poll1');
    const scan = cfg.endpoints.find((e) => e.endpoint === 'scanCode');
    assert.equal(scan.counts.pending, 3);
    assert.ok(scan.p50 >= 0 && scan.p95 >= scan.p50);
    assert.ok(cfg.endpoints.find((e) => e.endpoint === 'query').counts.pending >= 1);
  });

  it('a read-only user cannot query or dismiss (401)', async () => {
    const { json } = await as('viewer', 'GET', '/upp/ops');
    const item = json.attention.find((a) => a.paymentNo === undetermined);
    assert.equal((await as('viewer', 'POST', '/upp/ops/query', { item: item.id })).status, 401);
    assert.equal((await as('viewer', 'POST', `/upp/ops/attention/${item.id}/dismiss`, {})).status, 401);
    assert.ok(
      (await as('viewer', 'GET', '/upp/ops')).json.attention.some((a) => a.id === item.id),
      'still listed',
    );
  });

  it('an admin queries the payment now (the answer is shown on the item) and dismisses it', async () => {
    let { json } = await as('admin', 'GET', '/upp/ops');
    const item = json.attention.find((a) => a.paymentNo === undetermined);
    sb.pay(undetermined);
    const queried = await as('admin', 'POST', '/upp/ops/query', { item: item.id });
    assert.equal(queried.status, 200, queried.text);
    assert.equal(queried.json.outcome, 'success');
    assert.equal(queried.json.status, 'pay_success');
    ({ json } = await as('admin', 'GET', '/upp/ops'));
    assert.equal(json.attention.find((a) => a.id === item.id).lastQuery.status, 'pay_success');
    assert.equal((await as('admin', 'POST', `/upp/ops/attention/${item.id}/dismiss`, {})).status, 200);
    ({ json } = await as('admin', 'GET', '/upp/ops'));
    assert.ok(!json.attention.some((a) => a.id === item.id), 'dismissed');
    assert.equal((await as('admin', 'POST', `/upp/ops/attention/${item.id}/dismiss`, {})).status, 404);
  });

  it('a mismatched answer (about another order) is listed with the fields that differ, and never decides', async () => {
    sb.armFault('mismatch_paymentNo', { endpoint: 'query', paymentNo: waiting, times: 1 });
    const queried = await as('admin', 'POST', '/upp/ops/query', { config: 'cfg', paymentNo: waiting, bizType: 'scan_pay' });
    assert.equal(queried.status, 200, queried.text);
    assert.equal(queried.json.outcome, 'pending');
    assert.equal(queried.json.reason, 'mismatch');
    assert.equal(queried.json.status, undefined, "another order's status is not shown as this one's");
    const { json } = await as('viewer', 'GET', '/upp/ops');
    const item = json.attention.find((a) => a.kind === 'mismatch' && a.paymentNo === waiting);
    assert.ok(item, JSON.stringify(json.attention));
    assert.equal(item.node, 'upp-ops');
    assert.equal(item.endpoint, 'query');
    assert.deepEqual(item.mismatch.paymentNo, { expected: waiting, received: `X${waiting}` });
  });

  it('refuses a bad query before sending, naming the field; and an unknown connection', async () => {
    const bad = await as('admin', 'POST', '/upp/ops/query', { config: 'cfg', paymentNo: 'x'.repeat(40), bizType: 'scan_pay' });
    assert.equal(bad.status, 400, bad.text);
    assert.equal(bad.json.field, 'paymentNo');
    assert.ok(bad.json.messageZh);
    const unknown = await as('admin', 'POST', '/upp/ops/query', { config: 'nope', paymentNo: waiting, bizType: 'scan_pay' });
    assert.equal(unknown.status, 400);
    assert.equal(unknown.json.field, 'config');
  });

  it('never returns the key', () => {
    assert.ok(texts.length >= 10);
    for (const text of texts) assert.ok(!text.includes(KEY) && !text.includes(KEY.slice(0, 12)), text.slice(0, 300));
  });
});

describe('UPP sidebar endpoints with the admin API off (httpAdminRoot: false)', function () {
  this.timeout(60000);
  let sb;
  let red;
  before(async () => {
    sb = await h.startSandbox({ port: 0 });
    red = await startNodeRed({ credentialSecret: 'ops-test-secret', logLevel: 'info', settings: { httpAdminRoot: false } });
  });
  after(async () => {
    await red?.stop();
    await sb?.close();
  });

  it('registers no endpoint and the package loads without error', async () => {
    await until(() => /Started flows|Stopped flows|Starting flows/.test(red.output()), 'flows to start');
    assert.equal((await red.request('GET', '/upp/ops')).status, 404);
    assert.ok(!/\[error\]/.test(red.output()), red.output());
    assert.ok(!/upp-ops.*(Error|failed)/i.test(red.output()), red.output());
  });
});
