'use strict';
const path = require('node:path');
const fs = require('node:fs');

/** The shared spec folder beside the repo (CI lays ../shared next to the clone). */
const SHARED = path.resolve(__dirname, '..', '..', 'shared');
const core = require('../dist/nodes/core');

function signVectors() {
  return JSON.parse(fs.readFileSync(path.join(SHARED, 'spec', 'sign-vectors.json'), 'utf8'));
}

/**
 * A scripted front-end machine on 127.0.0.1 (port 0): every request is answered by `answer(requestTree, path)`, a
 * wire text (undefined: 404). Records the requests (path and lossless tree). For answers no sandbox gives.
 */
async function frontEnd(answer) {
  const http = require('node:http');
  const requests = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const tree = core.parseLossless(body);
      requests.push({ path: req.url, tree });
      const text = answer(tree, req.url);
      res.writeHead(text === undefined ? 404 : 200, { 'content-type': 'application/json;charset=UTF-8' });
      res.end(text ?? 'Not Found');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    requests,
    set answer(fn) {
      answer = fn;
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** Signs an answer's JSON text (numbers keep their text) with a variant; returns the wire text with `sign` first. */
function signedAnswer(text, key, { profile = 'v1', dropDataSign = false, time = 'wire' } = {}) {
  const tree = core.parseLossless(text);
  const sign = core.md5Sign(core.canonicalOf(tree, profile, dropDataSign, time), key);
  return `{"sign":"${sign}",${text.slice(1)}`;
}

/** An answer envelope's JSON text around a data text. */
const envelopeText = (data, { result = true } = {}) =>
  `{"result":${result},"kind":"${result ? '0' : '1'}","msg":"${result ? '' : '业务拒绝'}","version":"1.0.0","timestamp":1764151200000${data ? `,"data":${data}` : ''}}`;

module.exports = { SHARED, core, signVectors, frontEnd, signedAnswer, envelopeText };
