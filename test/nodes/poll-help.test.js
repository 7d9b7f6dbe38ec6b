'use strict';
// upp-poll's editor files: the registerType literal, the catalogs in both languages (same keys), and help texts in
// Node-RED's style that explain every output and every rule in plain words, in English and in Chinese.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const read = (...p) => fs.readFileSync(path.join(ROOT, ...p), 'utf8');

function keys(obj, prefix = '') {
  return Object.entries(obj).flatMap(([k, v]) => (typeof v === 'object' && v !== null ? keys(v, `${prefix}${k}.`) : [`${prefix}${k}`]));
}

describe('upp-poll editor and help files', () => {
  it('registers upp-poll in the UPP category with literal values, 3 outputs and the node properties', () => {
    const html = read('nodes', 'upp-poll.html');
    assert.match(html, /RED\.nodes\.registerType\('upp-poll', \{/);
    assert.match(html, /category: 'UPP'/);
    assert.match(html, /color: '#E2A04F'/);
    assert.match(html, /outputs: 3,/);
    assert.match(html, /icon: 'upp-poll\.svg'/);
    for (const prop of ['server', 'mode', 'interval', 'attempts', 'closeOnGiveUp', 'assumeRefunded', 'progress', 'concurrency']) {
      assert.match(html, new RegExp(`\\b${prop}: \\{`), prop);
      if (prop !== 'server') assert.match(html, new RegExp(`id="node-input-${prop}"`), prop);
    }
    assert.match(html, /outputLabels/);
    const svg = read('icons', 'upp-poll.svg');
    assert.match(svg, /stroke="#fff"/);
    assert.doesNotMatch(svg, /<rect/);
  });

  it('the English and Chinese catalogs have the same keys, and every data-i18n key of the editor exists', () => {
    const en = JSON.parse(read('locales', 'en-US', 'upp-poll.json'));
    const zh = JSON.parse(read('locales', 'zh-CN', 'upp-poll.json'));
    assert.deepEqual(keys(zh).sort(), keys(en).sort());
    assert.equal(en['upp-poll'].lang, 'en');
    assert.equal(zh['upp-poll'].lang, 'zh');
    const all = new Set(keys(en));
    const html = read('nodes', 'upp-poll.html');
    for (const m of html.matchAll(/data-i18n="(?:\[[a-z]+\])?([^"]+)"/g)) assert.ok(all.has(m[1]), m[1]);
    for (const out of ['success', 'failed', 'undetermined', 'progress']) assert.ok(all.has(`upp-poll.outputs.${out}`));
    // Status keys the runtime uses.
    for (const k of [
      'polling',
      'pollingJobs',
      'givingUp',
      'assumedRefunded',
      'closed',
      'closedAssumed',
      'paidAfterClose',
      'undetermined',
    ]) {
      assert.ok(all.has(`upp-poll.status.${k}`), k);
    }
  });

  for (const [lang, words] of Object.entries({
    'en-US': {
      inputs: 'Inputs',
      outputs: 'Outputs',
      details: 'Details',
      success: 'success',
      failed: 'failed',
      undetermined: 'undetermined',
      assumed: 'refund assumed succeeded',
      single: 'One poll per order',
      restart: 'Restarts',
    },
    'zh-CN': {
      inputs: '输入',
      outputs: '输出',
      details: '详细说明',
      success: '成功',
      failed: '失败',
      undetermined: '未确定',
      assumed: '退款推定成功',
      single: '每笔订单只轮询一次',
      restart: '重启',
    },
  })) {
    it(`${lang} help: tooltip paragraph, Inputs / Outputs / Details, each output and each rule`, () => {
      const help = read('locales', lang, 'upp-poll.html');
      assert.match(help, /<script type="text\/html" data-help-name="upp-poll">\s*<p>/, 'starts with the tooltip paragraph');
      for (const h of [words.inputs, words.outputs, words.details]) assert.match(help, new RegExp(`<h3>${h}</h3>`));
      assert.match(help, /<dl class="message-properties">/);
      assert.match(help, /<ol class="node-ports">/);
      const ports = [...help.matchAll(/<li>([^<\n]+)/g)].map((m) => m[1].trim());
      assert.ok(
        ports[0].startsWith(words.success) && ports[1].startsWith(words.failed) && ports[2].startsWith(words.undetermined),
        ports.join(' | '),
      );
      for (const term of [
        'paymentNo',
        'bizType',
        'expireTime',
        'requestNo',
        'upp.endpoint', // inputs
        'pay_success',
        'pay_failed',
        'refund_success',
        'refund_apply_success',
        'refund_failed',
        'refund_exception',
        'wait_pay', // statuses
        'isCloseOrder = N',
        'upp.closed',
        'upp.assumed',
        'close_race',
        'assumed_refunded',
        'gave_up',
        'not_closed', // rules and reasons
        'upp.poll',
        'attempts',
        'startedAt',
        'finishedAt',
        'gaveUp',
        'expired',
        'joined',
        'resumed', // msg.upp.poll
        'msg.req',
        'localfilesystem',
        'jobs', // restarts
        words.assumed,
        words.single,
        words.restart,
      ]) {
        assert.ok(help.includes(term), `${lang} help mentions ${term}`);
      }
    });
  }
});
