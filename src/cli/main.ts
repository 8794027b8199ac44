import { Command, Option } from 'commander';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { userInfo } from 'node:os';
import { parseConfig, ConfigError, type Config } from '../config.ts';
import { DataDirLockedError } from '../db/lock.ts';
import { migrate } from '../db/migrate.ts';
import { openDatabase, prepareDatabase } from '../runtime.ts';
import { systemActor } from '../modules/accounts/actor.ts';
import { AppError } from '../errors.ts';
import { progressBar } from './progress.ts';

const program = new Command();
program
  .name('chain-atlas')
  .description('ChainAtlas 链图 — 京津冀产业链协同平台 command line')
  .option('--data-dir <dir>', 'embedded database directory (CHAINATLAS_DATA_DIR, default ./var/data)')
  .option('--database-url <url>', 'PostgreSQL server (DATABASE_URL); without it the embedded PGlite is used');

function config(): Config {
  const o = program.opts();
  const env = { ...process.env };
  if (o.dataDir) env.CHAINATLAS_DATA_DIR = o.dataDir;
  if (o.databaseUrl) env.DATABASE_URL = o.databaseUrl;
  return parseConfig(env);
}

function cliActor() {
  let who = 'cli';
  try {
    who = `cli:${userInfo().username}`;
  } catch {
    /* no user name */
  }
  return systemActor(who);
}

async function withDb<T>(purpose: string, fn: (db: import('../db/db.ts').Db, cfg: Config) => Promise<T>): Promise<T> {
  const cfg = config();
  const opened = await openDatabase(cfg, purpose);
  try {
    await prepareDatabase(opened.db);
    return await fn(opened.db, cfg);
  } finally {
    await opened.close();
  }
}

program
  .command('start')
  .description('start the web server (embedded database unless DATABASE_URL is set)')
  .option('--demo', 'load the demo data and demo accounts on first start (CHAINATLAS_DEMO=1)')
  .option('-p, --port <port>', 'port (PORT, default 3000)')
  .option('--host <host>', 'host to listen on (HOST, default 127.0.0.1)')
  .option('--build-web-if-missing', 'build the web app first when dist/web is missing')
  .action(async (opts) => {
    const env = { ...process.env };
    if (opts.port) env.PORT = opts.port;
    if (opts.host) env.HOST = opts.host;
    if (opts.demo) env.CHAINATLAS_DEMO = '1';
    const base = program.opts();
    if (base.dataDir) env.CHAINATLAS_DATA_DIR = base.dataDir;
    if (base.databaseUrl) env.DATABASE_URL = base.databaseUrl;
    const cfg = parseConfig(env);
    if (opts.buildWebIfMissing && !existsSync(resolve(cfg.webDir, 'index.html'))) {
      console.log('Building the web app (first start only)…');
      const r = spawnSync(process.execPath, [resolve('node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
      if (r.status !== 0) throw new Error('web build failed');
    }
    const { startServer } = await import('../server/main.ts');
    await startServer(cfg);
  });

const db = program.command('db').description('database commands');
db.command('migrate')
  .description('apply the committed migrations')
  .action(async () => {
    const cfg = config();
    const opened = await openDatabase(cfg, 'chain-atlas db migrate');
    try {
      const applied = await migrate(opened.db);
      console.log(applied.length ? `Applied ${applied.length} migration(s): ${applied.join(', ')}` : 'Database is up to date.');
      console.log(`(${opened.describe})`);
    } finally {
      await opened.close();
    }
  });

program
  .command('seed')
  .description('load the demo data set (chains, organisations, attachments, demo accounts)')
  .action(async () => {
    await withDb('chain-atlas seed', async (dbh) => {
      const { seedDemo } = await import('../seed/demo.ts');
      const r = await seedDemo(dbh, { onProgress: progressBar('种子数据 seed') });
      printSeedResult(r);
    });
  });

const imp = program.command('import').description('import data');
imp
  .command('organizations <file>')
  .description('import organisations from .xlsx or .csv (all-or-nothing unless --partial)')
  .option('--partial', 'write the valid rows and report the skipped ones')
  .option('--dry-run', 'check the file and report, write nothing')
  .option('--report <file>', 'also write the row report as CSV')
  .action(async (file: string, opts) => {
    if (!existsSync(file)) fail(`文件不存在 / file not found: ${file}`);
    await withDb('chain-atlas import', async (dbh) => {
      const { importOrganizations } = await import('../modules/organizations/organizations.io.ts');
      const bar = progressBar('导入 import');
      const r = await importOrganizations({ db: dbh }, cliActor(), file, { partial: opts.partial, dryRun: opts.dryRun, onProgress: (phase, d, t) => bar(phase === 'read' ? '读取 read' : '写入 write', d, t) });
      bar.done();
      if (r.issues.length) {
        console.log(`\n${r.issues.length} problem(s) / 问题:`);
        console.table(r.issues.slice(0, 200).map((i) => ({ 行: i.row, 字段: i.field, 原因: i.reason })));
        if (r.issues.length > 200) console.log(`… and ${r.issues.length - 200} more${opts.report ? '' : ' (use --report file.csv for all)'}`);
        if (opts.report) {
          const { writeFileSync } = await import('node:fs');
          writeFileSync(opts.report, '\ufeff行,字段,原因\n' + r.issues.map((i) => [i.row, i.field, `"${i.reason.replace(/"/g, '""')}"`].join(',')).join('\n'));
        }
      }
      console.log(
        r.written
          ? `Imported ${r.file}: ${r.rows} rows, ${r.created} created, ${r.updated} updated, ${r.skipped} skipped (batch ${r.batch}).`
          : opts.dryRun
            ? `Dry run: ${r.rows} rows checked, ${r.issues.length} problem(s). Nothing written.`
            : `Nothing written: ${r.issues.length} problem(s) in ${r.rows} rows. Fix them, or use --partial to import the valid rows.`,
      );
      if (!r.written && !opts.dryRun && r.issues.length) process.exitCode = 1;
    });
  });

const exp = program.command('export').description('export data');
exp
  .command('organizations <file>')
  .description('export organisations to .xlsx or .csv')
  .addOption(new Option('--region <region>', 'only this region').choices(['BJ', 'TJ', 'HE', 'outside']))
  .option('--kind <kind>', 'only this kind')
  .action(async (file: string, opts) => {
    await withDb('chain-atlas export', async (dbh) => {
      const { exportOrganizations } = await import('../modules/organizations/organizations.io.ts');
      const bar = progressBar('导出 export');
      const r = await exportOrganizations({ db: dbh }, cliActor(), file, { region: opts.region, kind: opts.kind, onProgress: (d, t) => bar('写入 write', d, t) });
      bar.done();
      console.log(`Exported ${r.rows} organisations to ${file}`);
    });
  });

const users = program.command('users').description('accounts');
users
  .command('create <username>')
  .requiredOption('--password <password>')
  .requiredOption('--role <role>', 'admin | official | enterprise | provider')
  .option('--name <displayName>')
  .option('--region <region>', 'BJ | TJ | HE (officials)')
  .option('--org <id>', 'organisation id (enterprise and provider users)')
  .action(async (username: string, opts) => {
    await withDb('chain-atlas users', async (dbh) => {
      const { createUser } = await import('../modules/accounts/accounts.usecases.ts');
      const { createUserBodySchema } = await import('../modules/accounts/accounts.schemas.ts');
      const input = createUserBodySchema.parse({
        username,
        displayName: opts.name ?? username,
        password: opts.password,
        role: opts.role,
        region: opts.region ?? null,
        organizationId: opts.org ? Number(opts.org) : null,
      });
      const u = await createUser({ db: dbh }, cliActor(), input);
      console.log(`Created user #${u.id} ${u.username} (${u.role}${u.region ? ' ' + u.region : ''})`);
    });
  });
users
  .command('reset-password <username> <password>')
  .action(async (username: string, password: string) => {
    await withDb('chain-atlas users', async (dbh) => {
      const { resetPassword } = await import('../modules/accounts/accounts.usecases.ts');
      await resetPassword({ db: dbh }, cliActor(), username, password);
      console.log(`Password of ${username} reset; their sessions were closed.`);
    });
  });

export function printSeedResult(r: { created: boolean; summary: Record<string, number>; accounts: Array<{ username: string; password: string; role: string; note: string }> }) {
  if (!r.created) {
    console.log('Demo data already present.');
    return;
  }
  console.log('Demo data loaded:', Object.entries(r.summary).map(([k, v]) => `${k} ${v}`).join(', '));
}

function fail(msg: string): never {
  console.error(msg);
  process.exit(2);
}

// Commands added by other modules register themselves here.
const extra = await import('./commands.ts');
extra.registerCommands(program, { withDb, cliActor, progressBar });

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof DataDirLockedError || e instanceof ConfigError) {
    console.error(e.message);
    process.exit(3);
  }
  if (e instanceof AppError) {
    console.error(`${e.code}: ${e.message}`);
    if (e.fields) for (const [k, v] of Object.entries(e.fields)) console.error(`  ${k}: ${v}`);
    process.exit(2);
  }
  if ((e as any)?.name === 'ZodError') {
    for (const i of (e as any).issues) console.error(`  ${i.path.join('.')}: ${i.message}`);
    process.exit(2);
  }
  console.error(e);
  process.exit(1);
}
