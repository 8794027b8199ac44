import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, makeUser, startTestServer, type TestServer } from '../helpers/server.ts';
import { systemActor } from '../../src/modules/accounts/actor.ts';
import { createOrganization } from '../../src/modules/organizations/organizations.usecases.ts';
import { importChainDefinition } from '../../src/modules/chains/chains.usecases.ts';
import { importSupplyLinks } from '../../src/modules/supply/supply.io.ts';

/*
 * Fixture (hand-checkable). Buyer 北京测试汽车 (BJ). Suppliers:
 *   S1 天津甲 (武清 120114)  S2 天津乙 (滨海 120116)  S3 河北丙 (长安 130102)  S4 北京丁 (海淀 110108)
 *   S5 广东戊 (440000, outside)  S6 江苏己 (320000, outside)  S7 某某庚 (no division: location unknown)
 * 2024: S1 车身冲压件 300 [车身], S1 座椅骨架 100 [座椅], S2 线束 100 [—], S3 车身结构件 100 [车身],
 *       S4 车规MCU 100 [芯片], S5 动力电池 250 [电池], S6 功率芯片 50 [芯片], S7 杂件 (no amount) [—]
 *   → 8 links, 7 suppliers, 1000 万元; inside 5 links, 4 suppliers, 700 → rate 0.625 / 0.571429 / 0.7
 * 2023: S1 车身冲压件 200, S5 动力电池 300, S6 功率芯片 100 → inside 200 of 600 → 0.333333
 */

const USCC_A = '91440300708461136T';
const USCC_B = '914403001922038216';

let s: TestServer;
const admin = systemActor('test-admin');
const org: Record<string, number> = {};
const node: Record<string, number> = {};
let bj: Awaited<ReturnType<typeof login>>;
let he: Awaited<ReturnType<typeof login>>;
let buyerUser: Awaited<ReturnType<typeof login>>;
let otherUser: Awaited<ReturnType<typeof login>>;

async function mkOrg(key: string, name: string, divisionCode: string | null, extra: Record<string, unknown> = {}) {
  const o = await createOrganization({ db: s.db }, admin, { kind: 'enterprise', name, divisionCode, aliases: [], products: [], tags: [], source: 'test', ...extra } as any);
  org[key] = o.id;
}

const linkCount = async () => (await s.db.query<{ n: number }>(`select count(*)::int as n from supply_links`))[0].n;
const auditCount = async () => (await s.db.query<{ n: number }>(`select count(*)::int as n from audit_log where entity_type = 'supply_link'`))[0].n;

beforeAll(async () => {
  s = await startTestServer();
  await mkOrg('buyer', '北京测试汽车有限公司', '110115', { shortName: '测试汽车' });
  await mkOrg('tjBuyer', '天津测试整车有限公司', '120116');
  await mkOrg('S1', '天津甲汽车部件有限公司', '120114', { shortName: '天津甲' });
  await mkOrg('S2', '天津乙线束股份有限公司', '120116', { shortName: '天津乙', stockCode: '600001.SH' });
  await mkOrg('S3', '河北丙车身有限公司', '130102', { shortName: '河北丙', uscc: USCC_A });
  await mkOrg('S4', '北京丁芯片有限公司', '110108', { shortName: '北京丁' });
  await mkOrg('S5', '广东戊电池股份有限公司', '440000', { shortName: '广东戊', uscc: USCC_B });
  await mkOrg('S6', '江苏己半导体有限公司', '320000', { shortName: '江苏己' });
  await mkOrg('S7', '某某庚贸易有限公司', null, { shortName: '某某庚' });
  await mkOrg('dupA', '重名甲有限公司', '120114', { shortName: '重名' });
  await mkOrg('dupB', '重名乙有限公司', '130102', { shortName: '重名' });
  await s.db.transaction(async (tx) => {
    const chain = await importChainDefinition(tx, admin, {
      code: 'sup-test',
      name: '配套测试链',
      scope: 'other',
      leadRegion: 'BJ',
      source: 'test',
      segments: [
        { name: '上游', stage: 'upstream', nodes: [{ name: '芯片', keywords: [] }, { name: '电池', keywords: [] }] },
        { name: '中游', stage: 'midstream', nodes: [{ name: '车身', keywords: [] }, { name: '座椅', keywords: [] }] },
      ],
      edges: [],
    });
    for (const r of await tx.query(`select id, name from chain_nodes where chain_id = $1`, [chain.id])) node[r.name] = r.id;
    // 京津冀 organisations already attached to the 芯片 node: matchmaking candidates (S4 BJ, S2 TJ).
    for (const o of ['S4', 'S2'])
      await tx.query(`insert into org_node_links (organization_id, node_id, chain_id, role, status, source) values ($1, $2, $3, 'supplier', 'confirmed', 'test')`, [
        org[o],
        node['芯片'],
        chain.id,
      ]);
  });
  await makeUser(s.db, 'bj_off', 'official', { region: 'BJ' });
  await makeUser(s.db, 'he_off', 'official', { region: 'HE' });
  await makeUser(s.db, 'buyer_user', 'enterprise', { organizationId: org.buyer });
  await makeUser(s.db, 'other_user', 'enterprise', { organizationId: org.S1 });
  bj = await login(s.app, 'bj_off');
  he = await login(s.app, 'he_off');
  buyerUser = await login(s.app, 'buyer_user');
  otherUser = await login(s.app, 'other_user');
});
afterAll(async () => s?.close());

const link = (supplier: string, part: string, year: number, amountWan: number | null, nodeName: string | null) => ({
  buyerOrgId: org.buyer,
  supplierOrgId: org[supplier],
  part,
  year,
  amountWan,
  nodeId: nodeName ? node[nodeName] : null,
  source: 'test fixture',
});

describe(`supply links and the regional supporting rate (${process.env.TEST_DB ?? 'pglite'})`, () => {
  it('a Beijing official records the links of a Beijing buyer; each write is audited', async () => {
    const fixture = [
      link('S1', '车身冲压件', 2024, 300, '车身'),
      link('S1', '座椅骨架', 2024, 100, '座椅'),
      link('S2', '线束', 2024, 100, null),
      link('S3', '车身结构件', 2024, 100, '车身'),
      link('S4', '车规MCU', 2024, 100, '芯片'),
      link('S5', '动力电池', 2024, 250, '电池'),
      link('S6', '功率芯片', 2024, 50, '芯片'),
      link('S7', '杂件', 2024, null, null),
      link('S1', '车身冲压件', 2023, 200, '车身'),
      link('S5', '动力电池', 2023, 300, '电池'),
      link('S6', '功率芯片', 2023, 100, '芯片'),
    ];
    for (const f of fixture) {
      const r = await bj.post('/api/supply/links', f);
      expect(r.statusCode, r.body).toBe(201);
    }
    expect(await linkCount()).toBe(11);
    expect(await auditCount()).toBe(11);
    const first = (await bj.get(`/api/supply/links?buyer=${org.buyer}&year=2024&pageSize=100`)).json();
    expect(first.total).toBe(8);
    const stamping = first.items.find((x: any) => x.part === '车身冲压件');
    expect(stamping).toMatchObject({ amountWan: 300, nodeName: '车身', chainCode: 'sup-test', canEdit: true });
    expect(stamping.supplier).toMatchObject({ name: '天津甲汽车部件有限公司', region: 'TJ', provinceName: '天津市', inside: true });
    const audit = (await bj.get(`/api/audit?entityType=supply_link&entityId=${stamping.id}`)).json();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: 'create', region: 'BJ' });
    expect(audit[0].summary).toContain('车身冲压件');
  });

  it('computes the rate of a buyer by links, distinct suppliers and amount, exactly', async () => {
    const r = await bj.get(`/api/supply/rate?buyer=${org.buyer}`);
    expect(r.statusCode, r.body).toBe(200);
    const { summary, years, scope } = r.json();
    expect(scope.buyer.name).toBe('北京测试汽车有限公司');
    expect(years).toEqual([2023, 2024]);
    expect(summary.year).toBe(2024); // latest year by default
    expect(summary.total).toEqual({ links: 8, suppliers: 7, amountWan: 1000, linksWithAmount: 7 });
    expect(summary.inside).toEqual({ links: 5, suppliers: 4, amountWan: 700 });
    expect(summary.outside).toEqual({ links: 2, suppliers: 2, amountWan: 300 });
    expect(summary.unknown).toEqual({ links: 1, suppliers: 1, amountWan: 0 });
    expect(summary.rate).toEqual({ links: 0.625, suppliers: 0.571429, amountWan: 0.7 });
    expect(summary.byRegion).toEqual({
      BJ: { links: 1, suppliers: 1, amountWan: 100 },
      TJ: { links: 3, suppliers: 2, amountWan: 500 },
      HE: { links: 1, suppliers: 1, amountWan: 100 },
    });
  });

  it('breaks the rate down per province: 北京, 天津, 河北 first, then other provinces by amount, unknown last', async () => {
    const { summary } = (await bj.get(`/api/supply/rate?buyer=${org.buyer}&year=2024`)).json();
    expect(summary.byProvince.map((p: any) => [p.provinceCode, p.provinceName, p.inside, p.links, p.suppliers, p.amountWan])).toEqual([
      ['11', '北京市', true, 1, 1, 100],
      ['12', '天津市', true, 3, 2, 500],
      ['13', '河北省', true, 1, 1, 100],
      ['44', '广东省', false, 1, 1, 250],
      ['32', '江苏省', false, 1, 1, 50],
      [null, '所在地未知', false, 1, 1, 0],
    ]);
    expect(summary.byProvince[1].share).toEqual({ links: 0.375, suppliers: 0.285714, amountWan: 0.5 });
  });

  it('gives the series over the years and the summary of a chosen year', async () => {
    const r = (await bj.get(`/api/supply/rate?buyer=${org.buyer}&year=2023`)).json();
    expect(r.summary.year).toBe(2023);
    expect(r.summary.total).toEqual({ links: 3, suppliers: 3, amountWan: 600, linksWithAmount: 3 });
    expect(r.summary.rate).toEqual({ links: 0.333333, suppliers: 0.333333, amountWan: 0.333333 });
    expect(r.series.map((y: any) => [y.year, y.rate.amountWan, y.inside.amountWan, y.total.amountWan])).toEqual([
      [2023, 0.333333, 200, 600],
      [2024, 0.7, 700, 1000],
    ]);
    expect(r.series[0].byProvince.map((p: any) => [p.provinceCode, p.amountWan])).toEqual([
      ['12', 200],
      ['44', 300],
      ['32', 100],
    ]);
    const from = (await bj.get(`/api/supply/rate?buyer=${org.buyer}&from=2024`)).json();
    expect(from.series.map((y: any) => y.year)).toEqual([2024]);
  });

  it('rates a chain (links placed on its nodes) and a buyer region', async () => {
    const chain = (await bj.get(`/api/supply/rate?chain=sup-test&year=2024`)).json();
    expect(chain.scope.chain.code).toBe('sup-test');
    // The two links without a node (线束, 杂件) are not in the chain.
    expect(chain.summary.total).toEqual({ links: 6, suppliers: 5, amountWan: 900, linksWithAmount: 6 });
    expect(chain.summary.rate.amountWan).toBe(0.666667);
    const r = await bj.post('/api/supply/links', { ...link('S4', '车规MCU', 2024, 500, '芯片'), buyerOrgId: org.tjBuyer });
    expect(r.statusCode).toBe(403); // a Beijing official cannot write for a Tianjin buyer
    const { createSupplyLink } = await import('../../src/modules/supply/supply.usecases.ts');
    await createSupplyLink({ db: s.db }, admin, { ...link('S4', '车规MCU', 2024, 500, '芯片'), buyerOrgId: org.tjBuyer } as any);
    const bjRegion = (await bj.get(`/api/supply/rate?region=BJ&year=2024`)).json();
    expect(bjRegion.summary.total.amountWan).toBe(1000); // the Tianjin buyer's link is not a Beijing purchase
    expect(bjRegion.scope.label).toBe('北京采购方');
    const tjRegion = (await bj.get(`/api/supply/rate?region=TJ&year=2024`)).json();
    expect(tjRegion.summary.total).toEqual({ links: 1, suppliers: 1, amountWan: 500, linksWithAmount: 1 });
    expect(tjRegion.summary.rate.amountWan).toBe(1);
    const both = (await bj.get(`/api/supply/rate?chain=sup-test&region=TJ&year=2024`)).json();
    expect(both.summary.total.links).toBe(1);
  });

  it('lists the chain nodes still bought from outside 京津冀, with the outside suppliers and local candidates', async () => {
    const r = await bj.get(`/api/supply/outside-nodes?buyer=${org.buyer}&year=2024`);
    expect(r.statusCode, r.body).toBe(200);
    const nodes = r.json().nodes;
    expect(nodes.map((n: any) => [n.nodeName, n.outside.amountWan, n.inside.amountWan, n.insideShare.amountWan])).toEqual([
      ['电池', 250, 0, 0],
      ['芯片', 50, 100, 0.666667],
    ]);
    expect(nodes[0].outsideSuppliers).toEqual([
      { id: org.S5, name: '广东戊电池股份有限公司', shortName: '广东戊', provinceCode: '44', provinceName: '广东省', links: 1, amountWan: 250, parts: ['动力电池'] },
    ]);
    expect(nodes[1]).toMatchObject({ chainCode: 'sup-test', segmentName: '上游', parts: ['功率芯片'], localCandidates: { BJ: 1, TJ: 1, HE: 0 } });
    expect(nodes[1].outsideSuppliers.map((x: any) => x.shortName)).toEqual(['江苏己']);
  });

  it('lists the suppliers with their divisions for the map: counties inside 京津冀, provinces outside', async () => {
    const r = (await bj.get(`/api/supply/suppliers?buyer=${org.buyer}&year=2024`)).json();
    expect(r.total).toBe(7);
    expect(r.suppliers[0]).toMatchObject({ id: org.S1, divisionCode: '120114', divisionName: '武清区', divisionLevel: 3, inside: true, links: 2, amountWan: 400 });
    expect(r.suppliers[0].parts).toEqual(['座椅骨架', '车身冲压件'].sort());
    expect(r.byDivision.map((d: any) => [d.code, d.name, d.level, d.inside, d.suppliers, d.amountWan])).toEqual([
      ['120114', '武清区', 3, true, 1, 400],
      ['440000', '广东省', 1, false, 1, 250],
      ['110108', '海淀区', 3, true, 1, 100],
      ['120116', '滨海新区', 3, true, 1, 100],
      ['130102', '长安区', 3, true, 1, 100],
      ['320000', '江苏省', 1, false, 1, 50],
    ]);
    const outside = (await bj.get(`/api/supply/suppliers?buyer=${org.buyer}&year=2024&where=outside`)).json();
    expect(outside.suppliers.map((x: any) => x.shortName)).toEqual(['广东戊', '江苏己']);
  });

  it('a Hebei official cannot add links for a Beijing buyer: 403 with a code, nothing written', async () => {
    const before = [await linkCount(), await auditCount()];
    const r = await he.post('/api/supply/links', link('S3', '车门', 2024, 10, '车身'));
    expect(r.statusCode).toBe(403);
    expect(r.json().error.code).toBe('auth.wrong_region');
    expect(r.json().error.message).toContain('北京测试汽车有限公司');
    const id = (await bj.get(`/api/supply/links?buyer=${org.buyer}&year=2024&pageSize=1`)).json().items[0].id;
    expect((await he.patch(`/api/supply/links/${id}`, { amountWan: 1 })).statusCode).toBe(403);
    expect((await he.del(`/api/supply/links/${id}`)).statusCode).toBe(403);
    expect([await linkCount(), await auditCount()]).toEqual(before);
  });

  it('the buyer’s own enterprise users may record its purchases; other enterprises may not', async () => {
    const ok = await buyerUser.post('/api/supply/links', link('S4', '座舱屏', 2024, 0, null));
    expect(ok.statusCode, ok.body).toBe(201);
    const no = await otherUser.post('/api/supply/links', link('S4', '座舱屏2', 2024, 0, null));
    expect(no.statusCode).toBe(403);
    expect(no.json().error.code).toBe('auth.not_owner');
    // Enterprise users read their own rates only.
    expect((await buyerUser.get(`/api/supply/rate?buyer=${org.buyer}`)).statusCode).toBe(200);
    const denied = await buyerUser.get(`/api/supply/rate?region=BJ`);
    expect(denied.statusCode).toBe(403);
    expect(denied.json().error.code).toBe('supply.forbidden');
    // …and see only links where their organisation is the buyer or the supplier.
    const seen = (await otherUser.get(`/api/supply/links?pageSize=100`)).json();
    expect(seen.items.every((x: any) => x.supplier.id === org.S1 || x.buyer.id === org.S1)).toBe(true);
    expect(seen.total).toBe(3);
    expect((await buyerUser.del(`/api/supply/links/${ok.json().id}`)).statusCode).toBe(204);
  });

  it('refuses a duplicate link (409), an unknown supplier and an unknown node (400, naming the field)', async () => {
    const dup = await bj.post('/api/supply/links', link('S1', '车身冲压件', 2024, 1, '车身'));
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.code).toBe('supply.duplicate_link');
    const bad = await bj.post('/api/supply/links', { ...link('S1', '新件', 2024, 1, null), supplierOrgId: 999999, nodeId: 999999 });
    expect(bad.statusCode).toBe(400);
    expect(Object.keys(bad.json().error.fields).sort()).toEqual(['nodeId', 'supplierOrgId']);
    const neg = await bj.post('/api/supply/links', link('S1', '新件', 2024, -5, null));
    expect(neg.statusCode).toBe(400);
    expect(neg.json().error.fields.amountWan).toBeTruthy();
  });

  it('updates an amount with before → after in the audit log, and deletes', async () => {
    const list = (await bj.get(`/api/supply/links?buyer=${org.buyer}&year=2024&supplier=${org.S6}`)).json();
    const id = list.items[0].id;
    const r = await bj.patch(`/api/supply/links/${id}`, { amountWan: 60, version: list.items[0].version });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().amountWan).toBe(60);
    const stale = await bj.patch(`/api/supply/links/${id}`, { amountWan: 70, version: list.items[0].version });
    expect(stale.statusCode).toBe(409);
    const audit = (await bj.get(`/api/audit?entityType=supply_link&entityId=${id}`)).json();
    expect(audit[0]).toMatchObject({ action: 'update', before: { amountWan: 50 }, after: { amountWan: 60 } });
    expect((await bj.get(`/api/supply/rate?buyer=${org.buyer}&year=2024`)).json().summary.total.amountWan).toBe(1010);
    await bj.patch(`/api/supply/links/${id}`, { amountWan: 50 });
  });
  it('when a supplier moves to another division, its links follow (rate recomputed from the new province)', async () => {
    const { updateOrganization } = await import('../../src/modules/organizations/organizations.usecases.ts');
    await updateOrganization({ db: s.db }, admin, org.S7, { divisionCode: '130102' });
    const { summary } = (await bj.get(`/api/supply/rate?buyer=${org.buyer}&year=2024`)).json();
    expect(summary.unknown).toEqual({ links: 0, suppliers: 0, amountWan: 0 });
    expect(summary.byRegion.HE).toEqual({ links: 2, suppliers: 2, amountWan: 100 });
    expect(summary.rate.suppliers).toBe(0.714286); // 5 of 7
  });
});

describe(`importing supply links (${process.env.TEST_DB ?? 'pglite'})`, () => {
  const HEADER = ['采购方', '供应商', '零部件/产品', '产业链节点', '年采购额（万元）', '年份'];
  async function xlsx(rows: unknown[][]) {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('供应关系');
    for (const r of rows) ws.addRow(r);
    return Buffer.from(await wb.xlsx.writeBuffer());
  }

  it('writes nothing when one row is invalid, and names each bad row and column', async () => {
    const buffer = await xlsx([
      HEADER,
      ['测试汽车', '天津甲', '门内板', 'sup-test/车身', 120, 2025], // ok (short names)
      ['北京测试汽车有限公司', '不存在的公司', '门外板', '', 10, 2025], // unknown supplier
      ['测试汽车', '600001.SH', '线束', 'sup-test/不存在', 10, 2025], // stock code ok, unknown node
      ['测试汽车', USCC_A, '车身结构件', '', 'abc', '二〇二五'], // USCC ok, bad amount and year
      ['测试汽车', '天津甲', '门内板', 'sup-test/车身', 130, 2025], // duplicate of row 2
      ['测试汽车', '重名', '某件', '', 1, 2025], // ambiguous short name
      ['测试汽车', '测试汽车', '自供件', '', 1, 2025], // buyer = supplier
      ['测试汽车', '广东戊', '', '', 1, 2025], // missing part
    ]);
    const before = [await linkCount(), await auditCount()];
    const r = await importSupplyLinks({ db: s.db }, admin, { buffer, name: 'bad.xlsx', format: 'xlsx' });
    expect(r.written).toBe(false);
    expect(r.created).toBe(0);
    expect(r.rows).toBe(8);
    expect(r.issues.map((i) => [i.row, i.field])).toEqual([
      [3, '供应商'],
      [4, '产业链节点'],
      [5, '年采购额（万元）'],
      [5, '年份'],
      [6, '零部件/产品'],
      [7, '供应商'],
      [8, '供应商'],
      [9, '零部件/产品'],
    ]);
    expect(r.issues[0].reason).toContain('不存在的公司');
    expect(r.issues[4].reason).toContain('第 2 行');
    expect(r.issues[5].reason).toContain('多个机构');
    expect([await linkCount(), await auditCount()]).toEqual(before);
  });

  it('with partial keeps the valid rows and reports exactly the skipped ones', async () => {
    const buffer = await xlsx([HEADER, ['测试汽车', '天津甲', '门内板', 'sup-test/车身', 120, 2025], ['测试汽车', '不存在的公司', '门外板', '', 10, 2025]]);
    const before = await linkCount();
    const r = await importSupplyLinks({ db: s.db }, admin, { buffer, name: 'partial.xlsx', format: 'xlsx' }, { partial: true });
    expect(r).toMatchObject({ written: true, created: 1, updated: 0, skipped: 1 });
    expect(r.issues.map((i) => i.row)).toEqual([3]);
    expect(await linkCount()).toBe(before + 1);
  });

  it('a Hebei official cannot import purchases of a Beijing buyer', async () => {
    const he = { userId: 0, username: 'he', displayName: 'he', role: 'official' as const, region: 'HE' as const, organizationId: null };
    const buffer = await xlsx([HEADER, ['测试汽车', '河北丙', '车身件', '', 10, 2025]]);
    const before = await linkCount();
    const r = await importSupplyLinks({ db: s.db }, he, { buffer, name: 'he.xlsx', format: 'xlsx' });
    expect(r.written).toBe(false);
    expect(r.issues).toHaveLength(1);
    expect(r.issues[0]).toMatchObject({ row: 2, field: '采购方' });
    expect(await linkCount()).toBe(before);
  });

  it('imports a csv over HTTP, audits every link, and updates on re-import', async () => {
    const csv = '\ufeff采购方,供应商,零部件/产品,产业链节点,年采购额(万元),年份\n测试汽车,江苏己,功率芯片,配套测试链/芯片,"1,200",2025\n测试汽车,广东戊,动力电池,电池,800,2025年\n';
    const post = (body: string) =>
      s.app.inject({
        method: 'POST',
        url: '/api/supply/links/import?fileName=ok.csv',
        payload: Buffer.from(body),
        headers: { 'content-type': 'text/csv', 'x-csrf-token': bj.csrf },
        cookies: { ca_session: bj.cookie },
      });
    const r = await post(csv);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ written: true, created: 2, updated: 0, skipped: 0, issues: [] });
    const rows = await s.db.query(`select id, amount_wan, node_id, source from supply_links where year = 2025 and supplier_org_id = any($1::bigint[]) order by amount_wan desc`, [[org.S6, org.S5]]);
    expect(rows.map((x) => [x.amount_wan, x.node_id, x.source])).toEqual([
      [1200, node['芯片'], 'import:ok.csv'],
      [800, node['电池'], 'import:ok.csv'],
    ]);
    const audits = await s.db.query(`select summary from audit_log where entity_type = 'supply_link' and entity_id = any($1::text[])`, [rows.map((x) => String(x.id))]);
    expect(audits).toHaveLength(2);
    expect(audits[0].summary).toContain('ok.csv');
    const again = await post(csv.replace('800', '900'));
    expect(again.json()).toMatchObject({ created: 0, updated: 2 });
    expect((await s.db.query(`select amount_wan from supply_links where id = $1`, [rows[1].id]))[0].amount_wan).toBe(900);
    const rate = (await bj.get(`/api/supply/rate?buyer=${org.buyer}&year=2025`)).json();
    expect(rate.summary.total).toMatchObject({ links: 3, amountWan: 2220 });
  });

  it('refuses a sheet without the required columns', async () => {
    const buffer = await xlsx([['采购方', '零部件'], ['测试汽车', '门']]);
    await expect(importSupplyLinks({ db: s.db }, admin, { buffer, name: 'x.xlsx', format: 'xlsx' })).rejects.toMatchObject({ code: 'import.missing_column' });
  });
});
