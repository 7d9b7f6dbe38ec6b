'use strict';
// The flows the benchmark runs, as a user would build them in the editor. Every flow ends in the same collector
// function nodes (one per outcome) and a Catch node, which hand each message to `global.get('benchCollect')`.

const TAB = 'bench.tab';
const COLLECT = {
  paid: 'bench.collect.paid',
  pending: 'bench.collect.pending',
  failed: 'bench.collect.failed',
  error: 'bench.collect.error',
};

function functionNode(id, name, func, outputs, wires) {
  return {
    id,
    type: 'function',
    z: TAB,
    name,
    func,
    outputs,
    timeout: 0,
    noerr: 0,
    initialize: '',
    finalize: '',
    libs: [],
    x: 300,
    y: 100,
    wires,
  };
}

function collectors() {
  const nodes = Object.entries(COLLECT).map(([tag, id]) =>
    functionNode(id, `collect ${tag}`, `global.get('benchCollect')(msg, ${JSON.stringify(tag)});\nreturn null;`, 1, [[]]),
  );
  nodes.push({
    id: 'bench.catch',
    type: 'catch',
    z: TAB,
    name: 'errors',
    scope: null,
    uncaught: false,
    x: 100,
    y: 300,
    wires: [[COLLECT.error]],
  });
  return nodes;
}

const tab = { id: TAB, type: 'tab', label: 'bench', disabled: false, info: '' };

/** a. inject -> upp-query -> collectors. Editor defaults for everything not needed. */
function uppQueryFlow({ url, key }) {
  const config = {
    id: 'bench.upp-config',
    type: 'upp-config',
    name: 'sandbox',
    baseUrl: url,
    isvId: '20000',
    partnerId: '12345',
    profile: 'v1',
  };
  const query = {
    id: 'bench.entry',
    type: 'upp-query',
    z: TAB,
    name: '',
    server: config.id,
    bizType: '',
    bizTypeType: 'str',
    paymentNo: '',
    paymentNoType: 'str',
    x: 300,
    y: 100,
    wires: [[COLLECT.paid], [COLLECT.pending], [COLLECT.failed]],
  };
  return { flows: [tab, config, query, ...collectors()], credentials: { [config.id]: { key } }, entry: query.id };
}

// b. What a careful user builds without our nodes: sign in a function node, POST with the core http request
// node (parsed JSON), verify the answer's signature in a second function node and route by tradeStatus.
const HAND_SIGN = `// UPP query request, signed as in ISV manual 1.0: keys sorted, empty values dropped,
// every value written as a string, md5(canonical + key) in lower-case hex.
const crypto = global.get('crypto');
const key = env.get('UPP_KEY');
const body = {
    isvId: 20000,
    partnerId: 12345,
    version: '1.0.0',
    timestamp: Date.now(),
    bizType: msg.payload.bizType,
    paymentNo: msg.payload.paymentNo
};
const canonical = {};
for (const k of Object.keys(body).sort()) {
    const v = body[k];
    if (v === undefined || v === null || v === '') continue;
    canonical[k] = String(v);
}
body.sign = crypto.createHash('md5').update(JSON.stringify(canonical) + key, 'utf8').digest('hex');
msg.payload = body;
msg.headers = { 'Content-Type': 'application/json;charset=UTF-8' };
return msg;`;

const HAND_PARSE = `// Verify the answer's signature (same rules, nested data canonicalized too), then route:
// 1 paid, 2 pending (anything not final, or not verified), 3 failed.
const crypto = global.get('crypto');
const key = env.get('UPP_KEY');
function canon(o) {
    const out = {};
    for (const k of Object.keys(o).sort()) {
        const v = o[k];
        if (v === undefined || v === null || v === '') continue;
        out[k] = (typeof v === 'object') ? canon(v) : String(v);
    }
    return out;
}
const res = msg.payload;
if (msg.statusCode !== 200 || typeof res !== 'object' || res === null) {
    msg.verified = false;
    return [null, msg, null];
}
const { sign, ...unsigned } = res;
const expected = crypto.createHash('md5').update(JSON.stringify(canon(unsigned)) + key, 'utf8').digest('hex');
msg.verified = typeof sign === 'string' && sign.toLowerCase() === expected;
if (!msg.verified || res.result !== true || !res.data) return [null, msg, null];
msg.payload = res.data;
if (res.data.tradeStatus === 'pay_success') return [msg, null, null];
if (res.data.tradeStatus === 'pay_failed') return [null, null, msg];
return [null, msg, null];`;

function handRolledFlow({ url }) {
  const request = {
    id: 'bench.http',
    type: 'http request',
    z: TAB,
    name: 'POST /access/query',
    method: 'POST',
    ret: 'obj',
    paytoqs: 'ignore',
    url: `${url}/access/query`,
    tls: '',
    persist: false,
    proxy: '',
    insecureHTTPParser: false,
    authType: '',
    senderr: false,
    headers: [],
    x: 500,
    y: 100,
    wires: [['bench.parse']],
  };
  return {
    flows: [
      tab,
      functionNode('bench.entry', 'sign query', HAND_SIGN, 1, [[request.id]]),
      request,
      functionNode('bench.parse', 'verify + route', HAND_PARSE, 3, [[COLLECT.paid], [COLLECT.pending], [COLLECT.failed]]),
      ...collectors(),
    ],
    credentials: {},
    entry: 'bench.entry',
  };
}

/** d. Node-RED's own cost of passing a message: inject -> function (return msg) -> collector. */
function emptyFlow() {
  return {
    flows: [tab, functionNode('bench.entry', 'pass', 'return msg;', 1, [[COLLECT.paid]]), ...collectors()],
    credentials: {},
    entry: 'bench.entry',
  };
}

module.exports = { uppQueryFlow, handRolledFlow, emptyFlow, HAND_SIGN, HAND_PARSE, COLLECT };
