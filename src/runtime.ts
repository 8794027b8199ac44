import type { Config } from './config.ts';
import { openPglite, openPostgres, type Db } from './db/db.ts';
import { acquireDataDirLock, type DataDirLock } from './db/lock.ts';
import { migrate } from './db/migrate.ts';
import { ensureReferenceData } from './modules/reference/reference.repository.ts';
import { loadChainVocabulary } from './modules/chains/chains.usecases.ts';

export interface OpenedDatabase {
  db: Db;
  lock: DataDirLock | null;
  describe: string;
  close(): Promise<void>;
}

/**
 * Opens the configured database: PostgreSQL when DATABASE_URL is set, else embedded PGlite in
 * CHAINATLAS_DATA_DIR — after taking the data directory's lock, so no second process can open it.
 */
export async function openDatabase(config: Config, purpose: string): Promise<OpenedDatabase> {
  if (config.databaseUrl) {
    const db = await openPostgres(config.databaseUrl);
    const u = new URL(config.databaseUrl);
    return { db, lock: null, describe: `PostgreSQL ${u.hostname}:${u.port || 5432}${u.pathname}`, close: () => db.close() };
  }
  const lock = acquireDataDirLock(config.dataDir, purpose);
  try {
    const db = await openPglite({ dataDir: config.dataDir });
    return {
      db,
      lock,
      describe: `PGlite (embedded) ${config.dataDir}`,
      async close() {
        await db.close();
        lock.release();
      },
    };
  } catch (e) {
    lock.release();
    throw e;
  }
}

/** Schema and reference data up to date; chain vocabulary loaded into the segmenter. */
export async function prepareDatabase(db: Db): Promise<{ migrations: string[]; referenceLoaded: boolean }> {
  const migrations = await migrate(db);
  const ref = await ensureReferenceData(db);
  await loadChainVocabulary(db);
  return { migrations, referenceLoaded: ref.loaded };
}
