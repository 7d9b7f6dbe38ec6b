// The demo HIS database: a SQLite file with the schema of scripts/demo/his-schema.sql, created for npm start and
// for the tests that deploy the examples. Uses sqlite3, which node-red-node-sqlite (a devDependency) brings.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const SCHEMA_FILE = path.join(__dirname, 'his-schema.sql');

function sqlite3() {
  return require(require.resolve('sqlite3', { paths: [path.dirname(require.resolve('node-red-node-sqlite/package.json'))] }));
}

/** Runs SQL on the database file; resolves with the rows of the last statement for `all`, nothing for `exec`. */
function withDatabase(file, work) {
  const { Database } = sqlite3();
  return new Promise((resolve, reject) => {
    const db = new Database(file, (err) => {
      if (err) return reject(err);
      Promise.resolve(work(db)).then(
        (value) => db.close((closeErr) => (closeErr ? reject(closeErr) : resolve(value))),
        (workErr) => db.close(() => reject(workErr)),
      );
    });
  });
}

const exec = (db, sql) => new Promise((resolve, reject) => db.exec(sql, (err) => (err ? reject(err) : resolve())));
const all = (db, sql, params = []) =>
  new Promise((resolve, reject) => db.all(sql, params, (err, rows) => (err ? reject(err) : resolve(rows))));

/** Creates (or opens) the demo database with its schema; returns the absolute path. */
async function createHisDatabase(file) {
  file = path.resolve(file);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await withDatabase(file, (db) => exec(db, fs.readFileSync(SCHEMA_FILE, 'utf8')));
  return file;
}

/** Rows of a query (tests and the demo's summary). */
function queryHisDatabase(file, sql, params = []) {
  return withDatabase(file, (db) => all(db, sql, params));
}

/** Statements without rows (tests prepare rows with it). */
function execHisDatabase(file, sql) {
  return withDatabase(file, (db) => exec(db, sql));
}

module.exports = { SCHEMA_FILE, createHisDatabase, queryHisDatabase, execHisDatabase };
