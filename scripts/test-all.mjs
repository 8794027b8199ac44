#!/usr/bin/env node
// The whole test suite (`npm test`): type check, unit + integration tests on PGlite AND on
// PostgreSQL, then the browser tests in Debian's Chromium. Every suite must run tests; a suite
// that runs none, or any failure, fails the run. Prints a summary table.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTempPostgres } from './pg-temp.mjs';

const results = [];
const vitest = join('node_modules', 'vitest', 'vitest.mjs');
mkdirSync('test-results', { recursive: true });

function step(name, cmd, args, env = {}) {
  const t0 = Date.now();
  console.log(`\n━━━ ${name} ━━━`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  return { ok: r.status === 0, seconds: (Date.now() - t0) / 1000 };
}

function vitestSuite(name, project, env) {
  const out = join('test-results', `vitest-${name}.json`);
  const r = step(`tests: ${name}`, process.execPath, [vitest, 'run', '--project', project, '--reporter=default', '--reporter=json', `--outputFile=${out}`], env);
  let files = 0, passed = 0, failed = 0, skipped = 0;
  const skippedNames = [];
  if (existsSync(out)) {
    const j = JSON.parse(readFileSync(out, 'utf8'));
    files = j.numTotalTestSuites ?? j.testResults.length;
    passed = j.numPassedTests;
    failed = j.numFailedTests;
    skipped = j.numPendingTests + (j.numTodoTests ?? 0);
    for (const f of j.testResults) for (const a of f.assertionResults) if (a.status === 'pending' || a.status === 'skipped' || a.status === 'todo') skippedNames.push(a.fullName);
  }
  const ok = r.ok && passed > 0 && failed === 0;
  results.push({ suite: name, ok, files, passed, failed, skipped, seconds: r.seconds, note: passed === 0 ? 'NO TESTS RAN' : '' });
  if (skippedNames.length) console.log(`Skipped in ${name}:\n  ${skippedNames.join('\n  ')}`);
  return ok;
}

const tc = step('type check (tsc --noEmit)', process.execPath, [join('node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json', '--noEmit']);
results.push({ suite: 'typecheck', ok: tc.ok, files: '', passed: '', failed: tc.ok ? 0 : 1, skipped: 0, seconds: tc.seconds, note: '' });

vitestSuite('pglite', 'unit', { TEST_DB: 'pglite' });

let pg = null;
let pgUrl = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;
try {
  if (!pgUrl) {
    pg = await startTempPostgres();
    pgUrl = pg.url;
    console.log(`Started a temporary PostgreSQL (${pg.version}) at ${pgUrl}`);
  }
  vitestSuite('postgres', 'unit', { TEST_DB: 'postgres', TEST_DATABASE_URL: pgUrl, DATABASE_URL: '' });
} catch (e) {
  console.error(`PostgreSQL suite could not run: ${e.message}`);
  results.push({ suite: 'postgres', ok: false, files: 0, passed: 0, failed: 0, skipped: 0, seconds: 0, note: 'NOT RUN: ' + e.message });
} finally {
  pg?.stop();
}

const build = step('web build (vite)', process.execPath, [join('node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn']);
results.push({ suite: 'web build', ok: build.ok, files: '', passed: '', failed: build.ok ? 0 : 1, skipped: 0, seconds: build.seconds, note: '' });
if (build.ok) vitestSuite('browser (chromium)', 'e2e', { TEST_DB: 'pglite' });
else results.push({ suite: 'browser (chromium)', ok: false, files: 0, passed: 0, failed: 0, skipped: 0, seconds: 0, note: 'NOT RUN: build failed' });

console.log('\n━━━ summary ━━━');
console.table(results.map((r) => ({ suite: r.suite, result: r.ok ? 'pass' : 'FAIL', files: r.files, passed: r.passed, failed: r.failed, skipped: r.skipped, seconds: Number(r.seconds.toFixed(1)), note: r.note })));
const ok = results.every((r) => r.ok);
console.log(ok ? 'All suites passed.' : 'Some suites failed.');
process.exit(ok ? 0 : 1);
