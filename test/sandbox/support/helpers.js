'use strict';
// Shared helpers for the sandbox tests: build requests with the core library, send them over real HTTP with undici.
const assert = require('node:assert/strict');
const { request } = require('undici');
const core = require('../../../dist/nodes/core');
const { startSandbox } = require('../../../dist/nodes/sandbox');

const KEY = 'sandbox-key-0001';
const IDS = { isvId: '20000', partnerId: '12345' };

let counter = 0;
/** A paymentNo / requestNo that no other test uses. */
const uid = (prefix = 'P') => `${prefix}${process.pid}-${Date.now().toString(36)}-${++counter}`;

async function post(url, body, headers = {}) {
  const res = await request(url, { method: 'POST', body, headers: { 'content-type': 'application/json;charset=UTF-8', ...headers } });
  const text = await res.body.text();
  let tree;
  try {
    tree = core.parseLossless(text);
  } catch {
    tree = undefined;
  }
  return { status: res.statusCode, headers: res.headers, text, tree };
}

/**
 * Sends a signed request. `input` goes through core.validateRequest unless `opts.wire` gives the fields as wire
 * values directly (to send what a correct client never would). Returns { status, text, tree, body }.
 */
async function send(sb, endpoint, input, opts = {}) {
  const now = opts.now ?? Date.now();
  const fields = opts.wire ?? core.validateRequest(endpoint, input, now);
  const encoded = core.encodeRequest(opts.ids ?? IDS, fields, opts.key ?? KEY, opts.profile ?? 'v1', now);
  const path = core.endpointPath(endpoint, opts.style ?? 'manual-1.0', opts.prefix ?? new URL(sb.url).pathname);
  const res = await post(`${sb.origin}${path}`, opts.body ?? encoded.body);
  return { ...res, body: encoded.body };
}

/** Asserts the answer is HTTP 200, signed with the sandbox's profile (strict, data.sign included), and returns it. */
function verified(res, profile = 'v1', key = KEY) {
  assert.equal(res.status, 200, res.text);
  assert.ok(res.tree, `not JSON: ${res.text}`);
  assert.deepEqual(core.verifyTree(res.tree, key, profile, 'strict'), { verified: profile }, res.text);
  return res.tree;
}

/** The verified answer's data as plain values (numbers as their literal text). */
function dataOf(res, profile = 'v1', key = KEY) {
  const tree = verified(res, profile, key);
  assert.equal(tree.result, true, `expected result:true, got ${res.text}`);
  return plain(tree.data);
}

/** Asserts a signed result:false with this msg. */
function rejected(res, msg, profile = 'v1', key = KEY) {
  const tree = verified(res, profile, key);
  assert.equal(tree.result, false, res.text);
  assert.equal(tree.kind, '1');
  assert.equal(tree.msg, msg);
  assert.equal(tree.data, undefined);
}

function plain(value) {
  if (core.isLosslessNumber(value)) return value.value;
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
}

const inMinutes = (minutes, now = Date.now()) => core.formatChinaTime(now + minutes * 60_000);

function scanInput(tradeFee, extra = {}) {
  return {
    paymentNo: uid(),
    channelProduct: 'ali_scan_code',
    expireTime: inMinutes(10, extra.now),
    tradeFee,
    subject: '门诊缴费',
    ...extra,
  };
}
function barInput(tradeFee, extra = {}) {
  return {
    paymentNo: uid(),
    authCode: '283456789012345678',
    expireTime: inMinutes(10, extra.now),
    tradeFee,
    subject: '门诊缴费',
    ...extra,
  };
}

/** Places an order and returns { paymentNo, data }. */
async function scanOrder(sb, tradeFee, extra = {}, opts = {}) {
  const input = scanInput(tradeFee, extra);
  return { paymentNo: input.paymentNo, data: dataOf(await send(sb, 'scanCode', input, opts), opts.profile) };
}
async function barOrder(sb, tradeFee, extra = {}, opts = {}) {
  const input = barInput(tradeFee, extra);
  return { paymentNo: input.paymentNo, data: dataOf(await send(sb, 'barCode', input, opts), opts.profile) };
}
const query = (sb, paymentNo, bizType = 'scan_pay', opts) => send(sb, 'query', { bizType, paymentNo }, opts);

function refundInput(paymentNo, refundFee, extra = {}) {
  const requestNo = uid('R');
  return { paymentNo, refundFee, bizType: 'barcode_pay', requestNo, refundNo: requestNo, ...extra };
}

module.exports = {
  assert,
  core,
  request,
  startSandbox,
  KEY,
  IDS,
  uid,
  post,
  send,
  verified,
  dataOf,
  rejected,
  plain,
  inMinutes,
  scanInput,
  barInput,
  scanOrder,
  barOrder,
  query,
  refundInput,
};
