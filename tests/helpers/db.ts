import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openPglite, openPostgres, type Db } from '../../src/db/db.ts';
import { prepareDatabase } from '../../src/runtime.ts';

/**
 * A fresh, migrated database for one test file. The engine comes from TEST_DB:
 * `pglite` (default; in-memory PGlite) or `postgres` (a new database on TEST_DATABASE_URL's
 * server, dropped afterwards). scripts/test-all.mjs runs the suite once per engine.
 */
export const TEST_ENGINE = (process.env.TEST_DB ?? 'pglite') as 'pglite' | 'postgres';

export async function createTestDb(): Promise<{ db: Db; engine: string; cleanup: () => Promise<void> }> {
  if (TEST_ENGINE === 'postgres') {
    const admin = process.env.TEST_DATABASE_URL;
    if (!admin) throw new Error('TEST_DB=postgres needs TEST_DATABASE_URL (a PostgreSQL server URL whose user may create databases)');
    const name = `ca_test_${randomBytes(5).toString('hex')}`;
    const c = new pg.Client({ connectionString: admin });
    await c.connect();
    await c.query(`create database ${name} template template0 encoding 'UTF8'`);
    await c.end();
    const u = new URL(admin);
    u.pathname = `/${name}`;
    const db = await openPostgres(u.toString(), { max: 4 });
    await prepareDatabase(db);
    return {
      db,
      engine: 'postgres',
      async cleanup() {
        await db.close();
        const c2 = new pg.Client({ connectionString: admin });
        await c2.connect();
        await c2.query(`drop database if exists ${name} with (force)`);
        await c2.end();
      },
    };
  }
  const db = await openPglite({ dataDir: null });
  await prepareDatabase(db);
  return { db, engine: 'pglite', cleanup: () => db.close() };
}
