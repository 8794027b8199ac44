import { PGlite, types } from '@electric-sql/pglite';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { mkdirSync } from 'node:fs';

export type Row = Record<string, any>;

// COPY text formatting lives in copy.ts (no driver imports: the import worker thread uses it).
export { copyText, pgArrayLiteral } from './copy.ts';

/** COPY text in chunks of whole rows: strings or UTF-8 bytes. */
export type CopyChunks = AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>;

/** Anything that runs SQL: the database, or a transaction on it. */
export interface Queryable {
  query<T = Row>(sql: string, params?: unknown[]): Promise<T[]>;
  /**
   * Bulk load with COPY FROM STDIN (text format). `lines` yields chunks of tab-separated rows,
   * each row ending with "\n", already escaped with copyText() — as strings, or as UTF-8 bytes
   * (what a worker thread hands over without copying).
   */
  copyRows(table: string, columns: string[], lines: CopyChunks): Promise<void>;
}

export interface Db extends Queryable {
  readonly engine: 'pglite' | 'postgres';
  /** Runs fn in one transaction; rolls back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Runs a script of several statements (migrations). */
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}

const INT8_OID = 20;
const NUMERIC_OID = 1700;

// Both engines return int8 and numeric as JavaScript numbers, so queries behave the same.
pg.types.setTypeParser(INT8_OID, (v) => Number(v));
pg.types.setTypeParser(NUMERIC_OID, (v) => Number(v));

export async function openPglite(opts: { dataDir: string | null }): Promise<Db> {
  if (opts.dataDir) mkdirSync(opts.dataDir, { recursive: true });
  const pgl = await PGlite.create({
    dataDir: opts.dataDir ?? undefined,
    parsers: { [types.INT8]: (v: string) => Number(v), [types.NUMERIC]: (v: string) => Number(v) },
  });

  const wrap = (q: { query: PGlite['query'] }): Queryable => ({
    async query<T>(sql: string, params?: unknown[]) {
      const r = await q.query<T>(sql, params as any[]);
      return r.rows;
    },
    async copyRows(table, columns, lines) {
      // PGlite reads COPY input from a Blob; send it in chunks of ~16 MB.
      let parts: Array<string | Uint8Array> = [];
      let size = 0;
      const flush = async () => {
        if (!parts.length) return;
        const blob = new Blob(parts as BlobPart[]);
        parts = [];
        size = 0;
        await q.query(`copy ${table} (${columns.join(',')}) from '/dev/blob'`, [], { blob } as any);
      };
      for await (const chunk of lines as AsyncIterable<string | Uint8Array>) {
        parts.push(chunk);
        size += chunk.length;
        if (size > 8_000_000) await flush();
      }
      await flush();
    },
  });
  const base = wrap(pgl);
  return {
    engine: 'pglite',
    ...base,
    async transaction(fn) {
      return pgl.transaction(async (tx) => fn(wrap(tx)));
    },
    async exec(sql) {
      await pgl.exec(sql);
    },
    async close() {
      await pgl.close();
    },
  };
}

export async function openPostgres(url: string, opts: { max?: number } = {}): Promise<Db> {
  const pool = new pg.Pool({ connectionString: url, max: opts.max ?? 10 });
  // An idle client whose server connection drops (restart, admin termination) emits 'error';
  // unhandled, that would crash the process. The pool replaces the client on next use.
  pool.on('error', (e) => {
    if (!/terminating connection due to administrator command/.test(e.message)) console.warn(`PostgreSQL idle client error: ${e.message}`);
  });
  // Fail fast with a clear message when the server is not reachable.
  const c = await pool.connect().catch((e: Error) => {
    throw new Error(`Cannot connect to PostgreSQL at DATABASE_URL: ${e.message}`);
  });
  c.release();

  const wrapClient = (client: pg.PoolClient | pg.Pool): Queryable => ({
    async query<T>(sql: string, params?: unknown[]) {
      const r = await client.query(sql, params as any[]);
      return r.rows as T[];
    },
    async copyRows(table, columns, lines) {
      const run = async (cl: pg.PoolClient) => {
        const stream = cl.query(copyFrom(`copy ${table} (${columns.join(',')}) from stdin`));
        await pipeline(Readable.from(lines as AsyncIterable<string | Uint8Array>), stream);
      };
      if (client instanceof pg.Pool) {
        const cl = await client.connect();
        try {
          await run(cl);
        } finally {
          cl.release();
        }
      } else await run(client);
    },
  });
  const base = wrapClient(pool);
  return {
    engine: 'postgres',
    ...base,
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('begin');
        const out = await fn(wrapClient(client));
        await client.query('commit');
        return out;
      } catch (e) {
        await client.query('rollback').catch(() => undefined);
        throw e;
      } finally {
        client.release();
      }
    },
    async exec(sql) {
      await pool.query(sql);
    },
    async close() {
      await pool.end();
    },
  };
}
