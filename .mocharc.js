'use strict';
// Unit, node and browser tests run against the compiled package in dist/ (npm test builds first).
module.exports = {
  spec: process.env.UPP_TEST_SPEC ? process.env.UPP_TEST_SPEC.split(',') : ['test/**/*.test.js'],
  timeout: 20000,
  exit: true,
};
