import type ExcelJS from 'exceljs';
import { stringify as stringifyCsv } from 'csv-stringify';
import { createReadStream, createWriteStream, statSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { Worker } from 'node:worker_threads';
import { extname, basename } from 'node:path';
import { randomBytes } from 'node:crypto';
import { finished } from 'node:stream/promises';
import type { Db, Queryable } from '../../db/db.ts';
import { copyText } from '../../db/copy.ts';
import { CsvReader, CsvSyntaxError, detach } from '../../lib/csv.ts';
import { addedWords, addWords } from '../../lib/text.ts';
import { createError } from '../../errors.ts';
import { requireActor, assertRegionWrite, type Actor } from '../accounts/actor.ts';
import { ORG_KIND_NAMES, ORG_KINDS, organizationInputSchema, type OrganizationInput, type OrgKind } from './organizations.schemas.ts';
import { prepareOrganizationRowsWith, type ReferenceLookup } from './organizations.usecases.ts';
import { createOrganizationsRepository, ORG_COLUMNS } from './organizations.repository.ts';

/** Columns of the organisation sheet (xlsx / csv). Chinese headers first; English headers accepted. */
export const ORG_SHEET_COLUMNS = [
  { key: 'name', zh: '名称', en: 'name' },
  { key: 'shortName', zh: '简称', en: 'short_name' },
  { key: 'kind', zh: '类型', en: 'kind' },
  { key: 'uscc', zh: '统一社会信用代码', en: 'uscc' },
  { key: 'divisionCode', zh: '行政区划代码', en: 'division_code' },
  { key: 'industryCode', zh: '行业代码', en: 'industry_code' },
  { key: 'stockCode', zh: '股票代码', en: 'stock_code' },
  { key: 'products', zh: '主要产品', en: 'products', list: true },
  { key: 'businessScope', zh: '经营范围', en: 'business_scope' },
  { key: 'description', zh: '简介', en: 'description' },
  { key: 'employees', zh: '员工人数', en: 'employees', int: true },
  { key: 'revenueWan', zh: '营业收入（万元）', en: 'revenue_wan', number: true },
  { key: 'registeredCapitalWan', zh: '注册资本（万元）', en: 'registered_capital_wan', number: true },
  { key: 'foundedOn', zh: '成立日期', en: 'founded_on' },
  { key: 'website', zh: '网站', en: 'website' },
  { key: 'aliases', zh: '别名', en: 'aliases', list: true },
  { key: 'tags', zh: '标签', en: 'tags', list: true },
] as const;
type ColKey = (typeof ORG_SHEET_COLUMNS)[number]['key'];

const HEADER_ALIASES: Record<string, ColKey> = {};
for (const c of ORG_SHEET_COLUMNS) {
  HEADER_ALIASES[c.zh] = c.key;
  HEADER_ALIASES[c.en] = c.key;
  HEADER_ALIASES[c.key.toLowerCase()] = c.key;
}
Object.assign(HEADER_ALIASES, {
  机构名称: 'name',
  企业名称: 'name',
  机构类型: 'kind',
  信用代码: 'uscc',
  区划代码: 'divisionCode',
  所在地区代码: 'divisionCode',
  行业代码GBT4754: 'industryCode',
  产品: 'products',
  营业收入: 'revenueWan',
  注册资本: 'registeredCapitalWan',
});

const KIND_BY_LABEL = new Map<string, OrgKind>();
for (const k of ORG_KINDS) {
  KIND_BY_LABEL.set(k, k);
  KIND_BY_LABEL.set(ORG_KIND_NAMES[k].zh, k);
  KIND_BY_LABEL.set(ORG_KIND_NAMES[k].en.toLowerCase(), k);
}
KIND_BY_LABEL.set('大学', 'university');
KIND_BY_LABEL.set('研究院', 'institute');
KIND_BY_LABEL.set('实验室', 'open_lab');
KIND_BY_LABEL.set('协会', 'association');
KIND_BY_LABEL.set('联盟', 'association');

export interface RowIssue {
  row: number; // spreadsheet row number (header is row 1)
  field: string; // column header as the user sees it
  reason: string;
}

export interface SheetRow {
  row: number;
  cells: Partial<Record<ColKey, string>>;
}

function headerLabel(key: string): string {
  const c = ORG_SHEET_COLUMNS.find((x) => x.key === key);
  return c ? c.zh : key;
}

/** exceljs takes seconds to load: only when an .xlsx file is read or written. */
const loadExcel = async (): Promise<typeof ExcelJS> => (await import('exceljs')).default;

function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') {
    if (v instanceof Date) return v.toISOString().slice(0, 10);
    if ('richText' in v) return v.richText.map((r) => r.text).join('');
    if ('text' in v) return String((v as any).text);
    if ('result' in v) return String((v as any).result ?? '');
    return '';
  }
  return String(v);
}

/** Streams the rows of an .xlsx (first sheet) or .csv file as header-keyed cells. */
export async function* readOrganizationSheet(file: string, opts: { onBytes?: (n: number) => void } = {}): AsyncGenerator<SheetRow> {
  for await (const batch of readOrganizationSheetBatches(file, opts)) yield* batch;
}

/**
 * The rows of the sheet in batches (one await per batch rather than per row: the bulk import reads
 * a million rows). CSV goes through the fast reader of src/lib/csv.ts.
 */
export async function* readOrganizationSheetBatches(file: string, opts: { onBytes?: (n: number) => void; batchSize?: number } = {}): AsyncGenerator<SheetRow[]> {
  const ext = extname(file).toLowerCase();
  const size = opts.batchSize ?? 5000;
  let header: Array<ColKey | null> | null = null;
  const unknown: string[] = [];
  const mapHeader = (cells: string[]) => {
    header = cells.map((h) => {
      const k = HEADER_ALIASES[h.trim()] ?? HEADER_ALIASES[h.trim().toLowerCase()] ?? null;
      if (!k && h.trim()) unknown.push(h.trim());
      return k;
    });
    if (!header.includes('name'))
      throw createError({
        code: 'import.missing_column',
        message: `第 1 行缺少“名称”列（可用列：${ORG_SHEET_COLUMNS.map((c) => c.zh).join('、')}）/ row 1 has no "name" column`,
        status: 400,
        fields: { 名称: '缺少此列 / missing column' },
      });
  };
  const toRow = (row: number, cells: string[]): SheetRow | null => {
    const out: Partial<Record<ColKey, string>> = {};
    let any = false;
    const h = header!;
    for (let i = 0; i < cells.length; i++) {
      const k = h[i];
      if (!k) continue;
      const t = (cells[i] ?? '').trim();
      if (t) {
        out[k] = t;
        any = true;
      }
    }
    return any ? { row, cells: out } : null;
  };
  let batch: SheetRow[] = [];
  if (ext === '.csv') {
    const input = createReadStream(file, { highWaterMark: 1 << 20 });
    const decoder = new StringDecoder('utf8');
    const csv = new CsvReader();
    let n = 0;
    const take = (records: string[][]) => {
      for (const rec of records) {
        n++;
        if (!header) {
          mapHeader(rec);
          continue;
        }
        const r = toRow(n, rec);
        if (r) batch.push(r);
      }
    };
    try {
      for await (const chunk of input as AsyncIterable<Buffer>) {
        opts.onBytes?.(chunk.length);
        take(csv.push(decoder.write(chunk)));
        if (batch.length >= size) {
          yield batch;
          batch = [];
        }
      }
      take(csv.push(decoder.end()));
      take(csv.end());
    } catch (e) {
      if (e instanceof CsvSyntaxError) throw createError({ code: 'import.bad_csv', message: e.message, status: 400 });
      throw e;
    } finally {
      input.destroy();
    }
  } else if (ext === '.xlsx') {
    const Excel = await loadExcel();
    const input = createReadStream(file);
    if (opts.onBytes) input.on('data', (b) => opts.onBytes!(b.length));
    const reader = new Excel.stream.xlsx.WorkbookReader(input, { sharedStrings: 'cache', hyperlinks: 'ignore', styles: 'ignore', worksheets: 'emit' });
    for await (const ws of reader) {
      for await (const row of ws as AsyncIterable<ExcelJS.Row>) {
        const values = (row.values as ExcelJS.CellValue[]).slice(1).map(cellText);
        if (!header) {
          mapHeader(values);
          continue;
        }
        const r = toRow(row.number, values);
        if (r) batch.push(r);
        if (batch.length >= size) {
          yield batch;
          batch = [];
        }
      }
      break; // first sheet only
    }
  } else {
    throw createError({ code: 'import.unsupported_file', message: `只支持 .xlsx 和 .csv 文件 / only .xlsx and .csv files are supported (got ${ext || 'no extension'})`, status: 400 });
  }
  if (!header) throw createError({ code: 'import.empty_file', message: '文件是空的 / the file is empty', status: 400 });
  if (batch.length) yield batch;
}

const splitList = (s: string) =>
  s
    .split(/[、;；,，|\n]/)
    .map((x) => x.trim())
    .filter(Boolean);

/** Cells → organisation input, with every problem named by row and column. */
export function parseSheetRow(r: SheetRow, defaults: { source: string; sourceRef: string }): { input?: OrganizationInput; issues: RowIssue[] } {
  const issues: RowIssue[] = [];
  const c = r.cells;
  const raw: Record<string, unknown> = { source: defaults.source, sourceRef: defaults.sourceRef };
  for (const col of ORG_SHEET_COLUMNS) {
    const v = c[col.key];
    if (v === undefined) continue;
    if ('list' in col) raw[col.key] = splitList(v);
    else if ('int' in col || 'number' in col) {
      const n = Number(v.replace(/,/g, ''));
      if (!Number.isFinite(n) || ('int' in col && !Number.isInteger(n))) issues.push({ row: r.row, field: col.zh, reason: `“${v}”不是${'int' in col ? '整数' : '数字'} / not a number` });
      else raw[col.key] = n;
    } else raw[col.key] = v;
  }
  if (c.kind) {
    const k = KIND_BY_LABEL.get(c.kind.trim()) ?? KIND_BY_LABEL.get(c.kind.trim().toLowerCase());
    if (!k) issues.push({ row: r.row, field: '类型', reason: `未知类型“${c.kind}”（可用：${ORG_KINDS.map((k) => ORG_KIND_NAMES[k].zh).join('、')}）/ unknown kind` });
    raw.kind = k ?? 'enterprise';
  } else raw.kind = 'enterprise';
  const parsed = organizationInputSchema.safeParse(raw);
  if (!parsed.success) {
    for (const i of parsed.error.issues) issues.push({ row: r.row, field: headerLabel(String(i.path[0] ?? '')), reason: i.message });
  }
  return issues.length ? { issues } : { input: parsed.data!, issues };
}

export interface ImportReport {
  file: string;
  rows: number;
  created: number;
  updated: number;
  skipped: number;
  written: boolean;
  issues: RowIssue[];
  batch: string;
}

/**
 * One batch of sheet rows, checked and turned into COPY text (by the import worker thread, or
 * inline for small files). `copy` holds the accepted rows in order; row k is the text between
 * char offsets[k] and offsets[k + 1] of the decoded copy.
 */
export interface PreparedBatch {
  rows: number;
  issues: RowIssue[];
  copy: Uint8Array;
  offsets: Uint32Array;
  rowNos: Int32Array;
  usccs: Array<string | null>;
  bytesRead: number;
}

interface PrepareContext {
  actor: Actor;
  source: string;
  batchId: string;
  /** divisions: code → province code; industries: every code. */
  divisions: Array<[string, string]>;
  industries: string[];
}

const ORG_COPY_COLUMNS = ORG_COLUMNS.map(([, c]) => c);

/**
 * Row checks of the import that need no database: parse and validate each row, refuse a USCC seen
 * earlier in the file, check codes against the reference tables, derive region and search text,
 * check the actor may write the row's region, and format the COPY line. Runs in order over the
 * whole file (it remembers the USCCs seen).
 */
class OrganizationImportPreparer {
  private readonly seenUscc = new Map<string, number>();
  private readonly ref: ReferenceLookup;
  private readonly encoder = new TextEncoder();

  constructor(private readonly ctx: PrepareContext) {
    const divisions = new Map(ctx.divisions);
    const industries = new Set(ctx.industries);
    this.ref = { provinceOf: (code) => divisions.get(code), hasIndustry: (code) => industries.has(code) };
  }

  prepare(sheetRows: SheetRow[], bytesRead: number): PreparedBatch {
    const { actor, source, batchId } = this.ctx;
    const issues: RowIssue[] = [];
    const accepted: Array<{ row: number; input: OrganizationInput }> = [];
    for (const r of sheetRows) {
      const p = parseSheetRow(r, { source, sourceRef: `${batchId}#${r.row}` });
      if (p.issues.length) issues.push(...p.issues);
      if (p.input) {
        const u = p.input.uscc;
        const first = u ? this.seenUscc.get(u) : undefined;
        if (u && first !== undefined) issues.push({ row: r.row, field: '统一社会信用代码', reason: `与第 ${first} 行重复 / same code as row ${first}` });
        else {
          if (u) this.seenUscc.set(detach(u), r.row);
          accepted.push({ row: r.row, input: p.input });
        }
      }
    }
    const { rows: ready, problems } = prepareOrganizationRowsWith(
      accepted.map((g) => g.input),
      this.ref,
    );
    const bad = new Set<number>();
    for (const p of problems) {
      bad.add(p.index);
      issues.push({ row: accepted[p.index].row, field: headerLabel(p.field), reason: p.message });
    }
    const lines: string[] = [];
    const offsets: number[] = [0];
    const rowNos: number[] = [];
    const usccs: Array<string | null> = [];
    const cells: string[] = new Array(ORG_COLUMNS.length);
    let at = 0;
    for (let j = 0; j < ready.length; j++) {
      if (bad.has(j)) continue;
      const data = ready[j];
      try {
        assertRegionWrite(actor, data.region, '机构');
      } catch (e: any) {
        issues.push({ row: accepted[j].row, field: '行政区划代码', reason: e.message });
        continue;
      }
      for (let c = 0; c < ORG_COLUMNS.length; c++) cells[c] = copyText(data[ORG_COLUMNS[c][0]]);
      const line = cells.join('\t') + '\n';
      lines.push(line);
      offsets.push((at += line.length));
      rowNos.push(accepted[j].row);
      usccs.push(data.uscc);
    }
    return {
      rows: sheetRows.length,
      issues,
      copy: this.encoder.encode(lines.join('')),
      offsets: Uint32Array.from(offsets),
      rowNos: Int32Array.from(rowNos),
      usccs,
      bytesRead,
    };
  }
}

/** Files at least this large are prepared in a worker thread while the main thread writes. */
const WORKER_MIN_BYTES = 4_000_000;
/** Batches the worker may prepare ahead of the writer (bounds memory: ~5 MB each). */
const WORKER_AHEAD = 4;

/**
 * The prepared batches of a file, in order. Large files are read, checked, segmented and formatted
 * in a worker thread — on a 2-core machine, one core for that and one for the database (PGlite runs
 * in this thread; PostgreSQL in its own process) — and handed over as bytes without copying.
 */
async function* preparedBatches(file: string, ctx: PrepareContext, opts: { batchSize: number; worker: boolean }): AsyncGenerator<PreparedBatch> {
  if (!opts.worker) {
    const prep = new OrganizationImportPreparer(ctx);
    let bytes = 0;
    for await (const rows of readOrganizationSheetBatches(file, { batchSize: opts.batchSize, onBytes: (n) => (bytes += n) })) yield prep.prepare(rows, bytes);
    return;
  }
  const worker = new Worker(new URL('./organizations.import-worker.mjs', import.meta.url), {
    // Rows of a batch live until it is formatted: a young generation that holds them saves ~15 % CPU
    // in GC. The old-generation cap bounds the worker's heap; its live set is ~75 bytes per USCC seen
    // (duplicate check) plus the segmentation cache — about 100 MB for 1M rows.
    resourceLimits: { maxYoungGenerationSizeMb: 192, maxOldGenerationSizeMb: 1024 },
    workerData: { file, ctx, batchSize: opts.batchSize, ahead: WORKER_AHEAD, words: addedWords() } satisfies ImportWorkerData,
  });
  const queue: Array<{ batch?: PreparedBatch; done?: true; error?: any }> = [];
  let wake: (() => void) | null = null;
  const push = (m: (typeof queue)[number]) => {
    queue.push(m);
    wake?.();
  };
  worker.on('message', (m: ImportWorkerMessage) => {
    if (m.type === 'batch') push({ batch: m.batch });
    else if (m.type === 'done') push({ done: true });
    else push({ error: m.error });
  });
  worker.on('error', (e) => push({ error: { message: e.message } }));
  worker.on('exit', (code) => push({ error: { message: `import worker exited (${code})` } }));
  try {
    for (;;) {
      while (!queue.length) await new Promise<void>((r) => (wake = r));
      wake = null;
      const m = queue.shift()!;
      if (m.error) throw m.error.code ? createError(m.error) : new Error(m.error.message);
      if (m.done) return;
      yield m.batch!;
      worker.postMessage('ack');
    }
  } finally {
    worker.removeAllListeners();
    await worker.terminate();
  }
}

export interface ImportWorkerData {
  file: string;
  ctx: PrepareContext;
  batchSize: number;
  ahead: number;
  words: string[];
}
type ImportWorkerMessage = { type: 'batch'; batch: PreparedBatch } | { type: 'done' } | { type: 'error'; error: { message: string; code?: string; status?: number; fields?: Record<string, string> } };

/** The worker thread's side (started by organizations.import-worker.mjs). */
export async function runOrganizationImportWorker(): Promise<void> {
  const { parentPort, workerData } = await import('node:worker_threads');
  const data = workerData as ImportWorkerData;
  const port = parentPort!;
  let credit = data.ahead;
  let resume: (() => void) | null = null;
  port.on('message', () => {
    credit++;
    resume?.();
  });
  try {
    addWords(data.words);
    const prep = new OrganizationImportPreparer(data.ctx);
    let bytes = 0;
    for await (const rows of readOrganizationSheetBatches(data.file, { batchSize: data.batchSize, onBytes: (n) => (bytes += n) })) {
      while (credit <= 0) await new Promise<void>((r) => (resume = r));
      resume = null;
      credit--;
      const batch = prep.prepare(rows, bytes);
      port.postMessage({ type: 'batch', batch } satisfies ImportWorkerMessage, [batch.copy.buffer as ArrayBuffer, batch.offsets.buffer as ArrayBuffer, batch.rowNos.buffer as ArrayBuffer]);
    }
    port.postMessage({ type: 'done' } satisfies ImportWorkerMessage);
  } catch (e: any) {
    port.postMessage({ type: 'error', error: { message: String(e?.message ?? e), code: e?.code, status: e?.status, fields: e?.fields } } satisfies ImportWorkerMessage);
  }
  port.close();
}

/**
 * Imports organisations from an .xlsx or .csv file, streaming, in one transaction.
 * All-or-nothing by default: rows are checked and written as they stream; when any row is invalid
 * the transaction is rolled back, so nothing is written, and every problem is reported (row, field,
 * reason). With `partial`, the valid rows are committed and the report lists exactly the skipped
 * rows. Rows whose 统一社会信用代码 matches an existing organisation update it; the others create
 * new organisations. Every created or updated organisation gets an audit entry naming the import.
 *
 * Throughput: rows are checked and formatted as COPY text in batches — in a worker thread for large
 * files (`worker`, default: files of 4 MB and more), overlapping with the writes — and written with
 * one COPY per batch; updates go through a staging table, one UPDATE per batch. The indexes stay in
 * place (the table stays readable by others during the import).
 */
export async function importOrganizations(
  deps: { db: Db },
  actor: Actor | null,
  file: string,
  opts: {
    partial?: boolean;
    dryRun?: boolean;
    onProgress?: (phase: 'read' | 'write', done: number, total: number) => void;
    batchSize?: number;
    /** Rows expected (for the progress bar), when known. */
    expectedRows?: number;
    /** Prepare rows in a worker thread (default: for files of 4 MB and more). */
    worker?: boolean;
  } = {},
): Promise<ImportReport> {
  const a = requireActor(actor);
  const batchId = `imp-${new Date().toISOString().slice(0, 10).replace(/-/g, '')}-${randomBytes(3).toString('hex')}`;
  const source = `import:${basename(file)}`;
  const size = opts.batchSize ?? 5000;
  const report: ImportReport = { file: basename(file), rows: 0, created: 0, updated: 0, skipped: 0, written: false, issues: [], batch: batchId };
  let fileSize = 0;
  try {
    fileSize = statSync(file).size;
  } catch {
    /* reported by the reader */
  }

  class Rollback extends Error {}
  try {
    await deps.db.transaction(async (tx) => {
      const repo = createOrganizationsRepository(tx);
      const updatedIds: number[] = [];
      const divisions = await tx.query<{ code: string; province_code: string }>(`select code, province_code from divisions`);
      const industries = await tx.query<{ code: string }>(`select code from industries`);
      const ctx: PrepareContext = {
        actor: a,
        source,
        batchId,
        divisions: divisions.map((d) => [d.code, d.province_code]),
        industries: industries.map((i) => i.code),
      };
      const decoder = new TextDecoder();
      for await (const b of preparedBatches(file, ctx, { batchSize: size, worker: opts.worker ?? fileSize >= WORKER_MIN_BYTES })) {
        report.rows += b.rows;
        if (b.issues.length) report.issues.push(...b.issues);
        const n = b.rowNos.length;
        const usccs = b.usccs.filter((x): x is string => !!x);
        const existing = usccs.length ? await repo.findUsccs(usccs) : new Map<string, number>();
        if (!existing.size) {
          report.created += n;
          if (n && !opts.dryRun) await tx.copyRows('organizations', ORG_COPY_COLUMNS, [b.copy]);
        } else {
          // Some rows update organisations that exist (same USCC): split the batch.
          const text = decoder.decode(b.copy);
          let inserts = '';
          let updates = '';
          for (let k = 0; k < n; k++) {
            const line = text.slice(b.offsets[k], b.offsets[k + 1]);
            const id = b.usccs[k] ? existing.get(b.usccs[k]!) : undefined;
            if (id !== undefined) {
              updates += `${id}\t${line}`;
              updatedIds.push(id);
              report.updated++;
            } else {
              inserts += line;
              report.created++;
            }
          }
          if (!opts.dryRun) {
            if (updates) await repo.updateFromCopy(updates);
            if (inserts) await tx.copyRows('organizations', ORG_COPY_COLUMNS, [inserts]);
          }
        }
        opts.onProgress?.('write', report.created + report.updated, opts.expectedRows ?? 0);
        if (fileSize) opts.onProgress?.('read', Math.min(b.bytesRead, fileSize), fileSize);
      }
      if (fileSize) opts.onProgress?.('read', fileSize, fileSize);
      report.issues.sort((x, y) => x.row - y.row);
      const badRows = new Set(report.issues.map((i) => i.row)).size;
      report.skipped = badRows;
      if (opts.dryRun || (report.issues.length && !opts.partial)) throw new Rollback();
      await writeImportAudit(tx, a, batchId, source, updatedIds);
    });
    report.written = report.created + report.updated > 0;
  } catch (e) {
    if (!(e instanceof Rollback)) throw e;
    if (!opts.dryRun) {
      report.skipped = report.rows;
      report.created = 0;
      report.updated = 0;
    }
  }
  return report;
}

async function writeImportAudit(tx: Queryable, actor: Actor, batch: string, source: string, updatedIds: number[]) {
  const actorName = actor.displayName === actor.username ? actor.username : `${actor.displayName} (${actor.username})`;
  await tx.query(
    `insert into audit_log (actor_id, actor_name, action, entity_type, entity_id, region, summary, after)
     select $1, $2, 'import', 'organization', o.id::text, o.region, $3 || '（第 ' || split_part(o.source_ref, '#', 2) || ' 行）',
            jsonb_build_object('source', o.source, 'row', split_part(o.source_ref, '#', 2))
       from organizations o where o.source = $4 and o.source_ref like $5`,
    [actor.userId || null, actorName, `批量导入创建 ${source}`, source, `${batch}#%`],
  );
  if (updatedIds.length)
    await tx.query(
      `insert into audit_log (actor_id, actor_name, action, entity_type, entity_id, region, summary)
       select $1, $2, 'import', 'organization', o.id::text, o.region, $3 from organizations o where o.id = any($4::bigint[])`,
      [actor.userId || null, actorName, `批量导入更新 ${source}（${batch}）`, updatedIds],
    );
}

/** Exports organisations (optionally filtered) to .xlsx or .csv with the import columns, streaming. */
export async function exportOrganizations(
  deps: { db: Db },
  actor: Actor | null,
  file: string,
  opts: { region?: string; kind?: string; onProgress?: (done: number, total: number) => void } = {},
): Promise<{ rows: number }> {
  requireActor(actor);
  const ext = extname(file).toLowerCase();
  if (ext !== '.xlsx' && ext !== '.csv') throw createError({ code: 'export.unsupported_file', message: '只支持 .xlsx 和 .csv / only .xlsx and .csv', status: 400 });
  const where = `where ($1::text is null or ($1 = 'outside' and region is null) or region = $1) and ($2::text is null or kind = $2)`;
  const total = (await deps.db.query<{ n: number }>(`select count(*)::int as n from organizations ${where}`, [opts.region ?? null, opts.kind ?? null]))[0].n;
  const header = ORG_SHEET_COLUMNS.map((c) => c.zh);
  const toCells = (r: any) =>
    ORG_SHEET_COLUMNS.map((c) => {
      const v = r[c.key];
      if (v === null || v === undefined) return '';
      if (Array.isArray(v)) return v.join('、');
      if (c.key === 'kind') return ORG_KIND_NAMES[v as OrgKind].zh;
      return v;
    });
  let writeRow: (cells: unknown[]) => void;
  let finish: () => Promise<void>;
  if (ext === '.xlsx') {
    const Excel = await loadExcel();
    const wb = new Excel.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: false, useStyles: true });
    const ws = wb.addWorksheet('机构 Organizations');
    ws.columns = header.map((h) => ({ header: h, width: Math.max(12, h.length * 2 + 4) }));
    ws.getRow(1).font = { bold: true };
    writeRow = (cells) => ws.addRow(cells).commit();
    finish = async () => {
      ws.commit();
      await wb.commit();
    };
  } else {
    const out = createWriteStream(file);
    out.write('\ufeff'); // BOM so that Excel opens UTF-8 Chinese correctly
    const s = stringifyCsv();
    s.pipe(out);
    s.write(header);
    writeRow = (cells) => s.write(cells.map((c) => (c === '' ? '' : String(c))));
    finish = async () => {
      s.end();
      await finished(out);
    };
  }
  let done = 0;
  let lastId = 0;
  for (;;) {
    const rows = await deps.db.query(
      `select * from organizations ${where} and id > $3 order by id limit 2000`,
      [opts.region ?? null, opts.kind ?? null, lastId],
    );
    if (!rows.length) break;
    for (const r of rows) {
      writeRow(
        toCells({
          name: r.name,
          shortName: r.short_name,
          kind: r.kind,
          uscc: r.uscc,
          divisionCode: r.division_code,
          industryCode: r.industry_code,
          stockCode: r.stock_code,
          products: r.products,
          businessScope: r.business_scope,
          description: r.description,
          employees: r.employees,
          revenueWan: r.revenue_wan,
          registeredCapitalWan: r.registered_capital_wan,
          foundedOn: r.founded_on ? new Date(r.founded_on).toISOString().slice(0, 10) : null,
          website: r.website,
          aliases: r.aliases,
          tags: r.tags,
        }),
      );
    }
    done += rows.length;
    lastId = rows[rows.length - 1].id;
    opts.onProgress?.(done, total);
  }
  await finish();
  return { rows: done };
}
