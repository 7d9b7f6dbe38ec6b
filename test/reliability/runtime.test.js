'use strict';
// Which Node-RED and Node.js these tests ran on (npm test: Node-RED 4 / Node 20; npm run test:compat: Node-RED 5 /
// Node 22 through scripts/compat-register.js). Under the compat run (UPP_COMPAT=1) the versions are asserted, so a
// resolution mistake cannot quietly test the wrong runtime.
const assert = require('node:assert/strict');
const { helper } = require('./support/harness');

describe('reliability: runtime under test', () => {
  it('names the Node-RED and Node.js versions (Node-RED 5 on Node >= 22.9 under test:compat)', () => {
    const red = helper._RED.version();
    console.log(`      runtime: Node-RED ${red} (${require.resolve('node-red')}), Node.js ${process.version}`);
    if (process.env.UPP_COMPAT === '1') {
      assert.equal(red.split('.')[0], '5', `Node-RED ${red}`);
      const [major, minor] = process.versions.node.split('.').map(Number);
      assert.ok(major > 22 || (major === 22 && minor >= 9), `Node.js ${process.version}`);
    } else {
      assert.ok(Number(red.split('.')[0]) >= 3, `Node-RED ${red}`);
    }
  });
});
