#!/usr/bin/env node
'use strict';
// Client overhead, measured side by side in one run:
//  1. sign+encode and parse+verify per call (µs, median of many), for each profile;
//  2. requests/s of UppClient.query() against the sandbox on loopback beside a bare undici loop that sends a
//     pre-signed body to the same server and does not parse it (the ceiling), alternating rounds. The sandbox runs
//     in a process of its own, as a front-end machine is another host: the client process's CPU per request is
//     then the client's alone, and the sandbox's is reported beside it.
const { performance } = require('node:perf_hooks');
const { Pool } = require('undici');
const core = require('../dist/nodes/core');
const { startSandboxProcess } = require('./lib/sandbox-proc');

const KEY = 'sandbox-key-0001';
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
const percentile = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

function microBench(fn, { batches = 200, perBatch = 50 } = {}) {
  for (let i = 0; i < 2000; i++) fn(i); // warm up
  const perCall = [];
  for (let b = 0; b < batches; b++) {
    const t0 = performance.now();
    for (let i = 0; i < perBatch; i++) fn(i);
    perCall.push(((performance.now() - t0) * 1000) / perBatch);
  }
  return { p50: median(perCall), p99: percentile(perCall, 99) };
}

function codecTable() {
  const rows = [];
  const now = Date.now();
  const input = {
    paymentNo: 'HIS202611260001',
    channelProduct: 'ali_scan_code',
    expireTime: now + 15 * 60 * 1000,
    tradeFee: '12.30',
    subject: '门诊缴费-张三',
    bizData: '{"visitId":"V001"}',
  };
  const response =
    '{"sign":"","result":true,"kind":"0","version":"1.0.0","timestamp":1764151200123,"msg":"","data":{"channelType":"ten","channelProduct":"ten_scan_code","sign":"https://qr.example/pay?o=Y1&t=2","outPaymentNo":"YT0001","paymentNo":"HIS202611260002","tradeFee":100.00,"tradeStatus":"wait_pay"}}';
  for (const profile of ['v1', 'v2']) {
    const tree = core.parseLossless(response);
    tree.sign = core.md5Sign(core.canonicalOf(tree, profile), KEY);
    const wire = core.writeJson(tree, { canonical: false });
    const encode = microBench(() =>
      core.encodeRequest({ isvId: '20000', partnerId: '12345' }, core.validateRequest('scanCode', input, now), KEY, profile, now),
    );
    const verify = microBench(() => {
      const t = core.parseLossless(wire);
      if (core.verifyTree(t, KEY, profile, 'strict').verified !== profile) throw new Error('verification failed in bench');
    });
    rows.push({
      profile,
      'validate+sign+encode p50 µs': encode.p50.toFixed(1),
      'p99 µs': encode.p99.toFixed(1),
      'parse+verify p50 µs': verify.p50.toFixed(1),
      'p99 µs ': verify.p99.toFixed(1),
    });
  }
  return rows;
}

async function loop(total, concurrency, one) {
  let next = 0;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        next++;
        await one();
      }
    }),
  );
  const cpu = process.cpuUsage(cpu0);
  const seconds = (performance.now() - t0) / 1000;
  return { rps: total / seconds, cpuUsPerReq: (cpu.user + cpu.system) / total };
}

async function throughputTable({
  total = Number(process.env.BENCH_REQUESTS || 4000),
  concurrency = 20,
  rounds = Number(process.env.BENCH_ROUNDS || 5),
} = {}) {
  const sb = await startSandboxProcess();
  const client = new core.UppClient({ baseUrl: sb.url, isvId: 20000, partnerId: 12345, key: sb.key, proxy: 'none', verify: 'strict' });
  const paymentNo = `BENCH${Date.now()}`;
  const first = await client.barCode({
    paymentNo,
    expireTime: Date.now() + 3600e3,
    tradeFee: '1.01',
    subject: 'bench',
    authCode: '280000000000000000',
  });
  if (first.outcome !== 'success') throw new Error(`bench order not paid: ${first.reason}`);
  const url = new URL(sb.url);
  const path = `${url.pathname.replace(/\/$/, '')}/access/query`;
  const signed = core.encodeRequest(
    { isvId: '20000', partnerId: '12345' },
    core.validateRequest('query', { bizType: 'barcode_pay', paymentNo }),
    sb.key,
    'v1',
    Date.now(),
  ).body;
  const pool = new Pool(sb.origin, { connections: 64 });
  const bare = async () => {
    const res = await pool.request({ path, method: 'POST', headers: { 'content-type': 'application/json;charset=UTF-8' }, body: signed });
    await res.body.text();
  };
  const ours = async () => {
    const r = await client.query({ bizType: 'barcode_pay', paymentNo });
    if (r.outcome !== 'success') throw new Error(`query not success: ${r.reason}`);
  };
  await loop(500, concurrency, bare);
  await loop(500, concurrency, ours);
  const results = { bare: [], ours: [] };
  for (let round = 0; round < rounds; round++) {
    // alternate the order so drift on a shared machine hits both alike
    const order = round % 2 === 0 ? ['bare', 'ours'] : ['ours', 'bare'];
    for (const name of order) {
      await sb.clear();
      const sandboxCpu0 = await sb.cpu();
      const run = await loop(total, concurrency, name === 'bare' ? bare : ours);
      run.sandboxCpuUsPerReq = ((await sb.cpu()) - sandboxCpu0) / total;
      results[name].push(run);
    }
  }
  await pool.close();
  await client.destroy();
  await sb.stop();
  const rps = (name) => median(results[name].map((r) => r.rps));
  const cpu = (name) => median(results[name].map((r) => r.cpuUsPerReq));
  const sandboxCpu = (name) => median(results[name].map((r) => r.sandboxCpuUsPerReq));
  const row = (contender, name) => ({
    contender,
    'req/s (median)': rps(name).toFixed(0),
    'client CPU µs/req': cpu(name).toFixed(0),
    'sandbox CPU µs/req': sandboxCpu(name).toFixed(0),
    ratio: (rps(name) / rps('bare')).toFixed(2),
  });
  return {
    rows: [row('bare undici loop (pre-signed, no parse)', 'bare'), row('UppClient.query (validate, sign, parse, verify)', 'ours')],
    note: `${rounds} alternating rounds of ${total} requests, concurrency ${concurrency}; the sandbox in its own process on loopback`,
    overhead: 1 - rps('ours') / rps('bare'),
    cpuOverheadUs: cpu('ours') - cpu('bare'),
  };
}

async function main() {
  console.log('\n## Client overhead per call (codec)\n');
  const codec = codecTable();
  console.table(codec);
  for (const row of codec) {
    const total = Number(row['validate+sign+encode p50 µs']) + Number(row['parse+verify p50 µs']);
    console.log(
      `${row.profile}: validate+sign+encode + parse+verify = ${total.toFixed(1)} µs per call at p50 (target ≤ 30 µs): ${total <= 30 ? 'met' : 'MISSED'}`,
    );
  }
  console.log('\n## Query throughput: UppClient vs bare undici, same sandbox on loopback\n');
  const t = await throughputTable();
  console.table(t.rows);
  console.log(t.note);
  console.log(
    `client throughput overhead vs bare loop: ${(t.overhead * 100).toFixed(1)}% (target: within 20%): ${t.overhead <= 0.2 ? 'met' : 'MISSED'}`,
  );
  console.log(
    `client CPU per request above the bare loop: ${t.cpuOverheadUs.toFixed(0)} µs (validation, signing, lossless parsing, verification, outcome)`,
  );
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
module.exports = { codecTable, throughputTable, microBench, median, percentile, loop };
