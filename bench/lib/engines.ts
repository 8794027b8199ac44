import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { DbSpec, EngineTarget } from './types.ts';

/** The PostgreSQL settings that matter for bulk loads, printed with the results. */
const PG_SETTINGS = ['server_version', 'fsync', 'synchronous_commit', 'shared_buffers', 'work_mem', 'maintenance_work_mem', 'max_wal_size', 'max_parallel_maintenance_workers', 'lc_ctype'];

export function pgliteEngine(workDir: string, keep: boolean): EngineTarget {
  return {
    name: 'pglite',
    available: true,
    describe: 'PGlite 0.5 (PostgreSQL 18 in WASM, in-process), fresh data directory on disk, fsync off (PGlite default)',
    settings: {},
    async fresh(tag) {
      return { engine: 'pglite', dataDir: mkdtempSync(join(workDir, `pglite-${tag}-`)) };
    },
    async drop(spec) {
      if (spec.engine === 'pglite' && !keep) rmSync(spec.dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * PostgreSQL: the server at BENCH_DATABASE_URL or DATABASE_URL (a database is created per
 * measurement and dropped afterwards), else a throw-away server started with scripts/pg-temp.mjs
 * (Debian's postgresql package). When neither works the engine is returned as unavailable, with
 * the reason, so that the table says so.
 */
export async function postgresEngine(keep: boolean, log: (m: string) => void): Promise<{ engine: EngineTarget; stop: () => void }> {
  let url = process.env.BENCH_DATABASE_URL || process.env.DATABASE_URL || '';
  let stop = () => {};
  let origin = url ? `server at ${redact(url)}` : '';
  const unavailable = (reason: string): { engine: EngineTarget; stop: () => void } => ({
    engine: {
      name: 'postgres',
      available: false,
      reason,
      describe: `PostgreSQL — NOT RUN: ${reason}`,
      settings: {},
      fresh: () => Promise.reject(new Error(reason)),
      drop: async () => {},
    },
    stop,
  });
  if (!url) {
    try {
      const specifier = '../../scripts/pg-temp.mjs';
      const mod = (await import(specifier)) as { startTempPostgres(): Promise<{ url: string; version: string; stop(): void }> };
      log('starting a temporary PostgreSQL server (scripts/pg-temp.mjs)…');
      const t = await mod.startTempPostgres();
      url = t.url;
      stop = () => t.stop();
      origin = `temporary server (scripts/pg-temp.mjs, ${t.version})`;
    } catch (e: any) {
      return unavailable(`no BENCH_DATABASE_URL/DATABASE_URL and a temporary server could not be started: ${firstLine(e.message)}`);
    }
  }
  const settings: Record<string, string> = {};
  try {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    for (const s of PG_SETTINGS) settings[s] = (await c.query(`show ${s}`)).rows[0][s];
    const canCreate = (await c.query(`select rolcreatedb or rolsuper as ok from pg_roles where rolname = current_user`)).rows[0]?.ok;
    await c.end();
    if (!canCreate) {
      stop();
      return unavailable(`the user of ${redact(url)} may not create databases`);
    }
  } catch (e: any) {
    stop();
    return unavailable(`cannot connect to ${redact(url)}: ${firstLine(e.message)}`);
  }
  const admin = url;
  const engine: EngineTarget = {
    name: 'postgres',
    available: true,
    describe: `PostgreSQL ${settings.server_version?.split(' ')[0]}, ${origin}, fresh database per measurement; fsync=${settings.fsync}, shared_buffers=${settings.shared_buffers}, max_wal_size=${settings.max_wal_size}`,
    settings,
    async fresh(tag) {
      const name = `bench_${tag.replace(/[^a-z0-9_]/g, '_')}_${randomBytes(3).toString('hex')}`;
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      await c.query(`create database ${name} template template0 encoding 'UTF8'`);
      await c.end();
      const u = new URL(admin);
      u.pathname = `/${name}`;
      return { engine: 'postgres', url: u.toString() };
    },
    async drop(spec: DbSpec) {
      if (spec.engine !== 'postgres' || keep) return;
      const name = new URL(spec.url).pathname.slice(1);
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
  return { engine, stop };
}

function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(invalid URL)';
  }
}

const firstLine = (s: string) => String(s).split('\n')[0].slice(0, 200);
