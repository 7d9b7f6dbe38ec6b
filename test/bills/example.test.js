'use strict';
// Example 12 "Download a bill", deployed in a real Node-RED (as npm start does) with the connection set to edition 2.1
// against a 2.1 sandbox holding a seeded day: "a chosen day" writes both bills as CSV files with exact amounts; on the
// examples' own edition (1.0) the download is refused before anything is sent.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const lib = require('../../scripts/demo/lib');

const FILE = '12 - Download a bill.json';
const KEY = 'bills-example-key-0007';
const DAY = '2026-11-25'; // the day "a chosen day" asks for

describe('example 12: download a bill', function () {
  this.timeout(90000);
  let sandbox;
  let nodeRed;
  let tmp;
  let userDir;
  const flowOf = () => lib.loadExamples().find((e) => e.file === FILE).flow;

  /** Node-RED with example 12 alone (its tab and the shared config node), the config node edited by `config`. */
  async function start(edition) {
    const { startSandbox } = require(path.join(lib.ROOT, 'dist', 'nodes', 'sandbox'));
    sandbox = await startSandbox({ port: 0, key: KEY, edition });
    sandbox.seedTrades(DAY, [
      { tradeNo: 'HIS-1', tradeFee: '12.3', tradeTime: '09:10:11', outTradeNo: 'YT-1', channelProduct: 'ten_scan_code' },
      { tradeNo: 'HIS-2', tradeFee: '100.00', tradeTime: '10:00:00', outTradeNo: 'YT-2' },
      { tradeType: 'refund', tradeNo: 'HIS-R1', paymentNo: 'HIS-1', tradeFee: '2.30', tradeTime: '11:00:00', outTradeNo: 'YTR-1' },
    ]);
    sandbox.injectDiscrepancy({ date: DAY, kind: 'channel_only_refund', paymentNo: 'HIS-2', tradeFee: '1.00', tradeNo: 'CH-R9' });
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'upp-bills-example-'));
    const port = await lib.freePort();
    const ours = new Set(flowOf().map((n) => n.id));
    const z = flowOf().find((n) => n.z).z;
    // The test reads what the example's Catch gets from a file it adds behind it (the debug sidebar is not readable here).
    const catchNode = flowOf().find((n) => n.type === 'catch');
    const edit = (flows) => [
      ...flows
        .filter((n) => ours.has(n.id) || n.id === z)
        .map((n) => (n.type === 'upp-config' ? { ...n, edition, pathStyle: '' } : n))
        .map((n) => (n.id === catchNode.id ? { ...n, wires: [[...n.wires[0], 'test-errors-fn']] } : n)),
      {
        id: 'test-errors-fn',
        type: 'function',
        z,
        name: 'test',
        func: 'msg.payload = JSON.stringify({ error: msg.error, upp: msg.upp });\nreturn msg;',
        outputs: 1,
        wires: [['test-errors-file']],
      },
      {
        id: 'test-errors-file',
        type: 'file',
        z,
        name: 'test',
        filename: 'errors.jsonl',
        filenameType: 'str',
        appendNewline: true,
        createDir: false,
        overwriteFile: 'false',
        encoding: 'utf8',
        wires: [[]],
      },
    ];
    ({ userDir } = lib.prepareUserDir({ userDir: path.join(tmp, 'userdir'), port, sandboxUrl: sandbox.url, deploy: true, edit }));
    nodeRed = await lib.startNodeRed({ userDir, settingsFile: path.join(userDir, 'settings.js'), port, env: { UPP_KEY: KEY } });
  }
  afterEach(async () => {
    if (nodeRed) await nodeRed.stop();
    if (sandbox) await sandbox.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    nodeRed = sandbox = tmp = undefined;
  });

  const press = async (name) => {
    const inject = flowOf().find((n) => n.type === 'inject' && n.name === name);
    const res = await fetch(`${nodeRed.url}inject/${inject.id}`, { method: 'POST' });
    assert.equal(res.status, 200);
  };
  const until = async (fn, what, ms = 20000) => {
    const end = Date.now() + ms;
    for (;;) {
      const v = fn();
      if (v) return v;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}\n${nodeRed.log.join('\n')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const read = (name) => {
    const file = path.join(userDir, 'bills', name);
    return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
  };

  it('edition 2.1: "a chosen day" writes the platform and the channel bill as CSV, amounts exact, the channel-only refund on the channel file', async () => {
    await start('2.1');
    await press('a chosen day');
    const platform = await until(() => read(`platform-${DAY}.csv`), 'the platform CSV');
    const channel = await until(() => read(`channel-${DAY}.csv`), 'the channel CSV');
    assert.deepEqual(platform.trimEnd().split('\n'), [
      'billsDate,tradeType,tradeFee,derateFee,tradeTime,outTradeNo,inTradeNo,tradeNo,channelType,channelProduct,bizType',
      `${DAY},pay,12.30,0.00,${DAY} 09:10:11,YT-1,${sandbox.order('HIS-1').inPaymentNo},HIS-1,ten,ten_scan_code,scan_pay`,
      `${DAY},pay,100.00,0.00,${DAY} 10:00:00,YT-2,${sandbox.order('HIS-2').inPaymentNo},HIS-2,ali,ali_scan_code,scan_pay`,
      `${DAY},refund,2.30,0.00,${DAY} 11:00:00,YTR-1,,HIS-R1,ten,ten_scan_code,scan_pay`,
    ]);
    const channelLines = channel.trimEnd().split('\n');
    assert.equal(channelLines[0], 'billsDate,tradeType,tradeFee,tradeTime,outTradeNo,inTradeNo,tradeNo,channelType,channelProduct,bizType');
    assert.equal(channelLines.length, 5, channel);
    assert.match(
      channelLines.find((l) => l.includes('CH-R9')),
      new RegExp(`^${DAY},refund,1\\.00,${DAY} 10:00:00,YTRC\\w+,,CH-R9,ali,ali_scan_code,scan_pay$`),
    );
    const problems = nodeRed.log.filter((l) => /\[(warn|error)\]/.test(l) && !/Projects disabled/.test(l));
    assert.deepEqual(problems, []);
  });

  it("the examples' own edition (1.0): refused with ERR_UPP_CONFIG naming the edition, nothing sent, no file", async () => {
    await start('1.0');
    await press('yesterday');
    const caught = () => {
      const file = path.join(userDir, 'errors.jsonl');
      return fs.existsSync(file)
        ? fs
            .readFileSync(file, 'utf8')
            .trim()
            .split('\n')
            .map((l) => JSON.parse(l))
        : [];
    };
    const errors = await until(() => (caught().length >= 2 ? caught() : null), 'both nodes refusing');
    for (const e of errors) {
      assert.equal(e.error.code, 'ERR_UPP_CONFIG');
      assert.equal(e.upp.error.field, 'edition');
      assert.match(e.error.message, /edition 1\.0 has no (yuntaiBills|channelBills) endpoint \(it exists from edition 2\.1\)/);
    }
    assert.deepEqual(
      sandbox.requests().filter((r) => r.endpoint !== 'network'),
      [],
    );
    assert.equal(fs.existsSync(path.join(userDir, 'bills')), false);
  });
});
