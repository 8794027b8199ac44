import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb } from '../helpers/db.ts';
import { systemActor, type Actor } from '../../src/modules/accounts/actor.ts';
import { importChainDefinition } from '../../src/modules/chains/chains.usecases.ts';
import { exportChainWorkbook, importChainWorkbook } from '../../src/modules/chains/chains.io.ts';
import type { Db } from '../../src/db/db.ts';

let db: Db;
let cleanup: () => Promise<void>;
const admin = systemActor('test');
const heOfficial: Actor = { userId: 0, username: 'he', displayName: 'he', role: 'official', region: 'HE', organizationId: null };
let chainId: number;

beforeAll(async () => {
  ({ db, cleanup } = await createTestDb());
  const c = await db.transaction((tx) =>
    importChainDefinition(tx, admin, {
      code: 'h2-x',
      name: '氢能',
      nameEn: 'Hydrogen',
      scope: 'joint',
      leadRegion: 'TJ',
      description: '测试链',
      source: 'test fixture',
      segments: [
        { name: '上游·材料', nameEn: 'Materials', stage: 'upstream', nodes: [{ name: '质子交换膜', nameEn: 'PEM', keywords: ['质子交换膜', '全氟磺酸膜'], description: '膜' }, { name: '催化剂', keywords: ['铂催化剂'] }] },
        { name: '中游·部件', stage: 'midstream', nodes: [{ name: '膜电极', keywords: ['膜电极', 'MEA'] }, { name: '电堆', parent: '膜电极', keywords: ['电堆'] }] },
        { name: '下游·应用', stage: 'downstream', nodes: [{ name: '燃料电池汽车', keywords: ['氢燃料电池汽车'] }] },
      ],
      edges: [
        ['质子交换膜', '膜电极'],
        ['催化剂', '膜电极'],
        ['膜电极', '电堆'],
        ['电堆', '燃料电池汽车'],
      ],
    }),
  );
  chainId = c.id;
});
afterAll(async () => cleanup?.());

async function rowsOf(buf: Buffer) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf as any);
  const dump = (name: string) => {
    const out: unknown[][] = [];
    wb.getWorksheet(name)!.eachRow((r) => out.push((r.values as unknown[]).slice(1)));
    return out;
  };
  return { nodes: dump('节点'), chain: dump('产业链'), wb };
}

describe('chain map ⇄ xlsx', () => {
  it('exports one row per node with segment, parent, upstream nodes and keywords', async () => {
    const { nodes } = await rowsOf(await exportChainWorkbook(db, chainId));
    expect(nodes[0]).toEqual(['节点编号', '环节', '环节英文名', '阶段', '节点', '节点英文名', '上级节点', '上游节点', '关键词', '说明']);
    const mea = nodes.find((r) => r[4] === '膜电极')!;
    expect(mea[7]).toBe('质子交换膜、催化剂');
    const stack = nodes.find((r) => r[4] === '电堆')!;
    expect(stack[6]).toBe('膜电极');
    expect(nodes).toHaveLength(6);
  });

  it('round-trips exactly: export → import → export gives the same sheet', async () => {
    const first = await exportChainWorkbook(db, chainId);
    const report = await importChainWorkbook({ db }, admin, first);
    expect(report.created).toBe(false);
    expect(report.nodes).toMatchObject({ added: 0, updated: 0, removed: 0 });
    expect(report.edges).toEqual({ added: 0, removed: 0 });
    const second = await exportChainWorkbook(db, chainId);
    const a = await rowsOf(first);
    const b = await rowsOf(second);
    expect(b.nodes).toEqual(a.nodes);
    expect(b.chain).toEqual(a.chain);
  });

  it('applies a bureau’s edits: rename keeps the node id, new rows become nodes, removed rows go', async () => {
    const { wb } = await rowsOf(await exportChainWorkbook(db, chainId));
    const ws = wb.getWorksheet('节点')!;
    let meaId = 0;
    ws.eachRow((r, n) => {
      if (n > 1 && r.getCell(5).value === '膜电极') {
        meaId = Number(r.getCell(1).value);
        r.getCell(5).value = '膜电极组件';
        r.getCell(8).value = '质子交换膜';
      }
      if (n > 1 && r.getCell(5).value === '电堆') {
        r.getCell(7).value = '膜电极组件';
        r.getCell(8).value = '膜电极组件';
      }
    });
    // remove 催化剂 (its row is emptied) and add 双极板
    ws.eachRow((r, n) => {
      if (n > 1 && r.getCell(5).value === '催化剂') for (let c = 1; c <= 10; c++) r.getCell(c).value = null;
    });
    ws.addRow(['', '中游·部件', '', '中游', '双极板', 'Bipolar plate', '', '', '石墨双极板、金属双极板', '']);
    ws.eachRow((r, n) => {
      if (n > 1 && r.getCell(5).value === '电堆') r.getCell(8).value = '膜电极组件、双极板';
    });
    const report = await importChainWorkbook({ db }, admin, Buffer.from(await wb.xlsx.writeBuffer()));
    expect(report.nodes.added).toBe(1);
    expect(report.nodes.removed).toBe(1);
    const nodes = await db.query(`select id, name from chain_nodes where chain_id = $1 order by id`, [chainId]);
    expect(nodes.find((n: any) => n.name === '膜电极组件')!.id).toBe(meaId);
    expect(nodes.map((n: any) => n.name)).not.toContain('催化剂');
    const edges = await db.query(
      `select f.name as f, t.name as t from chain_edges e join chain_nodes f on f.id = e.from_node_id join chain_nodes t on t.id = e.to_node_id where e.chain_id = $1`,
      [chainId],
    );
    expect(edges.map((e: any) => `${e.f}>${e.t}`).sort()).toEqual([
      '双极板>电堆',
      '膜电极组件>电堆',
      '电堆>燃料电池汽车',
      '质子交换膜>膜电极组件',
    ].sort());
  });

  it('refuses a sheet whose upstream links close a cycle, naming the nodes, and writes nothing', async () => {
    const before = await exportChainWorkbook(db, chainId);
    const { wb } = await rowsOf(before);
    wb.getWorksheet('节点')!.eachRow((r, n) => {
      if (n > 1 && r.getCell(5).value === '质子交换膜') r.getCell(8).value = '燃料电池汽车';
    });
    const err = await importChainWorkbook({ db }, admin, Buffer.from(await wb.xlsx.writeBuffer())).catch((e) => e);
    expect(err.code).toBe('chains.cycle_detected');
    for (const n of ['质子交换膜', '膜电极组件', '电堆', '燃料电池汽车']) expect(err.message).toContain(n);
    expect((await rowsOf(await exportChainWorkbook(db, chainId))).nodes).toEqual((await rowsOf(before)).nodes);
  });

  it('names the row and column of bad cells', async () => {
    const { wb } = await rowsOf(await exportChainWorkbook(db, chainId));
    wb.getWorksheet('节点')!.addRow(['', '中游·部件', '', '旁游', '新节点', '', '不存在的上级', '', '', '']);
    const err = await importChainWorkbook({ db }, admin, Buffer.from(await wb.xlsx.writeBuffer())).catch((e) => e);
    expect(err.code).toBe('chains.invalid_sheet');
    const issues = err.details.issues.map((i: any) => [i.field, i.reason.slice(0, 6)]);
    expect(issues).toEqual(expect.arrayContaining([['阶段', expect.any(String)], ['上级节点', expect.any(String)]]));
    expect(err.details.issues.every((i: any) => i.row === 7)).toBe(true);
  });

  it('a Hebei official cannot overwrite a Tianjin-led chain by import', async () => {
    const err = await importChainWorkbook({ db }, heOfficial, await exportChainWorkbook(db, chainId)).catch((e) => e);
    expect(err.code).toBe('auth.wrong_region');
  });
});
