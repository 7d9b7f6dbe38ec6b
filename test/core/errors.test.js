'use strict';
// The error registry: one list of codes (UPP_ERROR_CODES), every error class under UppError, one entry per code in
// docs/errors.md, and matching on `code` across the package.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { core } = require('../helpers');
const libErrors = require('../../dist/nodes/lib/errors');
const { Ledger } = require('../../dist/nodes/sandbox/ledger');
const { pollSettings } = require('../../dist/nodes/poll/settings');
const poll = require('../../dist/nodes/poll');

const ROOT = path.resolve(__dirname, '..', '..');

function sources(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

function checkUppError(err, code) {
  assert.ok(err instanceof core.UppError, `${err && err.name} is an UppError`);
  assert.equal(err.code, code);
  assert.ok(core.UPP_ERROR_CODES.includes(err.code));
  assert.ok(core.isUppError(err, code));
  assert.ok(err.message.length > 0);
  assert.match(err.messageZh, /[\u4e00-\u9fff]/, 'the Chinese message is Chinese');
  assert.equal(typeof err.notSent, 'boolean');
}

describe('error registry', () => {
  it('docs/errors.md has one entry per code in UPP_ERROR_CODES, and no other', () => {
    const text = fs.readFileSync(path.join(ROOT, 'docs', 'errors.md'), 'utf8');
    const headings = [...text.matchAll(/^## (\S+)\s*$/gm)].map((m) => m[1]);
    assert.deepEqual([...headings].sort(), [...core.UPP_ERROR_CODES].sort());
    assert.equal(new Set(headings).size, headings.length, 'each code once');
    for (const code of core.UPP_ERROR_CODES) {
      const entry = text.split(`## ${code}`)[1].split(/^## /m)[0];
      assert.match(entry, /\*\*What it means:\*\*/, `${code}: what it means`);
      assert.match(entry, /\*\*What you do:\*\*/, `${code}: what the user does`);
    }
  });

  it('every error class of the package is an UppError with a registered code and both languages', () => {
    checkUppError(new core.UppInputError('tradeFee', 'amount_positive', { got: '0' }), 'ERR_UPP_INPUT');
    checkUppError(new core.UppConfigError('baseUrl', 'required'), 'ERR_UPP_CONFIG');
    checkUppError(new core.UppNotSentError('ECONNREFUSED', 'connect ECONNREFUSED', 3), 'ERR_UPP_NOT_SENT');
    checkUppError(new core.UppInFlightError('paymentNo', 'P1'), 'ERR_UPP_IN_FLIGHT');
    checkUppError(new core.UppClientClosedError(), 'ERR_UPP_CLIENT_CLOSED');
    checkUppError(new libErrors.UppEnvVarError('key', 'UPP_KEY'), 'ERR_UPP_CONFIG');
    checkUppError(new libErrors.UppSourceError('paymentNo', 'jsonata', 'no HIS row'), 'ERR_UPP_INPUT');
    const diagnosis = { code: 'wrong_key', en: 'The key is wrong', zh: '密钥错误' };
    const network = new libErrors.UppNetworkError(diagnosis, 'zh', 'bad_signature', false);
    checkUppError(network, 'ERR_UPP_NETWORK');
    assert.equal(network.message, '密钥错误');
    assert.equal(network.messageEn, 'The key is wrong');
    assert.equal(network.notSent, false, 'a network test that reached the platform does not claim "not sent"');
    const ledger = new Ledger(
      () => Date.now(),
      () => 'http://127.0.0.1/cashier',
    );
    assert.throws(
      () => ledger.pay('nope'),
      (err) => (checkUppError(err, 'ERR_UPP_SANDBOX_STATE'), err.status === 404),
    );
  });

  it('the poll reports its input problems as the core input error (field, rule, both languages)', () => {
    assert.throws(
      () => poll.readTarget({ payload: {} }, 'payment'),
      (err) => {
        checkUppError(err, 'ERR_UPP_INPUT');
        assert.equal(err.field, 'paymentNo');
        assert.equal(err.rule, 'required');
        assert.match(err.message, /msg\.upp\.request\.paymentNo/);
        return true;
      },
    );
    assert.throws(
      () => poll.readTarget({ payload: {} }, 'auto'),
      (err) => (checkUppError(err, 'ERR_UPP_INPUT'), err.field === 'mode'),
    );
    assert.throws(
      () => pollSettings({ interval: '-1' }),
      (err) => {
        checkUppError(err, 'ERR_UPP_INPUT');
        assert.equal(err.field, 'interval');
        assert.equal(err.rule, 'option');
        assert.equal(err.message, 'interval must be a number of seconds greater than 0 (got "-1")');
        return true;
      },
    );
  });

  it('isUppError matches on the code, not the class (an error from another copy of the package matches)', () => {
    const copy = Object.assign(new Error('x'), { code: 'ERR_UPP_NOT_SENT', messageZh: '未发出' });
    assert.ok(core.isUppError(copy, 'ERR_UPP_NOT_SENT'));
    assert.ok(!core.isUppError(copy, 'ERR_UPP_INPUT'));
    assert.ok(!core.isUppError(Object.assign(new Error('x'), { code: 'ECONNREFUSED', messageZh: '拒绝' })));
    assert.ok(!core.isUppError(new TypeError('boom')));
    assert.ok(!core.isUppError(undefined));
  });

  it("no source matches the package's errors with instanceof, and every error class extends UppError", () => {
    // BodyTooLarge is the sandbox body reader's private signal: it is caught where it is thrown and never surfaces.
    const internal = new Set(['BodyTooLarge']);
    for (const file of sources(path.join(ROOT, 'nodes'))) {
      const text = fs.readFileSync(file, 'utf8');
      const rel = path.relative(ROOT, file);
      assert.doesNotMatch(text, /instanceof\s+(Upp|Poll|Sandbox)\w*Error/, `${rel} matches an error by class`);
      for (const m of text.matchAll(/class (\w+) extends (\w*Error)\b/g)) {
        if (m[2] === 'Error') assert.ok(m[1] === 'UppError' || internal.has(m[1]), `${rel}: ${m[1]} extends Error, not UppError`);
      }
    }
  });
});
