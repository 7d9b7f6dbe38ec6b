// Prints the longest functions and the largest files in nodes/, so the size figures quoted in issues and in
// docs/development.md can be reproduced: `npm run measure`, or `npm run measure -- --rev <commit>` to measure the
// tree of an earlier commit (read from git, the working tree is not touched). Not part of `npm test`: it reports,
// it does not judge. Functions are found with the TypeScript compiler API (typescript is a devDependency).
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const ts = require('typescript');

const ROOT = path.join(__dirname, '..');
const FOLDER = 'nodes';

function parseArgs(argv) {
  const opts = { rev: undefined, top: 10, json: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--rev') opts.rev = argv[++i];
    else if (arg === '--top') opts.top = Number(argv[++i]);
    else if (arg === '--json') opts.json = true;
    else throw new Error(`measure-code: unknown argument ${arg} (use --rev <commit>, --top <n>, --json)`);
  }
  if (opts.rev !== undefined && !opts.rev) throw new Error('measure-code: --rev needs a commit');
  if (!Number.isInteger(opts.top) || opts.top < 1) throw new Error('measure-code: --top needs a whole number above 0');
  return opts;
}

/** The files below nodes/ with their text: from the working tree, or from a commit when `rev` is given. */
function readTree(rev) {
  if (rev === undefined) {
    const out = [];
    const walk = (dir) => {
      for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
        const rel = `${dir}/${entry.name}`;
        if (entry.isDirectory()) walk(rel);
        else out.push({ file: rel, text: fs.readFileSync(path.join(ROOT, rel), 'utf8') });
      }
    };
    walk(FOLDER);
    return out;
  }
  const git = (...args) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const names = git('ls-tree', '-r', '--name-only', rev, '--', FOLDER).split('\n').filter(Boolean);
  return names.map((file) => ({ file, text: git('show', `${rev}:${file}`) }));
}

/** Line count as an editor shows it (a final newline does not open a line). */
function lineCount(text) {
  if (text === '') return 0;
  const n = text.split('\n').length;
  return text.endsWith('\n') ? n - 1 : n;
}

function nameOf(node) {
  return node && node.name && ts.isIdentifier(node.name) ? node.name.text : node && node.name ? node.name.getText() : undefined;
}

/** A readable name for a function node: its own, the variable or property it is assigned to, or its class's. */
function functionName(node) {
  if (ts.isConstructorDeclaration(node)) return `${nameOf(node.parent) || '(class)'}.constructor`;
  if (ts.isMethodDeclaration(node) || ts.isGetAccessor(node) || ts.isSetAccessor(node)) {
    const owner = ts.isClassLike(node.parent) ? nameOf(node.parent) : undefined;
    return owner ? `${owner}.${nameOf(node)}` : nameOf(node);
  }
  if (ts.isFunctionDeclaration(node) || (ts.isFunctionExpression(node) && node.name)) return nameOf(node) || '(default)';
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) return nameOf(parent);
  if (ts.isCallExpression(parent)) {
    const callee = parent.expression.getText();
    return `(callback of ${callee.length > 40 ? callee.slice(0, 40) + '…' : callee})`;
  }
  return '(anonymous)';
}

/** Every function-like node of a TypeScript file with its length in lines (nested functions counted on their own). */
function functionsOf(file, text) {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found = [];
  const visit = (node) => {
    if (ts.isFunctionLike(node) && node.body) {
      const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      found.push({ name: functionName(node), file, line: start + 1, lines: end - start + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function median(values) {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : Math.round((sorted[mid - 1] + sorted[mid]) / 2);
}

function measure(tree, top) {
  const tsFiles = tree.filter((f) => f.file.endsWith('.ts') && !f.file.endsWith('.d.ts'));
  const functions = tsFiles.flatMap((f) => functionsOf(f.file, f.text)).sort((a, b) => b.lines - a.lines || a.file.localeCompare(b.file));
  const files = tree
    .map((f) => ({ file: f.file, lines: lineCount(f.text) }))
    .sort((a, b) => b.lines - a.lines || a.file.localeCompare(b.file));
  return {
    functions: functions.slice(0, top),
    files: files.slice(0, top),
    summary: {
      tsFiles: tsFiles.length,
      tsLines: tsFiles.reduce((sum, f) => sum + lineCount(f.text), 0),
      medianTsFileLines: median(tsFiles.map((f) => lineCount(f.text))),
      functionsOver70: functions.filter((f) => f.lines > 70).length,
    },
  };
}

function table(headers, rows) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => `| ${cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`;
  return [line(headers), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const result = measure(readTree(opts.rev), opts.top);
  if (opts.json) {
    process.stdout.write(JSON.stringify(result, null, 2) + '\n');
    return;
  }
  const s = result.summary;
  const where = opts.rev ? `commit ${opts.rev}` : 'working tree';
  console.log(
    `nodes/ at ${where}: ${s.tsFiles} .ts files, ${s.tsLines} lines, median ${s.medianTsFileLines} lines a file; ` +
      `${s.functionsOver70} functions over 70 lines\n`,
  );
  console.log(`Longest functions (lines, nested ones counted on their own):\n`);
  console.log(
    table(
      ['function', 'file', 'lines'],
      result.functions.map((f) => [f.name, `${f.file}:${f.line}`, f.lines]),
    ),
  );
  console.log(`\nLargest files in nodes/ (lines):\n`);
  console.log(
    table(
      ['file', 'lines'],
      result.files.map((f) => [f.file, f.lines]),
    ),
  );
}

if (require.main === module) main();

module.exports = { functionsOf, measure, lineCount };
