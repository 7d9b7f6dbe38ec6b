#!/usr/bin/env node
'use strict';
// Reconciliation at scale (issue 15): one day of N platform bill rows against N HIS rows, at N = 10 000 and
// 100 000, alternated over rounds in one process, so the ratio of the two shows whether the time grows linearly.
// Rows: 98 % matched (HIS amounts as database floats, bill amounts as text), 1 % amount mismatches, 0.5 % on each
// side only. Prints time per run, µs per row and the heap held by the report.
const path = require('node:path');
const { reconcile } = require(path.join(__dirname, '..', 'dist', 'nodes', 'reconcile'));

const DAY = '2026-11-25';
const ROUNDS = Number(process.env.RECONCILE_ROUNDS || 5);

function day(n) {
  const platform = [];
  const his = [];
  for (let i = 0; i < n; i++) {
    const fee = `${(i % 900) + 1}.${String(i % 100).padStart(2, '0')}`;
    const type = i % 10 === 9 ? 'refund' : 'pay';
    const time = `${DAY} ${String(8 + (i % 10)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00`;
    const bill = {
      partnerId: 12345,
      isvId: 20000,
      tradeType: type,
      bizType: 'scan_pay',
      channelType: 'ali',
      channelProduct: 'ali_scan_code',
      billsDate: DAY,
      derateFee: '0.00',
      tradeFee: fee,
      tradeTime: time,
      outTradeNo: `YT${i}`,
      inTradeNo: `ALI${i}`,
      tradeNo: `HIS${i}`,
    };
    const mine = { tradeType: type, tradeFee: Number(fee), tradeTime: time, outTradeNo: `YT${i}`, tradeNo: `HIS${i}` };
    if (i % 200 === 1)
      platform.push(bill); // platform only
    else if (i % 200 === 2)
      his.push(mine); // HIS only
    else {
      if (i % 100 === 3) mine.tradeFee = Number(fee) + 0.01; // amount mismatch
      platform.push(bill);
      his.push(mine);
    }
  }
  return { platform, his };
}

const sizes = [10_000, 100_000];
const inputs = new Map(sizes.map((n) => [n, day(n)]));
const times = new Map(sizes.map((n) => [n, []]));
let report;
for (let round = 0; round < ROUNDS; round++) {
  for (const n of round % 2 ? [...sizes].reverse() : sizes) {
    global.gc?.();
    const t0 = process.hrtime.bigint();
    report = reconcile({ date: DAY, ...inputs.get(n) });
    times.get(n).push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
report = null;
global.gc?.();
const before = process.memoryUsage().heapUsed;
report = reconcile({ date: DAY, ...inputs.get(100_000) });
global.gc?.();
const held = process.memoryUsage().heapUsed - before;

console.log(`| rows a side | median ms (${ROUNDS} rounds) | µs per row pair | discrepancies |`);
console.log('|---:|---:|---:|---:|');
for (const n of sizes) {
  const r = reconcile({ date: DAY, ...inputs.get(n) });
  console.log(
    `| ${n.toLocaleString('en')} | ${median(times.get(n)).toFixed(0)} | ${((median(times.get(n)) * 1000) / n).toFixed(2)} | ${r.discrepancies.length} |`,
  );
}
const ratio = median(times.get(100_000)) / median(times.get(10_000));
console.log(
  `\n100 000 / 10 000 rows: ${ratio.toFixed(1)}x the time for 10x the rows (linear = 10x); report held ${(held / 1e6).toFixed(1)} MB of heap (${report.discrepancies.length} discrepancies listed with both rows).`,
);
