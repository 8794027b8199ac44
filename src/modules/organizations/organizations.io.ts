import ExcelJS from 'exceljs';
import { parse as parseCsv } from 'csv-parse';
import { stringify as stringifyCsv } from 'csv-stringify';
import { createReadStream, createWriteStream, statSync } from 'node:fs';
import { extname, basename } from 'node:path';
import { randomBytes } from 'node:crypto';
import { finished } from 'node:stream/promises';
import type { Db, Queryable } from '../../db/db.ts';
import { createError } from '../../errors.ts';
import { requireActor, assertRegionWrite, type Actor } from '../accounts/actor.ts';
import { ORG_KIND_NAMES, ORG_KINDS, organizationInputSchema, type OrganizationInput, type OrgKind } from './organizations.schemas.ts';
import { prepareOrganizationRows } from './organizations.usecases.ts';
import { createOrganizationsRepository, type OrganizationRow } from './organizations.repository.ts';

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
  const ext = extname(file).toLowerCase();
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
    cells.forEach((v, i) => {
      const k = header![i];
      const t = (v ?? '').trim();
      if (k && t) {
        out[k] = t;
        any = true;
      }
    });
    return any ? { row, cells: out } : null;
  };
  if (ext === '.csv') {
    const input = createReadStream(file);
    if (opts.onBytes) input.on('data', (b) => opts.onBytes!(b.length));
    const parser = input.pipe(parseCsv({ bom: true, relax_column_count: true, skip_empty_lines: true }));
    let n = 0;
    for await (const rec of parser as AsyncIterable<string[]>) {
      n++;
      if (!header) {
        mapHeader(rec);
        continue;
      }
      const r = toRow(n, rec);
      if (r) yield r;
    }
  } else if (ext === '.xlsx') {
    const input = createReadStream(file);
    if (opts.onBytes) input.on('data', (b) => opts.onBytes!(b.length));
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, { sharedStrings: 'cache', hyperlinks: 'ignore', styles: 'ignore', worksheets: 'emit' });
    for await (const ws of reader) {
      for await (const row of ws as AsyncIterable<ExcelJS.Row>) {
        const values = (row.values as ExcelJS.CellValue[]).slice(1).map(cellText);
        if (!header) {
          mapHeader(values);
          continue;
        }
        const r = toRow(row.number, values);
        if (r) yield r;
      }
      break; // first sheet only
    }
  } else {
    throw createError({ code: 'import.unsupported_file', message: `只支持 .xlsx 和 .csv 文件 / only .xlsx and .csv files are supported (got ${ext || 'no extension'})`, status: 400 });
  }
  if (!header) throw createError({ code: 'import.empty_file', message: '文件是空的 / the file is empty', status: 400 });
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
 * Imports organisations from an .xlsx or .csv file, streaming, in one transaction.
 * All-or-nothing by default: rows are checked and written as they stream; when any row is invalid
 * the transaction is rolled back, so nothing is written, and every problem is reported (row, field,
 * reason). With `partial`, the valid rows are committed and the report lists exactly the skipped
 * rows. Rows whose 统一社会信用代码 matches an existing organisation update it; the others create
 * new organisations. Every created or updated organisation gets an audit entry naming the import.
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
  } = {},
): Promise<ImportReport> {
  const a = requireActor(actor);
  const batchId = `imp-${new Date().toISOString().slice(0, 10).replace(/-/g, '')}-${randomBytes(3).toString('hex')}`;
  const source = `import:${basename(file)}`;
  const size = opts.batchSize ?? 5000;
  const report: ImportReport = { file: basename(file), rows: 0, created: 0, updated: 0, skipped: 0, written: false, issues: [], batch: batchId };
  const seenUscc = new Map<string, number>();
  let fileSize = 0;
  try {
    fileSize = statSync(file).size;
  } catch {
    /* reported by the reader */
  }
  let bytes = 0;

  class Rollback extends Error {}
  try {
    await deps.db.transaction(async (tx) => {
      const repo = createOrganizationsRepository(tx);
      let pending: Array<{ row: number; input: OrganizationInput }> = [];
      const updatedIds: number[] = [];

      const flush = async () => {
        if (!pending.length) return;
        const chunk = pending;
        pending = [];
        const usccs = chunk.map((g) => g.input.uscc).filter((x): x is string => !!x);
        const existing = usccs.length ? await repo.findUsccs(usccs) : new Map<string, number>();
        const ids = chunk.map((g) => (g.input.uscc ? existing.get(g.input.uscc) ?? null : null));
        const { rows: ready, problems } = await prepareOrganizationRows(tx, chunk.map((g) => g.input), { existingIds: ids, skipUsccLookup: true });
        const bad = new Set<number>();
        for (const p of problems) {
          bad.add(p.index);
          report.issues.push({ row: chunk[p.index].row, field: headerLabel(p.field), reason: p.message });
        }
        const inserts: OrganizationRow[] = [];
        for (let j = 0; j < ready.length; j++) {
          if (bad.has(j)) continue;
          const data = ready[j];
          try {
            assertRegionWrite(a, data.region, '机构');
          } catch (e: any) {
            report.issues.push({ row: chunk[j].row, field: '行政区划代码', reason: e.message });
            continue;
          }
          if (ids[j] !== null) {
            if (!opts.dryRun) await repo.update(ids[j]!, data);
            updatedIds.push(ids[j]!);
            report.updated++;
          } else {
            inserts.push(data);
            report.created++;
          }
        }
        if (inserts.length && !opts.dryRun) await repo.copyInsert([inserts]);
        opts.onProgress?.('write', report.created + report.updated, opts.expectedRows ?? 0);
      };

      for await (const r of readOrganizationSheet(file, { onBytes: (n) => (bytes += n) })) {
        report.rows++;
        const p = parseSheetRow(r, { source, sourceRef: `${batchId}#${r.row}` });
        if (p.issues.length) report.issues.push(...p.issues);
        if (p.input) {
          const u = p.input.uscc;
          const first = u ? seenUscc.get(u) : undefined;
          if (u && first !== undefined) report.issues.push({ row: r.row, field: '统一社会信用代码', reason: `与第 ${first} 行重复 / same code as row ${first}` });
          else {
            if (u) seenUscc.set(u, r.row);
            pending.push({ row: r.row, input: p.input });
          }
        }
        if (pending.length >= size) {
          await flush();
          if (fileSize) opts.onProgress?.('read', bytes, fileSize);
        }
      }
      await flush();
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
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: false, useStyles: true });
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
