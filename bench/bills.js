#!/usr/bin/env node
'use strict';
// Bill download at scale (issue 15): a platform bill of N rows (10 000 and 100 000, side by side, alternated over
// rounds) served by a stand-in front-end in a process of its own (the text built and signed once per size, as the
// sandbox writes it), then downloaded, verified and decoded by the client and read by the bill engine
// (nodes/bills downloadBill: the path of the upp-bills node without Node-RED), each download in a fresh process so its
// peak memory is its own. Reports time, peak RSS and peak heap above the process's idle baseline, as multiples of the
// bill's text size: bounded means the multiple stays about the same from 10 000 to 100 000 rows.
const { fork } = require('node:child_process');
const path = require('node:path');
const http = require('node:http');

const DIST = path.join(__dirname, '..', 'dist', 'nodes');
const KEY = 'bench-bills-key-0001';
const SIZES = (process.env.BILL_SIZES || '10000,100000').split(',').map(Number);
const ROUNDS = Number(process.env.BILL_ROUNDS || 3);
/** Each size is its own day, so one server answers every size by the request's startDate. */
const dayOf = (n) => `2026-11-${String(10 + SIZES.indexOf(n)).padStart(2, '0')}`;

// ---- the stand-in front-end (its own process) ----
function server() {
  const { LosslessNumber } = require(path.join(DIST, 'core'));
  const { signedText } = require(path.join(DIST, 'sandbox', 'envelope'));
  const texts = new Map();
  for (const n of SIZES) {
    const day = dayOf(n);
    const rows = [];
    for (let i = 0; i < n; i++) {
      const time = `${day} ${String(8 + (i % 12)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:${String((i * 7) % 60).padStart(2, '0')}`;
      rows.push({
        partnerId: new LosslessNumber('12345'),
        isvId: new LosslessNumber('20000'),
        tradeType: i % 10 === 9 ? 'refund' : 'pay',
        bizType: 'scan_pay',
        channelType: 'ali',
        channelProduct: 'ali_scan_code',
        billsDate: day,
        derateFee: new LosslessNumber('0.00'),
        tradeFee: new LosslessNumber(`${(i % 900) + 1}.${String(i % 100).padStart(2, '0')}`),
        tradeTime: time,
        outTradeNo: `YT2026111${String(i).padStart(10, '0')}`,
        inTradeNo: `ALI2026111${String(i).padStart(16, '0')}`,
        tradeNo: `HIS${String(i).padStart(12, '0')}`,
      });
    }
    const tree = { result: true, kind: '0', msg: '', version: '1.0.0', timestamp: new LosslessNumber('1764151200999'), data: rows };
    texts.set(day, Buffer.from(signedText(tree, { key: KEY, variant: { profile: 'v1', dataSign: true, time: 'wire' } })));
  }
  const srv = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const text = texts.get(/"startDate":"([^"]+)"/.exec(body)?.[1]);
      res.writeHead(text ? 200 : 404, { 'Content-Type': 'application/json;charset=UTF-8', 'Content-Length': text ? text.length : 0 });
      res.end(text);
    });
  });
  srv.listen(0, '127.0.0.1', () =>
    process.send({ port: srv.address().port, bytes: Object.fromEntries([...texts].map(([day, t]) => [day, t.length])) }),
  );
  process.on('disconnect', () => process.exit(0));
}

// ---- one download (its own process) ----
async function client(port, n) {
  const { UppClient } = require(path.join(DIST, 'core'));
  const { downloadBill } = require(path.join(DIST, 'bills'));
  const c = new UppClient({ baseUrl: `http://127.0.0.1:${port}`, isvId: 20000, partnerId: 12345, key: KEY, edition: '2.1', proxy: 'none' });
  const day = dayOf(n);
  const dates = { startDate: day, endDate: day };
  // Warm up the code paths on the small bill, then measure from an idle, collected baseline.
  await downloadBill(c, 'platform', { startDate: dayOf(SIZES[0]), endDate: dayOf(SIZES[0]) }, { timeoutMs: 120000 });
  global.gc();
  await new Promise((r) => setTimeout(r, 50));
  global.gc();
  const base = process.memoryUsage();
  let peakRss = base.rss;
  let peakHeap = base.heapUsed + base.external + base.arrayBuffers;
  const sample = () => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed + m.external + m.arrayBuffers);
  };
  const timer = setInterval(sample, 2);
  const t0 = process.hrtime.bigint();
  const got = await downloadBill(c, 'platform', dates, { timeoutMs: 120000 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  sample();
  clearInterval(timer);
  if (got.outcome !== 'success' || got.rows.length !== n) throw new Error(`download failed: ${JSON.stringify(got.upp)}`);
  // What the delivered bill itself holds (the rows handed on), once everything else is collected.
  global.gc();
  const held = process.memoryUsage();
  const heldBytes = held.heapUsed + held.external + held.arrayBuffers - (base.heapUsed + base.external + base.arrayBuffers);
  // maxRSS: the kernel's peak for the whole process (KiB), a check on the sampled peak.
  const maxRss = process.resourceUsage().maxRSS * 1024;
  process.send({
    ms,
    rssPeak: Math.max(peakRss, maxRss) - base.rss,
    heapPeak: peakHeap - (base.heapUsed + base.external + base.arrayBuffers),
    held: heldBytes,
    rows: got.rows.length,
    totals: got.upp.totals,
  });
  await c.destroy();
  process.exit(0);
}

function run(args) {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, args, { execArgv: ['--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.once('message', (m) => resolve({ child, m }));
    child.once('error', reject);
    child.once('exit', (code) => code && reject(new Error(`${args[0]} exited with ${code}`)));
  });
}

async function main() {
  const { child: srv, m: info } = await run(['--server']);
  const results = new Map(SIZES.map((n) => [n, []]));
  try {
    for (let round = 0; round < ROUNDS; round++) {
      for (const n of round % 2 ? [...SIZES].reverse() : SIZES) {
        const { m } = await run(['--client', String(info.port), String(n)]);
        results.get(n).push(m);
      }
    }
  } finally {
    srv.kill();
  }
  const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
  const mb = (b) => (b / 1048576).toFixed(1);
  console.log(`Bill download: platform bill, verified and read whole; median of ${ROUNDS} runs, each download in a fresh process`);
  console.log(
    '| rows | bill text | time | µs/row | peak RSS above idle | × text | peak heap+external | × text | held by the rows | × text |',
  );
  console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  const rows = [];
  for (const n of SIZES) {
    const bytes = info.bytes[dayOf(n)];
    const r = results.get(n);
    const ms = median(r.map((x) => x.ms));
    const rss = median(r.map((x) => x.rssPeak));
    const heap = median(r.map((x) => x.heapPeak));
    const held = median(r.map((x) => x.held));
    rows.push({ n, bytes, ms, rss, heap });
    console.log(
      `| ${n.toLocaleString('en')} | ${mb(bytes)} MB | ${ms.toFixed(0)} ms | ${((ms * 1000) / n).toFixed(1)} | ${mb(rss)} MB | ${(rss / bytes).toFixed(1)} | ${mb(heap)} MB | ${(heap / bytes).toFixed(1)} | ${mb(held)} MB | ${(held / bytes).toFixed(1)} |`,
    );
  }
  if (rows.length >= 2) {
    const [a, b] = [rows[0], rows[rows.length - 1]];
    const k = b.n / a.n;
    console.log(
      `\n${b.n.toLocaleString('en')} vs ${a.n.toLocaleString('en')} rows (${k}×): time ×${(b.ms / a.ms).toFixed(1)}, peak RSS ×${(b.rss / a.rss).toFixed(1)}, peak heap ×${(b.heap / a.heap).toFixed(1)} (linear would be ×${k})`,
    );
  }
}

if (process.argv[2] === '--server') server();
else if (process.argv[2] === '--client')
  client(Number(process.argv[3]), Number(process.argv[4])).catch((err) => {
    console.error(err);
    process.exit(1);
  });
else
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
