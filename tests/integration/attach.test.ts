import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/db.ts';
import { systemActor } from '../../src/modules/accounts/actor.ts';
import { runAttach, waitForAttachJobs } from '../../src/modules/attach/attach.usecases.ts';
import { login, makeUser, startTestServer, type TestServer } from '../helpers/server.ts';

/**
 * A small 氢能 chain for the attachment engine:
 *   上游 质子交换膜, 催化剂 → 中游 膜电极 → 电堆 → 下游 加氢站 (supply edges in that order)
 * 京津冀 organisations whose products name a node (confirmed), split between two nodes (review),
 * or unrelated (nothing); one manual link (an example, never touched); organisations outside
 * 京津冀 with products (investment targets).
 */
async function buildFixture(db: Db) {
  const chain = (await db.query<{ id: number }>(`insert into chains (code, name, scope, lead_region, owner_region, source) values ('attach-h2', '氢能（挂链测试）', 'joint', 'BJ', 'BJ', 'test') returning id`))[0].id;
  const seg = async (name: string, stage: string, position: number) =>
    (await db.query<{ id: number }>(`insert into chain_segments (chain_id, name, stage, position) values ($1,$2,$3,$4) returning id`, [chain, name, stage, position]))[0].id;
  const up = await seg('上游·材料', 'upstream', 0);
  const mid = await seg('中游·部件', 'midstream', 1);
  const down = await seg('下游·应用', 'downstream', 2);
  const nodes: Record<string, number> = {};
  let pos = 0;
  for (const [name, s, kws] of [
    ['质子交换膜', up, ['质子交换膜', '全氟磺酸膜']],
    ['催化剂', up, ['铂碳催化剂', '燃料电池催化剂']],
    ['膜电极', mid, ['膜电极', 'MEA']],
    ['电堆', mid, ['燃料电池电堆', '电堆']],
    ['加氢站', down, ['加氢站', '加氢机']],
  ] as const)
    nodes[name] = (await db.query<{ id: number }>(`insert into chain_nodes (chain_id, segment_id, name, keywords, position) values ($1,$2,$3,$4,$5) returning id`, [chain, s, name, kws, pos++]))[0].id;
  for (const [f, t] of [
    ['质子交换膜', '膜电极'],
    ['催化剂', '膜电极'],
    ['膜电极', '电堆'],
    ['电堆', '加氢站'],
  ])
    await db.query(`insert into chain_edges (chain_id, from_node_id, to_node_id) values ($1,$2,$3)`, [chain, nodes[f], nodes[t]]);
  const orgs: Record<string, number> = {};
  const org = async (name: string, kind: string, region: string | null, division: string, products: string[], tags: string[] = []) => {
    orgs[name] = (
      await db.query<{ id: number }>(
        `insert into organizations (kind, name, region, division_code, province_code, products, tags, source, search_text) values ($1,$2,$3,$4,$5,$6,$7,'test',$2) returning id`,
        [kind, name, region, division, division.slice(0, 2), products, tags],
      )
    )[0].id;
  };
  await org('天津膜电极科技有限公司', 'enterprise', 'TJ', '120116', ['燃料电池膜电极', '膜电极组件']);
  await org('河北氢能装备有限公司', 'enterprise', 'HE', '130102', ['加氢机', '加氢站设备']);
  await org('河北铂碳材料有限公司', 'enterprise', 'HE', '130203', ['铂碳催化剂']);
  await org('北京膜材料研究院', 'institute', 'BJ', '110108', ['全氟磺酸膜']);
  await org('天津氢电科技有限公司', 'enterprise', 'TJ', '120104', ['膜电极', '加氢站']);
  await org('河北氢电科技有限公司', 'enterprise', 'HE', '130203', ['膜电极', '加氢站']);
  await org('天津双膜科技有限公司', 'enterprise', 'TJ', '120116', ['膜电极', '加氢站']);
  await org('天津银行股份有限公司', 'financial', 'TJ', '120104', ['存款业务', '贷款业务']);
  await org('天津燃料电池示范公司', 'enterprise', 'TJ', '120116', ['燃料电池电堆']);
  await org('江苏质子膜股份有限公司', 'enterprise', null, '320000', ['质子交换膜', '全氟磺酸树脂'], ['全国上市公司', '申万:膜材料']);
  await org('广东膜科技有限公司', 'enterprise', null, '440000', ['全氟磺酸膜', '水处理膜'], ['全国上市公司', '申万:膜材料']);
  await org('山东催化科技股份有限公司', 'enterprise', null, '370000', ['燃料电池催化剂'], ['全国上市公司', '申万:化学制品']);
  await org('上海地产集团股份有限公司', 'enterprise', null, '310000', ['房地产开发'], ['全国上市公司']);
  // a manual attachment: an example for the engine, never changed by runs
  const manual = (
    await db.query<{ id: number }>(
      `insert into org_node_links (organization_id, node_id, chain_id, role, status, origin, source) values ($1,$2,$3,'production','confirmed','manual','test') returning id`,
      [orgs['天津燃料电池示范公司'], nodes['电堆'], chain],
    )
  )[0].id;
  return { chain, nodes, orgs, manual };
}

let s: TestServer;
let fx: Awaited<ReturnType<typeof buildFixture>>;
let admin: Awaited<ReturnType<typeof login>>;
let he: Awaited<ReturnType<typeof login>>;
let tj: Awaited<ReturnType<typeof login>>;
let ent: Awaited<ReturnType<typeof login>>;

beforeAll(async () => {
  s = await startTestServer();
  fx = await buildFixture(s.db);
  await makeUser(s.db, 'admin_a', 'admin');
  await makeUser(s.db, 'he_a', 'official', { region: 'HE' });
  await makeUser(s.db, 'tj_a', 'official', { region: 'TJ' });
  await makeUser(s.db, 'ent_a', 'enterprise', { organizationId: fx.orgs['天津膜电极科技有限公司'] });
  admin = await login(s.app, 'admin_a');
  he = await login(s.app, 'he_a');
  tj = await login(s.app, 'tj_a');
  ent = await login(s.app, 'ent_a');
});
afterAll(async () => {
  await waitForAttachJobs();
  await s?.close();
});

type Link = { id: number; organization_id: number; node_id: number; status: string; origin: string; role: string; score: number | null; evidence: any; decided_by: number | null };
const linksOf = async (orgName: string): Promise<Link[]> =>
  s.db.query(`select id, organization_id, node_id, status, origin, role, score, evidence, decided_by from org_node_links where organization_id = $1 order by node_id`, [fx.orgs[orgName]]);
const linkAt = async (orgName: string, node: string) => (await linksOf(orgName)).find((l) => l.node_id === fx.nodes[node]);

async function runJob(client = admin, body: unknown = { chainId: 'attach-h2' }) {
  const r = await client.post('/api/attach/runs', body);
  expect(r.statusCode, r.body).toBe(202);
  const id = r.json().id as number;
  let job = r.json();
  for (let i = 0; i < 200 && job.status !== 'done' && job.status !== 'failed'; i++) {
    await new Promise((res) => setTimeout(res, 50));
    job = (await client.get(`/api/attach/runs/${id}`)).json();
  }
  return job;
}

describe(`automatic attachment (挂链) (${process.env.TEST_DB ?? 'pglite'})`, () => {
  it('a bulk run is a background job whose progress reaches done; tiers and evidence are stored', async () => {
    expect((await ent.post('/api/attach/runs', {})).statusCode).toBe(403);
    const job = await runJob();
    expect(job.status, job.error).toBe('done');
    expect(job.progress).toBe(job.total);
    expect(job.total).toBe(9); // the 京津冀 organisations
    const res = job.result;
    expect(res.chains).toHaveLength(1);
    expect(res.chains[0]).toMatchObject({ code: 'attach-h2', created: { confirmed: 4, review: 6 }, updated: 0, removed: 0, kept: 1 });

    // confirmed, with the keyword that placed it and the inferred role
    const mea = await linkAt('天津膜电极科技有限公司', '膜电极');
    expect(mea).toMatchObject({ status: 'confirmed', origin: 'auto', role: 'production', decided_by: null });
    expect(mea!.score).toBeGreaterThan(0.6);
    expect(mea!.evidence.matches).toContainEqual(expect.objectContaining({ signal: 'product', kind: 'keyword', text: '燃料电池膜电极', matched: '膜电极' }));
    expect(mea!.evidence.summary).toContain('含节点关键词「膜电极」');
    expect(await linkAt('北京膜材料研究院', '质子交换膜')).toMatchObject({ status: 'confirmed', role: 'rnd' });
    expect(await linkAt('河北铂碳材料有限公司', '催化剂')).toMatchObject({ status: 'confirmed', role: 'supplier' });
    expect(await linkAt('河北氢能装备有限公司', '加氢站')).toMatchObject({ status: 'confirmed', role: 'production' });
    // evidence split between two nodes: both await review
    for (const o of ['天津氢电科技有限公司', '河北氢电科技有限公司', '天津双膜科技有限公司']) {
      const ls = await linksOf(o);
      expect(ls.map((l) => [l.node_id, l.status]).sort()).toEqual([
        [fx.nodes['膜电极'], 'review'],
        [fx.nodes['加氢站'], 'review'],
      ].sort());
    }
    expect(await linksOf('天津银行股份有限公司')).toEqual([]);
    // outside 京津冀: never attached by runs
    expect(await linksOf('江苏质子膜股份有限公司')).toEqual([]);
    // the manual link is untouched
    expect(await linksOf('天津燃料电池示范公司')).toMatchObject([{ id: fx.manual, status: 'confirmed', origin: 'manual', score: null, evidence: null }]);
    // one audit entry for the run, on the chain, with the counts
    const audit = (await admin.get(`/api/audit?entityType=chain&entityId=${fx.chain}`)).json();
    expect(audit.filter((a: any) => a.action === 'attach_run')).toHaveLength(1);
    expect(audit[0].summary).toContain('新增 10（自动确认 4、待审核 6）');
  });

  it('officials see the review queue with evidence and names; enterprise users do not', async () => {
    const q = (await he.get(`/api/attach/review?chainId=attach-h2`)).json();
    expect(q.total).toBe(6);
    expect(q.byChain).toEqual([{ chainId: fx.chain, code: 'attach-h2', name: '氢能（挂链测试）', count: 6 }]);
    const item = q.items.find((i: any) => i.organization.name === '天津氢电科技有限公司' && i.node.name === '膜电极');
    expect(item).toMatchObject({ chain: { code: 'attach-h2' }, node: { segmentName: '中游·部件', stage: 'midstream' }, organization: { region: 'TJ' }, canDecide: false });
    expect(item.evidence.summary).toContain('膜电极');
    expect(q.items.filter((i: any) => i.canDecide).map((i: any) => i.organization.name)).toEqual(['河北氢电科技有限公司', '河北氢电科技有限公司']);
    const he2 = (await he.get(`/api/attach/review?chainId=attach-h2&region=HE&nodeId=${fx.nodes['加氢站']}`)).json();
    expect(he2.items.map((i: any) => i.organization.name)).toEqual(['河北氢电科技有限公司']);
    expect((await ent.get('/api/attach/review')).statusCode).toBe(403);
  });

  it('a Hebei official cannot accept a Tianjin organisation’s suggestion: 403 naming it, nothing written', async () => {
    const heLink = (await linkAt('河北氢电科技有限公司', '加氢站'))!;
    const tjLink = (await linkAt('天津氢电科技有限公司', '加氢站'))!;
    const auditBefore = (await s.db.query<{ n: number }>(`select count(*)::int as n from audit_log`))[0].n;
    const r = await he.post('/api/attach/review/decisions', { linkIds: [heLink.id, tjLink.id], action: 'accept' });
    expect(r.statusCode).toBe(403);
    expect(r.json().error.code).toBe('auth.wrong_region');
    expect(r.json().error.message).toContain(`${tjLink.id}（天津氢电科技有限公司，天津）`);
    expect(r.json().error.details).toEqual({ linkIds: [tjLink.id] });
    expect((await linkAt('河北氢电科技有限公司', '加氢站'))!.status).toBe('review');
    expect((await linkAt('天津氢电科技有限公司', '加氢站'))!.status).toBe('review');
    expect((await s.db.query<{ n: number }>(`select count(*)::int as n from audit_log`))[0].n).toBe(auditBefore);
  });

  it('accept, reject and move are recorded with decided_by and audited per organisation', async () => {
    const acc = (await linkAt('河北氢电科技有限公司', '加氢站'))!;
    const rej = (await linkAt('河北氢电科技有限公司', '膜电极'))!;
    let r = await he.post('/api/attach/review/decisions', { linkIds: [acc.id], action: 'accept' });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ action: 'accept', decided: 1, links: [{ linkId: acc.id, status: 'confirmed' }] });
    r = await he.post('/api/attach/review/decisions', { linkIds: [rej.id], action: 'reject', note: '只做测试服务' });
    expect(r.json()).toMatchObject({ decided: 1, links: [{ linkId: rej.id, status: 'rejected' }] });
    // deciding again: not awaiting review any more
    r = await he.post('/api/attach/review/decisions', { linkIds: [rej.id], action: 'accept' });
    expect(r.statusCode).toBe(409);
    expect(r.json().error.code).toBe('attach.not_in_review');

    // move: the Tianjin official places its organisation on 催化剂 instead of 膜电极
    const mv = (await linkAt('天津氢电科技有限公司', '膜电极'))!;
    r = await tj.post('/api/attach/review/decisions', { linkIds: [mv.id], action: 'move' });
    expect(r.statusCode).toBe(400); // nodeId required
    r = await tj.post('/api/attach/review/decisions', { linkIds: [mv.id], action: 'move', nodeId: fx.nodes['催化剂'] });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().links).toEqual([{ linkId: mv.id, organizationId: fx.orgs['天津氢电科技有限公司'], nodeId: fx.nodes['催化剂'], status: 'confirmed', role: 'supplier' }]);
    expect(await linkAt('天津氢电科技有限公司', '膜电极')).toMatchObject({ status: 'rejected' }); // the marker

    // both suggestions of one organisation moved to a third node: one moves, the other is rejected
    const two = await linksOf('天津双膜科技有限公司');
    r = await tj.post('/api/attach/review/decisions', { linkIds: two.map((l) => l.id), action: 'move', nodeId: fx.nodes['电堆'] });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().decided).toBe(2);
    expect((await linksOf('天津双膜科技有限公司')).map((l) => [l.node_id, l.status, l.decided_by !== null]).sort()).toEqual(
      [
        [fx.nodes['膜电极'], 'rejected', true],
        [fx.nodes['电堆'], 'confirmed', true],
        [fx.nodes['加氢站'], 'rejected', true],
      ].sort(),
    );

    const heUser = (await s.db.query<{ id: number }>(`select id from users where username = 'he_a'`))[0].id;
    expect(await linkAt('河北氢电科技有限公司', '加氢站')).toMatchObject({ status: 'confirmed', decided_by: heUser });
    expect(await linkAt('河北氢电科技有限公司', '膜电极')).toMatchObject({ status: 'rejected', decided_by: heUser });
    const hist = (await admin.get(`/api/audit?entityType=organization&entityId=${fx.orgs['河北氢电科技有限公司']}`)).json();
    expect(hist.map((h: any) => h.action).sort()).toEqual(['attach_accept', 'attach_reject']);
    expect(hist.find((h: any) => h.action === 'attach_reject').summary).toContain('拒绝 河北氢电科技有限公司 → 膜电极');
    const tjHist = (await admin.get(`/api/audit?entityType=organization&entityId=${fx.orgs['天津氢电科技有限公司']}`)).json();
    expect(tjHist[0]).toMatchObject({ action: 'attach_move', actorName: 'tj_a' });
    expect(tjHist[0].summary).toContain('从「膜电极」移到「催化剂」');
  });

  it('re-runs keep every decision: accepted stays, rejected is never re-suggested, a moved link stays moved', async () => {
    // one undecided suggestion loses its evidence: it must go
    await s.db.query(`update organizations set products = '{房地产开发}' where id = $1`, [fx.orgs['河北铂碳材料有限公司']]);
    const job = await runJob(he, {});
    expect(job.status, job.error).toBe('done');
    const c = job.result.chains.find((x: any) => x.code === 'attach-h2');
    expect(c).toMatchObject({ created: { confirmed: 0, review: 0 }, removed: 1 });
    expect(await linksOf('河北铂碳材料有限公司')).toEqual([]);
    const heOrg = await linksOf('河北氢电科技有限公司');
    expect(heOrg.map((l) => [l.node_id, l.status, l.decided_by !== null]).sort()).toEqual(
      [
        [fx.nodes['加氢站'], 'confirmed', true],
        [fx.nodes['膜电极'], 'rejected', true],
      ].sort(),
    );
    const tjOrg = await linksOf('天津氢电科技有限公司');
    expect(tjOrg.find((l) => l.node_id === fx.nodes['催化剂'])).toMatchObject({ status: 'confirmed', origin: 'auto' });
    expect(tjOrg.find((l) => l.node_id === fx.nodes['膜电极'])).toMatchObject({ status: 'rejected' });
    // its other suggestion is still an undecided suggestion (re-scored with the new examples)
    expect(tjOrg.find((l) => l.node_id === fx.nodes['加氢站'])).toMatchObject({ origin: 'auto', decided_by: null });
    expect(tjOrg).toHaveLength(3);
    expect(await linksOf('天津燃料电池示范公司')).toMatchObject([{ id: fx.manual, origin: 'manual', evidence: null }]);
    // a third run changes nothing
    const again = await runAttach({ db: s.db }, systemActor('test'), { chainId: 'attach-h2' });
    expect(again.chains[0]).toMatchObject({ created: { confirmed: 0, review: 0 }, updated: 0, removed: 0 });
  });

  it('ranks organisations outside 京津冀 as investment targets for a node, with reasons and province', async () => {
    const r = await he.get(`/api/nodes/${fx.nodes['质子交换膜']}/targets?limit=5`);
    expect(r.statusCode, r.body).toBe(200);
    const d = r.json();
    expect(d.node).toMatchObject({ name: '质子交换膜', chainCode: 'attach-h2' });
    expect(d.candidates).toBe(4);
    expect(d.examples.map((e: any) => e.name)).toEqual(['北京膜材料研究院']);
    // the two membrane makers, best first; not the property developer, not the 京津冀 organisations
    expect(d.targets.map((t: any) => t.organization.name).sort()).toEqual(['广东膜科技有限公司', '江苏质子膜股份有限公司']);
    expect(d.targets.map((t: any) => t.rank)).toEqual([1, 2]);
    expect(d.targets[0].score).toBeGreaterThanOrEqual(d.targets[1].score);
    const js = d.targets.find((t: any) => t.organization.name === '江苏质子膜股份有限公司');
    expect(js).toMatchObject({ organization: { province: '江苏省', provinceCode: '32', industry: '膜材料' }, alreadyTarget: false });
    expect(js.reasons).toContainEqual(expect.objectContaining({ kind: 'keyword', product: '质子交换膜', keyword: '质子交换膜' }));
    expect(js.reasons).toContainEqual({ kind: 'industry', text: '申万行业「膜材料」（本节点前 2 名中有 2 家同属该行业）' });
    const gd = d.targets.find((t: any) => t.organization.name === '广东膜科技有限公司');
    expect(gd.reasons.map((x: any) => x.text)).toContain('产品「全氟磺酸膜」含节点关键词「全氟磺酸膜」');
    // similar to the organisation confirmed on the node (same product)
    expect(gd.reasons).toContainEqual(expect.objectContaining({ kind: 'similar', example: { organizationId: fx.orgs['北京膜材料研究院'], name: '北京膜材料研究院' } }));
    expect(gd.organization.province).toBe('广东省');
    const cat = (await he.get(`/api/nodes/${fx.nodes['催化剂']}/targets`)).json();
    expect(cat.targets.map((t: any) => [t.organization.name, t.organization.province])).toEqual([['山东催化科技股份有限公司', '山东省']]);
  });

  it('a 堵点 entry gets the ranked targets; adding one marks it; the plan gathers targets and key regions', async () => {
    const e = await he.post('/api/list-entries', { chainId: 'attach-h2', nodeId: fx.nodes['质子交换膜'], kind: 'duandian', title: '质子交换膜缺少量产企业', status: 'accepted' });
    expect(e.statusCode, e.body).toBe(201);
    const entryId = e.json().id;
    let t = (await he.get(`/api/list-entries/${entryId}/targets`)).json();
    expect(t.entryId).toBe(entryId);
    const pick = t.targets.find((x: any) => x.organization.name === '江苏质子膜股份有限公司');
    expect(pick.alreadyTarget).toBe(false);
    // the lists module's endpoint adds it as a target of the entry
    const add = await he.post(`/api/list-entries/${entryId}/organizations`, { organizationId: pick.organization.id, role: 'target', note: pick.summary });
    expect(add.statusCode, add.body).toBe(200);
    t = (await he.get(`/api/list-entries/${entryId}/targets`)).json();
    expect(t.targets.map((x: any) => [x.organization.name, x.alreadyTarget]).sort()).toEqual([
      ['广东膜科技有限公司', false],
      ['江苏质子膜股份有限公司', true],
    ]);

    const plan = (await tj.get('/api/chains/attach-h2/plan')).json();
    expect(plan.chain.code).toBe('attach-h2');
    expect(plan.summary).toMatchObject({ nodes: 1, entries: 1, targets: 1 });
    const n = plan.nodes[0];
    expect(n.node.name).toBe('质子交换膜');
    expect(n.entries).toMatchObject([{ id: entryId, region: 'HE', targets: [{ name: '江苏质子膜股份有限公司' }], canEdit: false }]);
    expect(n.suggestedTargets.find((x: any) => x.alreadyTarget).organization.name).toBe('江苏质子膜股份有限公司');
    expect(n.neighbours.downstream).toEqual([{ id: fx.nodes['膜电极'], name: '膜电极', organizations: 1 }]);
    // key regions: where the node and its customers already are, and the Hebei city for production
    const names = n.keyRegions.map((k: any) => k.name);
    expect(names).toContain('滨海新区');
    expect(names).toContain('海淀区');
    const binhai = n.keyRegions.find((k: any) => k.name === '滨海新区');
    expect(binhai.reasons).toContain('下游（需求方）「膜电极」已有 1 家（天津膜电极科技有限公司）');
    const hebei = n.keyRegions.find((k: any) => k.region === 'HE');
    expect(hebei).toBeDefined();
    expect(hebei.reasons.join('；')).toContain('河北承接量产（10→N）');
    expect(n.divisionOfLabour.region).toBe('HE');
  });
});
