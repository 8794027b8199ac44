import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb } from '../helpers/db.ts';
import type { Db } from '../../src/db/db.ts';
import { systemActor } from '../../src/modules/accounts/actor.ts';
import { seedDemo } from '../../src/seed/demo.ts';
import { seedSupplyLinks } from '../../src/modules/supply/supply.seed.ts';
import { getOutsideNodes, getSupplierMap, getSupplyRate, listSupplyBuyers } from '../../src/modules/supply/supply.usecases.ts';

// The ILLUSTRATIVE demo network (data/demo/supply-links.json) against the figures of seed-facts §2.
let db: Db;
let cleanup: () => Promise<void>;
const actor = systemActor('test');
const orgId = async (shortName: string) => (await db.query<{ id: number }>(`select id from organizations where short_name = $1 or name = $1 order by id limit 1`, [shortName]))[0].id;

beforeAll(async () => {
  ({ db, cleanup } = await createTestDb());
  await seedDemo(db, { withAccounts: false });
  // Until src/seed/demo.ts calls it, load the supply network here.
  if ((await db.query<{ n: number }>(`select count(*)::int as n from supply_links`))[0].n === 0) await db.transaction((tx) => seedSupplyLinks(tx));
});
afterAll(async () => cleanup?.());

describe(`demo supply network (${process.env.TEST_DB ?? 'pglite'})`, () => {
  it('北京奔驰 buys 55 % of its parts by amount inside 京津冀 in 2025, rising since 2021', async () => {
    const r = await getSupplyRate({ db }, actor, { buyer: await orgId('北京奔驰') });
    expect(r.years).toEqual([2021, 2022, 2023, 2024, 2025]);
    expect(r.summary.year).toBe(2025);
    expect(r.summary.rate.amountWan).toBeCloseTo(0.55, 4);
    expect(r.series.map((y) => Math.round(y.rate.amountWan! * 100))).toEqual([47, 50, 52, 54, 55]);
    const tj = r.summary.byProvince.find((p) => p.provinceCode === '12')!;
    expect(tj.provinceName).toBe('天津市');
    expect(tj.amountWan).toBeGreaterThan(r.summary.byRegion.BJ.amountWan);
    expect(r.summary.byProvince.filter((p) => !p.inside).length).toBeGreaterThan(5);
  });

  it('shows 北京奔驰’s 武清 suppliers on the map at county level', async () => {
    const m = await getSupplierMap({ db }, actor, { buyer: await orgId('北京奔驰'), where: 'inside', limit: 1000 });
    const wuqing = m.suppliers.filter((s) => s.divisionCode === '120114').map((s) => s.name);
    expect(wuqing.sort()).toEqual(['新伟祥', '日进汽车', '海拉车灯', '海斯坦普', '达祥'].sort());
    expect(m.byDivision.find((d) => d.code === '120114')).toMatchObject({ name: '武清区', level: 3, suppliers: 5 });
  });

  it('小米汽车 has 45 and 理想汽车 70 suppliers inside 京津冀 in 2025', async () => {
    const x = await getSupplyRate({ db }, actor, { buyer: await orgId('小米汽车') });
    expect(x.summary.inside.suppliers).toBe(45);
    const li = await getSupplyRate({ db }, actor, { buyer: await orgId('理想汽车') });
    expect(li.summary.inside.suppliers).toBe(70);
  });

  it('lists 动力电池 among the nodes 北京奔驰 still buys from outside, with no local purchase', async () => {
    const r = await getOutsideNodes({ db }, actor, { buyer: await orgId('北京奔驰') });
    const battery = r.nodes.find((n) => n.nodeName === '动力电池')!;
    expect(battery.inside.links).toBe(0);
    expect(battery.outsideSuppliers.map((s) => s.shortName)).toContain('宁德时代');
  });

  it('lists the buyers with supply links (the three Beijing automakers), largest first', async () => {
    const buyers = await listSupplyBuyers({ db }, actor, {});
    expect(buyers.map((b) => b.shortName ?? b.name).sort()).toEqual(['北京奔驰', '小米汽车', '理想汽车'].sort());
    expect(buyers.every((b) => b.region === 'BJ')).toBe(true);
    expect(buyers.find((b) => b.shortName === '北京奔驰')!.years).toEqual([2021, 2022, 2023, 2024, 2025]);
    expect(await listSupplyBuyers({ db }, actor, { region: 'TJ' })).toEqual([]);
    const own = await listSupplyBuyers({ db }, { ...actor, role: 'enterprise', organizationId: await orgId('小米汽车') }, {});
    expect(own.map((b) => b.shortName)).toEqual(['小米汽车']);
  });

  it('marks every demo link as illustrative', async () => {
    const r = await db.query<{ n: number; ill: number }>(`select count(*)::int as n, count(*) filter (where source like '%ILLUSTRATIVE%')::int as ill from supply_links`);
    expect(r[0].n).toBeGreaterThan(700);
    expect(r[0].ill).toBe(r[0].n);
  });

  it('fails loudly, naming them, when the file refers to organisations or nodes the demo data lacks', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ca-supply-')), 'bad.json');
    writeFileSync(
      file,
      JSON.stringify({
        illustrative: true,
        note: 'test',
        links: [
          { buyer: '北京奔驰', supplier: '不存在的供应商甲', part: '某件', node: 'nev-icv/不存在的节点', amountsWan: { '2025': 1 }, source: 'ILLUSTRATIVE test' },
        ],
      }),
    );
    const before = (await db.query<{ n: number }>(`select count(*)::int as n from supply_links`))[0].n;
    await expect(db.transaction((tx) => seedSupplyLinks(tx, { file }))).rejects.toThrow(/不存在的供应商甲[\s\S]*不存在的节点/);
    expect((await db.query<{ n: number }>(`select count(*)::int as n from supply_links`))[0].n).toBe(before);
  });
});
