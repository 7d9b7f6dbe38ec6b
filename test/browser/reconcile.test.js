'use strict';
// The reconciliation page of example 08 (/upp/reconcile) in Chromium, in English and Chinese as the browser's
// language asks: the demo's day reconciled, the totals, the chart drawn as inline SVG (one bar per kind, as long as
// its count), the list with the handling, the flagged rows; nothing loaded from anywhere else; screenshots in
// test-artifacts/reconcile-page-<locale>.png.
const assert = require('node:assert/strict');
const h = require('./helpers');
const { startReconcileStack } = require('../reconcile/support');
const { seedReconciliationDay } = require('../../scripts/demo/reconcile-day');

const DAY = '2026-11-26';

describe('browser: the daily reconciliation page (example 08)', function () {
  this.timeout(120000);
  h.requireChromium(this);
  let stack;
  let browser;
  let seeded;

  before(async () => {
    stack = await startReconcileStack();
    seeded = await seedReconciliationDay(stack.sandbox, stack.hisDb, { date: DAY });
    assert.equal((await stack.run({ day: DAY })).status, 202);
    await stack.finished(DAY, 2);
    browser = await h.launchBrowser();
  });
  after(async () => {
    if (browser) await browser.close();
    if (stack) await stack.stop();
  });

  const TEXT = {
    'en-US': {
      lang: 'en',
      title: `Daily reconciliation ${DAY}`,
      sections: ['Platform bill (Yuntai) against the HIS', 'Channel bill (Alipay, WeChat, UnionPay) against the HIS'],
      status: 'Needs a person',
      kinds: { his_only: 'HIS only', platform_only: 'Platform only', amount_mismatch: 'Amount mismatch' },
      channelOnly: 'Channel only',
      handling: 'Refund it by hand, then write it off.',
      verdict: 'not in the bill',
    },
    'zh-CN': {
      lang: 'zh-CN',
      title: `每日对账 ${DAY}`,
      sections: ['芸泰平台账单 对 HIS', '渠道账单（支付宝、微信、银联） 对 HIS'],
      status: '需要人工处理',
      kinds: { his_only: '商户单边', platform_only: '芸泰单边', amount_mismatch: '金额不匹配' },
      channelOnly: '渠道单边',
      handling: '人工退款后平账。',
      verdict: '账单中没有',
    },
  };

  for (const locale of ['en-US', 'zh-CN']) {
    it(`${locale}: the page in the browser's language, with the totals, the chart by kind and what to do`, async () => {
      const t = TEXT[locale];
      const context = await browser.newContext({ locale, viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      const errors = [];
      const elsewhere = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('request', (r) => {
        if (!r.url().startsWith(stack.base)) elsewhere.push(r.url());
      });
      await page.goto(`${stack.base}upp/reconcile?day=${DAY}`);
      assert.equal(await page.getAttribute('html', 'lang'), t.lang);
      assert.equal((await page.locator('h1').innerText()).trim(), t.title);
      assert.deepEqual(await page.locator('section h2').allInnerTexts(), t.sections);
      for (const status of await page.locator('section .status').allInnerTexts()) assert.ok(status.startsWith(t.status), status);

      for (const source of ['platform', 'channel']) {
        const section = page.locator(`section[data-source="${source}"]`);
        const report = JSON.parse(
          (await stack.query('SELECT report FROM upp_reconcile_run WHERE day = $d AND source = $s', { $d: DAY, $s: source }))[0].report,
        );
        // The totals table: HIS, bill, matched for payments, then refunds, as the report has them.
        const cells = await section.locator('table.totals tbody td').allInnerTexts();
        const money = (m) => `${m.count} / ${m.amount}`;
        assert.deepEqual(cells, [
          money(report.totals.his.pay),
          money(report.totals.platform.pay),
          money(report.matched.pay),
          money(report.totals.his.refund),
          money(report.totals.platform.refund),
          money(report.matched.refund),
        ]);
        // The chart: one bar per kind, its width in proportion to the count, the count beside it.
        const bars = await section
          .locator('svg.chart rect')
          .evaluateAll((rects) => rects.map((r) => ({ kind: r.dataset.kind, width: r.getBBox().width })));
        const widest = Math.max(...Object.values(report.byKind));
        for (const bar of bars) {
          const count = report.byKind[bar.kind];
          assert.ok(Math.abs(bar.width - Math.max(1, Math.round((count / widest) * 260))) <= 1, `${source} ${bar.kind}: ${bar.width}`);
        }
        assert.equal(bars.length, 5);
        assert.ok(report.byKind.his_only >= 2 && report.byKind.platform_only >= 3 && report.byKind.amount_mismatch >= 2);
        const labels = await section.locator('svg.chart text:not(.n)').allTextContents();
        assert.ok(labels.includes(t.kinds.his_only) && labels.includes(t.kinds.amount_mismatch));
        assert.ok(labels.includes(source === 'channel' ? t.channelOnly : t.kinds.platform_only), labels.join(', '));
        // The list: one row per discrepancy, with its recommended handling in this language.
        const rows = section.locator('table.list:not(.flagged) tbody tr');
        assert.equal(await rows.count(), report.discrepancies.length);
        const hisOnlyRefund = section.locator(`tr[data-kind="his_only"]:has-text("${seeded.expected.his_only.refund[0]}")`);
        assert.ok((await hisOnlyRefund.innerText()).includes(t.handling));
        // The flagged rows: the assumed refund the bill does not show.
        const notInBill = section.locator('table.flagged tr[data-verdict="not_in_bill"]');
        assert.equal(await notInBill.count(), 1);
        assert.ok((await notInBill.innerText()).includes(t.verdict));
      }
      // Nothing is cut off: the chart's labels fit inside the chart.
      const clipped = await page.locator('svg.chart text').evaluateAll((texts) => texts.filter((x) => x.getBBox().x < 0).length);
      assert.equal(clipped, 0, 'a chart label starts left of the chart');
      await page.screenshot({ path: h.artifact(`reconcile-page-${locale}.png`), fullPage: true });
      assert.deepEqual(errors, []);
      assert.deepEqual(elsewhere, [], 'the page loads nothing from anywhere else');
      await context.close();
    });
  }

  it('the language link switches to the other language', async () => {
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(`${stack.base}upp/reconcile?day=${DAY}`);
    await page.click('nav a[lang="zh"]');
    await page.waitForURL(/lang=zh/);
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
    await context.close();
  });
});
