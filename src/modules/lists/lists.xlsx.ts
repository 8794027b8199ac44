import ExcelJS from 'exceljs';
import type { Db } from '../../db/db.ts';
import { REGION_NAMES, type Region } from '../accounts/accounts.schemas.ts';
import { requireActor, type Actor } from '../accounts/actor.ts';
import { createChainsRepository } from '../chains/chains.repository.ts';
import { createListsRepository, type EntryOrgRow, type EntryRow } from './lists.repository.ts';
import { ENTRY_STATUS_NAMES, LIST_KIND_NAMES, LIST_KINDS, type EntryOrgRole, type ListKind } from './lists.schemas.ts';

interface Column {
  header: string;
  width: number;
  value: (e: EntryRow, orgs: EntryOrgRow[], i: number) => string | number;
}

const region = (r: Region | null) => (r ? REGION_NAMES[r].zh : '');
const orgNames = (orgs: EntryOrgRow[], role: EntryOrgRole) =>
  orgs
    .filter((o) => o.role === role)
    .map((o) => `${o.name}${o.region ? `（${REGION_NAMES[o.region].zh}）` : ''}${o.note ? `：${o.note}` : ''}`)
    .join('\n');
const source = (e: EntryRow) =>
  e.origin === 'proposed' ? `诊断建议${e.proposalStale ? '（条件已不成立）' : ''}：${e.proposalReason ?? ''}` : '人工录入';
const date = (iso: string) => iso.slice(0, 10);

const common = {
  no: { header: '序号', width: 6, value: (_e, _o, i) => i + 1 } as Column,
  segment: { header: '环节', width: 12, value: (e) => e.segmentName ?? '' } as Column,
  node: { header: '节点', width: 16, value: (e) => e.nodeName ?? '（节点已删除）' } as Column,
  description: { header: '说明', width: 36, value: (e) => e.description ?? '' } as Column,
  leadRegion: { header: '牵头地区', width: 10, value: (e) => region(e.leadRegion) } as Column,
  department: { header: '牵头部门', width: 16, value: (e) => e.department ?? '' } as Column,
  owner: { header: '责任人', width: 10, value: (e) => e.ownerName ?? '' } as Column,
  status: { header: '状态', width: 10, value: (e) => ENTRY_STATUS_NAMES[e.status].zh } as Column,
  due: { header: '完成时限', width: 12, value: (e) => e.dueOn ?? '' } as Column,
  source: { header: '来源与依据', width: 40, value: (e) => source(e) } as Column,
  region: { header: '归属地区', width: 10, value: (e) => region(e.region) } as Column,
  updated: { header: '更新日期', width: 12, value: (e) => date(e.updatedAt) } as Column,
};

const COLUMNS: Record<ListKind, Column[]> = {
  kadian: [
    common.no,
    common.segment,
    common.node,
    { header: '卡点（攻关方向）', width: 26, value: (e) => e.title },
    common.description,
    common.leadRegion,
    common.department,
    common.owner,
    common.status,
    common.due,
    { header: '攻关团队成员', width: 26, value: (_e, o) => orgNames(o, 'team_member') },
    { header: '揭榜挂帅申报单位', width: 26, value: (_e, o) => orgNames(o, 'applicant') },
    common.source,
    common.region,
    common.updated,
  ],
  duandian: [
    common.no,
    common.segment,
    common.node,
    { header: '堵点（缺失或薄弱环节）', width: 26, value: (e) => e.title },
    common.description,
    common.leadRegion,
    common.department,
    common.owner,
    common.status,
    common.due,
    { header: '招商目标企业', width: 30, value: (_e, o) => orgNames(o, 'target') },
    common.source,
    common.region,
    common.updated,
  ],
  key_enterprise: [
    common.no,
    common.segment,
    common.node,
    { header: '企业名称', width: 28, value: (e, o) => orgNames(o, 'subject').replace(/（[^）]*）/g, '') || e.title },
    { header: '所在地区', width: 10, value: (e, o) => region(o.find((x) => x.role === 'subject')?.region ?? null) || region(e.region) },
    { header: '事项', width: 24, value: (e) => e.title },
    common.description,
    common.leadRegion,
    common.department,
    common.owner,
    common.status,
    common.due,
    common.source,
    common.updated,
  ],
};

const thin = { style: 'thin' as const, color: { argb: 'FF808080' } };
const border = { top: thin, left: thin, bottom: thin, right: thin };
const FONT = '宋体';

/**
 * The three lists of a chain as a workbook a bureau prints: one sheet per list (卡点攻关清单,
 * 堵点招商清单, 重点企业清单), each with a title row (chain, list, date), a header row repeated on
 * every printed page, wrapped text, borders, A4 landscape fitted to the page width.
 * Dropped entries are left out unless includeDropped.
 */
export async function buildListsWorkbook(deps: { db: Db }, actor: Actor | null, chainId: number, opts: { includeDropped?: boolean; today?: Date } = {}) {
  requireActor(actor);
  const chain = (await createChainsRepository(deps.db).getChain(chainId))!;
  const repo = createListsRepository(deps.db);
  const entries = await repo.list(chainId, { excludeStatus: opts.includeDropped ? [] : ['dropped'] });
  const orgs = await repo.orgsOf(entries.map((e) => e.id));
  const orgsBy = new Map<number, EntryOrgRow[]>();
  for (const o of orgs) (orgsBy.get(o.entryId) ?? orgsBy.set(o.entryId, []).get(o.entryId)!).push(o);
  const today = (opts.today ?? new Date()).toISOString().slice(0, 10);

  const wb = new ExcelJS.Workbook();
  wb.creator = 'ChainAtlas 链图';
  wb.created = opts.today ?? new Date();
  for (const kind of LIST_KINDS) {
    const cols = COLUMNS[kind];
    const rows = entries.filter((e) => e.kind === kind);
    const ws = wb.addWorksheet(LIST_KIND_NAMES[kind].sheet, {
      views: [{ state: 'frozen', ySplit: 3 }],
      pageSetup: {
        paperSize: 9 as ExcelJS.PaperSize, // A4
        orientation: 'landscape',
        fitToPage: true,
        fitToWidth: 1,
        fitToHeight: 0,
        horizontalCentered: true,
        printTitlesRow: '1:3',
        margins: { left: 0.4, right: 0.4, top: 0.5, bottom: 0.6, header: 0.3, footer: 0.3 },
      },
      headerFooter: { oddFooter: `&C${chain.name} ${LIST_KIND_NAMES[kind].sheet}　第 &P 页，共 &N 页` },
    });
    ws.columns = cols.map((c) => ({ width: c.width }));
    const last = cols.length;

    ws.mergeCells(1, 1, 1, last);
    const title = ws.getCell(1, 1);
    title.value = `${chain.name}产业链${LIST_KIND_NAMES[kind].sheet}`;
    title.font = { name: FONT, size: 16, bold: true };
    title.alignment = { horizontal: 'center', vertical: 'middle' };
    ws.getRow(1).height = 30;

    ws.mergeCells(2, 1, 2, last);
    const sub = ws.getCell(2, 1);
    const statusNote = opts.includeDropped ? '含已放弃条目' : '不含已放弃条目';
    sub.value = `牵头地区：${region(chain.leadRegion) || '—'}　　导出日期：${today}　　共 ${rows.length} 条（${statusNote}）　　来源：ChainAtlas 链图`;
    sub.font = { name: FONT, size: 10 };
    sub.alignment = { horizontal: 'right', vertical: 'middle' };

    const header = ws.getRow(3);
    cols.forEach((c, i) => {
      const cell = header.getCell(i + 1);
      cell.value = c.header;
      cell.font = { name: FONT, size: 11, bold: true };
      cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
      cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE7EDF5' } };
      cell.border = border;
    });
    header.height = 24;

    rows.forEach((e, i) => {
      const row = ws.getRow(4 + i);
      cols.forEach((c, j) => {
        const cell = row.getCell(j + 1);
        cell.value = c.value(e, orgsBy.get(e.id) ?? [], i);
        cell.font = { name: FONT, size: 10 };
        cell.alignment = { vertical: 'top', horizontal: j === 0 ? 'center' : 'left', wrapText: true };
        cell.border = border;
      });
    });
    if (!rows.length) {
      ws.mergeCells(4, 1, 4, last);
      const cell = ws.getCell(4, 1);
      cell.value = '（暂无条目）';
      cell.font = { name: FONT, size: 10, italic: true };
      cell.alignment = { horizontal: 'center' };
      cell.border = border;
    }
  }
  const buffer = Buffer.from(await wb.xlsx.writeBuffer());
  const filename = `${chain.name}-三张清单-${today.replace(/-/g, '')}.xlsx`;
  return { buffer, filename, asciiFilename: `${chain.code}-lists-${today.replace(/-/g, '')}.xlsx` };
}
