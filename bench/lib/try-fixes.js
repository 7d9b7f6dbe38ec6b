#!/usr/bin/env node
'use strict';
// Tries the fixes BENCHMARKS.md proposes without touching the sources: copies package.json + dist/ to <dir>,
// patches the compiled files there, and links node_modules. Then measure the copy side by side:
//   node bench/lib/try-fixes.js /tmp/upp-fixed [status-cache] [lazy-undici] [cleared-timeout] [shared-abort]
//   BENCH_PACKAGE_ROOT=/tmp/upp-fixed node --expose-gc bench/flow.js   (adds contender "upp-query@fixed")
//   BENCH_PACKAGE_ROOT=/tmp/upp-fixed node bench/cold-start.js          (adds variant "+ package@fixed")
// A patch named on the command line fails loudly when its anchor text is gone (the sources changed: the fix may
// have landed); with no names, every patch whose anchor is still there is applied and the others are skipped.
// The `without-*` patches are ablations, applied only when named: each removes one rule's work, to measure what
// that rule costs per call (BENCHMARKS.md, issue 17). A build with one of them is wrong by design; never ship it.
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');

const PATCHES = {
  // StatusTracker calls RED._() (i18next) twice per message, with a `count` option that makes i18next resolve plural
  // rules each time. Cache each translated text (the counts seen are bounded by the concurrency).
  'status-cache': {
    file: 'dist/nodes/lib/status.js',
    from: `        this.node = node;
        this.t = t;`,
    to: `        this.node = node;
        const cache = new Map();
        this.t = (key, params) => {
            const k = params === undefined ? key : key + '\\u0000' + JSON.stringify(params);
            let v = cache.get(k);
            if (v === undefined) {
                v = t(key, params);
                if (cache.size < 512) cache.set(k, v);
            }
            return v;
        };`,
  },
  // undici's index loads every dispatcher, fetch, websocket, cache, mock... (~70 ms, ~19 MB) when Node-RED loads
  // the package, although a flow may never send a request. Load it when the first client is made.
  'lazy-undici': {
    file: 'dist/nodes/core/transport.js',
    from: `const undici_1 = require("undici");`,
    to: `let undiciModule;
const undici_1 = {
    get Pool() { return (undiciModule ??= require("undici")).Pool; },
    get EnvHttpProxyAgent() { return (undiciModule ??= require("undici")).EnvHttpProxyAgent; },
};`,
  },
  // Transport.post: AbortSignal.timeout() cannot be cancelled, so every request's timer and signal (and, with a
  // caller's signal, the AbortSignal.any() composite) stay alive until the timeout fires (10 s for a query, 35 s for
  // a payment): ~2-3 KB of heap per request, ~20-60 µs each. One AbortController and a cleared setTimeout per
  // attempt do the same job; the caller's signal is followed with a listener that is removed afterwards.
  // (Landed in the sources as cc7f7a2 "Transport: one AbortController and a cleared timer per attempt".)
  'cleared-timeout': {
    file: 'dist/nodes/core/transport.js',
    from: `    async post(path, body, timeoutMs, signal) {
        // Our own timer for the whole attempt: undici's headersTimeout/bodyTimeout tick coarsely (about every 0.5 s),
        // so they only stand behind it as a backstop.
        const deadline = AbortSignal.timeout(timeoutMs);
        const combined = signal ? AbortSignal.any([signal, deadline]) : deadline;`,
    to: `    async post(path, body, timeoutMs, signal) {
        const controller = new AbortController();
        let expired = false;
        const timer = setTimeout(() => {
            expired = true;
            controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
        }, timeoutMs);
        const follow = () => controller.abort(signal.reason);
        if (signal) {
            if (signal.aborted) follow();
            else signal.addEventListener('abort', follow, { once: true });
        }
        try {
            return await this.postWith(path, body, timeoutMs, signal, { get aborted() { return expired; } }, controller.signal);
        } finally {
            clearTimeout(timer);
            signal?.removeEventListener('abort', follow);
        }
    }
    async postWith(path, body, timeoutMs, signal, deadline, combined) {`,
  },
  // One AbortController per node (aborted on close) instead of one per message.
  'shared-abort': {
    file: 'dist/nodes/lib/calls.js',
    from: `        const controller = new AbortController();
        if (this.#closing)
            controller.abort();`,
    to: `        const controller = (this.sharedController ??= (() => {
            const c = new AbortController();
            require('node:events').setMaxListeners(0, c.signal);
            return c;
        })());
        if (this.#closing)
            controller.abort();`,
  },
};

/** Ablations (measurement only): each takes one rule's work out of a call. */
const ABLATIONS = {
  // Verification: every answer taken as verified under the configured variant, no canonical string, no MD5.
  'without-verification': {
    file: 'dist/nodes/core/codec/canonical.js',
    from: `function verifyTree(tree, key, profile, mode, options = {}) {`,
    to: `function verifyTree(tree, key, profile, mode, options = {}) {
    return { verified: variantName(options.variant ?? { profile, time: 'wire', dataSign: true }) };`,
  },
  // The number-exact parse replaced by JSON.parse (numbers re-written from the double: 100.00 becomes 100, so an
  // answer with such an amount no longer verifies: the bench's 100.00 check shows it).
  'without-exact-parse': {
    file: 'dist/nodes/core/codec/json.js',
    from: `function parseLossless(text) {`,
    to: `function parseLossless(text) {
    const exact = (value) => {
        if (typeof value === 'number') return new lossless_json_1.LosslessNumber(String(value));
        if (value !== null && typeof value === 'object') for (const key of Object.keys(value)) value[key] = exact(value[key]);
        return value;
    };
    return exact(JSON.parse(text));`,
  },
  // Binding: the answer never compared with the order, refund and amount that were sent.
  'without-binding': {
    file: 'dist/nodes/core/binding.js',
    from: `function bindAnswer(endpoint, sent, tree, expectedAmount) {`,
    to: `function bindAnswer(endpoint, sent, tree, expectedAmount) {
    return {};`,
  },
  // Decoding: no plain copy of the answer's data and envelope for the result.
  'without-decoding': {
    file: 'dist/nodes/core/decode.js',
    from: `function decodeData(endpoint, tree) {`,
    to: `function decodeData(endpoint, tree) {
    return undefined;`,
  },
};

function main() {
  const [dir, ...names] = process.argv.slice(2);
  if (!dir) {
    console.error(`usage: node bench/lib/try-fixes.js <dir> [${Object.keys({ ...PATCHES, ...ABLATIONS }).join('] [')}]`);
    process.exit(2);
  }
  const out = path.resolve(dir);
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(out, { recursive: true });
  fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(out, 'package.json'));
  fs.cpSync(path.join(ROOT, 'dist'), path.join(out, 'dist'), { recursive: true });
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(out, 'node_modules'), 'dir');
  for (const name of names.length ? names : Object.keys(PATCHES)) {
    const p = PATCHES[name] ?? ABLATIONS[name];
    if (!p) throw new Error(`unknown patch ${name}`);
    const file = path.join(out, p.file);
    const text = fs.readFileSync(file, 'utf8');
    if (!text.includes(p.from)) {
      // Named explicitly: fail. Taken by default: skip (the fix has probably landed in the sources).
      if (names.length) throw new Error(`${name}: anchor not found in ${p.file} (already fixed, or the code changed)`);
      console.log(`skipped ${name}: its anchor is gone from ${p.file} (landed, or the code changed)`);
      continue;
    }
    fs.writeFileSync(file, text.replace(p.from, p.to));
    console.log(`patched ${name} in ${p.file}`);
  }
  console.log(`BENCH_PACKAGE_ROOT=${out}`);
}

main();
