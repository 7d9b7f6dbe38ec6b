'use strict';
// The palette filter of a real Node-RED 4 editor finds our nodes by the words people type (nodes/lib/names.ts
// PALETTE_WORDS), in English and in Chinese, and the help sidebar's title is the node's one name.
const assert = require('node:assert/strict');
const path = require('node:path');
const h = require('./helpers');

const { NODE_NAMES, PALETTE_WORDS } = require(path.join(h.ROOT, 'dist', 'nodes', 'lib', 'names'));

describe('browser: palette search finds the UPP nodes by the words people type', function () {
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

  for (const [lang, locale] of [
    ['en', 'en-US'],
    ['zh', 'zh-CN'],
  ]) {
    it(`${locale}: each word shows exactly its nodes; the palette labels are the names`, async () => {
      const page = await h.openEditor(browser, stack.url, locale);
      try {
        const labels = await page.evaluate(() =>
          $('#red-ui-palette-container-UPP .red-ui-palette-node')
            .map(function () {
              return { type: $(this).attr('data-palette-type'), label: $(this).attr('data-palette-label') };
            })
            .get(),
        );
        for (const { type, label } of labels) assert.equal(label, NODE_NAMES[type][lang], type);
        const shown = () =>
          page.evaluate(() =>
            $('#red-ui-palette-container-UPP .red-ui-palette-node')
              .filter(function () {
                return $(this).attr('data-filter') !== 'true';
              })
              .map(function () {
                return $(this).attr('data-palette-type');
              })
              .get()
              .sort(),
          );
        for (const [word, expected] of Object.entries(PALETTE_WORDS[lang])) {
          const want = expected.filter((t) => h.PALETTE_TYPES.includes(t)).sort();
          // Set the text the way the search box does for typed text (its change handler runs the palette filter).
          await page.evaluate((w) => $('#red-ui-palette-search input').searchBox('value', w), word);
          // The search box applies the filter after a short delay: wait for it (the bound only limits a failure).
          let got;
          const end = Date.now() + 10000;
          do {
            got = await shown();
            if (JSON.stringify(got) === JSON.stringify(want)) break;
            await page.waitForTimeout(100);
          } while (Date.now() < end);
          assert.deepEqual(got, want, `"${word}"`);
        }
        await page.evaluate(() => $('#red-ui-palette-search input').searchBox('value', ''));
        // The help sidebar's title for a node type is its palette label (Node-RED's showNodeTypeHelp).
        const title = await page.evaluate(() => {
          RED.sidebar.help.show('upp-refund');
          return $('.red-ui-help-title').first().text().trim();
        });
        assert.equal(title, NODE_NAMES['upp-refund'][lang]);
      } finally {
        await page.context().close();
      }
    });
  }
});
