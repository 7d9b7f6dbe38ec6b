#!/usr/bin/env node
'use strict';
// Throughput and latency through Node-RED, measured side by side in one run (issue 6):
//   upp-query    inject -> upp-query -> collector
//   hand-rolled  inject -> function (sign by hand) -> http request -> function (verify, route) -> collector
//   bare         a bare undici loop outside Node-RED, body signed once, answer not parsed (the ceiling)
//   empty        inject -> function (return msg) -> collector (Node-RED's own cost of passing a message)
//   client       UppClient.query in a loop outside Node-RED (splits our cost from Node-RED's)
//   transport    our Transport.post in a loop with the bare loop's pre-signed body, not parsed (splits the client's
//                cost into transport and codec)
//   client+empty UppClient.query in a Node-RED process, each answer then passed through the empty flow: the upp-query
//                flow without its node layer
//   floor        the bare loop plus the rules' irreducible work done with the platform's primitives (canonical
//                strings by concatenation, MD5, JSON.parse): what any implementation of the rules costs at least
//   bare+empty, floor+empty  the bare loop and the floor in a Node-RED process, each answer then passed through the
//                empty flow: what the flow target's limit is once Node-RED shares the process
// Each contender runs in a fresh process per round (the sandbox in yet another), rounds alternate the order.
// Env: BENCH_FLOW_REQUESTS (default 20000), BENCH_FLOW_ROUNDS (5), BENCH_FLOW_CONCURRENCY (50),
//      BENCH_FLOW_CONTENDERS (comma list), BENCH_CPU_PROFILE=<dir> (V8 profile of each measured run),
//      BENCH_PACKAGE_ROOT=<dir> (adds "upp-query@fixed": the same flow with another build, see lib/try-fixes.js),
//      BENCH_FLOW_INFLIGHT (default "50,200,1000": latency and heap per call of the upp-query flow at each number of
//      messages in flight; "" skips it), BENCH_FLOW_INFLIGHT_ROUNDS (3).
const { fork } = require('node:child_process');
const path = require('node:path');
const core = require('../dist/nodes/core');
const { startSandboxProcess } = require('./lib/sandbox-proc');
const { ALT_PACKAGE_ROOT } = require('./lib/nodered');

const TOTAL = Number(process.env.BENCH_FLOW_REQUESTS || 20000);
const ROUNDS = Number(process.env.BENCH_FLOW_ROUNDS || 5);
const CONCURRENCY = Number(process.env.BENCH_FLOW_CONCURRENCY || 50);
const WARMUP = Math.max(200, Math.min(3000, Math.round(TOTAL / 5)));
const INFLIGHT = (process.env.BENCH_FLOW_INFLIGHT ?? '50,200,1000')
  .split(',')
  .map(Number)
  .filter((n) => n > 0);
const INFLIGHT_ROUNDS = Number(process.env.BENCH_FLOW_INFLIGHT_ROUNDS || 3);
const ALL = [
  'upp-query',
  'hand-rolled',
  'bare',
  'empty',
  'client',
  'transport',
  'floor',
  'client+empty',
  'bare+empty',
  'floor+empty',
  ...(ALT_PACKAGE_ROOT ? ['upp-query@fixed', 'client@fixed'] : []),
];
const CONTENDERS = (process.env.BENCH_FLOW_CONTENDERS || ALL.join(','))
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);
const LABELS = {
  'upp-query': 'a. upp-query flow',
  'hand-rolled': 'b. hand-rolled flow (function + http request + function)',
  bare: 'c. bare undici loop (ceiling, outside Node-RED)',
  empty: 'd. empty flow (function -> collector, no HTTP)',
  client: 'e. UppClient.query loop (outside Node-RED)',
  transport: 'f. our Transport.post loop (pre-signed, not parsed)',
  'client+empty': 'h. UppClient.query, then the empty flow, in one Node-RED process (no node layer)',
  floor: "g. the rules' floor: bare loop + sign, JSON.parse, verify with primitives",
  'bare+empty': 'i. bare undici loop, then the empty flow, in one Node-RED process',
  'floor+empty': "j. the rules' floor, then the empty flow, in one Node-RED process",
  'transport@fixed': `f'. Transport.post loop, build in BENCH_PACKAGE_ROOT`,
  'upp-query@fixed': `a'. upp-query flow, build in BENCH_PACKAGE_ROOT`,
  'client@fixed': `e'. UppClient.query loop, build in BENCH_PACKAGE_ROOT`,
};

const median = (xs) => {
  const s = xs.filter((x) => x !== undefined && !Number.isNaN(x)).sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : NaN;
};

function runWorker(job, sandbox) {
  return new Promise((resolve, reject) => {
    const worker = fork(path.join(__dirname, 'lib', 'flow-worker.js'), [], {
      execArgv: ['--expose-gc'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const limit = setTimeout(
      () => {
        worker.kill('SIGKILL');
        reject(new Error(`${job.contender} round ${job.round} took too long`));
      },
      120000 + job.total * 5,
    );
    let sandboxCpu0 = 0;
    let sandboxCpuUs = NaN;
    let result;
    worker.on('message', async (m) => {
      if (m.phase === 'warm') {
        sandboxCpu0 = await sandbox.cpu();
        worker.send({ go: true });
      } else if (m.phase === 'measured') {
        sandboxCpuUs = ((await sandbox.cpu()) - sandboxCpu0) / job.total;
        worker.send({ go: true });
      } else if (m.phase === 'result') {
        result = { ...m.result, sandboxCpuUsPerReq: sandboxCpuUs };
      }
    });
    worker.on('exit', (code) => {
      clearTimeout(limit);
      if (code === 0 && result) resolve(result);
      else reject(new Error(`${job.contender} round ${job.round} exited with ${code}`));
    });
    worker.send(job);
  });
}

async function prepareOrders(sandbox) {
  const client = new core.UppClient({ baseUrl: sandbox.url, isvId: '20000', partnerId: '12345', key: sandbox.key, proxy: 'none' });
  const stamp = Date.now().toString(36).toUpperCase();
  const orders = { paymentNo: `BENCHFLOW${stamp}A`, checkPaymentNo: `BENCHFLOW${stamp}B` };
  // 1.01 (cents 01) and 100.00 (barcode, cents 00): both paid at once; the second tests verification with scale.
  for (const [paymentNo, tradeFee] of [
    [orders.paymentNo, '1.01'],
    [orders.checkPaymentNo, '100.00'],
  ]) {
    const r = await client.barCode({
      paymentNo,
      tradeFee,
      expireTime: Date.now() + 3600e3,
      subject: 'bench',
      authCode: '280000000000000000',
    });
    if (r.outcome !== 'success') throw new Error(`bench order ${paymentNo} not paid: ${r.reason}`);
  }
  await client.destroy();
  return orders;
}

async function measure({
  total = TOTAL,
  rounds = ROUNDS,
  concurrency = CONCURRENCY,
  contenders = CONTENDERS,
  warmup = WARMUP,
  memoryProbe = false,
  log = () => {},
} = {}) {
  const sandbox = await startSandboxProcess();
  try {
    const orders = await prepareOrders(sandbox);
    const runs = Object.fromEntries(contenders.map((c) => [c, []]));
    for (let round = 0; round < rounds; round++) {
      // rotate the order each round so every contender meets the machine's drift in every position
      const order = contenders.map((_, k) => contenders[(k + round) % contenders.length]);
      for (const contender of order) {
        await sandbox.clear();
        const job = {
          cmd: 'run',
          contender,
          round,
          packageRoot: contender.endsWith('@fixed') ? ALT_PACKAGE_ROOT : undefined,
          url: sandbox.url,
          origin: sandbox.origin,
          key: sandbox.key,
          ...orders,
          total,
          concurrency,
          warmup,
          memoryProbe,
          profileDir: process.env.BENCH_CPU_PROFILE ? path.resolve(process.env.BENCH_CPU_PROFILE) : undefined,
        };
        const r = await runWorker(job, sandbox);
        runs[contender].push(r);
        log(
          `  round ${round + 1}/${rounds} ${contender}: ${r.rps.toFixed(0)} req/s, p50 ${r.p50.toFixed(2)} ms, ${r.cpuUsPerReq.toFixed(0)} µs CPU/req, ${JSON.stringify(r.counts)}`,
        );
      }
    }
    return summarize(runs, { total, rounds, concurrency });
  } finally {
    await sandbox.stop();
  }
}

function summarize(runs, { total, rounds, concurrency }) {
  const m = {};
  for (const [name, rs] of Object.entries(runs)) {
    const counts = {};
    for (const r of rs) for (const [tag, n] of Object.entries(r.counts)) counts[tag] = (counts[tag] || 0) + n;
    const check = {};
    for (const r of rs) for (const [tag, n] of Object.entries(r.check || {})) check[tag] = (check[tag] || 0) + n;
    m[name] = {
      rps: median(rs.map((r) => r.rps)),
      p50: median(rs.map((r) => r.p50)),
      p99: median(rs.map((r) => r.p99)),
      cpu: median(rs.map((r) => r.cpuUsPerReq)),
      sandboxCpu: median(rs.map((r) => r.sandboxCpuUsPerReq)),
      rss: median(rs.map((r) => r.peakRssMB)),
      heapPerCallKB: median(rs.map((r) => r.heapPerCallKB)),
      rpsAll: rs.map((r) => Math.round(r.rps)),
      okShare: (counts.paid || 0) / rs.reduce((s, r) => s + Object.values(r.counts).reduce((a, b) => a + b, 0), 0),
      counts,
      check: rs.some((r) => r.check) ? check : undefined,
    };
  }
  // Ratios are paired: the median over rounds of (a's req/s / b's req/s in the same round), which cancels most
  // of the drift of a shared machine between rounds; CPU ratios likewise.
  const paired = (a, b, field) => (runs[a] && runs[b] ? median(runs[a].map((r, k) => r[field] / runs[b][k][field])) : NaN);
  const ratio = (a, b) => paired(a, b, 'rps');
  const cpuRatio = (a, b) => paired(a, b, 'cpuUsPerReq');
  const rows = Object.keys(m).map((name) => {
    const x = m[name];
    return {
      contender: LABELS[name] || name,
      'req/s': x.rps.toFixed(0),
      '× hand-rolled': m['hand-rolled'] ? ratio(name, 'hand-rolled').toFixed(2) : '–',
      '× bare': m.bare ? ratio(name, 'bare').toFixed(2) : '–',
      'p50 ms': x.p50.toFixed(2),
      'p99 ms': x.p99.toFixed(2),
      'CPU µs/req': x.cpu.toFixed(0),
      'CPU × hand-rolled': m['hand-rolled'] ? cpuRatio(name, 'hand-rolled').toFixed(2) : '–',
      'sandbox CPU µs/req': name === 'empty' ? '–' : x.sandboxCpu.toFixed(0),
      'peak RSS MB': x.rss.toFixed(0),
      'paid %': (x.okShare * 100).toFixed(1),
    };
  });
  const verification = Object.keys(m)
    .filter((name) => m[name].check)
    .map((name) => {
      const c = m[name].check;
      const n = Object.values(c).reduce((a, b) => a + b, 0);
      return {
        contender: LABELS[name] || name,
        'tradeFee 1.01: paid (verified)': `${m[name].counts.paid || 0}/${Object.values(m[name].counts).reduce((a, b) => a + b, 0)}`,
        'tradeFee 100.00: paid (verified)': `${c.paid || 0}/${n}`,
        'other outcomes at 100.00': JSON.stringify(Object.fromEntries(Object.entries(c).filter(([k]) => k !== 'paid'))),
      };
    });
  const targets = [];
  for (const ours of ['upp-query', 'upp-query@fixed'].filter((k) => m[k])) {
    const tag = ours === 'upp-query' ? 'upp-query flow' : 'upp-query flow (BENCH_PACKAGE_ROOT build)';
    if (m['hand-rolled']) {
      const t = ratio(ours, 'hand-rolled');
      targets.push(`${tag}: throughput = ${t.toFixed(2)} × hand-rolled (target ≥ 1.5): ${t >= 1.5 ? 'met' : 'MISSED'}`);
      const c = cpuRatio(ours, 'hand-rolled');
      targets.push(`${tag}: CPU/req = ${c.toFixed(2)} × hand-rolled (target ≤ 0.7): ${c <= 0.7 ? 'met' : 'MISSED'}`);
    }
    if (m.bare) {
      const t = ratio(ours, 'bare');
      targets.push(`${tag}: throughput = ${(t * 100).toFixed(0)}% of the bare undici loop (target ≥ 50%): ${t >= 0.5 ? 'met' : 'MISSED'}`);
    }
    if (m.empty && m.client) {
      const rest = m[ours].cpu - m.empty.cpu - m.client.cpu;
      targets.push(
        `${tag}: CPU/req ${m[ours].cpu.toFixed(0)} µs = Node-RED passing a message through 2 nodes (empty flow) ${m.empty.cpu.toFixed(0)} µs` +
          ` + UppClient outside Node-RED ${m.client.cpu.toFixed(0)} µs${m.bare ? ` (bare undici: ${m.bare.cpu.toFixed(0)} µs)` : ''}` +
          ` + ${rest.toFixed(0)} µs left for the node layer (nodes/lib: fields, status, msg.upp; ± noise)`,
      );
    }
  }
  // Issue 17: the distance to the limit, in CPU per call, paired per round. What the node and client add on top of
  // Node-RED's own cost (upp-query flow minus the empty flow) and the client alone, each against a bare undici loop.
  const cpuOf = (name, k) => runs[name][k].cpuUsPerReq;
  for (const [ours, tag] of [
    ['upp-query', 'upp-query flow'],
    ['upp-query@fixed', 'upp-query flow (BENCH_PACKAGE_ROOT build)'],
  ]) {
    if (!m[ours] || !m.empty || !m.bare) continue;
    const r = median(runs[ours].map((_, k) => (cpuOf(ours, k) - cpuOf('empty', k)) / cpuOf('bare', k)));
    targets.push(
      `${tag}: (CPU/req − empty flow's) = ${r.toFixed(2)} × the bare undici loop's CPU/req (issue 17 target ≤ 1.5): ${r <= 1.5 ? 'met' : 'MISSED'}`,
    );
  }
  for (const [ours, tag] of [
    ['client', 'UppClient.query'],
    ['client@fixed', 'UppClient.query (BENCH_PACKAGE_ROOT build)'],
  ]) {
    if (!m[ours] || !m.bare) continue;
    const r = cpuRatio(ours, 'bare');
    targets.push(`${tag}: CPU/req = ${r.toFixed(2)} × the bare undici loop's (issue 17 target ≤ 1.3): ${r <= 1.3 ? 'met' : 'MISSED'}`);
  }
  // A/B of two builds (BENCH_PACKAGE_ROOT): the paired CPU ratio, so a change is kept only if it measures better.
  if (m.transport && m.bare) targets.push(`Transport.post: CPU/req = ${cpuRatio('transport', 'bare').toFixed(2)} × the bare undici loop's`);
  if (m.floor && m.bare) targets.push(`the rules' floor: CPU/req = ${cpuRatio('floor', 'bare').toFixed(2)} × the bare undici loop's`);
  if (m.floor && m.client) targets.push(`UppClient.query: CPU/req = ${cpuRatio('client', 'floor').toFixed(2)} × the rules' floor's`);
  // The flow split without guessing (per round): the node layer is the upp-query flow minus the same client call
  // made in the same Node-RED process and passed through the empty flow; the rest is the client and Node-RED.
  const perRound = (f) => median(Object.values(runs)[0].map((_, k) => f(k)));
  if (m['client+empty'] && m['upp-query'])
    targets.push(
      `upp-query flow − (client, then empty flow): ${perRound((k) => cpuOf('upp-query', k) - cpuOf('client+empty', k)).toFixed(1)} µs per query: the node layer`,
    );
  if (m['client+empty'] && m.empty && m.client) {
    const extra = perRound((k) => cpuOf('client+empty', k) - cpuOf('empty', k) - cpuOf('client', k));
    targets.push(
      `(client, then empty flow) − empty flow − client alone: ${extra.toFixed(1)} µs per query: the client's extra cost in Node-RED's process`,
    );
  }
  // The flow target's own limit: undici alone, and the rules' floor, run where the flow runs (in Node-RED's process,
  // each answer passed on through the empty flow), measured the way the target measures the upp-query flow.
  for (const [limit, tag] of [
    ['bare+empty', 'bare undici loop'],
    ['floor+empty', "the rules' floor"],
  ]) {
    if (!m[limit] || !m.empty || !m.bare) continue;
    const r = perRound((k) => (cpuOf(limit, k) - cpuOf('empty', k)) / cpuOf('bare', k));
    targets.push(`${tag} in Node-RED's process: (CPU/req − empty flow's) = ${r.toFixed(2)} × the bare undici loop's CPU/req outside it`);
  }
  for (const ours of ['upp-query', 'client', 'transport']) {
    if (m[ours] && m[`${ours}@fixed`]) {
      const r = cpuRatio(`${ours}@fixed`, ours);
      const rounds = runs[ours].map((_, k) => (cpuOf(`${ours}@fixed`, k) / cpuOf(ours, k)).toFixed(2)).join(' ');
      targets.push(`${ours}: CPU/req of the BENCH_PACKAGE_ROOT build = ${r.toFixed(3)} × this checkout's (per round: ${rounds})`);
    }
  }
  const note = `${rounds} rounds × ${total} requests per contender (+${WARMUP} warm-up), concurrency ${concurrency}, a fresh process per contender and round, order rotated each round; medians, ratios are medians of per-round ratios. CPU = Node-RED (or loop) process only; the sandbox runs in its own process. Per-round req/s: ${Object.entries(
    m,
  )
    .map(([k, x]) => `${k} ${x.rpsAll.join('/')}`)
    .join('; ')}`;
  return { rows, verification, targets, note, medians: m };
}

/**
 * Latency of a query through the upp-query flow at several numbers of messages in flight, and the heap each call in
 * flight holds (Node-RED message, client call, undici request): levels alternate within each round.
 */
async function measureInFlight(levels = INFLIGHT, rounds = INFLIGHT_ROUNDS, log = () => {}) {
  const byLevel = Object.fromEntries(levels.map((n) => [n, []]));
  for (let round = 0; round < rounds; round++) {
    for (const n of levels.map((_, k) => levels[(k + round) % levels.length])) {
      const total = Math.max(5000, n * 10);
      const r = await measure({
        total,
        rounds: 1,
        concurrency: n,
        contenders: ['upp-query'],
        warmup: 3000, // as the main table: JIT warm before the measured run
        memoryProbe: true,
      });
      const x = r.medians['upp-query'];
      byLevel[n].push(x);
      log(
        `  round ${round + 1}/${rounds} ${n} in flight: p50 ${x.p50.toFixed(2)} ms, p99 ${x.p99.toFixed(2)} ms, ${x.heapPerCallKB.toFixed(1)} KB heap per call in flight`,
      );
    }
  }
  return levels.map((n) => ({
    'in flight': n,
    'req/s': median(byLevel[n].map((x) => x.rps)).toFixed(0),
    'p50 ms': median(byLevel[n].map((x) => x.p50)).toFixed(2),
    'p99 ms': median(byLevel[n].map((x) => x.p99)).toFixed(2),
    'CPU µs/req': median(byLevel[n].map((x) => x.cpu)).toFixed(0),
    'heap KB per call in flight': median(byLevel[n].map((x) => x.heapPerCallKB)).toFixed(1),
    'peak RSS MB': median(byLevel[n].map((x) => x.rss)).toFixed(0),
  }));
}

async function main() {
  console.log('\n## Query throughput through Node-RED (side by side, one run)\n');
  const r = await measure({ log: (line) => console.log(line) });
  console.log('');
  console.table(r.rows);
  console.log(r.note);
  if (r.verification.length) {
    console.log('\n## Does the response signature verify? (sandbox answers with amounts as written: 1.01, 100.00)\n');
    console.table(r.verification);
  }
  console.log('');
  for (const line of r.targets) console.log(line);
  if (INFLIGHT.length) {
    console.log(
      `\n## upp-query flow by messages in flight (${INFLIGHT_ROUNDS} rounds, levels alternated; heap per call: after a full GC, with the calls in flight against idle)\n`,
    );
    console.table(await measureInFlight(INFLIGHT, INFLIGHT_ROUNDS, (line) => console.log(line)));
  }
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
module.exports = { measure, measureInFlight };
