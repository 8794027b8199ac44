import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb } from '../../../tests/helpers/db.ts';
import type { Db } from '../../db/db.ts';
import { buildSearchText, buildSearchTextUncached } from '../../lib/text.ts';
import { systemActor, type Actor } from '../accounts/actor.ts';
import { importOrganizations } from './organizations.io.ts';
import { usccCheckChar } from './uscc.ts';

/**
 * The bulk import prepares rows in a worker thread for large files and inline for small ones;
 * both must give the same report and the same rows. (tests/integration/import.test.ts covers the
 * behaviour itself on small files.)
 */
const dir = mkdtempSync(join(tmpdir(), 'ca-import-worker-'));
const admin = systemActor('test-admin');
const tjOfficial: Actor = { userId: 0, username: 'tj', displayName: 'tj', role: 'official', region: 'TJ', organizationId: null };
let a: { db: Db; cleanup: () => Promise<void> };
let b: { db: Db; cleanup: () => Promise<void> };

beforeAll(async () => {
  a = await createTestDb();
  b = await createTestDb();
});
afterAll(async () => {
  await a?.cleanup();
  await b?.cleanup();
});

const uscc = (division: string, n: number) => {
  const first17 = '91' + division + String(10_000_000 + n).slice(-8) + '0';
  return first17 + usccCheckChar(first17);
};

/** n rows, with quoting, multi-line cells, lists, numbers, and (when `bad`) a few invalid rows. */
function sheet(n: number, opts: { bad?: boolean } = {}): string {
  const lines = ['\ufeff名称,类型,统一社会信用代码,行政区划代码,行业代码,主要产品,经营范围,简介,员工人数,成立日期,标签'];
  const divisions = ['110108', '120116', '130104', '120104'];
  for (let i = 0; i < n; i++) {
    const d = divisions[i % divisions.length];
    const products = ['膜电极', '双极板、质子交换膜', '体外诊断试剂', '伺服电机;减速器', '工业互联网平台'][i % 5];
    const scope = `一般项目：技术服务、技术开发；${['电池制造', '医学研究和试验发展', '软件开发'][i % 3]}。（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）`;
    const desc = i % 7 === 0 ? `"第一行，含""引号""\n第二行 ${i}"` : '';
    let code = i % 3 === 0 ? uscc(d, i) : '';
    let division = d;
    let industry = ['3849', '2761', '6513', ''][i % 4];
    if (opts.bad && i === 17) division = '129999';
    if (opts.bad && i === 40) industry = '9998';
    if (opts.bad && i === 61) code = uscc(divisions[60 % divisions.length], 60); // the code of i = 60
    lines.push([`测试${i}号科技（${d.slice(0, 2) === '12' ? '天津' : '北京'}）有限公司`, i % 11 === 0 ? '科研院所' : '企业', code, division, industry, `"${products}"`, scope, desc, String(10 + i), '2015-03-0' + (1 + (i % 9)), i % 4 === 0 ? '专精特新' : ''].join(','));
  }
  return lines.join('\r\n') + '\r\n';
}

const rowsOf = (db: Db) =>
  db.query(
    `select kind, name, short_name, aliases, uscc, division_code, province_code, region, industry_code, products, business_scope, description,
            employees, founded_on::text as founded_on, tags, source, split_part(source_ref, '#', 2) as row, search_text, search_tsv::text as tsv, version
       from organizations order by split_part(source_ref, '#', 2)::int`,
  );

describe('bulk import: worker thread and inline give the same result', () => {
  it('same report and same rows (several batches)', async () => {
    const file = join(dir, 'orgs.csv');
    writeFileSync(file, sheet(450));
    const ra = await importOrganizations({ db: a.db }, admin, file, { worker: false, batchSize: 100 });
    const rb = await importOrganizations({ db: b.db }, admin, file, { worker: true, batchSize: 100 });
    expect(ra).toMatchObject({ rows: 450, created: 450, updated: 0, skipped: 0, written: true, issues: [] });
    expect({ ...rb, batch: '' }).toEqual({ ...ra, batch: '' });
    const [xa, xb] = [await rowsOf(a.db), await rowsOf(b.db)];
    expect(xa).toHaveLength(450);
    expect(xb).toEqual(xa);
    expect(xa.find((r: any) => r.row === '9')!.description).toBe('第一行，含"引号"\n第二行 7');
  });

  it('same issues, and nothing written, when rows are invalid', async () => {
    const file = join(dir, 'bad.csv');
    writeFileSync(file, sheet(120, { bad: true }));
    const ra = await importOrganizations({ db: a.db }, admin, file, { worker: false, batchSize: 50 });
    const rb = await importOrganizations({ db: b.db }, admin, file, { worker: true, batchSize: 50 });
    expect(ra.written).toBe(false);
    expect(ra.issues.map((i) => [i.row, i.field])).toEqual([
      [19, '行政区划代码'],
      [42, '行业代码'],
      [63, '统一社会信用代码'],
    ]);
    expect({ ...rb, batch: '' }).toEqual({ ...ra, batch: '' });
    expect(await rowsOf(b.db)).toEqual(await rowsOf(a.db));
  });

  it('updates by USCC through the staging table, like the inline path', async () => {
    const file = join(dir, 'again.csv');
    writeFileSync(file, sheet(30).replace(/测试(\d+)号/g, '更名$1号'));
    const ra = await importOrganizations({ db: a.db }, admin, file, { worker: false, batchSize: 8 });
    const rb = await importOrganizations({ db: b.db }, admin, file, { worker: true, batchSize: 8 });
    expect(ra).toMatchObject({ created: 20, updated: 10 });
    expect({ ...rb, batch: '' }).toEqual({ ...ra, batch: '' });
    const strip = (rows: any[]) => rows.map(({ row: _r, source: _s, ...x }) => x);
    expect(strip(await rowsOf(b.db))).toEqual(strip(await rowsOf(a.db)));
    const updated = await b.db.query<{ name: string; version: number }>(`select name, version from organizations where uscc = $1`, [uscc('110108', 0)]);
    expect(updated).toEqual([{ name: '更名0号科技（北京）有限公司', version: 2 }]);
  });

  it('region checks and errors cross the thread boundary', async () => {
    const file = join(dir, 'regions.csv');
    writeFileSync(file, sheet(8));
    const ra = await importOrganizations({ db: a.db }, tjOfficial, file, { worker: false, dryRun: true });
    const rb = await importOrganizations({ db: b.db }, tjOfficial, file, { worker: true, dryRun: true });
    expect(ra.issues.length).toBeGreaterThan(0);
    expect({ ...rb, batch: '' }).toEqual({ ...ra, batch: '' });
    const nohdr = join(dir, 'nohdr.csv');
    writeFileSync(nohdr, 'foo,bar\nx,y\n');
    await expect(importOrganizations({ db: b.db }, admin, nohdr, { worker: true })).rejects.toMatchObject({ code: 'import.missing_column' });
    const broken = join(dir, 'broken.csv');
    writeFileSync(broken, '名称,类型\n"未闭合,企业\n');
    await expect(importOrganizations({ db: b.db }, admin, broken, { worker: true })).rejects.toMatchObject({ code: 'import.bad_csv' });
  });
});

describe('search text', () => {
  it('the memoised buildSearchText gives exactly the text of the plain one', () => {
    const cases = [
      { names: ['华熙生物科技(天津)有限公司', '华熙生物'], products: ['透明质酸', 'PEM电解槽', '  ', 'a b c'], scope: '一般项目：技术服务、技术开发；货物进出口。（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）许可项目：药品生产。' },
      { names: ['北京·某某 研究院'], scope: 'A股上市公司，主营3D打印（增材制造）及“专精特新”产品!Ｒ＆Ｄ  —— 50%以上出口', extra: ['简介：公司成立于2015年，位于天津市滨海新区。\n第二段\t制表'] },
      { names: ['𠀀𠀁科技有限公司'], products: ['锂离子电池/正极材料', 'C++ SDK'], scope: '' },
    ];
    for (const c of cases) {
      // twice: the second time from the cache
      expect(buildSearchText(c)).toBe(buildSearchTextUncached(c));
      expect(buildSearchText(c)).toBe(buildSearchTextUncached(c));
    }
  });
});
