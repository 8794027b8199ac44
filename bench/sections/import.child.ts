/**
 * The measurements of the import section. Each runs in its own child process (bench/lib/child.ts)
 * on a fresh database, so its time and peak memory are its own.
 */
import { closeSync, createReadStream, openSync, readFileSync, writeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { loadavg } from 'node:os';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { openPglite, openPostgres, type Db } from '../../src/db/db.ts';
import { prepareDatabase } from '../../src/runtime.ts';
import { systemActor } from '../../src/modules/accounts/actor.ts';
import { importOrganizations, readOrganizationSheet, parseSheetRow } from '../../src/modules/organizations/organizations.io.ts';
import { createOrganization } from '../../src/modules/organizations/organizations.usecases.ts';
import { createOrganizationsRepository, ORG_COLUMNS } from '../../src/modules/organizations/organizations.repository.ts';
import { childLog, rssSampler } from '../lib/child.ts';
import type { DbSpec } from '../lib/types.ts';
import type { GeneratedSample } from '../generate.ts';

const ACTOR = systemActor('bench');

async function open(spec: DbSpec): Promise<Db> {
  const db = spec.engine === 'pglite' ? await openPglite({ dataDir: spec.dataDir }) : await openPostgres(spec.url, { max: 4 });
  await prepareDatabase(db);
  return db;
}

const n = async (db: Db, sql: string, params: unknown[] = []) => Number((await db.query<{ n: number }>(sql, params))[0].n);

/**
 * The PostgreSQL backends serving `url`'s database, watched from /proc (the server must run on this
 * machine, else both figures are null): peak resident memory (VmHWM, which also counts the shared
 * buffers a backend touched) and CPU seconds used since start() (WAL writer and checkpointer not
 * included).
 */
function backendSampler(url: string) {
  const dbName = new URL(url).pathname.slice(1);
  const c = new pg.Client({ connectionString: url });
  let peak: number | null = null;
  let stopped = false;
  const cpu = new Map<number, { first: number; last: number }>();
  const tick = (pid: number) => {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const m = /VmHWM:\s+(\d+) kB/.exec(status);
      if (m) peak = Math.max(peak ?? 0, Number(m[1]) * 1024);
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      const t = (Number(f[11]) + Number(f[12])) / CLK_TCK;
      const e = cpu.get(pid);
      if (e) e.last = t;
      else cpu.set(pid, { first: started ? 0 : t, last: t });
    } catch {
      /* gone */
    }
  };
  let started = false;
  const pidsNow = async () => (await c.query(`select pid from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()`, [dbName])).rows.map((r) => r.pid as number);
  const ready = (async () => {
    await c.connect();
    for (const pid of await pidsNow()) tick(pid); // baseline of the connections already open
    started = true;
  })();
  const loop = (async () => {
    await ready;
    while (!stopped) {
      try {
        for (const pid of new Set([...cpu.keys(), ...(await pidsNow())])) tick(pid);
      } catch {
        /* keep sampling */
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return {
    ready,
    async stop(): Promise<{ peak: number | null; cpuSeconds: number | null }> {
      stopped = true;
      await loop.catch(() => undefined);
      for (const pid of cpu.keys()) tick(pid);
      await c.end().catch(() => undefined);
      let sum = 0;
      for (const e of cpu.values()) sum += e.last - e.first;
      return { peak, cpuSeconds: cpu.size ? sum : null };
    },
  };
}
const CLK_TCK = 100;

const cpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

export interface ImportMeasurement {
  seconds: number;
  rowsPerSecond: number;
  created: number;
  issues: number;
  rssBefore: number;
  rssPeakSampled: number;
  /** CPU seconds of this process (all threads) during the import. */
  cpuSeconds: number;
  backendPeak: number | null;
  backendCpuSeconds: number | null;
  checks: Array<{ name: string; ok: boolean; detail: string; ms?: number }>;
  tableBytes: number;
  /** 1-minute load average before and after (other work on the machine slows every figure). */
  load: [number, number];
  exported?: { file: string; rows: number; seconds: number };
}

/** The product's import path, end to end: importOrganizations(csv) into a fresh migrated database. */
export async function measureImport(a: {
  spec: DbSpec;
  file: string;
  rows: number;
  probes: Array<{ term: string; rows: number; elsewhere: number }>;
  samples: GeneratedSample[];
  exportTo?: string;
  dryRun?: boolean;
}): Promise<ImportMeasurement> {
  const db = await open(a.spec);
  const load0 = loadavg()[0];
  const rssBefore = process.memoryUsage().rss;
  const backend = a.spec.engine === 'postgres' ? backendSampler(a.spec.url) : null;
  await backend?.ready.catch(() => undefined);
  const sampler = rssSampler();
  const cpu0 = cpuSeconds();
  let lastPct = -1;
  const t0 = performance.now();
  const report = await importOrganizations({ db }, ACTOR, a.file, {
    dryRun: a.dryRun,
    expectedRows: a.rows,
    onProgress: (phase, done, total) => {
      if (phase !== 'read' || !total) return;
      const pct = Math.floor((done / total) * 10);
      if (pct !== lastPct) {
        lastPct = pct;
        childLog(`  ${a.spec.engine}${a.dryRun ? ' dry run' : ''}: ${pct * 10}% read, ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
      }
    },
  });
  const seconds = (performance.now() - t0) / 1000;
  const cpu = cpuSeconds() - cpu0;
  const load: [number, number] = [load0, loadavg()[0]];
  const rssPeakSampled = sampler.stop();
  const server = backend ? await backend.stop() : { peak: null, cpuSeconds: null };

  const checks: ImportMeasurement['checks'] = [];
  const check = (name: string, ok: boolean, detail: string, ms?: number) => checks.push({ name, ok, detail, ms });
  check('report', report.issues.length === 0 && (a.dryRun ? report.created === a.rows : report.written && report.created === a.rows), `created ${report.created}, issues ${report.issues.length}${report.issues[0] ? ` (first: row ${report.issues[0].row} ${report.issues[0].field}: ${report.issues[0].reason})` : ''}`);
  let tableBytes = 0;
  if (!a.dryRun) {
    const count = await n(db, `select count(*)::int as n from organizations`);
    check('row count', count === a.rows, `${count} of ${a.rows}`);
    const audits = await n(db, `select count(*)::int as n from audit_log where action = 'import' and entity_type = 'organization'`);
    check('audit entries', audits === a.rows, `${audits} of ${a.rows}`);
    const empty = await n(db, `select count(*)::int as n from organizations where search_text = ''`);
    check('search text present', empty === 0, `${empty} rows without search text`);
    const repo = createOrganizationsRepository(db);
    for (const p of a.probes) {
      if (p.elsewhere) continue;
      let t = performance.now();
      const fts = await n(db, `select count(*)::int as n from organizations where search_tsv @@ plainto_tsquery('simple', $1)`, [p.term]);
      const ftsMs = performance.now() - t;
      check(`full-text “${p.term}”`, fts === p.rows, `${fts} rows, expected ${p.rows}`, ftsMs);
      t = performance.now();
      const s = await repo.search({ q: p.term, page: 1, pageSize: 20 });
      check(`search API “${p.term}”`, s.total === p.rows && s.items.length === Math.min(20, p.rows), `total ${s.total}, expected ${p.rows}`, performance.now() - t);
    }
    for (const s of a.samples) {
      const rows = await db.query<any>(`select name, uscc, division_code, industry_code from organizations where name = $1`, [s.name]);
      const hit = rows.find((r) => r.division_code === s.divisionCode && (r.industry_code ?? null) === s.industryCode && (r.uscc ?? null) === s.uscc);
      check(`row ${s.row} by name`, !!hit, hit ? s.name : `${s.name} not found with its codes`);
      if (s.uscc) {
        const u = await db.query<any>(`select name from organizations where uscc = $1`, [s.uscc]);
        check(`row ${s.row} by USCC`, u.length === 1 && u[0].name === s.name, `${s.uscc} → ${u[0]?.name ?? 'nothing'}`);
      }
    }
    tableBytes = await n(db, `select pg_total_relation_size('organizations') as n`);
  }
  await db.close();
  const exported = a.exportTo && !a.dryRun ? await exportCopy(a.spec, a.exportTo) : undefined;
  return {
    seconds,
    rowsPerSecond: a.rows / seconds,
    created: report.created,
    issues: report.issues.length,
    rssBefore,
    rssPeakSampled,
    cpuSeconds: cpu,
    backendPeak: server.peak,
    backendCpuSeconds: server.cpuSeconds,
    checks,
    tableBytes,
    load,
    exported,
  };
}

const COLS = ORG_COLUMNS.map(([, c]) => c);

/**
 * Writes the loaded organisations as COPY text (the floor measurement loads exactly these rows).
 * Runs after the Db is closed: PostgreSQL through its own connection, PGlite by reopening the
 * directory (one owner at a time).
 */
async function exportCopy(spec: DbSpec, file: string): Promise<{ file: string; rows: number; seconds: number }> {
  const t0 = performance.now();
  const fd = openSync(file, 'w');
  let rows = 0;
  const step = 50_000;
  const chunkSql = (lo: number) => `select ${COLS.join(',')} from organizations where id > ${lo} and id <= ${lo + step} order by id`;
  if (spec.engine === 'pglite') {
    const pgl = await PGlite.create({ dataDir: spec.dataDir });
    const max = Number((await pgl.query<{ n: number }>(`select coalesce(max(id), 0)::int as n from organizations`)).rows[0].n);
    rows = Number((await pgl.query<{ n: number }>(`select count(*)::int as n from organizations`)).rows[0].n);
    for (let lo = 0; lo < max; lo += step) {
      const r = await pgl.query(`copy (${chunkSql(lo)}) to '/dev/blob'`);
      if (r.blob) writeSync(fd, Buffer.from(await r.blob.arrayBuffer()));
    }
    await pgl.close();
  } else {
    const c = new pg.Client({ connectionString: spec.url });
    await c.connect();
    const max = Number((await c.query(`select coalesce(max(id), 0)::int as n from organizations`)).rows[0].n);
    rows = Number((await c.query(`select count(*)::int as n from organizations`)).rows[0].n);
    for (let lo = 0; lo < max; lo += step) {
      const stream = c.query(copyTo(`copy (${chunkSql(lo)}) to stdout`));
      for await (const chunk of stream) writeSync(fd, chunk as Buffer);
    }
    await c.end();
  }
  closeSync(fd);
  return { file, rows, seconds: (performance.now() - t0) / 1000 };
}

/** The floor: the same rows, already prepared, loaded with plain COPY (no parse, validation, segmentation, audit). */
export async function measureCopyFloor(a: { spec: DbSpec; copyFile: string; rows: number }) {
  const db = await open(a.spec);
  const backend = a.spec.engine === 'postgres' ? backendSampler(a.spec.url) : null;
  await backend?.ready.catch(() => undefined);
  const sampler = rssSampler();
  const cpu0 = cpuSeconds();
  const t0 = performance.now();
  await db.transaction(async (tx) => {
    await tx.copyRows('organizations', COLS, fileChunks(a.copyFile));
  });
  const seconds = (performance.now() - t0) / 1000;
  const cpu = cpuSeconds() - cpu0;
  const server = backend ? await backend.stop() : { peak: null, cpuSeconds: null };
  const rssPeakSampled = sampler.stop();
  const count = await n(db, `select count(*)::int as n from organizations`);
  await db.close();
  return { seconds, rowsPerSecond: a.rows / seconds, count, ok: count === a.rows, rssPeakSampled, cpuSeconds: cpu, backendCpuSeconds: server.cpuSeconds };
}

/** Reads a COPY text file as ~1 MB chunks of whole lines. */
async function* fileChunks(file: string): AsyncGenerator<string> {
  const rl = createInterface({ input: createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 }), crlfDelay: Infinity });
  let buf = '';
  for await (const line of rl) {
    buf += line + '\n';
    if (buf.length > 1 << 20) {
      yield buf;
      buf = '';
    }
  }
  if (buf) yield buf;
}

/** The naive baseline: the first `rows` rows, one createOrganization call (one transaction, one audit entry) each. */
export async function measureRowByRow(a: { spec: DbSpec; file: string; rows: number }) {
  const db = await open(a.spec);
  const inputs = [];
  for await (const r of readOrganizationSheet(a.file)) {
    const p = parseSheetRow(r, { source: 'bench:row-by-row', sourceRef: `row ${r.row}` });
    if (p.input) inputs.push(p.input);
    if (inputs.length >= a.rows) break;
  }
  const t0 = performance.now();
  for (const input of inputs) await createOrganization({ db }, ACTOR, input);
  const seconds = (performance.now() - t0) / 1000;
  const count = await n(db, `select count(*)::int as n from organizations`);
  await db.close();
  return { seconds, rows: inputs.length, rowsPerSecond: inputs.length / seconds, ok: count === inputs.length };
}
