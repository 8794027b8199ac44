import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, makeUser, startTestServer, type TestServer } from '../helpers/server.ts';
import { buildDiagFixture, type DiagFixture } from '../helpers/diag-fixture.ts';
import { chainNodeRegionsDirect, createDiagnosticsRepository, rebuildNodeOrgStats } from '../../src/modules/diagnostics/diagnostics.repository.ts';
import { stagesOf } from '../../src/modules/diagnostics/diagnostics.rules.ts';
import { LINK_ROLES } from '../../src/modules/chains/chains.schemas.ts';
import { ORG_KINDS } from '../../src/modules/organizations/organizations.schemas.ts';

let s: TestServer;
let fx: DiagFixture;
let tj: Awaited<ReturnType<typeof login>>;
let he: Awaited<ReturnType<typeof login>>;

beforeAll(async () => {
  s = await startTestServer();
  fx = await buildDiagFixture(s.db);
  await makeUser(s.db, 'tj_off', 'official', { region: 'TJ' });
  await makeUser(s.db, 'he_off', 'official', { region: 'HE' });
  await makeUser(s.db, 'admin1', 'admin');
  tj = await login(s.app, 'tj_off');
  he = await login(s.app, 'he_off');
});
afterAll(async () => s?.close());

type Diag = { nodes: Array<{ name: string; overall: any; regions: Record<'BJ' | 'TJ' | 'HE', any>; outside: any }>; summary: any };
const statusTable = (d: Diag) =>
  Object.fromEntries(d.nodes.map((n) => [n.name, [n.regions.BJ.status, n.regions.TJ.status, n.regions.HE.status, n.overall.status].join(' ')]));

describe(`diagnostics per node × region (${process.env.TEST_DB ?? 'pglite'})`, () => {
  it('colours every node per region and overall by the default rules, with the rule that fired', async () => {
    const r = await tj.get(`/api/chains/${fx.code}/diagnostics`);
    expect(r.statusCode, r.body).toBe(200);
    const d = r.json() as Diag;
    //                    BJ       TJ       HE       overall
    expect(statusTable(d)).toEqual({
      质子交换膜: 'weak missing missing weak',
      催化剂: 'weak missing weak strong',
      膜电极: 'missing strong missing strong',
      电堆: 'missing missing weak weak',
      加氢站: 'missing missing missing missing',
    });
    expect(d.summary.overall).toEqual({ strong: 2, weak: 2, missing: 1 });

    const byName = Object.fromEntries(d.nodes.map((n) => [n.name, n]));
    const cat = byName['催化剂'];
    expect(cat.regions.HE.stages).toEqual({ rnd: 0, pilot: 0, production: 2 });
    expect(cat.regions.HE.reason).toBe('弱：河北有 2 家机构，但只覆盖量产 1 个阶段（“强”需 ≥2 个）');
    expect(cat.overall.reason).toBe('强：京津冀合计量产（10→N）企业 2 家（≥2）；覆盖研发、量产 2 个阶段（≥2）');
    expect(cat.regions.HE.revenueWan).toBe(250000);
    expect(cat.regions.HE.revenueKnown).toBe(2);
    expect(cat.regions.BJ.revenueWan).toBeNull();

    const mea = byName['膜电极'];
    expect(mea.regions.TJ.reason).toContain('有链主/重点企业（天津膜电极');
    expect(mea.regions.TJ.keyEnterprises.map((k: any) => k.name)).toEqual(['天津膜电极链主公司']);
    expect(mea.regions.TJ.byRole.chain_leader).toBe(1);
    expect(mea.regions.TJ.stagesCovered).toEqual(['pilot', 'production']);

    const pem = byName['质子交换膜'];
    expect(pem.overall.reason).toBe('弱：京津冀合计有 1 家机构，但量产（10→N）企业 0 家（“强”需 ≥2 家，或有链主/重点企业）；只覆盖研发 1 个阶段（“强”需 ≥2 个）');
    expect(pem.outside.organizations).toBe(1);
    expect(pem.outside.stages.production).toBe(1);
    expect(byName['加氢站'].overall.reason).toBe('缺失：京津冀合计没有挂在该节点上的机构');
    expect(d.nodes.map((n) => n.name)).toEqual(['质子交换膜', '催化剂', '膜电极', '电堆', '加氢站']);
  });

  it('the node panel shows the three regions side by side and the organisations by county', async () => {
    const r = await he.get(`/api/nodes/${fx.nodes['催化剂']}/diagnostics`);
    expect(r.statusCode, r.body).toBe(200);
    const p = r.json();
    expect(p.node).toMatchObject({ name: '催化剂', chainCode: fx.code, segmentName: '上游·材料', stage: 'upstream' });
    expect([p.regions.BJ.status, p.regions.TJ.status, p.regions.HE.status, p.overall.status]).toEqual(['weak', 'missing', 'weak', 'strong']);
    expect(p.organizationsTotal).toBe(3);
    const names = p.organizations.map((o: any) => o.name);
    expect(names).toEqual(expect.arrayContaining(['北京催化研究院', '河北催化剂甲公司', '河北催化剂乙公司']));
    const yi = p.organizations.find((o: any) => o.name === '河北催化剂乙公司');
    expect(yi).toMatchObject({ divisionCode: '130203', divisionName: '路北区', divisionLevel: 3, region: 'HE', stages: ['production'], revenueWan: 200000 });
    expect(p.counties).toEqual(
      expect.arrayContaining([
        { code: '110108', name: '海淀区', region: 'BJ', organizations: 1, rnd: 1, pilot: 0, production: 0 },
        { code: '130102', name: '长安区', region: 'HE', organizations: 1, rnd: 0, pilot: 0, production: 1 },
        { code: '130203', name: '路北区', region: 'HE', organizations: 1, rnd: 0, pilot: 0, production: 1 },
      ]),
    );
    expect(p.unplaced).toBe(0);
    // 电堆: one enterprise has only a city code, one has none → not on the county map
    const stack = (await he.get(`/api/nodes/${fx.nodes['电堆']}/diagnostics`)).json();
    expect(stack.counties.map((c: any) => c.code)).toEqual(['130102']);
    expect(stack.unplaced).toBe(2);
    expect(p.explanation.join('')).toContain('量产（10→N）企业不少于 2 家');
  });

  it('the rules are readable; adjusting one (owner region only) changes a status and is audited', async () => {
    const g = (await he.get(`/api/chains/${fx.code}/diagnostics/rules`)).json();
    expect(g.isDefault).toBe(true);
    expect(g.canEdit).toBe(false);
    expect(g.explanation[0]).toBe(
      '北京、天津、河北各自在一个节点上为「强」：量产（10→N）企业不少于 2 家，或有链主/重点企业；并且研发（0→1）、中试（1→10）、量产（10→N）三个阶段中至少覆盖 2 个。',
    );

    // Hebei may not change the rules of a Tianjin-led chain; nothing is written
    const bad = await he.put(`/api/chains/${fx.code}/diagnostics/rules`, { region: { strong: { minStages: 1 } } });
    expect(bad.statusCode).toBe(403);
    expect(bad.json().error.code).toBe('auth.wrong_region');
    expect((await tj.get(`/api/chains/${fx.code}/diagnostics/rules`)).json().isDefault).toBe(true);

    const ok = await tj.put(`/api/chains/${fx.code}/diagnostics/rules`, { region: { strong: { minStages: 1 } } });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().rules.region.strong).toEqual({ minProduction: 2, anchorQualifies: true, minStages: 1 });
    expect(ok.json().isDefault).toBe(false);
    expect(ok.json().explanation[0]).toContain('至少覆盖 1 个');

    const d = (await tj.get(`/api/chains/${fx.code}/diagnostics`)).json() as Diag;
    expect(statusTable(d)['催化剂']).toBe('weak missing strong strong');
    expect(statusTable(d)['电堆']).toBe('missing missing strong weak');

    const audit = (await tj.get(`/api/audit?entityType=chain&entityId=${fx.chain}`)).json();
    expect(audit[0].summary).toContain('修改诊断规则');
    expect(audit[0].before.diagnosticRules).toEqual({ 'region.strong.minStages': 2 });
    expect(audit[0].after.diagnosticRules).toEqual({ 'region.strong.minStages': 1 });

    // invalid values are refused naming the field
    const inv = await tj.put(`/api/chains/${fx.code}/diagnostics/rules`, { region: { strong: { minStages: 4 } } });
    expect(inv.statusCode).toBe(400);
    expect(Object.keys(inv.json().error.fields).join()).toContain('minStages');

    const reset = await tj.put(`/api/chains/${fx.code}/diagnostics/rules`, { reset: true });
    expect(reset.json().isDefault).toBe(true);
  });

  it('counting attachments awaiting review is a rule too', async () => {
    await tj.put(`/api/chains/${fx.code}/diagnostics/rules`, { includeReview: true });
    const d = (await tj.get(`/api/chains/${fx.code}/diagnostics`)).json() as Diag;
    expect(statusTable(d)['加氢站']).toBe('missing weak missing weak');
    await tj.put(`/api/chains/${fx.code}/diagnostics/rules`, { reset: true });
  });

  it('statuses follow the data: attachments and organisations that change are counted at once', async () => {
    const admin = await login(s.app, 'admin1');
    // a Tianjin institute doing R&D on 电堆 → 京津冀 covers two stages with 3 producers → strong
    const inst = await fx.org('天津电堆研究所', 'institute', 'TJ', '120116');
    const l = await admin.post('/api/links', { organizationId: inst, nodeId: fx.nodes['电堆'], role: 'rnd' });
    expect(l.statusCode, l.body).toBe(201);
    let d = (await tj.get(`/api/chains/${fx.code}/diagnostics`)).json() as Diag;
    expect(statusTable(d)['电堆']).toBe('missing weak weak strong');

    // one Hebei stack maker moves to Tianjin and reports revenue; another is deleted
    await s.db.query(`update organizations set region = 'TJ', division_code = '120114', revenue_wan = 1000 where id = $1`, [fx.orgs['河北电堆一厂']]);
    await s.db.query(`delete from organizations where id = $1`, [fx.orgs['河北电堆二厂']]);
    d = (await tj.get(`/api/chains/${fx.code}/diagnostics`)).json() as Diag;
    const stack = d.nodes.find((n) => n.name === '电堆')!;
    expect(stack.regions.HE.organizations).toBe(1);
    expect(stack.regions.TJ.organizations).toBe(2);
    expect(stack.regions.TJ.revenueWan).toBe(1000);
    expect(stack.regions.TJ.stagesCovered).toEqual(['rnd', 'production']);
    expect(stack.regions.TJ.reason).toBe('弱：天津有 2 家机构，但量产（10→N）企业 1 家（“强”需 ≥2 家，或有链主/重点企业）');
    expect(statusTable(d)['电堆']).toBe('missing weak weak strong');

    // the trigger-kept summary equals a count straight from the attachments
    const sort = (rows: any[]) => rows.map((r) => JSON.stringify(r)).sort();
    for (const statuses of [['confirmed'], ['confirmed', 'review']]) {
      const kept = await createDiagnosticsRepository(s.db).chainNodeRegions(fx.chain, statuses);
      const direct = await chainNodeRegionsDirect(s.db, fx.chain, statuses);
      expect(sort(kept)).toEqual(sort(direct));
    }
  });

  it('the stage of an attachment is the same in SQL and TypeScript for every role × kind', async () => {
    const rows = await s.db.query<{ role: string; kind: string; rnd: boolean; pilot: boolean; production: boolean }>(
      `select r as role, k as kind, diag_stage_rnd(r, k) as rnd, diag_stage_pilot(r, k) as pilot, diag_stage_production(r, k) as production
         from unnest($1::text[]) r cross join unnest($2::text[]) k`,
      [LINK_ROLES, ORG_KINDS],
    );
    expect(rows).toHaveLength(LINK_ROLES.length * ORG_KINDS.length);
    for (const r of rows) expect(stagesOf(r.role, r.kind), `${r.role} × ${r.kind}`).toEqual((['rnd', 'pilot', 'production'] as const).filter((k) => r[k]));
    expect(stagesOf('pilot', 'institute')).toEqual(['rnd', 'pilot']);
    expect(stagesOf('service', 'enterprise')).toEqual([]);
  });

  it('a rebuilt summary equals the trigger-kept one', async () => {
    const sort = (rows: any[]) => rows.map((r) => JSON.stringify(r)).sort();
    const kept = sort(await s.db.query(`select * from node_org_stats order by 1, 2, 3, 4`));
    await rebuildNodeOrgStats(s.db, fx.chain);
    expect(sort(await s.db.query(`select * from node_org_stats order by 1, 2, 3, 4`))).toEqual(kept);
  });

  it('needs a login; unknown chains and nodes are 404', async () => {
    expect((await s.app.inject({ method: 'GET', url: `/api/chains/${fx.code}/diagnostics` })).statusCode).toBe(401);
    expect((await tj.get(`/api/chains/nope/diagnostics`)).statusCode).toBe(404);
    expect((await tj.get(`/api/nodes/999999/diagnostics`)).statusCode).toBe(404);
  });
});
