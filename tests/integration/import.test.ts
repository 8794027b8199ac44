import ExcelJS from 'exceljs';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb } from '../helpers/db.ts';
import { exportOrganizations, importOrganizations } from '../../src/modules/organizations/organizations.io.ts';
import { systemActor, type Actor } from '../../src/modules/accounts/actor.ts';
import type { Db } from '../../src/db/db.ts';

const dir = mkdtempSync(join(tmpdir(), 'ca-import-'));
let db: Db;
let cleanup: () => Promise<void>;
const admin = systemActor('test-admin');
const tjOfficial: Actor = { userId: 0, username: 'tj', displayName: 'tj', role: 'official', region: 'TJ', organizationId: null };

beforeAll(async () => {
  ({ db, cleanup } = await createTestDb());
});
afterAll(async () => cleanup?.());

async function xlsx(name: string, rows: unknown[][]) {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('机构');
  for (const r of rows) ws.addRow(r);
  const file = join(dir, name);
  await wb.xlsx.writeFile(file);
  return file;
}
const count = async () => (await db.query<{ n: number }>(`select count(*)::int as n from organizations`))[0].n;
const HEADER = ['名称', '类型', '统一社会信用代码', '行政区划代码', '行业代码', '主要产品'];

describe('importing organisations from xlsx / csv', () => {
  it('writes nothing when one row is invalid, and names each bad row and field', async () => {
    const file = await xlsx('bad.xlsx', [
      HEADER,
      ['天津好企业有限公司', '企业', '91440300708461136T', '120116', '3849', '膜电极、双极板'],
      ['天津坏代码有限公司', '企业', '91440300708461136A', '120116', '', ''],
      ['天津坏区划有限公司', '企业', '', '129999', '', ''],
      ['天津坏行业有限公司', '企业', '', '120101', '9998', ''],
      ['天津坏类型有限公司', '工厂', '', '120101', '', ''],
    ]);
    const before = await count();
    const r = await importOrganizations({ db }, admin, file);
    expect(r.written).toBe(false);
    expect(await count()).toBe(before);
    expect(r.issues.map((i) => [i.row, i.field])).toEqual([
      [3, '统一社会信用代码'],
      [4, '行政区划代码'],
      [5, '行业代码'],
      [6, '类型'],
    ]);
    expect(r.issues[0].reason).toContain('校验位');
    expect(r.issues[1].reason).toContain('129999');
    const audits = (await db.query<{ n: number }>(`select count(*)::int as n from audit_log`))[0].n;
    expect(audits).toBe(0);
  });

  it('with --partial keeps the valid rows and reports exactly the skipped ones', async () => {
    const file = await xlsx('partial.xlsx', [
      HEADER,
      ['天津部分导入甲有限公司', '企业', '', '120116', '', '伺服电机'],
      ['天津部分导入乙有限公司', '企业', '', '129999', '', ''],
    ]);
    const before = await count();
    const r = await importOrganizations({ db }, admin, file, { partial: true });
    expect(r.written).toBe(true);
    expect(r.created).toBe(1);
    expect(r.skipped).toBe(1);
    expect(r.issues).toHaveLength(1);
    expect(r.issues[0].row).toBe(3);
    expect(await count()).toBe(before + 1);
  });

  it('imports a valid csv, audits every created organisation, and updates by USCC on re-import', async () => {
    const file = join(dir, 'ok.csv');
    writeFileSync(
      file,
      '\ufeff名称,类型,统一社会信用代码,行政区划代码,主要产品\n' +
        '天津甲科技有限公司,企业,914403001922038216,120114,"汽车座椅、车灯"\n' +
        '天津乙研究院,科研院所,,120104,合成生物\n',
    );
    const r = await importOrganizations({ db }, admin, file);
    expect(r).toMatchObject({ written: true, created: 2, updated: 0, skipped: 0 });
    const ids = await db.query<{ id: number }>(`select id from organizations where source = 'import:ok.csv' order by id`);
    const audit = await db.query(`select entity_id, action, summary from audit_log where entity_type = 'organization' and entity_id = any($1::text[])`, [ids.map((x) => String(x.id))]);
    expect(audit).toHaveLength(2);
    expect(audit[0].summary).toContain('ok.csv');
    writeFileSync(file, '名称,统一社会信用代码,行政区划代码,主要产品\n天津甲科技有限公司（更名）,914403001922038216,120114,汽车座椅\n');
    const r2 = await importOrganizations({ db }, admin, file);
    expect(r2).toMatchObject({ created: 0, updated: 1 });
    const org = await db.query(`select name, products from organizations where uscc = '914403001922038216'`);
    expect(org).toEqual([{ name: '天津甲科技有限公司（更名）', products: ['汽车座椅'] }]);
  });

  it('a Tianjin official cannot import Beijing organisations', async () => {
    const file = await xlsx('bj.xlsx', [HEADER, ['北京某公司', '企业', '', '110108', '', '']]);
    const before = await count();
    const r = await importOrganizations({ db }, tjOfficial, file);
    expect(r.written).toBe(false);
    expect(r.issues[0]).toMatchObject({ row: 2, field: '行政区划代码' });
    expect(await count()).toBe(before);
  });

  it('refuses a sheet without a name column', async () => {
    const file = await xlsx('nohdr.xlsx', [['foo', 'bar'], ['x', 'y']]);
    await expect(importOrganizations({ db }, admin, file)).rejects.toMatchObject({ code: 'import.missing_column' });
  });

  it('exports to xlsx and csv with the import columns, and the export re-imports', async () => {
    const out = join(dir, 'export.xlsx');
    const r = await exportOrganizations({ db }, admin, out);
    expect(r.rows).toBe(await count());
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(out);
    const ws = wb.worksheets[0];
    expect(ws.getRow(1).getCell(1).value).toBe('名称');
    expect(ws.rowCount).toBe(r.rows + 1);
    const csv = join(dir, 'export.csv');
    await exportOrganizations({ db }, admin, csv, { region: 'TJ' });
    const text = readFileSync(csv, 'utf8');
    expect(text.split('\n')[0]).toContain('统一社会信用代码');
    expect(text).toContain('天津乙研究院');
    const again = await importOrganizations({ db }, admin, out, { dryRun: true });
    expect(again.issues).toEqual([]);
  });
});
