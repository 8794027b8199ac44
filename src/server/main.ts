import type { Config } from '../config.ts';
import { openDatabase, prepareDatabase } from '../runtime.ts';
import { createServer } from './app.ts';

/** Boots the platform: database (with its lock), migrations, demo data when asked, HTTP. */
export async function startServer(config: Config) {
  const opened = await openDatabase(config, 'chain-atlas server');
  const { db } = opened;
  const prep = await prepareDatabase(db);
  if (prep.migrations.length) console.log(`Applied migrations: ${prep.migrations.join(', ')}`);
  let demoAccounts: Array<{ username: string; password: string; role: string; note: string }> = [];
  if (config.demo) {
    const { seedDemo } = await import('../seed/demo.ts');
    const { progressBar } = await import('../cli/progress.ts');
    const bar = progressBar('演示数据 demo data');
    const r = await seedDemo(db, { onProgress: bar });
    bar.done();
    if (r.created) {
      console.log('Demo data loaded:', Object.entries(r.summary).map(([k, v]) => `${k} ${v}`).join(', '));
      demoAccounts = r.accounts;
    }
  }
  const app = await createServer({ db, config });
  const address = await app.listen({ port: config.port, host: config.host });
  const url = address.replace('[::1]', 'localhost').replace('127.0.0.1', 'localhost');
  opened.lock?.update({ url });
  console.log(`\nChainAtlas 链图 is running at ${url}  (database: ${opened.describe})`);
  console.log(`API docs: ${url}/api/docs`);
  if (demoAccounts.length) {
    console.log('\nDemo accounts (shown once; reset with `npx chain-atlas users reset-password <user> <new>` while the server is stopped):');
    console.table(demoAccounts.map((a) => ({ username: a.username, password: a.password, role: a.role, note: a.note })));
  } else if (config.demo) {
    console.log('Demo accounts were printed at the first start. Reset a password with `npx chain-atlas users reset-password <user> <new>` (server stopped).');
  }
  let closing = false;
  const shutdown = async (sig: string) => {
    if (closing) return;
    closing = true;
    console.log(`\n${sig}: shutting down…`);
    await app.close();
    await opened.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  return { app, db, url, close: () => shutdown('close') };
}
