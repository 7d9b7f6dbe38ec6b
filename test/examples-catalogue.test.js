'use strict';
// Catalogue readiness: scripts/catalogue-check.js runs node-red-dev's own package, node and dependency checks on
// the package as `npm pack` ships it (offline; the checks that need the internet are listed, not run).
const assert = require('node:assert/strict');
const path = require('node:path');
const { execFile } = require('node:child_process');

const ROOT = path.resolve(__dirname, '..');

describe('catalogue readiness (node-red-dev checks, offline)', function () {
  this.timeout(120000);
  let result;

  before((done) => {
    execFile(process.execPath, [path.join(ROOT, 'scripts', 'catalogue-check.js')], { cwd: ROOT, timeout: 110000 }, (err, stdout, stderr) => {
      result = { code: err ? err.code : 0, out: `${stdout}${stderr}` };
      done();
    });
  });

  it('passes every check that can run offline on the packed package', () => {
    assert.equal(result.code, 0, result.out);
    assert.match(result.out, /Catalogue check passed/);
  });

  it('ran the package, node and dependency checks', () => {
    for (const text of ['Package is Apache-2.0 licensed', 'Repository/Bugs Link Supplied', 'Package uses a Scoped Name', 'Node-RED Keyword Found', 'Compatible with Node-RED v', 'Examples found for all nodes', 'dependencies', 'No incompatible packages found']) {
      assert.ok(result.out.includes(text), `missing "${text}" in:\n${result.out}`);
    }
    assert.match(result.out, /Checking .*\.tgz as packed/);
  });

  it('says which checks only the online run can do', () => {
    for (const id of ['P08', 'N01', 'D03']) assert.match(result.out, new RegExp(`^  ${id} `, 'm'));
  });

  it('finds the examples of every flow node type in the packed package', () => {
    const line = /Examples cover: (.*)/.exec(result.out);
    assert.ok(line, result.out);
    const covered = line[1].split(', ');
    const types = Object.keys(require(path.join(ROOT, 'package.json'))['node-red'].nodes).filter((t) => t !== 'upp-config');
    assert.deepEqual([...covered].sort(), [...types].sort());
  });
});
