import ExcelJS from 'exceljs';
import type { Db, Queryable } from '../../db/db.ts';
import { createError } from '../../errors.ts';
import { addWords } from '../../lib/text.ts';
import { assertRegionWrite, requireActor, type Actor } from '../accounts/actor.ts';
import { REGION_NAMES, type Region } from '../accounts/accounts.schemas.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import { findCycle } from './dag.ts';
import { createChainsRepository } from './chains.repository.ts';
import { chainCodeSchema, CHAIN_SCOPES, STAGE_NAMES, type Stage } from './chains.schemas.ts';
import { cycleError } from './chains.usecases.ts';

/**
 * A chain map as a workbook a bureau can edit: sheet 1 "节点" has one row per node (segment, node,
 * parent, upstream nodes, keywords…), sheet 2 "产业链" the chain's own fields. Export → import →
 * export gives the same workbook. The 节点编号 column keeps node ids so that renaming a node in the
 * sheet keeps its attachments; new rows leave it empty.
 */
export const NODE_COLUMNS = [
  { key: 'id', header: '节点编号', width: 10 },
  { key: 'segment', header: '环节', width: 18 },
  { key: 'segmentEn', header: '环节英文名', width: 22 },
  { key: 'stage', header: '阶段', width: 8 },
  { key: 'name', header: '节点', width: 20 },
  { key: 'nameEn', header: '节点英文名', width: 26 },
  { key: 'parent', header: '上级节点', width: 16 },
  { key: 'upstream', header: '上游节点', width: 30 },
  { key: 'keywords', header: '关键词', width: 40 },
  { key: 'description', header: '说明', width: 40 },
] as const;
type NodeCol = (typeof NODE_COLUMNS)[number]['key'];

const CHAIN_FIELDS = [
  { key: 'code', label: '代码' },
  { key: 'name', label: '名称' },
  { key: 'nameEn', label: '英文名' },
  { key: 'scope', label: '范围' },
  { key: 'leadRegion', label: '牵头地区' },
  { key: 'description', label: '简介' },
  { key: 'source', label: '来源' },
] as const;

const STAGE_BY_LABEL: Record<string, Stage> = { 上游: 'upstream', 中游: 'midstream', 下游: 'downstream', upstream: 'upstream', midstream: 'midstream', downstream: 'downstream' };
const REGION_BY_LABEL: Record<string, Region> = { BJ: 'BJ', TJ: 'TJ', HE: 'HE', 北京: 'BJ', 天津: 'TJ', 河北: 'HE' };
const SEP = '、';
const splitList = (s: string) =>
  s
    .split(/[、;；,，|\n]/)
    .map((x) => x.trim())
    .filter(Boolean);

export interface ChainSheet {
  chain: { code: string; name: string; nameEn: string | null; scope: string; leadRegion: Region | null; description: string | null; source: string };
  rows: Array<{
    row: number;
    id: number | null;
    segment: string;
    segmentEn: string | null;
    stage: Stage;
    name: string;
    nameEn: string | null;
    parent: string | null;
    upstream: string[];
    keywords: string[];
    description: string | null;
  }>;
}

// ------------------------------------------------------------------ export

export async function exportChainWorkbook(db: Queryable, chainId: number): Promise<Buffer> {
  const repo = createChainsRepository(db);
  const chain = await repo.getChain(chainId);
  if (!chain) throw createError({ code: 'chains.not_found', message: `产业链 ${chainId} 不存在`, status: 404 });
  const [segments, nodes, edges] = await Promise.all([repo.segments(chainId), repo.nodes(chainId), repo.edges(chainId)]);
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const wb = new ExcelJS.Workbook();
  wb.creator = 'ChainAtlas 链图';
  wb.created = new Date(0); // fixed, so that the same map exports the same bytes of content
  const ws = wb.addWorksheet('节点');
  ws.columns = NODE_COLUMNS.map((c) => ({ header: c.header, key: c.key, width: c.width }));
  ws.getRow(1).font = { bold: true };
  ws.views = [{ state: 'frozen', ySplit: 1 }];
  for (const s of segments) {
    for (const n of nodes.filter((x) => x.segmentId === s.id)) {
      const ups = edges.filter(([, t]) => t === n.id).map(([f]) => byId.get(f)!.name);
      ws.addRow({
        id: n.id,
        segment: s.name,
        segmentEn: s.nameEn ?? '',
        stage: STAGE_NAMES[s.stage].zh,
        name: n.name,
        nameEn: n.nameEn ?? '',
        parent: n.parentId ? byId.get(n.parentId)?.name ?? '' : '',
        upstream: ups.join(SEP),
        keywords: n.keywords.join(SEP),
        description: n.description ?? '',
      } satisfies Record<NodeCol, unknown>);
    }
  }
  const info = wb.addWorksheet('产业链');
  info.columns = [
    { header: '字段', key: 'label', width: 12 },
    { header: '值', key: 'value', width: 80 },
  ];
  info.getRow(1).font = { bold: true };
  const values: Record<string, string> = {
    code: chain.code,
    name: chain.name,
    nameEn: chain.nameEn ?? '',
    scope: chain.scope,
    leadRegion: chain.leadRegion ?? '',
    description: chain.description ?? '',
    source: chain.source,
  };
  for (const f of CHAIN_FIELDS) info.addRow({ label: f.label, value: values[f.key] });
  return Buffer.from(await wb.xlsx.writeBuffer());
}

// ------------------------------------------------------------------ parse

function text(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') {
    if ('richText' in v) return v.richText.map((r) => r.text).join('');
    if ('text' in v) return String((v as any).text);
    if ('result' in v) return String((v as any).result ?? '');
    return '';
  }
  return String(v).trim();
}

export interface SheetIssue {
  sheet: string;
  row: number;
  field: string;
  reason: string;
}

function sheetError(issues: SheetIssue[]) {
  return createError({
    code: 'chains.invalid_sheet',
    message: issues.map((i) => `${i.sheet} 第 ${i.row} 行「${i.field}」：${i.reason}`).join('；'),
    status: 400,
    details: { issues },
    fields: Object.fromEntries(issues.map((i) => [`${i.sheet}!${i.row}:${i.field}`, i.reason])),
  });
}

export async function parseChainWorkbook(buf: Buffer | ArrayBuffer): Promise<ChainSheet> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(buf as any);
  } catch {
    throw createError({ code: 'chains.invalid_sheet', message: '不是有效的 xlsx 文件 / not a valid .xlsx file', status: 400 });
  }
  const issues: SheetIssue[] = [];
  const ws = wb.getWorksheet('节点') ?? wb.worksheets[0];
  const info = wb.getWorksheet('产业链');
  if (!ws) throw createError({ code: 'chains.invalid_sheet', message: '缺少“节点”工作表 / missing sheet 节点', status: 400 });
  const chainVals: Record<string, string> = {};
  if (info) {
    info.eachRow((row, n) => {
      if (n === 1) return;
      const label = text(row.getCell(1).value);
      const f = CHAIN_FIELDS.find((x) => x.label === label || x.key === label);
      if (f) chainVals[f.key] = text(row.getCell(2).value);
    });
  } else issues.push({ sheet: '产业链', row: 0, field: '工作表', reason: '缺少“产业链”工作表 / missing sheet' });
  const code = chainCodeSchema.safeParse(chainVals.code ?? '');
  if (!code.success) issues.push({ sheet: '产业链', row: 2, field: '代码', reason: code.error.issues[0].message });
  if (!chainVals.name) issues.push({ sheet: '产业链', row: 3, field: '名称', reason: '不能为空 / required' });
  const scope = chainVals.scope || 'other';
  if (!(CHAIN_SCOPES as readonly string[]).includes(scope)) issues.push({ sheet: '产业链', row: 5, field: '范围', reason: `应为 ${CHAIN_SCOPES.join('/')}` });
  const lead = chainVals.leadRegion ? REGION_BY_LABEL[chainVals.leadRegion] : null;
  if (chainVals.leadRegion && !lead) issues.push({ sheet: '产业链', row: 6, field: '牵头地区', reason: '应为 BJ/TJ/HE（北京/天津/河北）' });

  const header = (ws.getRow(1).values as ExcelJS.CellValue[]).slice(1).map(text);
  const colIndex = new Map<NodeCol, number>();
  for (const c of NODE_COLUMNS) {
    const i = header.indexOf(c.header);
    if (i >= 0) colIndex.set(c.key, i + 1);
  }
  for (const required of ['segment', 'stage', 'name'] as const)
    if (!colIndex.has(required)) issues.push({ sheet: '节点', row: 1, field: NODE_COLUMNS.find((c) => c.key === required)!.header, reason: '缺少此列 / missing column' });
  if (issues.length) throw sheetError(issues);

  const rows: ChainSheet['rows'] = [];
  const names = new Map<string, number>();
  const ids = new Map<number, number>();
  const get = (row: ExcelJS.Row, k: NodeCol) => (colIndex.has(k) ? text(row.getCell(colIndex.get(k)!).value) : '');
  ws.eachRow((row, n) => {
    if (n === 1) return;
    const name = get(row, 'name');
    const segment = get(row, 'segment');
    if (!name && !segment && !get(row, 'keywords')) return;
    const hdr = (k: NodeCol) => NODE_COLUMNS.find((c) => c.key === k)!.header;
    if (!name) issues.push({ sheet: '节点', row: n, field: hdr('name'), reason: '不能为空 / required' });
    if (!segment) issues.push({ sheet: '节点', row: n, field: hdr('segment'), reason: '不能为空 / required' });
    const stage = STAGE_BY_LABEL[get(row, 'stage')];
    if (!stage) issues.push({ sheet: '节点', row: n, field: hdr('stage'), reason: `“${get(row, 'stage')}”应为 上游/中游/下游` });
    const idText = get(row, 'id');
    let id: number | null = null;
    if (idText) {
      id = Number(idText);
      if (!Number.isInteger(id) || id <= 0) {
        issues.push({ sheet: '节点', row: n, field: hdr('id'), reason: `“${idText}”不是节点编号` });
        id = null;
      } else if (ids.has(id)) issues.push({ sheet: '节点', row: n, field: hdr('id'), reason: `与第 ${ids.get(id)} 行重复` });
      else ids.set(id, n);
    }
    if (name && names.has(name)) issues.push({ sheet: '节点', row: n, field: hdr('name'), reason: `“${name}”与第 ${names.get(name)} 行重名` });
    if (name) names.set(name, n);
    rows.push({
      row: n,
      id,
      segment,
      segmentEn: get(row, 'segmentEn') || null,
      stage: stage ?? 'midstream',
      name,
      nameEn: get(row, 'nameEn') || null,
      parent: get(row, 'parent') || null,
      upstream: splitList(get(row, 'upstream')),
      keywords: splitList(get(row, 'keywords')),
      description: get(row, 'description') || null,
    });
  });
  // one stage per segment
  const segStage = new Map<string, { stage: Stage; row: number }>();
  for (const r of rows) {
    const s = segStage.get(r.segment);
    if (s && s.stage !== r.stage) issues.push({ sheet: '节点', row: r.row, field: '阶段', reason: `环节“${r.segment}”在第 ${s.row} 行是${STAGE_NAMES[s.stage].zh}` });
    else if (!s) segStage.set(r.segment, { stage: r.stage, row: r.row });
  }
  for (const r of rows) {
    if (r.parent && !names.has(r.parent)) issues.push({ sheet: '节点', row: r.row, field: '上级节点', reason: `没有名为“${r.parent}”的节点` });
    if (r.parent === r.name) issues.push({ sheet: '节点', row: r.row, field: '上级节点', reason: '不能是自身' });
    for (const u of r.upstream) if (!names.has(u)) issues.push({ sheet: '节点', row: r.row, field: '上游节点', reason: `没有名为“${u}”的节点` });
  }
  if (!rows.length) issues.push({ sheet: '节点', row: 2, field: '节点', reason: '没有节点 / no nodes' });
  if (issues.length) throw sheetError(issues);
  return {
    chain: {
      code: code.data!,
      name: chainVals.name,
      nameEn: chainVals.nameEn || null,
      scope,
      leadRegion: lead,
      description: chainVals.description || null,
      source: chainVals.source || 'xlsx',
    },
    rows,
  };
}

// ------------------------------------------------------------------ import

export interface ChainImportReport {
  chainId: number;
  code: string;
  created: boolean;
  nodes: { added: number; updated: number; removed: number; removedWithAttachments: Array<{ name: string; attachments: number }> };
  edges: { added: number; removed: number };
  segments: { added: number; updated: number; removed: number };
}

/**
 * Creates the chain of the workbook, or brings an existing chain (same code) to exactly what the
 * workbook says: nodes matched by 节点编号 (else by name) keep their id and attachments; nodes
 * missing from the sheet are removed (with their attachments, reported). The whole graph must be a
 * DAG; any problem is reported by sheet, row and column and nothing is written.
 */
export async function importChainWorkbook(deps: { db: Db }, actor: Actor | null, buf: Buffer | ArrayBuffer, opts: { dryRun?: boolean } = {}): Promise<ChainImportReport> {
  const a = requireActor(actor);
  const sheet = await parseChainWorkbook(buf);
  const cycle = findCycle(
    sheet.rows.map((r) => r.name),
    sheet.rows.flatMap((r) => r.upstream.map((u) => [u, r.name] as [string, string])),
  );
  if (cycle) throw cycleError(cycle.map((name) => ({ id: 0, name })));

  const run = async (tx: Queryable): Promise<ChainImportReport> => {
    const repo = createChainsRepository(tx);
    let chain = await repo.getChain(sheet.chain.code, { forUpdate: true });
    const created = !chain;
    if (chain) {
      assertRegionWrite(a, chain.ownerRegion, '产业链图谱');
      if (sheet.chain.leadRegion !== chain.ownerRegion) assertRegionWrite(a, sheet.chain.leadRegion, '产业链图谱');
      chain = await repo.updateChain(chain.id, { ...sheet.chain, ownerRegion: sheet.chain.leadRegion });
    } else {
      assertRegionWrite(a, sheet.chain.leadRegion, '产业链图谱');
      chain = await repo.insertChain({ ...sheet.chain, ownerRegion: sheet.chain.leadRegion });
    }
    const chainId = chain.id;
    const report: ChainImportReport = {
      chainId,
      code: chain.code,
      created,
      nodes: { added: 0, updated: 0, removed: 0, removedWithAttachments: [] },
      edges: { added: 0, removed: 0 },
      segments: { added: 0, updated: 0, removed: 0 },
    };
    // segments, in order of first appearance
    const existingSegs = await repo.segments(chainId);
    const segOrder: string[] = [];
    for (const r of sheet.rows) if (!segOrder.includes(r.segment)) segOrder.push(r.segment);
    const segId = new Map<string, number>();
    // move existing segments out of the way of unique names/positions first
    for (const [i, name] of segOrder.entries()) {
      const first = sheet.rows.find((r) => r.segment === name)!;
      const cur = existingSegs.find((s) => s.name === name);
      if (cur) {
        if (cur.stage !== first.stage || cur.position !== i || (cur.nameEn ?? null) !== first.segmentEn) {
          await repo.updateSegment(cur.id, { name, nameEn: first.segmentEn, stage: first.stage, position: i });
          report.segments.updated++;
        }
        segId.set(name, cur.id);
      } else {
        const s = await repo.insertSegment({ chainId, name, nameEn: first.segmentEn, stage: first.stage, position: i });
        segId.set(name, s.id);
        report.segments.added++;
      }
    }
    // nodes
    const existing = await repo.nodes(chainId);
    const byId = new Map(existing.map((n) => [n.id, n]));
    const byName = new Map(existing.map((n) => [n.name, n]));
    const keep = new Map<string, number>(); // sheet name → node id
    const matched = new Set<number>();
    for (const r of sheet.rows) {
      const cur = (r.id && byId.get(r.id)) || (!r.id ? byName.get(r.name) : undefined);
      if (r.id && !byId.has(r.id))
        throw sheetError([{ sheet: '节点', row: r.row, field: '节点编号', reason: `本链没有编号为 ${r.id} 的节点（新节点请留空）` }]);
      if (cur && !matched.has(cur.id)) {
        matched.add(cur.id);
        keep.set(r.name, cur.id);
      }
    }
    const removed = existing.filter((n) => !matched.has(n.id));
    for (const n of removed) {
      const att = (await tx.query<{ n: number }>(`select count(*)::int as n from org_node_links where node_id = $1 and status <> 'rejected'`, [n.id]))[0].n;
      if (att) report.nodes.removedWithAttachments.push({ name: n.name, attachments: att });
      await repo.deleteNode(n.id);
      report.nodes.removed++;
    }
    // temporary names avoid unique clashes while names move between nodes
    for (const [, id] of keep) await tx.query(`update chain_nodes set name = '__tmp__' || id where id = $1`, [id]);
    const posInSeg = new Map<string, number>();
    for (const r of sheet.rows) {
      const position = posInSeg.get(r.segment) ?? 0;
      posInSeg.set(r.segment, position + 1);
      const data = {
        segmentId: segId.get(r.segment)!,
        parentId: null,
        name: r.name,
        nameEn: r.nameEn,
        keywords: [...new Set(r.keywords)],
        description: r.description,
        position,
      };
      const id = keep.get(r.name);
      if (id) {
        const before = byId.get(id)!;
        await repo.updateNode(id, data);
        const changed =
          before.name !== data.name ||
          before.segmentId !== data.segmentId ||
          (before.nameEn ?? null) !== data.nameEn ||
          JSON.stringify(before.keywords) !== JSON.stringify(data.keywords) ||
          (before.description ?? null) !== data.description ||
          before.position !== data.position;
        if (changed) report.nodes.updated++;
      } else {
        const n = await repo.insertNode({ chainId, ...data });
        keep.set(r.name, n.id);
        report.nodes.added++;
      }
    }
    for (const r of sheet.rows) {
      const parentId = r.parent ? keep.get(r.parent)! : null;
      await tx.query(`update chain_nodes set parent_id = $2 where id = $1 and parent_id is distinct from $2`, [keep.get(r.name), parentId]);
    }
    // edges: exactly the sheet's
    const want = new Set(sheet.rows.flatMap((r) => r.upstream.map((u) => `${keep.get(u)}>${keep.get(r.name)}`)));
    const have = await repo.edges(chainId);
    for (const [f, t] of have)
      if (!want.has(`${f}>${t}`)) {
        await repo.deleteEdge(f, t);
        report.edges.removed++;
      }
    const haveSet = new Set(have.map(([f, t]) => `${f}>${t}`));
    for (const k of want)
      if (!haveSet.has(k)) {
        const [f, t] = k.split('>').map(Number);
        await repo.insertEdge(chainId, f, t);
        report.edges.added++;
      }
    for (const s of existingSegs)
      if (!segOrder.includes(s.name)) {
        await repo.deleteSegment(s.id);
        report.segments.removed++;
      }
    await repo.touchChain(chainId);
    await recordAudit(tx, a, {
      action: created ? 'create' : 'import',
      entityType: 'chain',
      entityId: chainId,
      region: chain.ownerRegion,
      summary: `${created ? '导入新建' : '导入更新'}产业链图谱 ${chain.name}：节点 +${report.nodes.added} ~${report.nodes.updated} -${report.nodes.removed}，供应关系 +${report.edges.added} -${report.edges.removed}`,
      after: report,
    });
    return report;
  };

  if (opts.dryRun) {
    let report: ChainImportReport | null = null;
    class DryRun extends Error {}
    try {
      await deps.db.transaction(async (tx) => {
        report = await run(tx);
        throw new DryRun();
      });
    } catch (e) {
      if (!(e instanceof DryRun)) throw e;
    }
    return report!;
  }
  const report = await deps.db.transaction(run);
  addWords(sheet.rows.flatMap((r) => [r.name, ...r.keywords]));
  return report;
}

export function regionLabel(r: Region | null) {
  return r ? REGION_NAMES[r].zh : '';
}
