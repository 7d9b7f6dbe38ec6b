'use strict';
// Example 08 "Daily reconciliation" deployed headless (test/reconcile/support.js): the demo's day (seeded by
// scripts/demo/reconcile-day.js, as npm start does) run over HTTP and by the daily inject, both bills reconciled with
// the HIS database, each kind found where it was put, the rows in upp_reconcile_discrepancy, the page in both
// languages; an empty side reported as such; a bill that could not be downloaded reconciles nothing.
const assert = require('node:assert/strict');
const path = require('node:path');
const lib = require('../../scripts/demo/lib');
const { seedReconciliationDay } = require('../../scripts/demo/reconcile-day');
const { startReconcileStack } = require('./support');
const { addDays, chinaDate } = require(path.join(lib.ROOT, 'dist', 'nodes', 'core'));

const DAY = '2026-11-25';
const EMPTY_HIS_DAY = '2026-11-20';
const MISSING_BILL_DAY = '2026-11-21';
const NOT_DOWNLOADED_DAY = '2026-11-22';

/** The serials of a day's rows of one kind and trade type, sorted. */
const serials = (rows, kind, tradeType) =>
  rows
    .filter((r) => r.kind === kind && r.trade_type === tradeType)
    .map((r) => r.trade_no)
    .sort();

describe('example 08: daily reconciliation, deployed', function () {
  this.timeout(120000);
  let stack;
  let seeded;

  before(async () => {
    stack = await startReconcileStack();
    seeded = await seedReconciliationDay(stack.sandbox, stack.hisDb, { date: DAY });
  });
  after(async () => {
    if (stack) await stack.stop();
  });

  it('POST /upp/reconcile/run: 401 without the caller secret, 400 for a day that is not yyyy-MM-dd; nothing downloaded', async () => {
    const bills = () => stack.sandbox.requests().filter((r) => r.endpoint === 'yuntaiBills' || r.endpoint === 'channelBills').length;
    const before = bills();
    assert.equal((await stack.run({ day: DAY }, {})).status, 401);
    const bad = await stack.run({ day: '25/11/2026' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.field, 'day');
    assert.equal(bills(), before);
  });

  it('the seeded day: both bills reconciled, each kind found on the serials it was put on, for pay and refund', async () => {
    assert.equal(seeded.date, DAY);
    const answer = await stack.run({ day: DAY });
    assert.equal(answer.status, 202);
    assert.deepEqual(answer.body, { day: DAY, page: `/upp/reconcile?day=${DAY}` });
    const runs = await stack.finished(DAY, 2);
    assert.deepEqual(
      runs.map((r) => [r.source, r.status]),
      [
        ['channel', 'discrepancies'],
        ['platform', 'discrepancies'],
      ],
    );
    const requests = stack.sandbox.requests().filter((r) => r.endpoint === 'yuntaiBills' || r.endpoint === 'channelBills');
    assert.deepEqual(requests.map((r) => [r.body.startDate, r.body.endDate]).sort(), [
      [DAY, DAY],
      [DAY, DAY],
    ]);
    const { expected } = seeded;
    for (const source of ['platform', 'channel']) {
      const rows = await stack.discrepancies(DAY, source);
      for (const kind of ['his_only', 'platform_only', 'amount_mismatch']) {
        for (const tradeType of ['pay', 'refund']) {
          let want = expected[kind][tradeType];
          // The refund only the channel moved is on the channel's bill alone.
          if (source === 'channel' && kind === 'platform_only' && tradeType === 'refund') want = [...want, seeded.channelOnlyRefund];
          assert.deepEqual(serials(rows, kind, tradeType), [...want].sort(), `${source} ${kind} ${tradeType}`);
        }
      }
      const flagged = Object.fromEntries(rows.filter((r) => r.kind === 'flagged').map((r) => [r.trade_no, r.verdict]));
      assert.deepEqual(flagged, expected.flagged, `${source} flagged`);
      // Amounts are the exact text of each side; the handling is there in both languages.
      const mismatch = rows.find((r) => r.kind === 'amount_mismatch' && r.trade_type === 'pay');
      assert.deepEqual([mismatch.his_amount, mismatch.bill_amount, mismatch.difference], ['8.80', '8.08', '-0.72']);
      for (const row of rows) {
        assert.ok(row.handling_en.length > 10 && /[\u4e00-\u9fff]/.test(row.handling_zh), JSON.stringify(row));
      }
      const hisOnlyPay = rows.find((r) => r.kind === 'his_only' && r.trade_type === 'pay');
      assert.match(hisOnlyPay.handling_en, /Make up the difference or write it off/);
      assert.match(hisOnlyPay.handling_zh, /补差或平账/);
      // The stored report: the HIS amount "12.3" matched the bill's "12.30"; totals per trade type on both sides.
      const report = JSON.parse(runs.find((r) => r.source === source).report);
      assert.equal(report.matched.pay.count, 6);
      assert.equal(report.matched.pay.amount, '215.40');
      assert.equal(report.totals.his.pay.amount, '254.20');
      assert.equal(report.totals.platform.pay.count, 9);
      assert.equal(rows.filter((r) => r.kind !== 'flagged').length, report.discrepancies.length);
    }
    const lines = stack.summaries().filter((l) => l.startsWith(DAY));
    assert.equal(lines.length, 2);
    assert.match(
      lines.find((l) => l.includes('platform bill')),
      /discrepancies; matched pay 6 = 215\.40.*his_only 2, platform_only 3, amount_mismatch 2/,
    );
  });

  it('running the day again replaces its rows (no duplicates)', async () => {
    const before = (await stack.discrepancies(DAY, 'platform')).length;
    assert.equal((await stack.run({ day: DAY })).status, 202);
    await stack.finished(DAY, 4);
    assert.equal((await stack.discrepancies(DAY, 'platform')).length, before);
  });

  it('the page: the day in English or Chinese by Accept-Language (or ?lang=), totals, a chart by kind, the list with handling', async () => {
    const en = await stack.page(`?day=${DAY}`, 'en-US,en;q=0.9');
    assert.equal(en.status, 200);
    assert.match(en.headers.get('content-type'), /^text\/html/);
    const html = await en.text();
    assert.match(html, /<html lang="en">/);
    assert.match(html, new RegExp(`Daily reconciliation ${DAY}`));
    for (const text of [
      'Platform bill (Yuntai) against the HIS',
      'Channel bill',
      'HIS only',
      'Platform only',
      'Channel only',
      'Amount mismatch',
    ])
      assert.ok(html.includes(text), text);
    assert.ok(html.includes('Refund the patient, or record the payment in the HIS if the service was given.'));
    assert.ok(html.includes('254.20') && html.includes('215.40'), 'the totals');
    // The chart is inline SVG: one bar per kind, none loaded from anywhere.
    assert.equal((html.match(/<rect [^>]*data-kind=/g) || []).length, 10, 'five bars in each of the two charts');
    assert.doesNotMatch(html, /(src|href)="(https?:)?\/\//, 'nothing from the network');
    for (const serial of [...seeded.expected.his_only.pay, ...seeded.expected.platform_only.pay, seeded.channelOnlyRefund])
      assert.ok(html.includes(serial), serial);

    const zh = await (await stack.page(`?day=${DAY}`, 'zh-CN,zh;q=0.9,en;q=0.8')).text();
    assert.match(zh, /<html lang="zh-CN">/);
    for (const text of ['每日对账', '芸泰平台账单', '商户单边', '芸泰单边', '渠道单边', '金额不匹配', '退款给患者', '假定成功'])
      assert.ok(zh.includes(text), text);
    assert.match(await (await stack.page(`?day=${DAY}&lang=zh`, 'en-US')).text(), /<html lang="zh-CN">/);
    // Without a day: the latest day reconciled.
    assert.match(await (await stack.page('', 'en')).text(), /Daily reconciliation \d{4}-\d{2}-\d{2}/);
  });

  it('a day the HIS returned no rows for is an empty side: nothing listed as platform-only, the page says to check the HIS query', async () => {
    stack.sandbox.seedTrades(EMPTY_HIS_DAY, [{ tradeNo: 'E-1', tradeFee: '9.90' }]);
    assert.equal((await stack.run({ day: EMPTY_HIS_DAY })).status, 202);
    const runs = await stack.finished(EMPTY_HIS_DAY, 2);
    for (const run of runs) {
      assert.equal(run.status, 'empty_side', run.source);
      assert.equal(JSON.parse(run.report).emptySide, 'his');
      assert.deepEqual(await stack.discrepancies(EMPTY_HIS_DAY, run.source), []);
    }
    const page = await (await stack.page(`?day=${EMPTY_HIS_DAY}`, 'en')).text();
    assert.ok(page.includes('The HIS has no paid or refunded rows for this day'));
    assert.doesNotMatch(page, /data-kind="platform_only"/);
  });

  it('a day the bill misses (rows the HIS has) is an empty side too: nothing listed as HIS-only', async () => {
    const [row] = stack.sandbox.seedTrades(MISSING_BILL_DAY, [{ tradeNo: 'M-1', tradeFee: '4.00', tradeTime: '10:00:00' }]);
    const { execHisDatabase } = require('../../scripts/demo/his-db');
    await execHisDatabase(
      stack.hisDb,
      `INSERT INTO his_payment (payment_no, amount, subject, biz_type, status, out_payment_no, paid_at, created_at, updated_at)
       VALUES ('M-1', '4.00', 'x', 'scan_pay', 'paid', '${row.outTradeNo}', '${MISSING_BILL_DAY} 10:00:00', '${MISSING_BILL_DAY} 10:00:00', '${MISSING_BILL_DAY} 10:00:00')`,
    );
    stack.sandbox.injectDiscrepancy({ date: MISSING_BILL_DAY, kind: 'missing_day' });
    assert.equal((await stack.run({ day: MISSING_BILL_DAY })).status, 202);
    const runs = await stack.finished(MISSING_BILL_DAY, 2);
    for (const run of runs) {
      assert.equal(run.status, 'empty_side');
      assert.equal(JSON.parse(run.report).emptySide, 'platform');
      assert.deepEqual(await stack.discrepancies(MISSING_BILL_DAY, run.source), []);
    }
    assert.ok((await (await stack.page(`?day=${MISSING_BILL_DAY}`, 'zh')).text()).includes('账单当日没有任何记录'));
  });

  it('a bill that could not be downloaded reconciles nothing: the day is noted not downloaded with the reason', async () => {
    stack.sandbox.seedTrades(NOT_DOWNLOADED_DAY, [{ tradeNo: 'N-1', tradeFee: '1.00' }]);
    // result:false, the platform's refusal (a bad signature would be retried, and answered on the retry).
    stack.sandbox.armFault('rejected', { endpoint: 'channelBills', times: 1 });
    assert.equal((await stack.run({ day: NOT_DOWNLOADED_DAY })).status, 202);
    await stack.finished(NOT_DOWNLOADED_DAY, 1); // the platform bill's reconciliation
    const end = Date.now() + 30000;
    let channel;
    while (
      !(channel = (
        await stack.query("SELECT * FROM upp_reconcile_run WHERE day = $d AND source = 'channel'", { $d: NOT_DOWNLOADED_DAY })
      )[0])
    ) {
      if (Date.now() > end) throw new Error('the channel bill was never noted');
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(channel.status, 'not_downloaded');
    assert.equal(channel.report, null);
    assert.equal(channel.reason, 'rejected');
    assert.deepEqual(await stack.discrepancies(NOT_DOWNLOADED_DAY, 'channel'), []);
    assert.ok((await (await stack.page(`?day=${NOT_DOWNLOADED_DAY}`, 'en')).text()).includes('The bill could not be downloaded'));
  });

  it('the daily inject downloads yesterday on the China calendar', async () => {
    const inject = stack.flow.find((n) => n.type === 'inject' && n.crontab);
    assert.equal(inject.crontab, '00 09 * * *', 'every day at 09:00');
    assert.equal(inject.payload, '{}', 'blank dates: yesterday');
    const earliest = addDays(chinaDate(Date.now()), -1);
    const count = stack.sandbox.requests({ endpoint: 'yuntaiBills' }).length;
    assert.equal((await fetch(`${stack.base}inject/${inject.id}`, { method: 'POST' })).status, 200);
    const end = Date.now() + 30000;
    while (stack.sandbox.requests({ endpoint: 'yuntaiBills' }).length === count) {
      if (Date.now() > end) throw new Error('no bill download');
      await new Promise((r) => setTimeout(r, 100));
    }
    const latest = addDays(chinaDate(Date.now()), -1);
    const asked = stack.sandbox.requests({ endpoint: 'yuntaiBills' })[count].body.startDate;
    assert.ok(asked === earliest || asked === latest, `${asked} is yesterday (${earliest} or, across midnight, ${latest})`);
  });

  it('logged no warnings or errors but the refused caller', () => {
    const problems = stack.nodeRed.log.filter(
      (l) => /\[(warn|error)\]/.test(l) && !/Projects disabled|refused POST \/upp\/reconcile\/run: wrong or missing X-UPP-Secret/.test(l),
    );
    assert.deepEqual(problems, []);
  });
});
