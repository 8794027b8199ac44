import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * PGlite does not lock its data directory, and two processes on one directory silently lose
 * committed rows. Exactly one process owns an embedded data directory: it holds
 * `<dataDir>/chainatlas.lock`, created with O_EXCL and holding the owner's pid, host and purpose.
 * A lock whose process is gone (same host, pid not alive) is stale and taken over.
 */
export interface LockInfo {
  pid: number;
  host: string;
  purpose: string;
  url?: string;
  since: string;
}

export class DataDirLockedError extends Error {
  readonly holder: LockInfo;
  constructor(dataDir: string, holder: LockInfo) {
    const where = holder.url ? ` serving ${holder.url}` : '';
    super(
      `数据目录已被另一个进程占用 / The data directory ${resolve(dataDir)} is in use by another process: ` +
        `pid ${holder.pid} on ${holder.host} (${holder.purpose}${where}, since ${holder.since}). ` +
        `Only one process may open an embedded database. Stop that process first, or point this one at ` +
        `another CHAINATLAS_DATA_DIR, or use a PostgreSQL server (DATABASE_URL).`,
    );
    this.name = 'DataDirLockedError';
    this.holder = holder;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e: any) {
    return e.code === 'EPERM';
  }
}

export function readLock(dataDir: string): LockInfo | null {
  try {
    return JSON.parse(readFileSync(join(dataDir, 'chainatlas.lock'), 'utf8')) as LockInfo;
  } catch {
    return null;
  }
}

export interface DataDirLock {
  update(patch: Partial<LockInfo>): void;
  release(): void;
}

export function acquireDataDirLock(dataDir: string, purpose: string): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'chainatlas.lock');
  let info: LockInfo = { pid: process.pid, host: hostname(), purpose, since: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, JSON.stringify(info));
      closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        const cur = readLock(dataDir);
        if (cur && cur.pid === process.pid) rmSync(file, { force: true });
        process.off('exit', release);
      };
      process.on('exit', release);
      return {
        update(patch) {
          info = { ...info, ...patch };
          const fd2 = openSync(file, 'w');
          writeSync(fd2, JSON.stringify(info));
          closeSync(fd2);
        },
        release,
      };
    } catch (e: any) {
      if (e.code !== 'EEXIST') throw e;
      const holder = readLock(dataDir);
      if (holder && holder.pid === process.pid && holder.host === hostname()) {
        throw new DataDirLockedError(dataDir, holder); // this process already holds it
      }
      if (!holder || (holder.host === hostname() && !alive(holder.pid))) {
        rmSync(file, { force: true }); // stale lock: its process is gone
        continue;
      }
      throw new DataDirLockedError(dataDir, holder);
    }
  }
  throw new Error(`Could not take the lock on ${resolve(dataDir)}`);
}
