'use strict';
// Unit, node and browser tests run against the compiled package in dist/ (npm test builds first).
// Mocha adds a config `spec` to the paths given on the command line, so the default list applies only when no
// test path is given (`npx mocha test/sandbox` runs just that folder). UPP_TEST_SPEC also picks a list.
const cliPaths = process.argv.slice(2).filter((arg) => /^(\.\/)?test\//.test(arg));
const spec = process.env.UPP_TEST_SPEC ? process.env.UPP_TEST_SPEC.split(',') : cliPaths.length ? [] : ['test/**/*.test.js'];
module.exports = {
  ...(spec.length ? { spec } : {}),
  recursive: true,
  timeout: 20000,
  exit: true,
};
