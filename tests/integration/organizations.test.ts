import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, makeUser, startTestServer, type TestServer } from '../helpers/server.ts';

// Real, published codes (Tencent, Huawei, Alibaba): valid check characters.
const USCC_OK = '91440300708461136T';
const USCC_OK2 = '914403001922038216';

let s: TestServer;
let admin: Awaited<ReturnType<typeof login>>;
let bj: Awaited<ReturnType<typeof login>>;
let tj: Awaited<ReturnType<typeof login>>;

beforeAll(async () => {
  s = await startTestServer();
  await makeUser(s.db, 'root', 'admin');
  await makeUser(s.db, 'bj_off', 'official', { region: 'BJ' });
  await makeUser(s.db, 'tj_off', 'official', { region: 'TJ' });
  admin = await login(s.app, 'root');
  bj = await login(s.app, 'bj_off');
  tj = await login(s.app, 'tj_off');
});
afterAll(async () => s?.close());

async function orgCount() {
  return (await s.db.query<{ n: number }>(`select count(*)::int as n from organizations`))[0].n;
}
async function auditCount() {
  return (await s.db.query<{ n: number }>(`select count(*)::int as n from audit_log where entity_type = 'organization'`))[0].n;
}

describe(`organisations over HTTP (${process.env.TEST_DB ?? 'pglite'})`, () => {
  let bjOrgId: number;

  it('an official creates an organisation of their region; the write is audited', async () => {
    const res = await bj.post('/api/organizations', {
      kind: 'enterprise',
      name: '北京氢芯动力科技有限公司',
      shortName: '氢芯动力',
      uscc: USCC_OK,
      divisionCode: '110108',
      industryCode: '3849',
      products: ['质子交换膜燃料电池电堆', '膜电极'],
      source: 'test',
    });
    expect(res.statusCode, res.body).toBe(201);
    const org = res.json();
    bjOrgId = org.id;
    expect(org.region).toBe('BJ');
    expect(org.place.map((p: any) => p.name)).toEqual(['海淀区', '北京市', '北京市'].slice(0, org.place.length));
    expect(org.place[0].code).toBe('110108');
    const audit = (await bj.get(`/api/audit?entityType=organization&entityId=${org.id}`)).json();
    expect(audit).toHaveLength(1);
    expect(audit[0].action).toBe('create');
    expect(audit[0].actorName).toContain('bj_off');
    expect(audit[0].after.name).toBe('北京氢芯动力科技有限公司');
  });

  it('refuses an invalid 统一社会信用代码, naming the field, and writes nothing', async () => {
    const before = [await orgCount(), await auditCount()];
    const res = await bj.post('/api/organizations', { kind: 'enterprise', name: '北京测试一', uscc: '91440300708461136A', divisionCode: '110108' });
    expect(res.statusCode).toBe(400);
    const e = res.json().error;
    expect(e.code).toBe('validation.failed');
    expect(Object.keys(e.fields)).toContain('uscc');
    expect(e.fields.uscc).toContain('校验位');
    expect([await orgCount(), await auditCount()]).toEqual(before);
  });

  it('refuses an unknown division code and an unknown industry code, naming each field', async () => {
    const before = await orgCount();
    const r1 = await bj.post('/api/organizations', { kind: 'enterprise', name: '北京测试二', divisionCode: '119999' });
    expect(r1.statusCode).toBe(400);
    expect(r1.json().error.fields.divisionCode).toContain('119999');
    const r2 = await bj.post('/api/organizations', { kind: 'enterprise', name: '北京测试三', divisionCode: '110105', industryCode: '3898' });
    expect(r2.statusCode).toBe(400);
    expect(r2.json().error.fields.industryCode).toContain('3898');
    const r3 = await bj.post('/api/organizations', { kind: 'enterprise', name: '北京测试四', divisionCode: '11010' });
    expect(r3.statusCode).toBe(400);
    expect(r3.json().error.fields.divisionCode).toBeTruthy();
    expect(await orgCount()).toBe(before);
  });

  it('refuses a second organisation with the same USCC', async () => {
    const res = await bj.post('/api/organizations', { kind: 'enterprise', name: '北京重复企业', uscc: USCC_OK, divisionCode: '110105' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.fields.uscc).toContain(`#${bjOrgId}`);
  });

  it('a Tianjin official cannot change a Beijing record: 403 with a code, nothing written', async () => {
    const before = await s.db.query(`select * from organizations where id = $1`, [bjOrgId]);
    const audits = await auditCount();
    const res = await tj.patch(`/api/organizations/${bjOrgId}`, { name: '被天津改掉的名字' });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('auth.wrong_region');
    const after = await s.db.query(`select * from organizations where id = $1`, [bjOrgId]);
    expect(after).toEqual(before);
    expect(await auditCount()).toBe(audits);
    // nor create one in Beijing
    const c = await tj.post('/api/organizations', { kind: 'enterprise', name: '天津人建的北京企业', divisionCode: '110105' });
    expect(c.statusCode).toBe(403);
    expect(c.json().error.code).toBe('auth.wrong_region');
  });

  it('the Beijing official edits it; the audit log shows before → after', async () => {
    const cur = (await bj.get(`/api/organizations/${bjOrgId}`)).json();
    const res = await bj.patch(`/api/organizations/${bjOrgId}`, { products: [...cur.products, '双极板'], version: cur.version });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().version).toBe(cur.version + 1);
    const audit = (await bj.get(`/api/audit?entityType=organization&entityId=${bjOrgId}`)).json();
    expect(audit[0].action).toBe('update');
    expect(audit[0].before.products).toEqual(cur.products);
    expect(audit[0].after.products).toContain('双极板');
    // a stale version is refused
    const stale = await bj.patch(`/api/organizations/${bjOrgId}`, { description: 'x', version: cur.version });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.code).toBe('organizations.version_mismatch');
  });

  it('a partial update leaves the fields it does not name untouched (lists included)', async () => {
    const cur = (await bj.get(`/api/organizations/${bjOrgId}`)).json();
    expect(cur.products.length).toBeGreaterThan(0);
    const res = await bj.patch(`/api/organizations/${bjOrgId}`, { description: '只改简介' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().products).toEqual(cur.products);
    expect(res.json().aliases).toEqual(cur.aliases);
    const audit = (await bj.get(`/api/audit?entityType=organization&entityId=${bjOrgId}`)).json();
    expect(Object.keys(audit[0].after)).toEqual(['description']);
  });

  it('an enterprise user edits its own organisation only', async () => {
    const other = (await admin.post('/api/organizations', { kind: 'enterprise', name: '天津测试配套企业', divisionCode: '120114', uscc: USCC_OK2 })).json();
    await makeUser(s.db, 'ent', 'enterprise', { organizationId: bjOrgId });
    const ent = await login(s.app, 'ent');
    expect((await ent.patch(`/api/organizations/${bjOrgId}`, { description: '我们做燃料电池' })).statusCode).toBe(200);
    const r = await ent.patch(`/api/organizations/${other.id}`, { description: '不是我的' });
    expect(r.statusCode).toBe(403);
    expect(r.json().error.code).toBe('auth.not_owner');
    const moved = await ent.patch(`/api/organizations/${bjOrgId}`, { divisionCode: '120114' });
    expect(moved.statusCode).toBe(403);
  });

  it('searches by Chinese name and by product words, with filters and pagination', async () => {
    await admin.post('/api/organizations', { kind: 'pilot_platform', name: '天津生物制造中试基地', divisionCode: '120116', products: ['生物发酵中试', '工艺验证'] });
    await admin.post('/api/organizations', { kind: 'enterprise', name: '河北正极新材料有限公司', divisionCode: '130102', products: ['正极材料', '磷酸铁锂'] });
    const byName = (await tj.get(`/api/organizations?q=${encodeURIComponent('氢芯')}`)).json();
    expect(byName.items.map((o: any) => o.name)).toContain('北京氢芯动力科技有限公司');
    const byProduct = (await tj.get(`/api/organizations?q=${encodeURIComponent('正极材料')}`)).json();
    expect(byProduct.items.map((o: any) => o.name)).toEqual(['河北正极新材料有限公司']);
    const byProduct2 = (await tj.get(`/api/organizations?q=${encodeURIComponent('发酵')}`)).json();
    expect(byProduct2.items[0].name).toBe('天津生物制造中试基地');
    const tjOnly = (await tj.get(`/api/organizations?region=TJ`)).json();
    expect(tjOnly.items.every((o: any) => o.region === 'TJ')).toBe(true);
    expect(tjOnly.total).toBe(2);
    const pilots = (await tj.get(`/api/organizations?kind=pilot_platform`)).json();
    expect(pilots.items.map((o: any) => o.kind)).toEqual(['pilot_platform']);
    const page = (await tj.get(`/api/organizations?pageSize=2&page=2`)).json();
    expect(page.items).toHaveLength(2);
    expect(page.total).toBe(await orgCount());
    const bad = await tj.get(`/api/organizations?pageSize=5000`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.fields.pageSize).toBeTruthy();
  });

  it('counts by region and kind', async () => {
    const st = (await tj.get('/api/organizations/stats')).json();
    expect(st.total).toBe(await orgCount());
    expect(st.byRegionKind.find((r: any) => r.region === 'TJ' && r.kind === 'pilot_platform').count).toBe(1);
    expect(st.byDivision.find((d: any) => d.code === '110108').count).toBe(1);
  });
});
