/**
 * Helpers for the browser tests: start the real platform (`chain-atlas start --demo`) as a child
 * process on a fresh data directory, read its URL and demo accounts from stdout, stop it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const WEB_DIR = join(ROOT, 'dist', 'web');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface DemoAccount {
  username: string;
  password: string;
  role: string;
  note: string;
}

export interface Platform {
  url: string;
  accounts: DemoAccount[];
  proc: ChildProcess;
  output(): string;
  stop(): Promise<number | null>;
}

export function assertWebBuilt() {
  if (!existsSync(join(WEB_DIR, 'index.html')))
    throw new Error(`The web app is not built: ${WEB_DIR}/index.html is missing. Run \`npx vite build\` (npm test builds it) before the browser tests.`);
}

function platformEnv(dataDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, CHAINATLAS_DATA_DIR: dataDir, CHAINATLAS_WEB_DIR: WEB_DIR, CHAINATLAS_LOG_LEVEL: 'warn', HOST: '127.0.0.1', NO_COLOR: '1' };
  delete env.DATABASE_URL; // the browser tests use the embedded database
  delete env.PORT;
  return env;
}

export function spawnPlatform(dataDir: string): ChildProcess {
  return spawn(process.execPath, [join(ROOT, 'bin', 'chain-atlas.mjs'), 'start', '--demo', '--port', '0'], {
    cwd: ROOT,
    env: platformEnv(dataDir),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Cells of a console.table row: `│ 0 │ 'tj_official' │ 'pw' │ … │` → ['0', 'tj_official', 'pw', …]. */
function cells(line: string): string[] {
  return line
    .split('│')
    .slice(1, -1)
    .map((c) => c.trim().replace(/^'(.*)'$/, '$1').replace(/^"(.*)"$/, '$1'));
}

export function parseAccounts(out: string): DemoAccount[] {
  const lines = out.split(/\r?\n/);
  const start = lines.findIndex((l) => l.includes('Demo accounts'));
  if (start < 0) return [];
  const header = lines.slice(start).find((l) => l.includes('│') && l.includes('username'));
  if (!header) return [];
  const cols = cells(header);
  const rows: DemoAccount[] = [];
  for (const l of lines.slice(lines.indexOf(header) + 1)) {
    if (l.startsWith('└')) break;
    if (!l.includes('│')) continue;
    const c = cells(l);
    const get = (name: string) => c[cols.indexOf(name)] ?? '';
    rows.push({ username: get('username'), password: get('password'), role: get('role'), note: get('note') });
  }
  return rows;
}

export async function startPlatform(dataDir: string, timeoutMs = 240_000): Promise<Platform> {
  const proc = spawnPlatform(dataDir);
  let out = '';
  let err = '';
  proc.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  proc.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));

  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`platform did not start within ${timeoutMs / 1000}s.\nstdout:\n${out.slice(-3000)}\nstderr:\n${err.slice(-3000)}`)), timeoutMs);
    const check = () => {
      const m = /is running at (\S+)/.exec(out);
      // The accounts table follows the URL; wait for its closing line.
      if (m && (/└/.test(out.slice(out.indexOf('Demo accounts'))) && out.includes('Demo accounts') || /Demo accounts were printed|Demo data already/.test(out))) {
        clearTimeout(timer);
        resolveUrl(m[1]);
      }
    };
    proc.stdout!.on('data', check);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`platform exited with code ${code} before it was ready.\nstdout:\n${out.slice(-3000)}\nstderr:\n${err.slice(-3000)}`));
    });
  });

  return {
    url: url.replace(/\/$/, ''),
    accounts: parseAccounts(out),
    proc,
    output: () => `${out}\n${err}`,
    async stop() {
      if (proc.exitCode !== null) return proc.exitCode;
      proc.kill('SIGTERM');
      const killer = setTimeout(() => proc.kill('SIGKILL'), 15_000);
      const code = await exited;
      clearTimeout(killer);
      return code;
    },
  };
}

/** Runs a second `start` on the same data directory and returns its exit code and output. */
export function runSecondStart(dataDir: string, timeoutMs = 60_000): Promise<{ code: number | null; output: string }> {
  const proc = spawnPlatform(dataDir);
  let output = '';
  proc.stdout!.setEncoding('utf8').on('data', (d: string) => (output += d));
  proc.stderr!.setEncoding('utf8').on('data', (d: string) => (output += d));
  return new Promise((resolveRun) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      resolveRun({ code: null, output: output + '\n[killed: still running after timeout]' });
    }, timeoutMs);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      resolveRun({ code, output });
    });
  });
}
