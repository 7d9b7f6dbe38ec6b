'use strict';
// The editor in real Chromium: the palette, every node's edit dialog (fields, validation, help) in English and
// Chinese, the config node in the configuration-nodes sidebar, and the key kept as a credential.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const h = require('./helpers');

const { ENDPOINTS } = require(path.join(h.ROOT, 'dist', 'nodes', 'core'));
const ENDPOINT_OF = {
  'upp-network': 'network',
  'upp-scancode': 'scanCode',
  'upp-barcode': 'barCode',
  'upp-facecode': 'faceCode',
  'upp-query': 'query',
  'upp-refund': 'refund',
  'upp-refund-query': 'refundQuery',
  'upp-close': 'close',
  'upp-bills': 'yuntaiBills',
};
/** The amount field of each node that has one (a fixed text value of "12.345" must be refused). */
const AMOUNT = { 'upp-scancode': 'tradeFee', 'upp-barcode': 'tradeFee', 'upp-facecode': 'tradeFee', 'upp-refund': 'refundFee' };
/** The edition drop-down: each option names its manual and date (nodes/core/schema.ts EDITIONS). */
const { EDITIONS } = require(path.join(h.ROOT, 'dist', 'nodes', 'core'));

function assertNoRawKeys(text, where) {
  const m = h.RAW_KEY.exec(text);
  assert.equal(
    m,
    null,
    `${where} shows an untranslated key ${m && JSON.stringify(m[0])} in: ${text.slice(Math.max(0, (m && m.index) - 80), (m && m.index) + 80)}`,
  );
}

function assertChinese(texts, where) {
  const list = Array.isArray(texts) ? texts : [texts];
  const cjk = list.filter((t) => h.CJK.test(t));
  assert.ok(cjk.length >= Math.ceil(list.length / 2), `${where}: expected Chinese text, got ${JSON.stringify(list)}`);
}

describe('browser: editor (palette, dialogs, help, credentials)', function () {
  this.timeout(180000);
  h.requireChromium(this);
  let stack;
  let browser;

  before(async () => {
    stack = await h.startStack({ deploy: false });
    browser = await h.launchBrowser();
  });
  after(async () => {
    if (browser) await browser.close();
    if (stack) await stack.stop();
  });

  for (const locale of ['en-US', 'zh-CN']) {
    describe(`in ${locale}`, () => {
      let page;
      const ids = {};
      before(async () => {
        page = await h.openEditor(browser, stack.url, locale);
      });
      after(async () => {
        if (page) await page.context().close();
      });

      it('shows every flow node type with its icon under the UPP category', async () => {
        assert.equal(await page.evaluate(() => RED.i18n.lang()), locale);
        const category = page.locator('#red-ui-palette-container-UPP');
        await category.scrollIntoViewIfNeeded();
        const items = await page.evaluate(() =>
          $('#red-ui-palette-container-UPP .red-ui-palette-node')
            .map(function () {
              const el = $(this);
              return {
                type: el.attr('data-palette-type'),
                label: el.find('.red-ui-palette-label').text().trim(),
                icon: el.find('.red-ui-palette-icon').css('background-image'),
              };
            })
            .get(),
        );
        assert.deepEqual(items.map((i) => i.type).sort(), [...h.PALETTE_TYPES].sort());
        for (const item of items) {
          assert.ok(item.label, `${item.type} has a palette label`);
          assertNoRawKeys(item.label, `${item.type} palette label`);
          const url = /url\("?([^")]+)"?\)/.exec(item.icon)[1];
          assert.match(url, new RegExp(`/icons/@hisflow/node-red-upp/${item.type}\\.svg$`), `${item.type} uses its own icon`);
          const res = await page.request.get(url);
          assert.equal(res.status(), 200, `${url} loads`);
          assert.match(res.headers()['content-type'], /svg/);
        }
        if (locale === 'zh-CN')
          assertChinese(
            items.map((i) => i.label),
            'palette labels',
          );
        // The config node is not a palette entry.
        assert.equal(await page.locator('.red-ui-palette-node[data-palette-type="upp-config"]').count(), 0);
        // Screenshot the palette as a person would arrange it: collapse all, open UPP.
        await page.click('#red-ui-palette .red-ui-component-footer button:has(i.fa-angle-double-up)');
        await page.click('#red-ui-palette-header-UPP');
        await page.locator('.red-ui-palette-node[data-palette-type="upp-poll"]').waitFor({ state: 'visible' });
        await page.waitForTimeout(300);
        await page.screenshot({ path: h.artifact(`palette-${locale}.png`) });
        await page.locator('#red-ui-palette-container-UPP').screenshot({ path: h.artifact(`palette-upp-${locale}.png`) });
        await page.click('#red-ui-palette .red-ui-component-footer button:has(i.fa-angle-double-down)');
      });

      h.FLOW_TYPES.forEach((type, index) => {
        it(`${type}: the dialog shows its fields, validates, and its help renders`, async () => {
          ids[type] = await h.dragFromPalette(page, type, 160 + (index % 4) * 200, 120 + Math.floor(index / 4) * 120);
          await h.openNodeDialog(page, ids[type]);
          const text = await h.trayText(page);
          const { labels, placeholders } = await h.trayLabels(page);
          assertNoRawKeys(text, `${type} dialog`);
          for (const p of placeholders) assertNoRawKeys(p, `${type} placeholder`);
          assert.ok(labels.length >= 2, `${type} dialog has labelled fields: ${JSON.stringify(labels)}`);
          if (locale === 'zh-CN') assertChinese(labels, `${type} dialog labels`);

          // Fields: the connection, and each request field as a typedInput (or the poll node's settings).
          assert.equal(await page.locator('#node-input-server').count(), 1, `${type} has a connection field`);
          if (type === 'upp-poll') {
            for (const f of ['mode', 'interval', 'attempts', 'closeOnGiveUp', 'assumeRefunded']) {
              assert.equal(await page.locator(`#node-input-${f}`).count(), 1, `upp-poll has #node-input-${f}`);
            }
          } else {
            for (const spec of ENDPOINTS[ENDPOINT_OF[type]].request) {
              assert.equal(await h.typed(page, spec.name).count(), 1, `${type} has a typedInput for ${spec.name}`);
            }
          }

          // An empty required field: no connection chosen yet.
          assert.equal(
            await page.locator('#node-input-server').evaluate((el) => el.classList.contains('input-error')),
            true,
            `${type}: empty connection is flagged`,
          );
          // A bad amount typed as a fixed string.
          if (AMOUNT[type]) {
            await h.setTyped(page, AMOUNT[type], 'str', '12.345');
            await page.waitForFunction((f) => $(`#node-input-${f} + .red-ui-typedInput-container`).hasClass('input-error'), AMOUNT[type]);
            await h.setTyped(page, AMOUNT[type], 'str', '12.34');
            await page.waitForFunction((f) => !$(`#node-input-${f} + .red-ui-typedInput-container`).hasClass('input-error'), AMOUNT[type]);
            await h.setTyped(page, AMOUNT[type], 'str', '12.345');
          }
          if (type === 'upp-poll') {
            await page.fill('#node-input-interval', '');
            await page.fill('#node-input-attempts', '0');
            await page.locator('#node-input-name').click();
            await page.waitForFunction(
              () => $('#node-input-interval').hasClass('input-error') && $('#node-input-attempts').hasClass('input-error'),
            );
          }

          const help = await h.helpText(page);
          assert.ok(help.length > 200, `${type} help renders (${help.length} chars): ${help.slice(0, 200)}`);
          assertNoRawKeys(help, `${type} help`);
          if (locale === 'zh-CN') assertChinese(help, `${type} help`);
          if (type === 'upp-scancode' || type === 'upp-facecode')
            await page.screenshot({ path: h.artifact(`dialog-${type}-${locale}.png`) });
          if (type === 'upp-facecode') {
            // The face-pay code and the WeChat expandData are typedInputs; channelProduct offers no scan-code list.
            for (const f of ['faceCode', 'expandData', 'channelProduct']) assert.equal(await h.typed(page, f).count(), 1, f);
            // A product the scan-code list does not have is accepted as is (no "unlisted:" marking for face pay).
            await h.setTyped(page, 'channelProduct', 'str', 'ali_face_code');
            await page.waitForFunction(() => !$('#node-input-channelProduct + .red-ui-typedInput-container').hasClass('input-error'));
            assert.match(help, locale === 'zh-CN' ? /2\.1/ : /edition 2\.1/, 'the help says which editions have face payment');
            assert.match(help, /ERR_UPP_CONFIG/);
          }
          if (type === 'upp-bills') {
            // A fixed date must be a real day; blank (yesterday) is fine.
            await h.setTyped(page, 'startDate', 'str', '2026-02-30');
            await page.waitForFunction(() => $('#node-input-startDate + .red-ui-typedInput-container').hasClass('input-error'));
            await h.setTyped(page, 'startDate', 'str', '2026-11-25');
            await page.waitForFunction(() => !$('#node-input-startDate + .red-ui-typedInput-container').hasClass('input-error'));
            assert.equal(await page.locator('#node-input-source option').count(), 2, 'platform and channel');
            assert.match(help, /ERR_UPP_CONFIG/);
          }
          if (type === 'upp-query' || type === 'upp-refund-query') {
            assert.equal(await h.typed(page, 'expectedAmount').count(), 1, `${type} has an expected amount`);
          }

          // Done keeps the node but marks it invalid; the badge's tooltip lists the problems in words.
          await page.click('#node-dialog-ok');
          await page.locator('#node-dialog-ok').waitFor({ state: 'detached' });
          const valid = await page.evaluate(
            (id) => ({ valid: RED.nodes.node(id).valid, errors: RED.nodes.node(id).validationErrors }),
            ids[type],
          );
          assert.equal(valid.valid, false, `${type} is invalid without a connection`);
          if (AMOUNT[type]) {
            const badge = page.locator(`[id="${ids[type]}"] .red-ui-flow-node-error`);
            await badge.hover();
            // The workspace draws the badge's tooltip as SVG text.
            const tip = page.locator('#red-ui-workspace-chart .red-ui-flow-port-tooltip').last();
            await tip.waitFor();
            const tipText = await tip.evaluate((el) =>
              Array.from(el.querySelectorAll('text'))
                .map((t) => t.textContent)
                .join('\n'),
            );
            assertNoRawKeys(tipText, `${type} validation tooltip`);
            assert.match(tipText, new RegExp(AMOUNT[type]), `the tooltip names the field: ${tipText}`);
            if (locale === 'zh-CN') assertChinese(tipText, `${type} validation message`);
            await page.mouse.move(5, 5);
          }
        });
      });

      h.HIS_TYPES.forEach((type, index) => {
        it(`${type}: the dialog shows its fields (allowed callers validated) and its help renders`, async () => {
          const id = await h.dragFromPalette(page, type, 160 + index * 200, 480);
          await h.openNodeDialog(page, id);
          assertNoRawKeys(await h.trayText(page), `${type} dialog`);
          const { labels, placeholders } = await h.trayLabels(page);
          for (const p of placeholders) assertNoRawKeys(p, `${type} placeholder`);
          if (locale === 'zh-CN') assertChinese(labels, `${type} dialog labels`);
          if (type === 'upp-his-in') {
            for (const f of ['kind', 'url', 'timeout', 'allow', 'name'])
              assert.equal(await page.locator(`#node-input-${f}`).count(), 1, `upp-his-in has #node-input-${f}`);
            await page.fill('#node-input-allow', 'front-end');
            await page.locator('#node-input-name').click();
            await page.waitForFunction(() => $('#node-input-allow').hasClass('input-error'));
            await page.fill('#node-input-allow', '10.0.0.5, 10.0.0.6');
            await page.fill('#node-input-url', '/his/order');
            await page.locator('#node-input-name').click();
            await page.waitForFunction(
              () => !$('#node-input-allow').hasClass('input-error') && !$('#node-input-url').hasClass('input-error'),
            );
          }
          const help = await h.helpText(page);
          assert.ok(help.length > 200, `${type} help renders (${help.length} chars)`);
          assertNoRawKeys(help, `${type} help`);
          assert.match(help, /SELECT|result:false|result:true/, `${type} help shows the rule or the SQL shape`);
          if (locale === 'zh-CN') assertChinese(help, `${type} help`);
          await page.click('#node-dialog-ok');
          await page.locator('#node-dialog-ok').waitFor({ state: 'detached' });
          assert.equal(await page.evaluate((nodeId) => RED.nodes.node(nodeId).valid, id), true, `${type} is valid`);
        });
      });

      it('upp-reconcile: no connection; the dialog shows where the rows come from, validates a fixed day, and its help renders', async () => {
        const id = await h.dragFromPalette(page, 'upp-reconcile', 360, 400);
        await h.openNodeDialog(page, id);
        assertNoRawKeys(await h.trayText(page), 'upp-reconcile dialog');
        const { labels, placeholders } = await h.trayLabels(page);
        for (const p of placeholders) assertNoRawKeys(p, 'upp-reconcile placeholder');
        if (locale === 'zh-CN') assertChinese(labels, 'upp-reconcile dialog labels');
        for (const f of ['bill', 'source', 'his', 'date', 'name'])
          assert.equal(await page.locator(`#node-input-${f}`).count(), 1, `upp-reconcile has #node-input-${f}`);
        assert.equal(await page.locator('#node-input-source option').count(), 3, 'as downloaded, platform, channel');
        // A fixed day must be a real day; blank (the downloaded bill's day, else yesterday) is fine.
        await h.setTyped(page, 'date', 'str', '2026-02-30');
        await page.waitForFunction(() => $('#node-input-date + .red-ui-typedInput-container').hasClass('input-error'));
        await h.setTyped(page, 'date', 'str', '');
        await page.waitForFunction(() => !$('#node-input-date + .red-ui-typedInput-container').hasClass('input-error'));
        const help = await h.helpText(page);
        assert.ok(help.length > 200, `upp-reconcile help renders (${help.length} chars)`);
        assertNoRawKeys(help, 'upp-reconcile help');
        assert.match(help, /empty_side/);
        if (locale === 'zh-CN') assertChinese(help, 'upp-reconcile help');
        await page.screenshot({ path: h.artifact(`dialog-upp-reconcile-${locale}.png`) });
        await page.click('#node-dialog-ok');
        await page.locator('#node-dialog-ok').waitFor({ state: 'detached' });
        assert.equal(await page.evaluate((n) => RED.nodes.node(n).valid, id), true);
      });

      it('upp-audit: no input; the dialog lists the connections and endpoints to follow, and its help renders', async () => {
        const id = await h.dragFromPalette(page, 'upp-audit', 160, 400);
        assert.equal(await page.evaluate((n) => RED.nodes.node(n)._def.inputs, id), 0, 'no input port');
        await h.openNodeDialog(page, id);
        const text = await h.trayText(page);
        assertNoRawKeys(text, 'upp-audit dialog');
        if (locale === 'zh-CN') assertChinese(text, 'upp-audit dialog');
        // No upp-config node exists in this workspace yet: the dialog says every connection is followed.
        assert.equal(await page.locator('#upp-audit-endpoints input[type=checkbox]').count(), 10);
        await page.locator('#upp-audit-endpoints input[value="refund"]').check();
        await page.locator('#upp-audit-endpoints input[value="scanCode"]').check();
        const help = await h.helpText(page);
        assert.ok(help.length > 200, `upp-audit help renders: ${help.slice(0, 200)}`);
        assertNoRawKeys(help, 'upp-audit help');
        if (locale === 'zh-CN') assertChinese(help, 'upp-audit help');
        await page.screenshot({ path: h.artifact(`dialog-upp-audit-${locale}.png`) });
        await page.click('#node-dialog-ok');
        await page.locator('#node-dialog-ok').waitFor({ state: 'detached' });
        const saved = await page.evaluate(
          (n) => ({ endpoints: RED.nodes.node(n).endpoints, configs: RED.nodes.node(n).configs, valid: RED.nodes.node(n).valid }),
          id,
        );
        assert.deepEqual(saved, { endpoints: ['scanCode', 'refund'], configs: [], valid: true });
      });

      it('upp-config: the dialog validates the base URL and ids, and its help renders', async () => {
        await h.openNodeDialog(page, ids['upp-scancode']);
        await page.click('#node-input-btn-server-add');
        await page.locator('#node-config-input-baseUrl').waitFor({ state: 'visible' });
        await page.waitForTimeout(300);
        const text = await h.trayText(page);
        assertNoRawKeys(text, 'upp-config dialog');
        const { labels, placeholders } = await h.trayLabels(page);
        for (const p of placeholders) assertNoRawKeys(p, 'upp-config placeholder');
        if (locale === 'zh-CN') assertChinese(labels, 'upp-config dialog labels');
        for (const f of [
          'name',
          'baseUrl',
          'isvId',
          'partnerId',
          'key',
          'edition',
          'profile',
          'verify',
          'verifyProfile',
          'verifyTime',
          'verifyDataSign',
          'dataSignUnsigned',
          'connectTimeout',
          'payTimeout',
          'readTimeout',
          'proxy',
        ]) {
          assert.equal(await page.locator(`#node-config-input-${f}`).count(), 1, `upp-config has #node-config-input-${f}`);
        }
        assert.equal(await page.locator('#node-config-input-key').getAttribute('type'), 'password');
        // The edition: five options, each naming its manual and date; a new connection shows 1.0.
        const editions = await page.evaluate(() =>
          $('#node-config-input-edition option')
            .map(function () {
              return { value: this.value, text: $(this).text() };
            })
            .get(),
        );
        assert.deepEqual(
          editions.map((o) => o.value),
          Object.keys(EDITIONS),
        );
        for (const o of editions) {
          assertNoRawKeys(o.text, 'edition option');
          assert.ok(o.text.includes(EDITIONS[o.value].date), `${o.value} names its date: ${o.text}`);
          const manual = locale === 'zh-CN' ? EDITIONS[o.value].manual.zh : EDITIONS[o.value].manual.en;
          assert.ok(o.text.includes(manual), `${o.value} names its manual: ${o.text}`);
        }
        if (locale === 'zh-CN')
          assertChinese(
            editions.map((o) => o.text),
            'edition options',
          );
        assert.equal(await page.locator('#node-config-input-edition').inputValue(), '1.0');
        // Strict verification shows the variant settings; auto hides them.
        assert.equal(await page.locator('#node-config-row-variant').isVisible(), false);
        await page.selectOption('#node-config-input-verify', 'strict');
        await page.locator('#node-config-input-verifyProfile').waitFor({ state: 'visible' });
        await page.selectOption('#node-config-input-verify', 'auto');
        await page.locator('#node-config-row-variant').waitFor({ state: 'hidden' });
        // Empty required base URL, then ids that are not digits.
        await page.fill('#node-config-input-baseUrl', '');
        await page.fill('#node-config-input-isvId', '20000x');
        await page.fill('#node-config-input-partnerId', '');
        await page.locator('#node-config-input-name').click();
        await page.waitForFunction(() =>
          ['baseUrl', 'isvId', 'partnerId'].every((f) => $(`#node-config-input-${f}`).hasClass('input-error')),
        );
        await page.screenshot({ path: h.artifact(`dialog-upp-config-invalid-${locale}.png`) });
        await page.fill('#node-config-input-baseUrl', 'ftp://x');
        await page.locator('#node-config-input-name').click();
        await page.waitForFunction(() => $('#node-config-input-baseUrl').hasClass('input-error'));
        await page.fill('#node-config-input-baseUrl', 'http://10.1.2.3:7000/hs-access-facepay');
        await page.fill('#node-config-input-isvId', '20000');
        await page.fill('#node-config-input-partnerId', '${UPP_PARTNER_ID}');
        await page.locator('#node-config-input-name').click();
        await page.waitForFunction(() =>
          ['baseUrl', 'isvId', 'partnerId'].every((f) => !$(`#node-config-input-${f}`).hasClass('input-error')),
        );
        const help = await h.helpText(page);
        assert.ok(help.length > 200, `upp-config help renders: ${help.slice(0, 200)}`);
        assertNoRawKeys(help, 'upp-config help');
        if (locale === 'zh-CN') assertChinese(help, 'upp-config help');
        await page.screenshot({ path: h.artifact(`dialog-upp-config-${locale}.png`) });
        await page.click('#node-config-dialog-cancel');
        // Let the config tray slide away before the node's tray takes the click.
        await page.locator('#node-config-dialog-cancel').waitFor({ state: 'detached' });
        await page.locator('#node-dialog-cancel').click();
        await page.locator('#node-dialog-cancel').waitFor({ state: 'detached' });
        assert.deepEqual(page.uppErrors, [], 'no script errors in the editor');
      });

      it('upp-config: a flow saved with pathStyle v2 (before editions) opens showing edition 2.0', async () => {
        const id = `legacy${locale.replace('-', '')}`;
        await page.evaluate((cfg) => RED.view.importNodes([cfg], { generateIds: false }), {
          id,
          type: 'upp-config',
          name: 'legacy',
          baseUrl: 'http://10.1.2.3:7000',
          isvId: '1',
          partnerId: '2',
          profile: 'v1',
          pathStyle: 'v2',
        });
        await page.evaluate((cid) => RED.editor.editConfig('', 'upp-config', cid), id);
        await page.locator('#node-config-input-edition').waitFor({ state: 'visible' });
        assert.equal(await page.locator('#node-config-input-edition').inputValue(), '2.0');
        await page.click('#node-config-dialog-cancel');
        await page.locator('#node-config-dialog-cancel').waitFor({ state: 'detached' });
        assert.deepEqual(page.uppErrors, [], 'no script errors in the editor');
      });
    });
  }

  describe('a config node created in the dialog', () => {
    let page;
    after(async () => {
      if (page) await page.context().close();
    });

    it('appears in the configuration-nodes sidebar and keeps the key as a credential only', async () => {
      page = await h.openEditor(browser, stack.url, 'en-US');
      // A fresh tab so the dialog tests' nodes (none deployed) do not matter.
      await page.evaluate(() => RED.workspaces.add());
      const inject = await h.dragFromPalette(page, 'inject', 120, 100);
      const net = await h.dragFromPalette(page, 'upp-network', 360, 100);
      // Wire inject -> network by dragging from the output port to the input port.
      const out = await page.locator(`[id="${inject}"] .red-ui-flow-port-output`).boundingBox();
      const inp = await page.locator(`[id="${net}"] .red-ui-flow-port-input`).boundingBox();
      await page.mouse.move(out.x + out.width / 2, out.y + out.height / 2);
      await page.mouse.down();
      await page.mouse.move(inp.x + inp.width / 2, inp.y + inp.height / 2, { steps: 10 });
      await page.mouse.up();
      await page.waitForFunction(
        ({ a, b }) => RED.nodes.filterLinks({ source: RED.nodes.node(a), target: RED.nodes.node(b) }).length === 1,
        { a: inject, b: net },
      );

      await h.openNodeDialog(page, net);
      await page.click('#node-input-btn-server-add');
      await page.locator('#node-config-input-baseUrl').waitFor({ state: 'visible' });
      await page.fill('#node-config-input-name', 'browser test front-end');
      await page.fill('#node-config-input-baseUrl', stack.sandbox.url);
      await page.fill('#node-config-input-isvId', '20000');
      await page.fill('#node-config-input-partnerId', '12345');
      await page.fill('#node-config-input-key', h.TEST_KEY);
      await page.click('#node-config-dialog-ok');
      await page.locator('#node-config-dialog-ok').waitFor({ state: 'detached' });
      await page.click('#node-dialog-ok');
      await page.locator('#node-dialog-ok').waitFor({ state: 'detached' });
      const configId = await page.evaluate((id) => RED.nodes.node(id).server, net);
      assert.ok(configId && configId !== '_ADD_', 'the network node uses the new config node');

      // The configuration-nodes sidebar (opened from the main menu) lists it.
      await page.click('#red-ui-header-button-sidemenu');
      await page.click('#menu-item-config-nodes');
      const entry = page.locator(`#red-ui-sidebar-content .red-ui-palette-node:has-text("browser test front-end")`);
      await entry.waitFor({ state: 'visible' });
      const sidebar = await page.evaluate(() =>
        $('#red-ui-sidebar-content .red-ui-palette-node:visible .red-ui-palette-label')
          .map(function () {
            return $(this).text().trim();
          })
          .get(),
      );
      assert.ok(sidebar.includes('browser test front-end'), `sidebar lists the config node: ${JSON.stringify(sidebar)}`);
      await page.screenshot({ path: h.artifact('config-sidebar-en-US.png') });

      await h.deploy(page);
      // The deployed key works: the inject button runs a network test the sandbox accepts.
      stack.sandbox.clearRequests();
      await page.locator(`[id="${inject}"] .red-ui-flow-node-button`).click();
      await page.waitForFunction(() => true);
      let requests = [];
      for (let i = 0; i < 50 && requests.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 100));
        requests = stack.sandbox.requests({ endpoint: 'network' });
      }
      assert.equal(requests.length, 1, 'the network test reached the sandbox');
      assert.equal(requests[0].signatureValid, true, 'signed with the key typed in the dialog');

      // Reload: the key is nowhere in the page, the export or GET /flows; the dialog shows it is set.
      await page.reload();
      await page.locator('.red-ui-palette-node[data-palette-type="upp-poll"]').waitFor({ timeout: 30000 });
      await page.waitForFunction((id) => RED.nodes.node(id), configId);
      const html = await page.content();
      assert.ok(!html.includes(h.TEST_KEY), 'key not in the page HTML');
      const flowsText = await page.evaluate(() => fetch('flows', { headers: { 'Node-RED-API-Version': 'v2' } }).then((r) => r.text()));
      assert.ok(flowsText.includes(configId) && !flowsText.includes(h.TEST_KEY), 'key not in GET /flows');
      const flowsV1 = await (await page.request.get(`${stack.url}flows`)).text();
      assert.ok(!flowsV1.includes(h.TEST_KEY), 'key not in GET /flows (v1)');
      // Open the config node from the configuration-nodes sidebar: the key field says "set" without the key.
      await page.click('#red-ui-header-button-sidemenu');
      await page.click('#menu-item-config-nodes');
      await page.locator('#red-ui-sidebar-content .red-ui-palette-node:has-text("browser test front-end")').dblclick();
      await page.locator('#node-config-input-key').waitFor({ state: 'visible' });
      await page.waitForFunction(() => $('#node-config-input-key').val() !== '');
      assert.equal(await page.locator('#node-config-input-key').inputValue(), '__PWRD__', 'the dialog shows a key is set');
      assert.ok(!(await page.content()).includes(h.TEST_KEY), 'key not in the page HTML with the dialog open');
      const creds = await page.evaluate((id) => RED.nodes.node(id).credentials, configId);
      assert.equal(JSON.stringify(creds).includes(h.TEST_KEY), false, 'the editor holds no key');
      assert.equal(creds.has_key, true, 'the editor only knows that a key is set');
      await page.click('#node-config-dialog-cancel');
      await page.locator('#node-config-dialog-cancel').waitFor({ state: 'detached' });

      await page.click('#red-ui-header-button-sidemenu');
      await page.click('#menu-item-export');
      await page.locator('#red-ui-clipboard-dialog-export-rng-full').waitFor({ state: 'visible' });
      await page.click('#red-ui-clipboard-dialog-export-rng-full');
      await page.click('#red-ui-tab-red-ui-clipboard-dialog-export-tab-clipboard-json a');
      await page.locator('#red-ui-clipboard-dialog-export-text').waitFor({ state: 'visible' });
      const exported = await page.locator('#red-ui-clipboard-dialog-export-text').inputValue();
      assert.ok(exported.includes(configId), 'the export contains the config node');
      assert.ok(!exported.includes(h.TEST_KEY), 'key not in Menu > Export');
      await page.click('#red-ui-clipboard-dialog-cancel');

      const stored = fs.readFileSync(path.join(stack.userDir, 'flows_cred.json'), 'utf8');
      assert.ok(!stored.includes(h.TEST_KEY), 'flows_cred.json is encrypted');
      assert.deepEqual(page.uppErrors, []);
    });
  });
});
