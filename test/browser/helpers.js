'use strict';
// Browser-test helpers: a sandbox + Node-RED laid out as by `npm start` (scripts/demo/lib.js), Debian's Chromium
// driven by playwright-core, and a few editor gestures done the way a person does them (drag from the palette,
// double-click, menus, typedInput type menus).
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const lib = require('../../scripts/demo/lib');
const { createHisDatabase } = require('../../scripts/demo/his-db');

const ROOT = lib.ROOT;
const CHROMIUM = process.env.UPP_CHROMIUM || '/usr/bin/chromium';
const ARTIFACTS = path.join(ROOT, 'test-artifacts');
const CI = process.env.CI === 'true';
/** A key only these tests use, so a search for it in the editor finds nothing but a leak. */
const TEST_KEY = 'browser-test-key-5Jd83kQz';
/** The X-UPP-Secret the examples' POST endpoints require (Node-RED's UPP_HTTP_SECRET, as npm start sets it). */
const TEST_SECRET = 'browser-test-secret-Qm41';
/** Lines Node-RED 4 always logs at start-up with our settings: not caused by this package. */
const EXPECTED_LOG = [/\[warn\] Projects disabled/];

// Every palette entry of the package (package.json's node types but the config node), and those of them with a
// connection (FLOW_TYPES).
const { PALETTE_TYPES, CONNECTED_TYPES: FLOW_TYPES } = require('../support/node-types');
/** The HIS side's nodes, upp-his-* (no connection: the platform calls them). */
const HIS_TYPES = PALETTE_TYPES.filter((type) => type.startsWith('upp-his-'));

/**
 * Call at the top of a describe(): skips the suite, with a message saying why, only when Chromium is missing and
 * CI is not set. Under CI=true a missing browser is a failure (.ci/run installs it).
 */
function requireChromium(suite) {
  if (fs.existsSync(CHROMIUM)) return true;
  if (CI) {
    suite.beforeAll(() => {
      throw new Error(`${CHROMIUM} is missing but CI=true: .ci/run must install it (apt-get install -y chromium fonts-noto-cjk)`);
    });
    return true;
  }
  suite.beforeAll(function () {
    console.log(
      `      SKIPPED: browser tests need Chromium at ${CHROMIUM} (apt-get install -y chromium fonts-noto-cjk); set CI=true to make this an error`,
    );
    this.skip();
  });
  return false;
}

async function launchBrowser() {
  const { chromium } = require('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/**
 * A sandbox (free port, TEST_KEY) and a Node-RED (free port) in a fresh temporary user directory that loads this
 * package as the demo does. deploy: true deploys every example (config node pointed at this sandbox); `edit` and
 * `extraSettings` as in scripts/demo/lib.js prepareUserDir.
 */
async function startStack({ deploy = false, edit, extraSettings } = {}) {
  const { startSandbox } = require(path.join(ROOT, 'dist', 'nodes', 'sandbox'));
  const port = await lib.freePort();
  // The platform's side of the HIS views (example 07) points at this Node-RED, as npm start does.
  const sandbox = await startSandbox({
    port: 0,
    key: TEST_KEY,
    hisOrderUrl: `http://127.0.0.1:${port}/his/order`,
    hisBillUrl: `http://127.0.0.1:${port}/his/bill`,
  });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'upp-browser-'));
  const { userDir, settingsFile } = lib.prepareUserDir({
    userDir: path.join(tmp, 'userdir'),
    port,
    sandboxUrl: sandbox.url,
    deploy,
    edit,
    extraSettings,
  });
  let nodeRed;
  let hisDb;
  try {
    hisDb = await createHisDatabase(path.join(userDir, lib.HIS_DB_FILE));
    nodeRed = await lib.startNodeRed({
      userDir,
      settingsFile,
      port,
      env: { UPP_KEY: TEST_KEY, UPP_HIS_DB: hisDb, UPP_HTTP_SECRET: TEST_SECRET },
    });
  } catch (err) {
    await sandbox.close();
    throw err;
  }
  return {
    sandbox,
    nodeRed,
    url: nodeRed.url,
    userDir,
    hisDb,
    secret: TEST_SECRET,
    /** Node-RED log lines that are warnings or errors, start-up boilerplate left out. */
    problems(fromLine = 0) {
      return nodeRed.log.slice(fromLine).filter((l) => /\[(warn|error)\]/.test(l) && !EXPECTED_LOG.some((re) => re.test(l)));
    },
    async stop() {
      await nodeRed.stop().catch(() => undefined);
      await sandbox.close().catch(() => undefined);
      fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
}

/** A page on the editor in the given locale, with page errors collected in page.uppErrors. */
async function openEditor(browser, url, locale) {
  const context = await browser.newContext({ locale, viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  page.uppErrors = [];
  page.on('pageerror', (err) => page.uppErrors.push(err.message));
  await page.goto(url);
  await page.locator('.red-ui-palette-node[data-palette-type="upp-poll"]').waitFor({ timeout: 30000 });
  await page.waitForFunction(() => window.RED && RED.workspaces && RED.workspaces.active());
  return page;
}

function artifact(name) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  return path.join(ARTIFACTS, name);
}

/** Drags a node type from the palette onto the workspace at (dx, dy) from the chart's corner; returns its id. */
async function dragFromPalette(page, type, dx, dy) {
  const before = await page.evaluate((t) => RED.nodes.filterNodes({ type: t }).map((n) => n.id), type);
  const item = page.locator(`.red-ui-palette-node[data-palette-type="${type}"]`);
  // A collapsed category hides its nodes: open them all (the palette footer's "expand all" button).
  if (!(await item.isVisible())) await page.click('#red-ui-palette .red-ui-component-footer button:has(i.fa-angle-double-down)');
  await item.scrollIntoViewIfNeeded();
  const from = await item.boundingBox();
  const chart = await page.locator('#red-ui-workspace-chart').boundingBox();
  const sx = from.x + from.width / 2;
  const sy = from.y + from.height / 2;
  await page.mouse.move(sx, sy);
  await page.mouse.down();
  for (let i = 1; i <= 12; i++) await page.mouse.move(sx + ((chart.x + dx - sx) * i) / 12, sy + ((chart.y + dy - sy) * i) / 12);
  await page.mouse.up();
  const handle = await page.waitForFunction(
    ({ t, b }) =>
      RED.nodes
        .filterNodes({ type: t })
        .map((n) => n.id)
        .find((id) => !b.includes(id)),
    { t: type, b: before },
  );
  return handle.jsonValue();
}

/** Double-clicks a node on the workspace and waits for its edit tray. */
async function openNodeDialog(page, id) {
  // A tray still sliding away from the previous test would swallow the double-click.
  await page.waitForFunction(() => $('.red-ui-tray').length === 0);
  // On a loaded machine the editor sometimes takes the two clicks as a drag or a single click (seen in CI on zh-CN
  // dialogs): double-click again, as a person would, when no tray appeared.
  for (let attempt = 1; ; attempt++) {
    await page.locator(`[id="${id}"] .red-ui-flow-node`).dblclick();
    try {
      await page.locator('#node-dialog-ok').waitFor({ state: 'visible', timeout: 10000 });
      break;
    } catch (err) {
      if (attempt === 3) throw err;
      if ((await page.locator('.red-ui-tray').count()) > 0) {
        await page.locator('#node-dialog-ok').waitFor({ state: 'visible' });
        break;
      }
    }
  }
  await page.waitForTimeout(300); // the tray slides in
}

/** The typedInput beside a hidden #node-input-<field>. */
function typed(page, field, prefix = 'node-input') {
  return page.locator(`#${prefix}-${field} + .red-ui-typedInput-container`);
}

/** Picks a typedInput type from its menu (as a person does) and types a value. */
async function setTyped(page, field, type, value) {
  const box = typed(page, field);
  await box.locator('button.red-ui-typedInput-type-select').click();
  await page.locator(`.red-ui-typedInput-options:visible a[value="${type}"]`).click();
  await box.locator('input.red-ui-typedInput-input').fill(value);
  await box.locator('input.red-ui-typedInput-input').press('Tab');
}

/** Visible text of the topmost edit tray. */
function trayText(page) {
  return page.evaluate(() => $('.red-ui-tray:last .red-ui-tray-body').text().replace(/\s+/g, ' ').trim());
}

/** The labels and placeholders of the topmost edit tray's form. */
function trayLabels(page) {
  return page.evaluate(() => {
    const tray = $('.red-ui-tray:last .red-ui-tray-body');
    const labels = tray
      .find('.form-row label:visible')
      .map(function () {
        return $(this).text().trim();
      })
      .get()
      .filter(Boolean);
    const placeholders = tray
      .find('input:visible')
      .map(function () {
        return $(this).attr('placeholder') || '';
      })
      .get()
      .filter(Boolean);
    return { labels, placeholders };
  });
}

/** Text that looks like an untranslated i18n key of this package. */
const RAW_KEY =
  /(@hisflow\/)?node-red-upp\/|\bupp-(?:config|network|scancode|barcode|query|refund-query|refund|close|poll)\.(?:label|placeholder|paletteLabel|outputs|status|validation|errors|types|help|tip|option|mode)\b|\b(?:label|placeholder|validation)\.[a-z][A-Za-z]+\b/;
const CJK = /[\u4e00-\u9fff]/;

/** Opens the help sidebar tab and returns the help text shown for the selected / edited node. */
async function helpText(page) {
  await page.click('#red-ui-tab-help-link-button');
  await page.waitForTimeout(300);
  return page.evaluate(() => $('.red-ui-sidebar-help-stack .red-ui-help:visible').last().text().replace(/\s+/g, ' ').trim());
}

/** Clicks Deploy and waits for Node-RED's "Successfully deployed" notification. */
async function deploy(page) {
  await page.click('#red-ui-header-button-deploy');
  // A dialog about invalid or unknown nodes would appear instead: fail with its text.
  const result = await Promise.race([
    page
      .locator('.red-ui-notification:has-text("deployed"), .red-ui-notification:has-text("部署成功")')
      .first()
      .waitFor({ timeout: 15000 })
      .then(() => 'ok'),
    page
      .locator(
        '#red-ui-deploy-dialog-confirm-deploy-invalid, #red-ui-deploy-dialog-confirm-deploy-unknown, #red-ui-deploy-dialog-confirm-deploy-conflict',
      )
      .first()
      .waitFor({ state: 'visible', timeout: 15000 })
      .then(() => 'dialog'),
  ]);
  if (result !== 'ok') throw new Error(`deploy asked for confirmation: ${await page.evaluate(() => $('.ui-dialog:visible').text())}`);
  await page.waitForFunction(() => !RED.nodes.dirty());
}

/** Messages in the debug sidebar: [{ name, text }]. */
function debugMessages(page) {
  return page.evaluate(() =>
    $('#red-ui-sidebar-content .red-ui-debug-msg')
      .map(function () {
        return {
          name: $(this)
            .find('.red-ui-debug-msg-name')
            .text()
            .trim()
            .replace(/^node:\s*/, ''),
          text: $(this).find('.red-ui-debug-msg-payload').text().replace(/\s+/g, ' ').trim(),
        };
      })
      .get(),
  );
}

module.exports = {
  ROOT,
  CHROMIUM,
  TEST_KEY,
  FLOW_TYPES,
  HIS_TYPES,
  PALETTE_TYPES,
  CONFIG_ID: lib.CONFIG_ID,
  RAW_KEY,
  CJK,
  requireChromium,
  launchBrowser,
  startStack,
  openEditor,
  artifact,
  dragFromPalette,
  openNodeDialog,
  typed,
  setTyped,
  trayText,
  trayLabels,
  helpText,
  deploy,
  debugMessages,
};
