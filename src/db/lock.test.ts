import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir, hostname } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { acquireDataDirLock, DataDirLockedError, readLock } from './lock.ts';

describe('data directory lock', () => {
  it('refuses a second owner while the first holds it, with a clear message', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ca-lock-'));
    const lock = acquireDataDirLock(dir, 'test server');
    // another process (a child) trying the same directory
    const child = spawnSync(
      process.execPath,
      ['--import', 'tsx', '-e', `import('${join(process.cwd(), 'src/db/lock.ts')}').then(m => { try { m.acquireDataDirLock(${JSON.stringify(dir)}, 'second'); console.log('ACQUIRED'); } catch (e) { console.log(e.name + ': ' + e.message); } })`],
      { encoding: 'utf8' },
    );
    expect(child.stdout).toContain('DataDirLockedError');
    expect(child.stdout).toContain(`pid ${process.pid}`);
    expect(child.stdout).not.toContain('ACQUIRED');
    lock.release();
    expect(existsSync(join(dir, 'chainatlas.lock'))).toBe(false);
  });

  it('refuses the same process twice', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ca-lock-'));
    const lock = acquireDataDirLock(dir, 'a');
    expect(() => acquireDataDirLock(dir, 'b')).toThrow(DataDirLockedError);
    lock.release();
  });

  it('takes over a stale lock whose process is gone', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ca-lock-'));
    writeFileSync(join(dir, 'chainatlas.lock'), JSON.stringify({ pid: 999_999_9, host: hostname(), purpose: 'crashed', since: 'x' }));
    const lock = acquireDataDirLock(dir, 'new');
    expect(readLock(dir)?.pid).toBe(process.pid);
    lock.release();
  });
});
