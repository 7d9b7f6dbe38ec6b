'use strict';
// One contender of bench/flow.js, one round, in a fresh process (forked with IPC). Protocol:
//   parent -> {cmd:'run', contender, url, origin, key, paymentNo, checkPaymentNo, total, concurrency, warmup, profileDir, round}
//   worker -> {phase:'warm'}                (warm-up done; the parent reads the sandbox's CPU, then answers {go:true})
//   worker -> {phase:'measured'}            (measured run done; the parent reads the sandbox's CPU again)
//   worker -> {phase:'result', result}      then exits
// CPU and peak RSS are this process's only: the sandbox runs in another process.
const fs = require('node:fs');
const path = require('node:path');
const { performance } = require('node:perf_hooks');
const flows = require('./flows');

const ask = (message) =>
  new Promise((resolve) => {
    process.once('message', resolve);
    process.send(message);
  });

/**
 * Keeps `concurrency` messages in flight until `total` have completed. `start(i)` launches message i; the
 * contender calls the returned `complete(i, tag)` when message i is done. Resolves with latencies and counts.
 */
function windowRun(total, concurrency, start, probe) {
  return new Promise((resolve, reject) => {
    const t0s = new Float64Array(total);
    const latencies = new Float64Array(total);
    const counts = {};
    let started = 0;
    let done = 0;
    const begin = performance.now();
    const launch = () => {
      const i = started++;
      t0s[i] = performance.now();
      try {
        start(i);
      } catch (err) {
        reject(err);
      }
    };
    const complete = (i, tag) => {
      latencies[i] = performance.now() - t0s[i];
      counts[tag] = (counts[tag] || 0) + 1;
      done++;
      if (started < total) launch();
      if (probe && done === probe.at) probe.fn(started - done);
      else if (done === total) resolve({ seconds: (performance.now() - begin) / 1000, latencies, counts });
    };
    windowRun.complete = complete;
    for (let k = 0; k < Math.min(concurrency, total); k++) launch();
  });
}

/** The sandbox's query path, as every loop outside Node-RED posts to it. */
const queryPath = (job) => `${new URL(job.url).pathname.replace(/\/$/, '')}/access/query`;

/** An UppClient with the node's defaults, from the build under test (BENCH_PACKAGE_ROOT or this checkout). */
function benchClient(job) {
  const core = require(path.join(job.packageRoot || path.resolve(__dirname, '..', '..'), 'dist', 'nodes', 'core'));
  return new core.UppClient({ baseUrl: job.url, isvId: '20000', partnerId: '12345', key: job.key, profile: 'v1', proxy: 'none' });
}

async function setupNodeRed(job) {
  const { makeUserDir, startNodeRed } = require('./nodered');
  const ours = job.contender.startsWith('upp-query');
  const def = ours ? flows.uppQueryFlow(job) : job.contender === 'hand-rolled' ? flows.handRolledFlow(job) : flows.emptyFlow();
  process.env.UPP_KEY = job.key; // the hand-rolled flow reads its key with env.get('UPP_KEY')
  const userDir = makeUserDir({ withPackage: ours, packageRoot: job.packageRoot, flows: def.flows, credentials: def.credentials });
  // Where each message's id is known, per run: the collector calls this with the msg and its outcome tag.
  let sink = () => {};
  const nr = await startNodeRed(userDir, {
    // warnings and errors, minus the two that this set-up causes on purpose
    logging: {
      bench: {
        level: 'warn',
        metrics: false,
        audit: false,
        handler: () => (m) => {
          if (m.level > 30 || /Projects disabled|unencrypted credentials/i.test(String(m.msg))) return;
          console.error(`[${m.level <= 20 ? 'error' : 'warn'}] ${m.type ? `[${m.type}:${m.name || m.id}] ` : ''}${m.msg}`);
        },
      },
    },
    functionGlobalContext: {
      crypto: require('node:crypto'),
      benchCollect: (msg, tag) => sink(msg, tag),
    },
  });
  const entry = nr.RED.nodes.getNode(def.entry);
  if (!entry) throw new Error(`entry node ${def.entry} not found`);
  if (job.contender.endsWith('+empty')) {
    const caller = CALLERS[job.contender.slice(0, -'+empty'.length)](job);
    return callerThenFlow(caller, job.concurrency, nr, entry, (f) => (sink = f));
  }
  return {
    stop: nr.stop,
    run: (total, paymentNo, probe) => {
      sink = (msg, tag) => windowRun.complete(msg.benchId, tag);
      return windowRun(total, job.concurrency, (i) => entry.receive({ payload: { bizType: 'barcode_pay', paymentNo }, benchId: i }), probe);
    },
  };
}

/**
 * A loop contender run inside a Node-RED process: each paid answer is then passed through the empty flow
 * (function -> collector) as a node would pass it on. `client+empty` against the upp-query flow leaves the node
 * layer alone; `X+empty` against the empty flow and X alone says what sharing Node-RED's process adds to X.
 */
function callerThenFlow(caller, concurrency, nr, entry, setSink) {
  return {
    stop: async () => {
      await caller.stop();
      await nr.stop();
    },
    run: (total, paymentNo, probe) => {
      setSink((msg, tag) => windowRun.complete(msg.benchId, tag));
      return windowRun(
        total,
        concurrency,
        (i) =>
          caller.call(paymentNo, (tag, payload, upp) =>
            tag === 'paid' ? entry.receive({ payload, upp, benchId: i }) : windowRun.complete(i, tag),
          ),
        probe,
      );
    },
  };
}

/** A loop contender on its own (outside Node-RED): `concurrency` calls in flight, each done when its answer is. */
function callerLoop(caller, concurrency) {
  return {
    stop: caller.stop,
    run: (total, paymentNo, probe) =>
      windowRun(total, concurrency, (i) => caller.call(paymentNo, (tag) => windowRun.complete(i, tag)), probe),
  };
}

// Callers: `call(paymentNo, done)` makes one request and calls done(tag, payload?, upp?) when it is decided.

/** The request body the bare loops send, signed once per payment number by the library. */
function presignedBodies(core, job) {
  const bodies = new Map();
  return (paymentNo) => {
    let body = bodies.get(paymentNo);
    if (body === undefined) {
      const fields = core.validateRequest('query', { bizType: 'barcode_pay', paymentNo });
      body = core.encodeRequest({ isvId: '20000', partnerId: '12345' }, fields, job.key, 'v1', Date.now()).body;
      bodies.set(paymentNo, body);
    }
    return body;
  };
}

/**
 * One POST of the loops that use undici directly, the answer read as text: `onText(text)` for HTTP 200, else
 * done('error'). Callbacks, not a returned promise: the bare loop keeps undici's own two promises and no more.
 */
function postForText(pool, requestPath, body, onText, done) {
  pool
    .request({ path: requestPath, method: 'POST', headers: { 'content-type': 'application/json;charset=UTF-8' }, body })
    .then((res) => res.body.text().then((text) => (res.statusCode === 200 ? onText(text) : done('error'))))
    .catch(() => done('error'));
}

function bareCaller(job) {
  // The ceiling: undici straight to the sandbox with a body signed once, the answer read as text and not parsed.
  const { Pool } = require('undici');
  const pool = new Pool(job.origin, { connections: job.concurrency });
  const requestPath = queryPath(job);
  const bodyFor = presignedBodies(require('../../dist/nodes/core'), job);
  return {
    stop: () => pool.close(),
    call: (paymentNo, done) => postForText(pool, requestPath, bodyFor(paymentNo), (text) => done('paid', text), done),
  };
}

function transportCaller(job) {
  // Our transport alone (nodes/core/transport.ts): the client's own timer, abort and body reading around undici, with
  // the bare loop's pre-signed body and no parsing. Splits the client's cost into transport and codec.
  const root = job.packageRoot || path.resolve(__dirname, '..', '..');
  const { Transport } = require(path.join(root, 'dist', 'nodes', 'core', 'transport'));
  const transport = new Transport({ origin: job.origin, connectTimeoutMs: 5000, proxy: 'none' });
  const requestPath = queryPath(job);
  const bodyFor = presignedBodies(require(path.join(root, 'dist', 'nodes', 'core')), job);
  return {
    stop: () => transport.close(),
    call: (paymentNo, done) => {
      transport
        .post(requestPath, bodyFor(paymentNo), 10000)
        .then((a) => done(a.kind === 'answered' && a.statusCode === 200 ? 'paid' : 'error', a.body));
    },
  };
}

/** The v1 canonical string of a JSON.parse'd answer (objects, strings, numbers, booleans): the floor's writer. */
function canonicalV1(object, top) {
  let text = '';
  for (const key of Object.keys(object).sort()) {
    const value = object[key];
    if (value === null || value === '' || (top && key === 'sign')) continue;
    const written = typeof value === 'object' ? canonicalV1(value, false) : JSON.stringify(String(value));
    text += `${text ? ',' : '{'}${JSON.stringify(key)}:${written}`;
  }
  return text ? `${text}}` : '{}';
}

function floorCaller(job) {
  // The rules' floor: the bare loop plus what no implementation of them can skip, each step done with the platform's
  // fastest primitive and nothing else: per request the canonical string and body written by concatenation and
  // their MD5; per answer JSON.parse (not number-exact: a lower bound for any exact parser), the answer's canonical
  // string and MD5, the comparison, and tradeStatus read. No validation, binding, decoding, retries or timeouts.
  const { Pool } = require('undici');
  const { hash } = require('node:crypto');
  const core = require('../../dist/nodes/core');
  const pool = new Pool(job.origin, { connections: job.concurrency });
  const requestPath = queryPath(job);
  const signedBody = (paymentNo, now) => {
    const canonical = `{"bizType":"barcode_pay","isvId":"20000","partnerId":"12345","paymentNo":${JSON.stringify(paymentNo)},"timestamp":"${now}","version":"1.0.0"}`;
    const sign = hash('md5', canonical + job.key, 'hex');
    return `{"isvId":20000,"partnerId":12345,"version":"1.0.0","timestamp":${now},"bizType":"barcode_pay","paymentNo":${JSON.stringify(paymentNo)},"sign":"${sign}"}`;
  };
  // The same bytes the library sends: the floor does the library's work, not less.
  const now = Date.now();
  const expected = core.encodeRequest(
    { isvId: '20000', partnerId: '12345' },
    core.validateRequest('query', { bizType: 'barcode_pay', paymentNo: 'FLOORCHECK1' }),
    job.key,
    'v1',
    now,
  ).body;
  if (signedBody('FLOORCHECK1', now) !== expected) throw new Error(`floor body differs from the library's: ${expected}`);
  const decide = (text, done) => {
    const answer = JSON.parse(text);
    const verified = typeof answer.sign === 'string' && hash('md5', canonicalV1(answer, true) + job.key, 'hex') === answer.sign;
    done(verified && answer.data?.tradeStatus === 'pay_success' ? 'paid' : 'other', answer.data);
  };
  return {
    stop: () => pool.close(),
    call: (paymentNo, done) => postForText(pool, requestPath, signedBody(paymentNo, Date.now()), (text) => decide(text, done), done),
  };
}

function clientCaller(job) {
  // The library alone: UppClient.query with the node's defaults.
  const client = benchClient(job);
  const tags = { success: 'paid', pending: 'pending', failed: 'failed' };
  return {
    stop: () => client.destroy(),
    call: (paymentNo, done) => {
      client.query({ bizType: 'barcode_pay', paymentNo }).then(
        (r) => done(tags[r.outcome] || r.outcome, r.data, r),
        () => done('error'),
      );
    },
  };
}

const CALLERS = { bare: bareCaller, transport: transportCaller, floor: floorCaller, client: clientCaller };

async function startProfile() {
  const inspector = require('node:inspector');
  const session = new inspector.Session();
  session.connect();
  const post = (method, params) =>
    new Promise((resolve, reject) => session.post(method, params, (err, r) => (err ? reject(err) : resolve(r))));
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 100 });
  await post('Profiler.start');
  return async (file) => {
    const { profile } = await post('Profiler.stop');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
  };
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main(job) {
  // X@fixed: X with the build in BENCH_PACKAGE_ROOT (job.packageRoot); X+empty: X inside Node-RED, then the empty flow.
  const base = job.contender.replace(/@fixed$/, '');
  const setup =
    ['upp-query', 'hand-rolled', 'empty'].includes(base) || base.endsWith('+empty')
      ? setupNodeRed
      : CALLERS[base] && (async () => callerLoop(CALLERS[base](job), job.concurrency));
  if (!setup) throw new Error(`unknown contender ${job.contender}`);
  const c = await setup(job);
  await c.run(job.warmup, job.paymentNo);
  if (global.gc) global.gc();
  await ask({ phase: 'warm' });
  const stopProfile = job.profileDir ? await startProfile() : null;
  const cpu0 = process.cpuUsage();
  const r = await c.run(job.total, job.paymentNo);
  const cpu = process.cpuUsage(cpu0);
  if (stopProfile) await stopProfile(path.join(job.profileDir, `${job.contender}-r${job.round}.cpuprofile`));
  await ask({ phase: 'measured' });
  // Does the contender's verification hold for an amount written with a trailing zero (100.00)?
  let check;
  if (job.checkPaymentNo && !['empty', 'bare', 'floor', 'transport'].includes(base.replace(/\+empty$/, '')))
    check = (await c.run(20, job.checkPaymentNo)).counts;
  // Memory per call in flight: the heap (after a full GC) with `concurrency` calls in flight, against the heap idle
  // after the run, divided by the calls in flight. A separate short run, so its GC pauses stay out of the latencies.
  let heapPerCallKB;
  if (job.memoryProbe && global.gc) {
    let busy;
    let inFlight = 0;
    const probeTotal = job.concurrency * 3;
    await c.run(probeTotal, job.paymentNo, {
      at: job.concurrency,
      fn: (n) => {
        global.gc();
        busy = process.memoryUsage().heapUsed;
        inFlight = n;
      },
    });
    global.gc();
    const idle = process.memoryUsage().heapUsed;
    if (inFlight > 0) heapPerCallKB = (busy - idle) / inFlight / 1024;
  }
  const sorted = Array.from(r.latencies).sort((a, b) => a - b);
  const result = {
    contender: job.contender,
    rps: job.total / r.seconds,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    cpuUsPerReq: (cpu.user + cpu.system) / job.total,
    peakRssMB: process.resourceUsage().maxRSS / 1024,
    heapPerCallKB,
    counts: r.counts,
    check,
  };
  await c.stop();
  process.send({ phase: 'result', result });
}

process.once('message', (job) => {
  main(job).then(
    () => process.exit(0),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
});
