'use strict';
// The layers of docs/design.md as a test: nodes/core is a plain library (no Node-RED, no nodes/lib, only its own
// runtime dependencies); nodes/lib builds on core only; nothing imports a node file (nodes/upp-*.ts); the engines
// (each capability's index.ts) run without Node-RED; and no module imports itself back through others. Reads the
// TypeScript sources (type-only imports count as dependencies) and, for cycles at run time, the compiled dist/.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const ts = require('typescript');

const ROOT = path.join(__dirname, '..');
const NODES = path.join(ROOT, 'nodes');

function filesUnder(dir, ext) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(full, ext));
    else if (entry.name.endsWith(ext) && !entry.name.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

const rel = (file) => path.relative(ROOT, file).split(path.sep).join('/');

/** A relative import resolved to its file (x.ts / x/index.ts, or .js in dist); undefined for a package. */
function resolveImport(from, spec, ext) {
  if (!spec.startsWith('.')) return undefined;
  const base = path.join(path.dirname(from), spec);
  for (const candidate of [base + ext, path.join(base, 'index' + ext), base]) {
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
  }
  throw new Error(`${rel(from)}: cannot resolve import '${spec}'`);
}

/** Every import and re-export of the TypeScript sources (type-only ones too): { from, spec, to }. */
function sourceImports() {
  const edges = [];
  for (const file of filesUnder(NODES, '.ts')) {
    const info = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
    for (const { fileName: spec } of info.importedFiles) edges.push({ from: file, spec, to: resolveImport(file, spec, '.ts') });
  }
  return edges;
}

/** The require() calls that remain in the compiled JavaScript: the graph that runs. */
function runtimeImports() {
  const edges = [];
  for (const file of filesUnder(path.join(ROOT, 'dist', 'nodes'), '.js')) {
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)) {
      edges.push({ from: file, spec: m[1], to: resolveImport(file, m[1], '.js') });
    }
  }
  return edges;
}

const folderOf = (file) => {
  const parts = path.relative(NODES, file).split(path.sep);
  return parts.length === 1 ? '(node file)' : parts[0];
};

/** Groups of files that import each other (Tarjan's strongly connected components of more than one file). */
function cycles(edges) {
  const graph = new Map();
  for (const e of edges) {
    if (!graph.has(e.from)) graph.set(e.from, []);
    if (e.to) graph.get(e.from).push(e.to);
  }
  let next = 0;
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const found = [];
  const visit = (v) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
    }
    if (low.get(v) !== index.get(v)) return;
    const group = [];
    let w;
    do {
      w = stack.pop();
      onStack.delete(w);
      group.push(rel(w));
    } while (w !== v);
    if (group.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(group.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found.sort((a, b) => a[0].localeCompare(b[0]));
}

/** The files a module needs, itself included (relative imports followed to the end). */
function closure(entry, edges) {
  const seen = new Set([entry]);
  const queue = [entry];
  while (queue.length) {
    const file = queue.shift();
    for (const e of edges) if (e.from === file && e.to && !seen.has(e.to)) (seen.add(e.to), queue.push(e.to));
  }
  return seen;
}

// Packages core may use: Node's own modules and the runtime dependencies it is built on.
const CORE_PACKAGES = new Set(['undici', 'decimal.js', 'lossless-json']);
const NODE_RED_API = path.join(NODES, 'lib', 'red.ts');
const isNodeRedPackage = (spec) => spec === 'node-red' || spec.startsWith('@node-red/') || spec.startsWith('node-red-');

describe('layering (docs/design.md: one direction of dependency, no cycles)', () => {
  const edges = sourceImports();

  it('the sources import each other (the graph this test reads is not empty)', () => {
    assert.ok(edges.filter((e) => e.to).length > 100, `only ${edges.length} imports found`);
    assert.ok(edges.some((e) => rel(e.from) === 'nodes/poll/engine.ts' && rel(e.to ?? '') === 'nodes/poll/scheduler.ts'));
  });

  it('nodes/core imports only nodes/core, Node built-ins and its runtime dependencies (never nodes/lib or Node-RED)', () => {
    const wrong = edges
      .filter((e) => folderOf(e.from) === 'core')
      .filter((e) => (e.to ? folderOf(e.to) !== 'core' : !e.spec.startsWith('node:') && !CORE_PACKAGES.has(e.spec)))
      .map((e) => `${rel(e.from)} -> ${e.spec}`);
    assert.deepEqual(wrong, []);
  });

  it('nodes/lib builds on nodes/core only', () => {
    const wrong = edges
      .filter((e) => folderOf(e.from) === 'lib' && e.to && !['lib', 'core'].includes(folderOf(e.to)))
      .map((e) => `${rel(e.from)} -> ${e.spec}`);
    assert.deepEqual(wrong, []);
  });

  it('nothing imports a node file (nodes/upp-*.ts are the top: Node-RED loads them)', () => {
    const wrong = edges.filter((e) => e.to && folderOf(e.to) === '(node file)').map((e) => `${rel(e.from)} -> ${e.spec}`);
    assert.deepEqual(wrong, []);
  });

  it('the engines run without Node-RED: nothing an engine index needs reaches lib/red.ts or a Node-RED package', () => {
    const entries = fs
      .readdirSync(NODES, { withFileTypes: true })
      .filter((d) => d.isDirectory() && !['lib', 'ops'].includes(d.name) && fs.existsSync(path.join(NODES, d.name, 'index.ts')))
      .map((d) => path.join(NODES, d.name, 'index.ts'));
    entries.push(path.join(NODES, 'poll', 'engine.ts'));
    assert.ok(entries.length >= 6, entries.map(rel).join(', '));
    for (const entry of entries) {
      const needed = closure(entry, edges);
      assert.ok(!needed.has(NODE_RED_API), `${rel(entry)} reaches nodes/lib/red.ts`);
      const packages = edges.filter((e) => needed.has(e.from) && !e.to && isNodeRedPackage(e.spec));
      assert.deepEqual(
        packages.map((e) => `${rel(e.from)} -> ${e.spec}`),
        [],
        rel(entry),
      );
    }
  });

  it('no import cycles in the code that runs (compiled dist/)', () => {
    assert.deepEqual(cycles(runtimeImports()), []);
  });

  it('no import cycles in the sources beyond the known type-only ones (each to be removed by its owner)', () => {
    // Type-only: erased by the compiler, so they do not run; still listed so that none is added.
    const known = [
      ['nodes/core/events.ts', 'nodes/core/operations.ts'],
      ['nodes/sandbox/his.ts', 'nodes/sandbox/ledger.ts', 'nodes/sandbox/magic.ts', 'nodes/sandbox/types.ts'],
    ];
    const found = cycles(edges);
    const unknown = found.filter((group) => !known.some((k) => k.join() === group.join()));
    assert.deepEqual(unknown, []);
  });

  it('the cycle finder finds a cycle (a -> b -> a) and ignores a chain', () => {
    const f = (name) => path.join(NODES, name);
    const loop = [
      { from: f('a.ts'), to: f('b.ts') },
      { from: f('b.ts'), to: f('a.ts') },
      { from: f('b.ts'), to: f('c.ts') },
    ];
    assert.deepEqual(cycles(loop), [['nodes/a.ts', 'nodes/b.ts']]);
    assert.deepEqual(cycles(loop.slice(0, 1)), []);
  });
});
