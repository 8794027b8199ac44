import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, makeUser, startTestServer, type TestServer } from '../helpers/server.ts';
import { importChainDefinition } from '../../src/modules/chains/chains.usecases.ts';
import { systemActor } from '../../src/modules/accounts/actor.ts';

/**
 * What the lead will check (issue #4, matchmaking), over HTTP, on the engine chosen by TEST_DB:
 * an SMT prototyping demand in Tianjin finds the 津亚电子-like manufacturer first (with reasons);
 * a pilot fermentation demand finds the Tianjin pilot platforms; an R&D-partner demand finds the
 * Beijing institute — and a tuned stage preference changes the order; contacts stay hidden until
 * acceptance; expired postings leave the pool.
 */

let s: TestServer;
type Client = Awaited<ReturnType<typeof login>>;
let admin: Client, startup: Client, jinya: Client, other: Client, tjOfficial: Client, bjOfficial: Client;
const org: Record<string, number> = {};
const JINYA_PHONE = '022-5888-1234';
const STARTUP_PHONE = '138-0000-5678';

async function mkOrg(c: Client, body: Record<string, unknown>) {
  const r = await c.post('/api/organizations', { source: 'test', ...body });
  expect(r.statusCode, r.body).toBe(201);
  return r.json().id as number;
}

beforeAll(async () => {
  s = await startTestServer();
  await makeUser(s.db, 'root', 'admin');
  await makeUser(s.db, 'tjgov', 'official', { region: 'TJ' });
  await makeUser(s.db, 'bjgov', 'official', { region: 'BJ' });
  admin = await login(s.app, 'root');
  tjOfficial = await login(s.app, 'tjgov');
  bjOfficial = await login(s.app, 'bjgov');

  // A small chain: SMT assembly supplies smart-hardware assembly.
  await s.db.transaction((tx) =>
    importChainDefinition(tx, systemActor('test'), {
      code: 'test-electronics',
      name: '测试电子制造',
      scope: 'other',
      leadRegion: 'TJ',
      source: 'test',
      segments: [
        { name: '上游·电子制造服务', stage: 'upstream', nodes: [{ name: 'SMT贴片加工', keywords: ['SMT贴片'] }] },
        { name: '中游·整机', stage: 'midstream', nodes: [{ name: '智能硬件整机', keywords: ['智能硬件'] }] },
      ],
      edges: [['SMT贴片加工', '智能硬件整机']],
    } as any),
  );
  const nodes = await s.db.query<{ id: number; name: string }>(`select id, name from chain_nodes`);
  const nodeId = (n: string) => nodes.find((x) => x.name === n)!.id;

  org.jinya = await mkOrg(admin, {
    kind: 'enterprise',
    name: '天津津亚精密电子有限公司',
    shortName: '津亚精密',
    divisionCode: '120110',
    products: ['SMT贴片', '精密加工', '注塑成型', '样品试制', '首台套加工'],
    description: '三十年电子产品委托加工经验',
    contact: { person: '王经理', phone: JINYA_PHONE },
  });
  org.bjSoft = await mkOrg(admin, {
    kind: 'enterprise',
    name: '北京智造云软件有限公司',
    divisionCode: '110108',
    products: ['MES软件', '工业APP'],
    description: '为SMT贴片工厂提供生产管理软件，支持样品试制排产',
  });
  org.startup = await mkOrg(admin, {
    kind: 'enterprise',
    name: '天津小波智联科技有限公司',
    divisionCode: '120116',
    products: ['智能硬件', '传感器模组'],
    contact: { person: '李总', phone: STARTUP_PHONE },
  });
  org.tjPilotA = await mkOrg(admin, {
    kind: 'pilot_platform',
    name: '天津工业生物中试平台',
    divisionCode: '120116',
    products: ['生物发酵中试', '工艺验证', '发酵罐'],
    description: '合成生物与生物制造中试服务',
  });
  org.tjPilotB = await mkOrg(admin, {
    kind: 'pilot_platform',
    name: '天津透明质酸生物中试基地',
    divisionCode: '120116',
    products: ['发酵', '分离纯化', '透明质酸'],
    description: '化妆品级、食品级、药品级中试线',
  });
  org.heFactory = await mkOrg(admin, {
    kind: 'enterprise',
    name: '河北华北生物发酵制造有限公司',
    divisionCode: '130100',
    products: ['生物发酵', '原料药', '合成生物学产品'],
    description: '大规模生物发酵生产，开展合成生物学研发',
  });
  org.bjInst = await mkOrg(admin, {
    kind: 'institute',
    name: '北京合成生物技术研究院',
    divisionCode: '110108',
    products: ['合成生物学', '代谢工程', '酶工程'],
    description: '合成生物学研发与技术转化',
  });
  org.tjInst = await mkOrg(admin, {
    kind: 'institute',
    name: '天津合成生物技术研究所',
    divisionCode: '120116',
    products: ['合成生物学', '代谢工程', '酶工程'],
    description: '合成生物学研发与技术转化',
  });
  org.lab = await mkOrg(admin, { kind: 'open_lab', name: '天津开放分析测试实验室', divisionCode: '120104', products: ['扫描电镜', '质谱'] });
  org.other = await mkOrg(admin, { kind: 'enterprise', name: '天津另一家科技有限公司', divisionCode: '120104', products: ['电池'] });

  // Chain attachments: 津亚 on SMT (upstream), the start-up on the smart-hardware node.
  await s.db.query(`insert into org_node_links (organization_id, node_id, chain_id, role, source) select $1, id, chain_id, 'supplier', 'test' from chain_nodes where id = $2`, [org.jinya, nodeId('SMT贴片加工')]);
  await s.db.query(`insert into org_node_links (organization_id, node_id, chain_id, role, source) select $1, id, chain_id, 'production', 'test' from chain_nodes where id = $2`, [org.startup, nodeId('智能硬件整机')]);

  await makeUser(s.db, 'startup', 'enterprise', { organizationId: org.startup });
  await makeUser(s.db, 'jinya', 'enterprise', { organizationId: org.jinya });
  await makeUser(s.db, 'other', 'enterprise', { organizationId: org.other });
  await makeUser(s.db, 'lab', 'provider', { organizationId: org.lab });
  startup = await login(s.app, 'startup');
  jinya = await login(s.app, 'jinya');
  other = await login(s.app, 'other');

  // Pilot lines of platform B (derived offer: 5000 L, cosmetic/food/pharma GMP).
  const line = await tjOfficial.post('/api/pilot-lines', {
    organizationId: org.tjPilotB,
    name: '5000L发酵中试线',
    category: 'fermentation',
    volumeL: 5000,
    grades: ['cosmetic', 'food', 'pharma_gmp'],
    services: ['fermentation', 'purification', 'process_validation'],
  });
  expect(line.statusCode, line.body).toBe(201);
});
afterAll(async () => s?.close());

const SMT_DEMAND = {
  direction: 'demand',
  kind: 'contract_manufacturing',
  title: '寻找SMT贴片打样和小批量试产的加工厂',
  description: '我司智能硬件新品需要SMT贴片与样品试制，首批200套，优先天津本地。',
  fields: { processes: ['smt', 'prototyping'], quantity: 200, unit: '套' },
  regionsWanted: ['TJ'],
};

describe(`matchmaking (${process.env.TEST_DB ?? 'pglite'})`, () => {
  let smtDemandId: number;
  let jinyaCapId: number;

  it('a manufacturer publishes a capability; the write is audited and carries no contact', async () => {
    const r = await jinya.post('/api/postings', {
      direction: 'capability',
      kind: 'contract_manufacturing',
      title: '承接SMT贴片、样品试制与首台套加工',
      description: '30年电子委托加工，月产能5万片，7天交付样品',
      fields: { processes: ['smt', 'prototyping', 'first_article', 'machining', 'moulding'], quantity: 50000, leadTimeDays: 7 },
    });
    expect(r.statusCode, r.body).toBe(201);
    const p = r.json();
    jinyaCapId = p.id;
    expect(p.organization.id).toBe(org.jinya);
    expect(p.status).toBe('open');
    expect(p.stage).toBe('production'); // prototyping plus volume processes
    expect(r.body).not.toContain(JINYA_PHONE);
    const audit = (await admin.get(`/api/audit?entityType=posting&entityId=${p.id}`)).json();
    expect(audit[0].action).toBe('create');
  });

  it('a posting follows its organisation when the organisation moves region', async () => {
    const moved = await admin.patch(`/api/organizations/${org.jinya}`, { divisionCode: '130100' });
    expect(moved.statusCode, moved.body).toBe(200);
    expect((await jinya.get(`/api/postings/${jinyaCapId}`)).json().organization.region).toBe('HE');
    await admin.patch(`/api/organizations/${org.jinya}`, { divisionCode: '120110' });
    expect((await jinya.get(`/api/postings/${jinyaCapId}`)).json().organization.region).toBe('TJ');
    const [row] = await s.db.query<{ org_region: string }>(`select org_region from postings where id = $1`, [jinyaCapId]);
    expect(row.org_region).toBe('TJ');
  });

  it('refuses fields that do not fit the kind, naming the field; writes nothing', async () => {
    const before = (await s.db.query<{ n: number }>(`select count(*)::int as n from postings`))[0].n;
    const r = await startup.post('/api/postings', { ...SMT_DEMAND, fields: { processes: ['laser-magic'] } });
    expect(r.statusCode).toBe(400);
    expect(JSON.stringify(r.json().error.fields)).toContain('processes');
    expect((await s.db.query<{ n: number }>(`select count(*)::int as n from postings`))[0].n).toBe(before);
  });

  it('organisation users publish for their own organisation only; officials for their region only', async () => {
    const r1 = await startup.post('/api/postings', { ...SMT_DEMAND, organizationId: org.jinya });
    expect(r1.statusCode).toBe(403);
    expect(r1.json().error.code).toBe('auth.not_owner');
    const r2 = await bjOfficial.post('/api/postings', { ...SMT_DEMAND, organizationId: org.startup });
    expect(r2.statusCode).toBe(403);
    expect(r2.json().error.code).toBe('auth.wrong_region');
    const r3 = await tjOfficial.post('/api/postings', { ...SMT_DEMAND, organizationId: org.startup, title: '（代发）寻找SMT贴片打样加工厂' });
    expect(r3.statusCode, r3.body).toBe(201);
    expect(r3.json().organization.id).toBe(org.startup);
    // the patch of another organisation's posting is refused
    const r4 = await other.patch(`/api/postings/${jinyaCapId}`, { title: '被别人改掉的标题' });
    expect(r4.statusCode).toBe(403);
  });

  it('an SMT prototyping demand in Tianjin finds the 津亚-like manufacturer first, with reasons', async () => {
    const r = await startup.post('/api/postings', SMT_DEMAND);
    expect(r.statusCode, r.body).toBe(201);
    smtDemandId = r.json().id;
    const m = await startup.get(`/api/matches?postingId=${smtDemandId}&limit=10`);
    expect(m.statusCode, m.body).toBe(200);
    const res = m.json();
    expect(res.query.stage).toBe('pilot');
    const first = res.items[0];
    expect(first.organization.id).toBe(org.jinya);
    expect(first.type).toBe('posting');
    expect(first.posting.id).toBe(jinyaCapId);
    const e = first.explanation;
    expect(e.terms.matched).toEqual(expect.arrayContaining(['smt贴片', '样品试制']));
    expect(e.chain.relation).toBe('upstream_supplier');
    expect(e.chain.candidateNode.name).toBe('SMT贴片加工');
    expect(e.stage).toMatchObject({ stage: 'pilot', preferredRegions: ['TJ'], candidateRegion: 'TJ', matched: true });
    expect(e.region.matched).toBe(true);
    expect(e.fields.find((f: any) => f.field === 'processes').fit).toBe('ok');
    expect(e.fields.find((f: any) => f.field === 'quantity').fit).toBe('ok');
    // the contributions add up to the score, and every reason is a sentence
    const sum = Object.values(e.contributions as Record<string, number>).reduce((a, b) => a + b, 0);
    expect(Math.abs(sum - first.score)).toBeLessThan(0.2);
    expect(e.reasons.length).toBeGreaterThanOrEqual(5);
    expect(e.reasons.join('')).toContain('天津');
    // one entry per organisation; the Beijing software company that mentions SMT ranks below
    const ids = res.items.map((i: any) => i.organization.id);
    expect(new Set(ids).size).toBe(ids.length);
    const soft = ids.indexOf(org.bjSoft);
    if (soft >= 0) expect(soft).toBeGreaterThan(0);
    // no contact details anywhere in the match results
    expect(m.body).not.toContain(JINYA_PHONE);
    expect(m.body).not.toContain('王经理');
  });

  it('a capability finds the demand in return (ranked demands)', async () => {
    const m = await jinya.get(`/api/matches?postingId=${jinyaCapId}`);
    expect(m.statusCode, m.body).toBe(200);
    const items = m.json().items;
    expect(items[0].type).toBe('posting');
    expect(items[0].posting.direction).toBe('demand');
    expect(items[0].organization.id).toBe(org.startup);
    expect(items[0].explanation.chain.relation).toBe('downstream_customer');
    // matches of another organisation's posting are not shown to an enterprise
    const f = await other.get(`/api/matches?postingId=${jinyaCapId}`);
    expect(f.statusCode).toBe(403);
  });

  it('a pilot fermentation demand finds the Tianjin pilot platforms before the Hebei factory', async () => {
    const r = await startup.post('/api/postings', {
      direction: 'demand',
      kind: 'pilot_scale',
      title: '透明质酸发酵中试与工艺验证',
      description: '实验室菌株需要500升发酵中试放大，食品级',
      fields: { services: ['fermentation', 'process_validation'], volumeL: 500, grades: ['food'], product: '透明质酸' },
    });
    expect(r.statusCode, r.body).toBe(201);
    const m = (await startup.get(`/api/matches?postingId=${r.json().id}`)).json();
    const ids = m.items.map((i: any) => i.organization.id);
    expect(ids.slice(0, 2).sort()).toEqual([org.tjPilotA, org.tjPilotB].sort());
    expect(ids.indexOf(org.heFactory)).toBeGreaterThan(1);
    const b = m.items.find((i: any) => i.organization.id === org.tjPilotB).explanation;
    expect(b.kind.sentence).toContain('中试平台');
    expect(b.stage.matched).toBe(true);
    // the platform's line answers the structured fields: 5000 L ≥ 500 L, food grade offered
    expect(b.fields.find((f: any) => f.field === 'volumeL')).toMatchObject({ fit: 'ok' });
    expect(b.fields.find((f: any) => f.field === 'grades')).toMatchObject({ fit: 'ok' });
  });

  it('an R&D-partner demand finds the Beijing institute first; a tuned stage preference changes the order', async () => {
    const r = await startup.post('/api/postings', {
      direction: 'demand',
      kind: 'rnd_partner',
      title: '寻求合成生物学研发合作伙伴',
      description: '联合开展代谢工程与酶工程研发',
      fields: { topics: ['合成生物学', '代谢工程'], mode: 'joint_rnd' },
    });
    expect(r.statusCode, r.body).toBe(201);
    const id = r.json().id;
    const before = (await startup.get(`/api/matches?postingId=${id}`)).json();
    const order1 = before.items.map((i: any) => i.organization.id);
    expect(order1[0]).toBe(org.bjInst);
    expect(order1.indexOf(org.tjInst)).toBe(1);
    expect(order1.indexOf(org.heFactory)).toBeGreaterThan(1);
    expect(before.items[0].explanation.stage.sentence).toContain('北京');
    expect(before.query.preferenceScope).toBe('global');

    // A Beijing official may not tune Tianjin's preferences.
    const prefs = (await tjOfficial.get('/api/matching/preferences')).json();
    const tj = prefs.scopes.find((x: any) => x.scope === 'TJ');
    expect(tj.inherited).toBe(true);
    const settings = structuredClone(tj.settings);
    settings.stageRouting.rnd = { BJ: 0.2, TJ: 1, HE: 0.4, outside: 0.1 };
    const denied = await bjOfficial.put('/api/matching/preferences/TJ', { settings });
    expect(denied.statusCode).toBe(403);
    // The Tianjin official routes R&D to Tianjin first (the start-up is a Tianjin organisation).
    const put = await tjOfficial.put('/api/matching/preferences/TJ', { settings, version: 0 });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json().inherited).toBe(false);
    const after = (await startup.get(`/api/matches?postingId=${id}`)).json();
    expect(after.query.preferenceScope).toBe('TJ');
    const order2 = after.items.map((i: any) => i.organization.id);
    expect(order2[0]).toBe(org.tjInst);
    expect(order2[1]).toBe(org.bjInst);
    const audit = (await admin.get('/api/audit?entityType=matching_preferences&entityId=TJ')).json();
    expect(audit[0].after.stageRouting.rnd.TJ).toBe(1);
    expect(audit[0].before.stageRouting.rnd.BJ).toBe(1);
    // reset: back to the inherited order
    expect((await tjOfficial.del('/api/matching/preferences/TJ')).statusCode).toBe(204);
    const reset = (await startup.get(`/api/matches?postingId=${id}`)).json();
    expect(reset.items[0].organization.id).toBe(org.bjInst);
  });

  it('contacts are hidden until the other side accepts; then both see both; notes and outcome follow', async () => {
    // before: the manufacturer's contact is not visible to the start-up
    const o = (await startup.get(`/api/organizations/${org.jinya}`)).json();
    expect(o.contact).toBeNull();
    const i = await startup.post('/api/interests', { postingId: jinyaCapId, fromPostingId: smtDemandId, message: '希望下周打样' });
    expect(i.statusCode, i.body).toBe(201);
    const interest = i.json();
    expect(interest.status).toBe('pending');
    expect(interest.contactsVisible).toBe(false);
    expect(i.body).not.toContain(JINYA_PHONE);
    // a second live interest for the same posting is refused
    const dup = await startup.post('/api/interests', { postingId: jinyaCapId });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.code).toBe('interests.duplicate');
    for (const c of [startup, jinya]) {
      const h = await c.get(`/api/interests/${interest.id}/contacts`);
      expect(h.statusCode).toBe(403);
      expect(h.json().error.code).toBe('interests.contacts_hidden');
      expect(h.body).not.toContain(JINYA_PHONE);
      expect(h.body).not.toContain(STARTUP_PHONE);
    }
    // notes and outcomes wait for acceptance
    expect((await startup.post(`/api/interests/${interest.id}/notes`, { body: '先聊聊' })).statusCode).toBe(409);
    // a third party sees nothing, and cannot decide
    expect((await other.get(`/api/interests/${interest.id}`)).statusCode).toBe(404);
    // the interested side cannot accept its own interest
    const self = await startup.post(`/api/interests/${interest.id}/decision`, { decision: 'accept' });
    expect(self.statusCode).toBe(403);
    // the manufacturer sees it in its inbox and accepts
    const inbox = (await jinya.get('/api/interests?box=received')).json();
    expect(inbox.map((x: any) => x.id)).toContain(interest.id);
    expect(inbox[0].canDecide).toBe(true);
    const acc = await jinya.post(`/api/interests/${interest.id}/decision`, { decision: 'accept' });
    expect(acc.statusCode, acc.body).toBe(200);
    expect(acc.json().contactsVisible).toBe(true);
    for (const c of [startup, jinya]) {
      const h = await c.get(`/api/interests/${interest.id}/contacts`);
      expect(h.statusCode, h.body).toBe(200);
      expect(h.json().target.contact.phone).toBe(JINYA_PHONE);
      expect(h.json().from.contact.phone).toBe(STARTUP_PHONE);
    }
    expect((await other.get(`/api/interests/${interest.id}/contacts`)).statusCode).toBe(404);
    // deciding twice is refused
    expect((await jinya.post(`/api/interests/${interest.id}/decision`, { decision: 'decline' })).statusCode).toBe(409);
    const n = await startup.post(`/api/interests/${interest.id}/notes`, { body: '已寄送样板图纸' });
    expect(n.statusCode, n.body).toBe(201);
    expect(n.json().notes.map((x: any) => x.body)).toEqual(['已寄送样板图纸']);
    // a signed outcome needs its amount and region
    const bad = await jinya.put(`/api/interests/${interest.id}/outcome`, { outcome: 'signed' });
    expect(bad.statusCode).toBe(400);
    expect(Object.keys(bad.json().error.fields)).toEqual(expect.arrayContaining(['amountWan', 'region']));
    const out = await jinya.put(`/api/interests/${interest.id}/outcome`, { outcome: 'signed', amountWan: 120, region: 'TJ', note: '首批打样合同' });
    expect(out.statusCode, out.body).toBe(200);
    expect(out.json()).toMatchObject({ outcome: 'signed', outcomeAmountWan: 120, outcomeRegion: 'TJ' });
    const audit = (await admin.get(`/api/audit?entityType=interest&entityId=${interest.id}`)).json();
    expect(audit.map((x: any) => x.action)).toEqual(['outcome', 'note', 'accept', 'create']);
  });

  it('a declined interest shows no contacts; the interested side may withdraw a pending one', async () => {
    const i = (await other.post('/api/interests', { organizationId: org.jinya, message: '电池外壳注塑' })).json();
    const d = await jinya.post(`/api/interests/${i.id}/decision`, { decision: 'decline', reason: '产能已满' });
    expect(d.json().status).toBe('declined');
    expect((await other.get(`/api/interests/${i.id}/contacts`)).json().error.code).toBe('interests.contacts_hidden');
    const j = (await other.post('/api/interests', { organizationId: org.jinya })).json();
    const w = await other.post(`/api/interests/${j.id}/withdraw`);
    expect(w.json().status).toBe('withdrawn');
  });

  it('expired postings leave the pool by themselves and show as expired to their owner', async () => {
    const r = await jinya.post('/api/postings', {
      direction: 'capability',
      kind: 'contract_manufacturing',
      title: '限时承接SMT贴片样品试制',
      fields: { processes: ['smt', 'prototyping'], quantity: 100000 },
    });
    const id = r.json().id;
    const m1 = (await startup.get(`/api/matches?postingId=${smtDemandId}&type=postings`)).json();
    expect(m1.items.some((x: any) => x.posting?.id === id || x.organization.id === org.jinya)).toBe(true);
    // time passes: the posting's expiry is now in the past (no job runs)
    await s.db.query(`update postings set expires_at = now() - interval '1 minute' where id = $1`, [id]);
    await s.db.query(`update postings set expires_at = now() - interval '1 minute' where id = $1`, [jinyaCapId]);
    const m2 = (await startup.get(`/api/matches?postingId=${smtDemandId}&type=postings`)).json();
    expect(m2.items.some((x: any) => x.posting?.id === id || x.posting?.id === jinyaCapId)).toBe(false);
    const pool = (await startup.get('/api/postings?direction=capability')).json();
    expect(pool.items.map((p: any) => p.id)).not.toContain(id);
    expect((await startup.get(`/api/postings/${id}`)).statusCode).toBe(404);
    const mine = await jinya.get(`/api/postings/${id}`);
    expect(mine.json().status).toBe('expired');
    // an interest in an expired posting is refused
    const late = await other.post('/api/interests', { postingId: id });
    expect(late.statusCode).toBe(409);
    expect(late.json().error.code).toBe('interests.posting_closed');
  });
});

describe(`open-lab instruments (${process.env.TEST_DB ?? 'pglite'})`, () => {
  let instrumentId: number;
  let lab: Client;
  const at = (h: number) => new Date(Date.now() + h * 3600_000).toISOString();

  it('a lab registers an instrument and opens slots; overlapping slots are refused', async () => {
    lab = await login(s.app, 'lab');
    const r = await lab.post('/api/instruments', { name: '场发射扫描电镜', model: 'SU8220', category: '电子显微镜', accreditations: ['CMA'] });
    expect(r.statusCode, r.body).toBe(201);
    instrumentId = r.json().id;
    const sl = await lab.post(`/api/instruments/${instrumentId}/slots`, {
      slots: [
        { startsAt: at(24), endsAt: at(26) },
        { startsAt: at(26), endsAt: at(28) },
        { startsAt: at(48), endsAt: at(50) },
      ],
    });
    expect(sl.statusCode, sl.body).toBe(201);
    expect(sl.json()).toHaveLength(3);
    const clash = await lab.post(`/api/instruments/${instrumentId}/slots`, { slots: [{ startsAt: at(25), endsAt: at(27) }] });
    expect(clash.statusCode).toBe(409);
    expect(clash.json().error.code).toBe('instruments.slot_overlap');
    // another organisation cannot open slots on the lab's instrument
    expect((await other.post(`/api/instruments/${instrumentId}/slots`, { slots: [{ startsAt: at(60), endsAt: at(61) }] })).statusCode).toBe(403);
  });

  it('a lab-testing demand finds the lab by its shared instrument, with the booking grades it holds', async () => {
    const r = await startup.post('/api/postings', {
      direction: 'demand',
      kind: 'lab_testing',
      title: '电子显微镜形貌观察',
      fields: { tests: ['电子显微镜'], accreditations: ['CMA'] },
    });
    expect(r.statusCode, r.body).toBe(201);
    const m = (await startup.get(`/api/matches?postingId=${r.json().id}`)).json();
    const lab = m.items.find((i: any) => i.organization.id === org.lab);
    expect(lab, JSON.stringify(m.items.map((i: any) => i.organization.name))).toBeTruthy();
    expect(lab.explanation.terms.matched).toContain('电子显微镜');
    expect(lab.explanation.fields.find((f: any) => f.field === 'accreditations')).toMatchObject({ fit: 'ok' });
    expect(m.items[0].organization.id).toBe(org.lab);
  });

  it('a company books a slot; a second booking of the same slot is refused', async () => {
    const slots = (await startup.get(`/api/instruments/${instrumentId}/slots`)).json();
    const slotId = slots[0].id;
    const b1 = await startup.post(`/api/instruments/slots/${slotId}/bookings`, { purpose: '样品形貌观察' });
    expect(b1.statusCode, b1.body).toBe(201);
    expect(b1.json().organizationId).toBe(org.startup);
    const b2 = await other.post(`/api/instruments/slots/${slotId}/bookings`, {});
    expect(b2.statusCode).toBe(409);
    expect(b2.json().error.code).toBe('instruments.slot_taken');
    // the slot shows as booked; who booked it is not shown to a third party
    const view = (await other.get(`/api/instruments/${instrumentId}/slots`)).json().find((x: any) => x.id === slotId);
    expect(view.booked).toBe(true);
    expect(view.booking).toBeNull();
    const labView = (await lab.get(`/api/instruments/${instrumentId}/slots`)).json().find((x: any) => x.id === slotId);
    expect(labView.booking.organizationId).toBe(org.startup);
    // the database itself refuses a second live booking of the slot
    await expect(
      s.db.query(`insert into instrument_bookings (slot_id, instrument_id, organization_id) values ($1, $2, $3)`, [slotId, instrumentId, org.other]),
    ).rejects.toThrow(/instrument_bookings_one_per_slot|duplicate key/);
    // after cancellation the slot can be booked again
    const c = await startup.post(`/api/instruments/bookings/${b1.json().id}/cancel`);
    expect(c.json().status).toBe('cancelled');
    const b3 = await other.post(`/api/instruments/slots/${slotId}/bookings`, {});
    expect(b3.statusCode, b3.body).toBe(201);
  });

  it('two concurrent bookings of one slot: exactly one succeeds', async () => {
    const slots = (await startup.get(`/api/instruments/${instrumentId}/slots?onlyFree=1`)).json();
    const slotId = slots[0].id;
    const [x, y] = await Promise.all([
      startup.post(`/api/instruments/slots/${slotId}/bookings`, { purpose: 'A' }),
      other.post(`/api/instruments/slots/${slotId}/bookings`, { purpose: 'B' }),
    ]);
    expect([x.statusCode, y.statusCode].sort()).toEqual([201, 409]);
    const n = await s.db.query<{ n: number }>(`select count(*)::int as n from instrument_bookings where slot_id = $1 and status = 'booked'`, [slotId]);
    expect(n[0].n).toBe(1);
    const audits = await s.db.query<{ n: number }>(`select count(*)::int as n from audit_log where entity_type = 'instrument_booking' and action = 'book' and (after->>'slotId')::bigint = $1`, [slotId]);
    expect(audits[0].n).toBe(1);
  });
});
