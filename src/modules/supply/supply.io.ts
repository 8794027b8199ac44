import ExcelJS from 'exceljs';
import { parse as parseCsv } from 'csv-parse';
import { createReadStream, statSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Db, Queryable } from '../../db/db.ts';
import { createError } from '../../errors.ts';
import { requireActor, type Actor } from '../accounts/actor.ts';
import { MAX_YEAR, MIN_YEAR, type SupplyImportReport } from './supply.schemas.ts';
import { createSupplyRepository, type SupplyLinkRow } from './supply.repository.ts';
import { createNodeResolver, createOrgResolver, orgProblem } from './supply.lookup.ts';
import { assertSupplyWrite } from './supply.usecases.ts';

/**
 * Supply links from an .xlsx (first sheet) or .csv file. Columns (Chinese headers first; English
 * accepted): 采购方, 供应商, 零部件/产品, 产业链节点 (optional: "chain code/node name"),
 * 年采购额（万元） (optional), 年份, 来源 (optional provenance).
 * Organisations are found by full name, short name, stock code or 统一社会信用代码.
 */
export const SUPPLY_SHEET_COLUMNS = [
  { key: 'buyer', zh: '采购方', en: 'buyer', required: true },
  { key: 'supplier', zh: '供应商', en: 'supplier', required: true },
  { key: 'part', zh: '零部件/产品', en: 'part', required: true },
  { key: 'node', zh: '产业链节点', en: 'node', required: false },
  { key: 'amountWan', zh: '年采购额（万元）', en: 'amount_wan', required: false },
  { key: 'year', zh: '年份', en: 'year', required: true },
  { key: 'source', zh: '来源', en: 'source', required: false },
] as const;
type ColKey = (typeof SUPPLY_SHEET_COLUMNS)[number]['key'];

/** Headers compare without spaces and with ASCII parentheses, so 年采购额(万元) also matches. */
const normHeader = (h: string) =>
  h
    .replace(/[（]/g, '(')
    .replace(/[）]/g, ')')
    .replace(/\s+/g, '')
    .toLowerCase();

const HEADER_ALIASES = new Map<string, ColKey>();
for (const c of SUPPLY_SHEET_COLUMNS) {
  HEADER_ALIASES.set(normHeader(c.zh), c.key);
  HEADER_ALIASES.set(normHeader(c.en), c.key);
  HEADER_ALIASES.set(normHeader(c.key), c.key);
}
for (const [alias, key] of Object.entries({
  采购企业: 'buyer',
  采购单位: 'buyer',
  整车企业: 'buyer',
  需方: 'buyer',
  供应企业: 'supplier',
  供应单位: 'supplier',
  配套企业: 'supplier',
  供方: 'supplier',
  零部件: 'part',
  产品: 'part',
  '零部件／产品': 'part',
  零部件产品: 'part',
  节点: 'node',
  产业链节点名称: 'node',
  '年采购额(万元)': 'amountWan',
  年采购额: 'amountWan',
  '采购额(万元)': 'amountWan',
  采购额: 'amountWan',
  年度: 'year',
  数据来源: 'source',
} as Record<string, ColKey>))
  HEADER_ALIASES.set(normHeader(alias), key);

const label = (k: ColKey) => SUPPLY_SHEET_COLUMNS.find((c) => c.key === k)!.zh;

export interface RowIssue {
  row: number;
  field: string;
  reason: string;
}
interface SheetRow {
  row: number;
  cells: Partial<Record<ColKey, string>>;
}

/** Where the sheet comes from: a file on disk, or bytes uploaded over HTTP. */
export type SheetSource = { path: string } | { buffer: Buffer; name: string; format: 'xlsx' | 'csv' };

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

async function* readSupplySheet(src: SheetSource, onBytes?: (n: number) => void): AsyncGenerator<SheetRow> {
  const format = 'path' in src ? extname(src.path).toLowerCase().replace(/^\./, '') : src.format;
  const open = (): Readable => {
    const s = 'path' in src ? createReadStream(src.path) : Readable.from([src.buffer]);
    if (onBytes) s.on('data', (b: Buffer | string) => onBytes(b.length));
    return s;
  };
  let header: Array<ColKey | null> | null = null;
  const mapHeader = (cells: string[]) => {
    header = cells.map((h) => HEADER_ALIASES.get(normHeader(h ?? '')) ?? null);
    const missing = SUPPLY_SHEET_COLUMNS.filter((c) => c.required && !header!.includes(c.key));
    if (missing.length) {
      const fields: Record<string, string> = {};
      for (const m of missing) fields[m.zh] = '缺少此列 / missing column';
      throw createError({
        code: 'import.missing_column',
        message: `第 1 行缺少列：${missing.map((m) => `“${m.zh}”`).join('、')}（列：${SUPPLY_SHEET_COLUMNS.map((c) => c.zh).join('、')}）/ row 1 lacks required columns`,
        status: 400,
        fields,
      });
    }
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
  if (format === 'csv') {
    const parser = open().pipe(parseCsv({ bom: true, relax_column_count: true, skip_empty_lines: true }));
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
  } else if (format === 'xlsx') {
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(open(), { sharedStrings: 'cache', hyperlinks: 'ignore', styles: 'ignore', worksheets: 'emit' });
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
    throw createError({ code: 'import.unsupported_file', message: `只支持 .xlsx 和 .csv 文件 / only .xlsx and .csv files are supported (got ${format || 'no extension'})`, status: 400 });
  }
  if (!header) throw createError({ code: 'import.empty_file', message: '文件是空的 / the file is empty', status: 400 });
}

interface ParsedRow {
  row: number;
  buyer: string;
  supplier: string;
  part: string;
  node: string | null;
  amountWan: number | null;
  year: number;
  source: string | null;
}

/** Cells → typed values, every problem named by row and column. Organisations are resolved later. */
function parseRow(r: SheetRow): { parsed?: ParsedRow; issues: RowIssue[] } {
  const issues: RowIssue[] = [];
  const c = r.cells;
  const issue = (k: ColKey, reason: string) => issues.push({ row: r.row, field: label(k), reason });
  for (const k of ['buyer', 'supplier', 'part', 'year'] as const) if (!c[k]) issue(k, '不能为空 / required');
  const part = (c.part ?? '').replace(/\s+/g, ' ').trim();
  if (part.length > 200) issue('part', '最多 200 字 / at most 200 characters');
  let amountWan: number | null = null;
  if (c.amountWan) {
    const n = Number(c.amountWan.replace(/[,，\s]/g, ''));
    if (!Number.isFinite(n)) issue('amountWan', `“${c.amountWan}”不是数字 / not a number`);
    else if (n < 0) issue('amountWan', '不能为负 / cannot be negative');
    else if (n > 1e10) issue('amountWan', '数值过大 / too large');
    else amountWan = n;
  }
  let year = NaN;
  if (c.year) {
    const m = /^(\d{4})(?:\.0+)?\s*年?$/.exec(c.year.trim());
    year = m ? Number(m[1]) : NaN;
    if (!m) issue('year', `“${c.year}”不是年份（如 2024）/ not a year`);
    else if (year < MIN_YEAR || year > MAX_YEAR) issue('year', `年份应在 ${MIN_YEAR}–${MAX_YEAR} 之间 / year out of range`);
  }
  if (c.source && c.source.length > 500) issue('source', '最多 500 字 / at most 500 characters');
  if (issues.length) return { issues };
  return {
    parsed: { row: r.row, buyer: c.buyer!, supplier: c.supplier!, part, node: c.node ?? null, amountWan, year, source: c.source ?? null },
    issues,
  };
}

/**
 * Imports supply links from an .xlsx or .csv file, streaming, in one transaction.
 *
 * All-or-nothing by default: when any row is invalid (unknown organisation, unknown node, bad
 * year or amount, duplicate row, a buyer the caller may not write for) the transaction rolls
 * back, nothing is written, and every problem is reported by row, column and reason. With
 * `partial`, the valid rows are committed and the report lists exactly the skipped rows.
 * A row whose (采购方, 供应商, 零部件/产品, 年份) already exists updates that link's node, amount and
 * provenance. Every created or updated link gets an audit entry naming the file and row.
 */
export async function importSupplyLinks(
  deps: { db: Db },
  actor: Actor | null,
  src: SheetSource | string,
  opts: {
    partial?: boolean;
    dryRun?: boolean;
    batchSize?: number;
    expectedRows?: number;
    onProgress?: (phase: 'read' | 'write', done: number, total: number) => void;
  } = {},
): Promise<SupplyImportReport> {
  const a = requireActor(actor);
  const source: SheetSource = typeof src === 'string' ? { path: src } : src;
  const fileName = 'path' in source ? basename(source.path) : source.name;
  let fileSize = 0;
  if ('path' in source) {
    try {
      fileSize = statSync(source.path).size;
    } catch {
      throw createError({ code: 'import.file_not_found', message: `文件不存在 / file not found: ${source.path}`, status: 400 });
    }
  } else fileSize = source.buffer.length;
  const batch = `sup-${new Date().toISOString().slice(0, 10).replace(/-/g, '')}-${randomBytes(3).toString('hex')}`;
  const defaultSource = `import:${fileName}`;
  const size = opts.batchSize ?? 2000;
  const report: SupplyImportReport = { file: fileName, rows: 0, created: 0, updated: 0, skipped: 0, written: false, issues: [], batch };
  let bytes = 0;

  class Rollback extends Error {}
  try {
    await deps.db.transaction(async (tx) => {
      const repo = createSupplyRepository(tx);
      const orgs = createOrgResolver(tx);
      const nodes = await createNodeResolver(tx);
      const seen = new Map<string, number>();
      let pending: ParsedRow[] = [];

      const flush = async () => {
        if (!pending.length) return;
        const chunk = pending;
        pending = [];
        await orgs.resolveMany(chunk.flatMap((p) => [p.buyer, p.supplier]));
        const ready: SupplyLinkRow[] = [];
        for (const p of chunk) {
          const issues: RowIssue[] = [];
          const b = orgs.get(p.buyer);
          const s = orgs.get(p.supplier);
          const bp = orgProblem(p.buyer, b);
          const sp = orgProblem(p.supplier, s);
          if (bp) issues.push({ row: p.row, field: label('buyer'), reason: bp });
          if (sp) issues.push({ row: p.row, field: label('supplier'), reason: sp });
          const buyer = b && 'org' in b ? b.org : null;
          const supplier = s && 'org' in s ? s.org : null;
          if (buyer && supplier && buyer.id === supplier.id)
            issues.push({ row: p.row, field: label('supplier'), reason: '供应商不能是采购方自己 / the supplier cannot be the buyer' });
          let nodeId: number | null = null;
          if (p.node) {
            const n = nodes.resolve(p.node);
            if ('problem' in n) issues.push({ row: p.row, field: label('node'), reason: n.problem });
            else nodeId = n.node.id;
          }
          if (buyer) {
            try {
              assertSupplyWrite(a, buyer);
            } catch (e: any) {
              issues.push({ row: p.row, field: label('buyer'), reason: e.message });
            }
          }
          if (buyer && supplier) {
            const key = `${buyer.id}\u0000${supplier.id}\u0000${p.part}\u0000${p.year}`;
            const first = seen.get(key);
            if (first !== undefined)
              issues.push({ row: p.row, field: label('part'), reason: `与第 ${first} 行重复（同一采购方、供应商、零部件和年份）/ same link as row ${first}` });
            else if (!issues.length) seen.set(key, p.row);
          }
          if (issues.length) {
            report.issues.push(...issues);
            continue;
          }
          ready.push({
            buyerOrgId: buyer!.id,
            supplierOrgId: supplier!.id,
            part: p.part,
            nodeId,
            amountWan: p.amountWan,
            year: p.year,
            source: p.source ?? defaultSource,
            sourceRef: `${batch}#${p.row}`,
          });
        }
        if (!ready.length) return;
        if (opts.dryRun) {
          const existing = await repo.countExisting(ready);
          report.updated += existing;
          report.created += ready.length - existing;
          return;
        }
        const written = await repo.upsertMany(ready);
        for (const w of written) w.inserted ? report.created++ : report.updated++;
        await writeImportAudit(tx, a, fileName, written);
        opts.onProgress?.('write', report.created + report.updated, opts.expectedRows ?? 0);
      };

      for await (const r of readSupplySheet(source, (n) => (bytes += n))) {
        report.rows++;
        const p = parseRow(r);
        if (p.issues.length) report.issues.push(...p.issues);
        if (p.parsed) pending.push(p.parsed);
        if (pending.length >= size) {
          await flush();
          if (fileSize) opts.onProgress?.('read', Math.min(bytes, fileSize), fileSize);
        }
      }
      await flush();
      if (fileSize) opts.onProgress?.('read', fileSize, fileSize);
      report.issues.sort((x, y) => x.row - y.row);
      report.skipped = new Set(report.issues.map((i) => i.row)).size;
      if (opts.dryRun || (report.issues.length && !opts.partial)) throw new Rollback();
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

async function writeImportAudit(tx: Queryable, actor: Actor, fileName: string, written: Array<{ id: number; inserted: boolean }>) {
  if (!written.length) return;
  const actorName = actor.displayName === actor.username ? actor.username : `${actor.displayName} (${actor.username})`;
  await tx.query(
    `insert into audit_log (actor_id, actor_name, action, entity_type, entity_id, region, summary, after)
     select $1, $2, 'import', 'supply_link', l.id::text, l.buyer_region,
            case when u.inserted then '批量导入创建 ' else '批量导入更新 ' end || $3 || '（第 ' || split_part(l.source_ref, '#', 2) || ' 行）',
            jsonb_build_object('buyerOrgId', l.buyer_org_id, 'supplierOrgId', l.supplier_org_id, 'part', l.part, 'nodeId', l.node_id,
                               'amountWan', l.amount_wan, 'year', l.year, 'source', l.source, 'sourceRef', l.source_ref)
       from unnest($4::bigint[], $5::boolean[]) as u(id, inserted) join supply_links l on l.id = u.id`,
    [actor.userId || null, actorName, fileName, written.map((w) => w.id), written.map((w) => w.inserted)],
  );
}
