import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Db } from './db.ts';

const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

export interface Migration {
  id: string;
  sql: string;
}

/** The committed migrations, in order (file names sort: 0001_…, 0002_…). */
export function listMigrations(): Migration[] {
  return readdirSync(MIGRATIONS_DIR)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((f) => ({ id: f.replace(/\.sql$/, ''), sql: readFileSync(join(MIGRATIONS_DIR, f), 'utf8') }));
}

/** Applies every migration not yet applied, each in its own transaction. Returns the ids applied. */
export async function migrate(db: Db, migrations: Migration[] = listMigrations()): Promise<string[]> {
  await db.exec(`create table if not exists schema_migrations (id text primary key, applied_at timestamptz not null default now())`);
  const applied: string[] = [];
  for (const m of migrations) {
    const done = await db.transaction(async (tx) => {
      if (db.engine === 'postgres') await tx.query(`select pg_advisory_xact_lock(727272)`);
      const rows = await tx.query(`select 1 from schema_migrations where id = $1`, [m.id]);
      if (rows.length) return false;
      // Migrations are plain SQL scripts; run statement by statement inside the transaction.
      for (const stmt of splitSql(m.sql)) await tx.query(stmt);
      await tx.query(`insert into schema_migrations (id) values ($1)`, [m.id]);
      return true;
    });
    if (done) applied.push(m.id);
  }
  return applied;
}

/**
 * Splits a script into statements on semicolons outside quotes, $$-bodies and comments.
 * `--` comments are dropped (they may contain semicolons).
 */
export function splitSql(sql: string): string[] {
  const out: string[] = [];
  let cur = '';
  let i = 0;
  let mode: 'code' | 'quote' | 'dollar' = 'code';
  while (i < sql.length) {
    const ch = sql[i];
    if (mode === 'code') {
      if (ch === '-' && sql[i + 1] === '-') {
        while (i < sql.length && sql[i] !== '\n') i++;
        continue;
      }
      if (ch === "'") mode = 'quote';
      else if (sql.startsWith('$$', i)) {
        mode = 'dollar';
        cur += '$$';
        i += 2;
        continue;
      } else if (ch === ';') {
        if (cur.trim()) out.push(cur.trim());
        cur = '';
        i++;
        continue;
      }
    } else if (mode === 'quote') {
      if (ch === "'") mode = 'code';
    } else if (sql.startsWith('$$', i)) {
      mode = 'code';
      cur += '$$';
      i += 2;
      continue;
    }
    cur += ch;
    i++;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}
