#!/usr/bin/env node
'use strict';
// upp-poll at scale (issue 4): POLL_JOBS (default 10 000) concurrent polls through one upp-poll node in a real
// Node-RED runtime (this process), against the sandbox in a process of its own. Reports:
//   - heap growth per 1 000 polls (MB): heap after GC with every job waiting and holding its last answer, minus
//     the heap after GC with the same messages already built but not yet sent to the node;
//   - schedule error at a POLL_INTERVAL (default 1 s) interval: how late each query started compared with when
//     it was due (p50 / p99 / max ms), measured by the node's own scheduler, split into queries started by the
//     timer (the timer's own error) and queries that were due while all POLL_CONCURRENCY slots were busy (the
//     offered load, jobs / interval, was above what client + front-end could answer: throughput, not timing);
//   - that every job finished exactly once (one output per input message, none missing, none twice).
// Env: POLL_JOBS, POLL_INTERVAL (s), POLL_ATTEMPTS (8), POLL_CONCURRENCY (50), POLL_SPREAD_MS (arrival spread,
//      default = one interval, as pending answers arrive over time in practice). Run after `npm run build`
//      (`npm run bench` builds). Start with --expose-gc for exact heap figures (bench/run.js does).
const v8 = require('node:v8');
const vm = require('node:vm');
const core = require('../dist/nodes/core');
const { describeResult } = require('../dist/nodes/lib/message');
const { startSandboxProcess } = require('./lib/sandbox-proc');
const { makeUserDir, startNodeRed } = require('./lib/nodered');

const JOBS = Number(process.env.POLL_JOBS || 10000);
const INTERVAL_S = Number(process.env.POLL_INTERVAL || 1);
const ATTEMPTS = Number(process.env.POLL_ATTEMPTS || 8);
const CONCURRENCY = Number(process.env.POLL_CONCURRENCY || 50);
const SPREAD_MS = Number(process.env.POLL_SPREAD_MS ?? INTERVAL_S * 1000);
const CEILING_MS = Number(process.env.POLL_CEILING_MS || 3000);
const TARGET_HEAP_MB_PER_10K = 20;
const TARGET_P99_MS = 250;

// Magic cents (sandbox): how each order ends. Queries per job: 3, 5, 7, or 8 + close + 1.
const MIX = [
  { share: 0.5, tradeFee: '1.23', expect: 'success', what: 'paid on query 3' },
  { share: 0.2, tradeFee: '1.35', expect: 'failed', what: 'pay_failed on query 5' },
  { share: 0.1, tradeFee: '1.27', expect: 'success', what: 'paid on query 7' },
  { share: 0.2, tradeFee: '1.00', expect: 'failed', what: 'never paid: 8 queries, close, query' },
];

const gc =
  global.gc ??
  (() => {
    v8.setFlagsFromString('--expose-gc');
    return vm.runInNewContext('gc');
  })();
const heapMB = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 1048576;
};
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function pool(n, limit, work) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, n) }, async () => {
      while (next < n) await work(next++);
    }),
  );
}

async function createOrders(sandbox, stamp) {
  const client = new core.UppClient({ baseUrl: sandbox.url, isvId: '20000', partnerId: '12345', key: sandbox.key, proxy: 'none' });
  const expireTime = Date.now() + 3600e3;
  const plan = [];
  let i = 0;
  for (const m of MIX) for (let k = Math.round(m.share * JOBS); k > 0 && plan.length < JOBS; k--) plan.push(m);
  while (plan.length < JOBS) plan.push(MIX[0]);
  const msgs = new Array(JOBS);
  await pool(JOBS, 50, async (k) => {
    const paymentNo = `PS${stamp}${String(k).padStart(6, '0')}`;
    const r = await client.scanCode({
      paymentNo,
      channelProduct: 'ali_scan_code',
      expireTime,
      tradeFee: plan[k].tradeFee,
      subject: 'poll bench',
    });
    if (r.outcome !== 'pending') throw new Error(`order ${paymentNo}: ${r.outcome} ${r.reason}`);
    // What a scan-code node's pending output carries, wired straight into upp-poll.
    const { payload, upp } = describeResult(r);
    msgs[k] = { _msgid: `bench-${k}`, payload, upp, topic: 'poll-bench', expect: plan[k].expect };
    i++;
  });
  await client.destroy();
  return { msgs, created: i };
}

function flow(sandbox, collect) {
  const TAB = 'pb.tab';
  const fn = (id, tag) => ({
    id,
    type: 'function',
    z: TAB,
    name: tag,
    func: `global.get('pollCollect')(msg, ${JSON.stringify(tag)});\nreturn null;`,
    outputs: 1,
    timeout: 0,
    noerr: 0,
    initialize: '',
    finalize: '',
    libs: [],
    x: 500,
    y: 100,
    wires: [[]],
  });
  return {
    flows: [
      { id: TAB, type: 'tab', label: 'poll bench', disabled: false, info: '' },
      {
        id: 'pb.cfg',
        type: 'upp-config',
        name: 'sandbox',
        baseUrl: sandbox.url,
        isvId: '20000',
        partnerId: '12345',
        profile: 'v1',
        proxy: 'none',
      },
      {
        id: 'pb.poll',
        type: 'upp-poll',
        z: TAB,
        name: '',
        server: 'pb.cfg',
        mode: 'auto',
        interval: INTERVAL_S,
        attempts: ATTEMPTS,
        closeOnGiveUp: true,
        assumeRefunded: true,
        progress: false,
        concurrency: CONCURRENCY,
        outputs: 3,
        x: 300,
        y: 100,
        wires: [['pb.success'], ['pb.failed'], ['pb.undetermined']],
      },
      fn('pb.success', 'success'),
      fn('pb.failed', 'failed'),
      fn('pb.undetermined', 'undetermined'),
      fn('pb.error', 'error'),
      { id: 'pb.catch', type: 'catch', z: TAB, name: '', scope: null, uncaught: false, x: 100, y: 300, wires: [['pb.error']] },
    ],
    credentials: { 'pb.cfg': { key: sandbox.key } },
    collect,
  };
}

/**
 * The most query calls per second this machine carries against the same sandbox process: a bare undici loop
 * (pre-signed body, answer read but not parsed or verified), CONCURRENCY in flight, for CEILING_MS. If the offered
 * load (jobs / interval) is above this, no scheduler can start every query on time here.
 */
async function measureCeiling(sandbox, paymentNo) {
  const { Pool } = require('undici');
  const url = new URL(sandbox.url);
  const path = `${url.pathname.replace(/\/$/, '')}/access/query`;
  const body = core.encodeRequest(
    { isvId: '20000', partnerId: '12345' },
    core.validateRequest('query', { bizType: 'scan_pay', paymentNo }),
    sandbox.key,
    'v1',
    Date.now(),
  ).body;
  const pool = new Pool(sandbox.origin, { connections: CONCURRENCY });
  let calls = 0;
  const stopAt = Date.now() + CEILING_MS;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (Date.now() < stopAt) {
        const res = await pool.request({ path, method: 'POST', headers: { 'content-type': 'application/json;charset=UTF-8' }, body });
        await res.body.text();
        calls += 1;
      }
    }),
  );
  await pool.close();
  return calls / (CEILING_MS / 1000);
}

const pct = (part, whole) => `${whole ? Math.round((100 * part) / whole) : 0}%`;

function table(rows) {
  const widths = [0, 1, 2].map((c) => Math.max(...rows.map((r) => String(r[c]).length)));
  const line = (r) => `| ${r.map((cell, c) => String(cell).padEnd(widths[c])).join(' | ')} |`;
  return [line(rows[0]), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.slice(1).map(line)].join('\n');
}

async function main() {
  const sandbox = await startSandboxProcess();
  const stamp = Date.now().toString(36).toUpperCase();
  const seen = new Map();
  let twice = 0;
  let wrong = 0;
  let errors = 0;
  const byPort = { success: 0, failed: 0, undetermined: 0, error: 0 };
  const collect = (msg, port) => {
    byPort[port] += 1;
    if (port === 'error') errors += 1;
    const id = msg._msgid;
    if (seen.has(id)) twice += 1;
    seen.set(id, port);
    if (msg.expect && port !== msg.expect) wrong += 1;
  };
  const def = flow(sandbox, collect);
  const userDir = makeUserDir({ flows: def.flows, credentials: def.credentials, prefix: 'upp-poll-bench-' });
  const nr = await startNodeRed(userDir, { functionGlobalContext: { pollCollect: collect } });
  try {
    const setupStart = Date.now();
    const { msgs } = await createOrders(sandbox, stamp);
    const anyPaymentNo = msgs[0].payload.paymentNo;
    await sandbox.clear();
    const setupS = (Date.now() - setupStart) / 1000;
    const node = nr.RED.nodes.getNode('pb.poll');
    const engine = node.pollEngine;
    if (!engine) throw new Error('upp-poll did not start (no engine)');
    await sleep(200);
    const heapBefore = heapMB();
    const cpu0 = process.cpuUsage();
    const sbCpu0 = await sandbox.cpu();
    const t0 = Date.now();

    // Messages arrive spread over SPREAD_MS (pending answers come in over time), in 20 ms batches.
    const batches = Math.max(1, Math.round(SPREAD_MS / 20));
    const perBatch = Math.ceil(JOBS / batches);
    for (let b = 0; b * perBatch < JOBS; b++) {
      const due = t0 + b * 20;
      const wait = due - Date.now();
      if (wait > 0) await sleep(wait);
      for (const msg of msgs.slice(b * perBatch, (b + 1) * perBatch)) node.receive(msg);
    }
    const submittedMs = Date.now() - t0;
    msgs.length = 0; // the node holds them now

    // Peak state: every job waiting, each holding its last answer (after the first round of queries).
    let heapPeak = 0;
    let peakJobs = 0;
    const firstRoundDone = t0 + SPREAD_MS + INTERVAL_S * 1000 + 400;
    await sleep(Math.max(0, firstRoundDone - Date.now()));
    peakJobs = engine.stats().jobs;
    heapPeak = heapMB();

    const deadline = Date.now() + (ATTEMPTS + 3) * INTERVAL_S * 1000 + 60000 + JOBS * 10;
    while (seen.size < JOBS && Date.now() < deadline) await sleep(100);
    await sleep(300);
    const wallS = (Date.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const sbCpuS = ((await sandbox.cpu()) - sbCpu0) / 1e6;
    const stats = engine.stats();
    const heapAfter = heapMB();
    const growth = heapPeak - heapBefore;
    const queries = stats.queries + stats.closes;
    const missing = JOBS - seen.size;
    await sandbox.clear();
    const ceiling = await measureCeiling(sandbox, anyPaymentNo);

    console.log(
      `upp-poll scale: ${JOBS} concurrent polls, interval ${INTERVAL_S} s, ${ATTEMPTS} attempts, ${CONCURRENCY} queries in flight at most, sandbox in its own process`,
    );
    console.log(`orders: ${MIX.map((m) => `${Math.round(m.share * 100)}% ${m.what}`).join('; ')} (setup ${setupS.toFixed(1)} s)`);
    console.log(
      table([
        ['measure', 'value', 'target'],
        ['jobs waiting at the peak', peakJobs, ''],
        ['heap before -> peak -> after (MB)', `${heapBefore.toFixed(1)} -> ${heapPeak.toFixed(1)} -> ${heapAfter.toFixed(1)}`, ''],
        ['heap growth per 1 000 polls (MB)', (growth / (JOBS / 1000)).toFixed(2), `< ${(TARGET_HEAP_MB_PER_10K / 10).toFixed(1)}`],
        [`heap growth for ${JOBS} polls (MB)`, growth.toFixed(1), `< ${((TARGET_HEAP_MB_PER_10K * JOBS) / 10000).toFixed(0)}`],
        [
          'schedule error p50 / p99 / max (ms), all calls',
          `${stats.lag.p50} / ${stats.lag.p99} / ${stats.lag.max}`,
          `p99 < ${TARGET_P99_MS}`,
        ],
        [
          `  started by the timer (${pct(stats.timerLag.count, stats.lag.count)})`,
          `${stats.timerLag.p50} / ${stats.timerLag.p99} / ${stats.timerLag.max}`,
          `p99 < ${TARGET_P99_MS}`,
        ],
        [
          `  due while all ${CONCURRENCY} slots were busy (${pct(stats.queuedLag.count, stats.lag.count)})`,
          `${stats.queuedLag.p50} / ${stats.queuedLag.p99} / ${stats.queuedLag.max}`,
          '',
        ],
        ['queries + closes sent', `${stats.queries} + ${stats.closes}`, ''],
        ['offered load at the peak (calls/s)', Math.round(JOBS / INTERVAL_S), ''],
        ['throughput achieved (calls/s, whole run)', Math.round(queries / wallS), ''],
        [`ceiling: bare undici loop, same sandbox, ${CONCURRENCY} in flight (calls/s)`, Math.round(ceiling), ''],
        ['offered load / ceiling', (JOBS / INTERVAL_S / ceiling).toFixed(2), '≤ 1 for on-time queries'],
        ['CPU Node-RED / sandbox (s)', `${((cpu.user + cpu.system) / 1e6).toFixed(1)} / ${sbCpuS.toFixed(1)}`, ''],
        ['messages submitted in (ms)', submittedMs, ''],
        ['wall time (s)', wallS.toFixed(1), ''],
        [
          'outputs success / failed / undetermined / error',
          `${byPort.success} / ${byPort.failed} / ${byPort.undetermined} / ${byPort.error}`,
          '',
        ],
        ['finished exactly once', missing === 0 && twice === 0 ? `yes (${seen.size})` : `NO: ${missing} missing, ${twice} twice`, 'yes'],
        ['left by the expected output', wrong === 0 && errors === 0 ? 'yes' : `NO: ${wrong} wrong, ${errors} errors`, 'yes'],
      ]),
    );
    const ok = missing === 0 && twice === 0 && wrong === 0 && errors === 0;
    if (!ok) process.exitCode = 1;
  } finally {
    await nr.stop();
    await sandbox.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
