import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, makeUser, startTestServer, type TestServer } from '../helpers/server.ts';
import { buildDiagFixture, type DiagFixture } from '../helpers/diag-fixture.ts';

let s: TestServer;
let fx: DiagFixture;
let tj: Awaited<ReturnType<typeof login>>;
let he: Awaited<ReturnType<typeof login>>;
let ent: Awaited<ReturnType<typeof login>>;

beforeAll(async () => {
  s = await startTestServer();
  fx = await buildDiagFixture(s.db);
  await makeUser(s.db, 'tj_off', 'official', { region: 'TJ' });
  await makeUser(s.db, 'he_off', 'official', { region: 'HE' });
  await makeUser(s.db, 'pem_univ', 'enterprise', { organizationId: fx.orgs['北京膜材料研究大学'] });
  tj = await login(s.app, 'tj_off');
  he = await login(s.app, 'he_off');
  ent = await login(s.app, 'pem_univ');
});
afterAll(async () => s?.close());

type Entry = Record<string, any>;
const entries = async (query = '') => (await tj.get(`/api/chains/${fx.code}/lists${query}`)).json().entries as Entry[];
const byKey = async () => Object.fromEntries((await entries('?origin=proposed')).map((e) => [e.proposalKey, e]));
const key = (kind: string, node: string, what: string) => `${kind}:${fx.nodes[node]}:${what}`;
const history = async (id: number) => (await tj.get(`/api/list-entries/${id}/history`)).json().events as Entry[];

describe(`the three lists (${process.env.TEST_DB ?? 'pglite'})`, () => {
  it('diagnostics propose 卡点, 堵点 and 重点企业 with readable reasons, owned by the division of labour', async () => {
    const r = await tj.post(`/api/chains/${fx.code}/diagnostics/proposals`);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ created: 8, updated: 0, stale: 0, keptDecided: 0, proposals: 8 });
    const p = await byKey();
    expect(Object.keys(p).sort()).toEqual(
      [
        key('duandian', '质子交换膜', 'no_production'),
        key('kadian', '质子交换膜', 'no_pilot'),
        key('kadian', '膜电极', 'no_rnd'),
        key('duandian', '电堆', 'weak'),
        key('kadian', '电堆', 'no_rnd'),
        key('duandian', '加氢站', 'missing'),
        `key_enterprise:org:${fx.orgs['河北催化剂乙公司']}`,
        `key_enterprise:org:${fx.orgs['天津膜电极链主公司']}`,
      ].sort(),
    );
    const pem = p[key('duandian', '质子交换膜', 'no_production')];
    expect(pem).toMatchObject({ kind: 'duandian', status: 'proposed', origin: 'proposed', region: 'HE', leadRegion: 'HE', department: '河北省工业和信息化厅', nodeName: '质子交换膜', decided: false });
    expect(pem.title).toBe('「质子交换膜」缺少量产企业');
    expect(pem.proposalReason).toBe(
      '京津冀没有「质子交换膜」的量产（10→N）企业：现有研发（0→1）1 家、中试（1→10）0 家（机构数 北京 1、天津 0、河北 0）；京津冀以外有 1 家机构挂在该节点上（其中量产企业 1 家），可作为招商目标。',
    );
    expect(p[key('kadian', '质子交换膜', 'no_pilot')].region).toBe('TJ');
    expect(p[key('kadian', '电堆', 'no_rnd')].region).toBe('BJ');
    expect(p[key('kadian', '电堆', 'no_rnd')].proposalReason).toBe(
      '京津冀有「电堆」的量产（10→N）企业 3 家（北京 0、天津 0、河北 3），但没有研发（0→1）机构（高校、科研院所或以研发角色挂链的企业），关键技术依赖区外。',
    );
    expect(p[key('duandian', '电堆', 'weak')].proposalReason).toBe(
      '京津冀「电堆」环节薄弱：合计有 3 家机构，但只覆盖量产 1 个阶段（“强”需 ≥2 个）；各地量产企业：北京 0、天津 0、河北 3 家。',
    );
    expect(p[key('duandian', '加氢站', 'missing')].proposalReason).toBe('京津冀没有挂在「加氢站」上的机构（北京 0、天津 0、河北 0 家）。');
    const yi = p[`key_enterprise:org:${fx.orgs['河北催化剂乙公司']}`];
    expect(yi).toMatchObject({ region: 'HE', nodeName: '催化剂', title: '河北催化剂乙公司' });
    expect(yi.proposalReason).toBe('河北催化剂乙公司（河北）营业收入 20 亿元，是京津冀「催化剂」环节营收最高的企业（标准：不低于 10 亿元）。');
    expect(yi.organizations).toMatchObject([{ name: '河北催化剂乙公司', role: 'subject' }]);
    expect(p[`key_enterprise:org:${fx.orgs['天津膜电极链主公司']}`].proposalReason).toContain('以链主挂链「膜电极」');

    // the node panel lists the entries tied to the node
    const panel = (await tj.get(`/api/nodes/${fx.nodes['质子交换膜']}/diagnostics`)).json();
    expect(panel.entries.map((e: Entry) => e.kind).sort()).toEqual(['duandian', 'kadian']);
  });

  it('running again without data changes changes nothing; enterprise users may not run it', async () => {
    const before = (await tj.get(`/api/audit?entityType=list_entry&entityId=${(await entries())[0].id}`)).json().length;
    const r = await he.post(`/api/chains/${fx.code}/diagnostics/proposals`);
    expect(r.json()).toMatchObject({ created: 0, updated: 0, stale: 0, unchanged: 8 });
    expect((await tj.get(`/api/audit?entityType=list_entry&entityId=${(await entries())[0].id}`)).json().length).toBe(before);
    const e = await ent.post(`/api/chains/${fx.code}/diagnostics/proposals`);
    expect(e.statusCode).toBe(403);
  });

  it('a Hebei official cannot edit a Tianjin entry; nothing is written', async () => {
    const p = await byKey();
    const tjEntry = p[key('kadian', '质子交换膜', 'no_pilot')];
    const histBefore = await history(tjEntry.id);
    const r = await he.patch(`/api/list-entries/${tjEntry.id}`, { title: '河北改的标题' });
    expect(r.statusCode).toBe(403);
    expect(r.json().error.code).toBe('auth.wrong_region');
    expect(r.json().error.message).toContain('天津');
    const t = await he.post(`/api/list-entries/${tjEntry.id}/transitions`, { to: 'dropped' });
    expect(t.statusCode).toBe(403);
    expect(t.json().error.code).toBe('auth.wrong_region');
    const o = await he.post(`/api/list-entries/${tjEntry.id}/organizations`, { organizationId: fx.orgs['河北电堆一厂'], role: 'team_member' });
    expect(o.statusCode).toBe(403);
    const after = (await tj.get(`/api/list-entries/${tjEntry.id}`)).json();
    expect(after).toMatchObject({ title: tjEntry.title, status: 'proposed', decided: false, version: tjEntry.version, organizations: [] });
    expect(after.canEdit).toBe(true);
    expect((await he.get(`/api/list-entries/${tjEntry.id}`)).json().canEdit).toBe(false);
    expect(await history(tjEntry.id)).toEqual(histBefore);
    // nor create one for Tianjin
    const c = await he.post('/api/list-entries', { chainId: fx.code, nodeId: fx.nodes['电堆'], kind: 'duandian', title: 'x', region: 'TJ' });
    expect(c.statusCode).toBe(403);
    expect(c.json().error.code).toBe('auth.wrong_region');
  });

  it('the workflow is enforced with a clear error', async () => {
    const p = await byKey();
    const e = p[key('duandian', '加氢站', 'missing')];
    const r = await he.post(`/api/list-entries/${e.id}/transitions`, { to: 'resolved' });
    expect(r.statusCode).toBe(400);
    expect(r.json().error.code).toBe('lists.invalid_transition');
    expect(r.json().error.message).toContain('不能从「已提出」变为「已解决」，可选：已确认、已放弃');
    expect(r.json().error.details).toEqual({ from: 'proposed', to: 'resolved', allowed: ['accepted', 'dropped'] });
    expect((await he.get(`/api/list-entries/${e.id}`)).json().status).toBe('proposed');
    for (const to of ['accepted', 'in_progress', 'resolved', 'in_progress']) {
      const ok = await he.post(`/api/list-entries/${e.id}/transitions`, { to, note: `→ ${to}` });
      expect(ok.statusCode, ok.body).toBe(200);
      expect(ok.json().status).toBe(to);
    }
    const again = await he.post(`/api/list-entries/${e.id}/transitions`, { to: 'in_progress' });
    expect(again.json().error.code).toBe('lists.invalid_transition');
    expect(again.json().error.message).toContain('已经是「推进中」');
  });

  it('officials decide proposals; every change shows in the history with before → after', async () => {
    const e = (await byKey())[key('duandian', '质子交换膜', 'no_production')];
    const u = await he.patch(`/api/list-entries/${e.id}`, { title: '引进质子交换膜量产企业', ownerName: '张三', dueOn: '2026-12-31', version: e.version });
    expect(u.statusCode, u.body).toBe(200);
    expect(u.json()).toMatchObject({ title: '引进质子交换膜量产企业', ownerName: '张三', dueOn: '2026-12-31', decided: true, decidedBy: 'he_off', status: 'proposed' });
    const stale = await he.patch(`/api/list-entries/${e.id}`, { title: '旧版本的修改', version: e.version });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.code).toBe('lists.version_mismatch');
    const bad = await he.post(`/api/list-entries/${e.id}/organizations`, { organizationId: fx.orgs['外省质子膜股份公司'], role: 'applicant' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('lists.invalid_org_role');
    const o = await he.post(`/api/list-entries/${e.id}/organizations`, { organizationId: fx.orgs['外省质子膜股份公司'], role: 'target', note: '拟在沧州布局' });
    expect(o.statusCode, o.body).toBe(200);
    expect(o.json().organizations).toMatchObject([{ name: '外省质子膜股份公司', role: 'target', note: '拟在沧州布局', addedBy: 'he_off' }]);
    const t = await he.post(`/api/list-entries/${e.id}/transitions`, { to: 'accepted', note: '纳入一链一策' });
    expect(t.json().status).toBe('accepted');

    const h = await history(e.id);
    expect(h.map((x) => x.action)).toEqual(['propose', 'update', 'org_add', 'transition']);
    expect(h[1]).toMatchObject({
      actorName: 'he_off',
      before: { title: '「质子交换膜」缺少量产企业', ownerName: null, dueOn: null },
      after: { title: '引进质子交换膜量产企业', ownerName: '张三', dueOn: '2026-12-31' },
    });
    expect(h[1].summary).toBe('修改堵点：标题、责任人、完成时限');
    expect(h[2].after).toEqual({ organization: { id: fx.orgs['外省质子膜股份公司'], name: '外省质子膜股份公司', role: 'target', note: '拟在沧州布局' } });
    expect(h[3]).toMatchObject({ summary: '状态：已提出 → 已确认（纳入一链一策）', before: { status: 'proposed' }, after: { status: 'accepted', note: '纳入一链一策' } });
    expect(h.every((x) => x.entityType === 'list_entry' && x.region === 'HE')).toBe(true);
  });

  it('re-running after the data changed updates undecided proposals and never touches decided ones', async () => {
    const before = await byKey();
    // a Hebei producer of 质子交换膜 appears; a fourth Hebei stack maker joins 电堆
    await fx.org('河北质子膜公司', 'enterprise', 'HE', '130102');
    await fx.link('河北质子膜公司', '质子交换膜', 'production');
    await fx.org('河北电堆四厂', 'enterprise', 'HE', '130102');
    await fx.link('河北电堆四厂', '电堆', 'production');

    const r = (await tj.post(`/api/chains/${fx.code}/diagnostics/proposals`)).json();
    expect(r).toMatchObject({ created: 1, updated: 2, stale: 1, keptDecided: 2 });
    const p = await byKey();

    // decided (edited + accepted; the other one in progress): exactly as the officials left them
    const decided = p[key('duandian', '质子交换膜', 'no_production')];
    expect(decided).toMatchObject({ title: '引进质子交换膜量产企业', status: 'accepted', proposalStale: false, proposalReason: before[key('duandian', '质子交换膜', 'no_production')].proposalReason });
    expect(decided.version).toBe(before[key('duandian', '质子交换膜', 'no_production')].version);
    expect(p[key('duandian', '加氢站', 'missing')].status).toBe('in_progress');

    // undecided, condition gone (质子交换膜 now has production): kept, still proposed, marked stale
    const pilot = p[key('kadian', '质子交换膜', 'no_pilot')];
    expect(pilot).toMatchObject({ status: 'proposed', proposalStale: true });
    // undecided, condition still there: reason brought up to date, recorded in the history
    const weak = p[key('duandian', '电堆', 'weak')];
    expect(weak.proposalReason).toContain('合计有 4 家机构');
    expect(weak.proposalReason).toContain('河北 4');
    const wh = await history(weak.id);
    expect(wh.map((x) => x.action)).toEqual(['propose', 'proposal_update']);
    expect(wh[1].before.proposalReason).toContain('3 家机构');
    expect(wh[1].after.proposalReason).toContain('4 家机构');
    expect(p[key('kadian', '电堆', 'no_rnd')].proposalReason).toContain('量产（10→N）企业 4 家');
    // a new condition: 质子交换膜 has production now but is weak overall
    expect(p[key('duandian', '质子交换膜', 'weak')]).toMatchObject({ status: 'proposed', region: 'HE' });
    expect((await history(pilot.id)).map((x) => x.action)).toEqual(['propose', 'proposal_stale']);

    // the condition returns: the stale proposal is valid again
    await s.db.query(`delete from org_node_links where organization_id = $1`, [fx.orgs['河北质子膜公司']]);
    const r2 = (await tj.post(`/api/chains/${fx.code}/diagnostics/proposals`)).json();
    expect(r2).toMatchObject({ created: 0, refreshed: 1, stale: 1 });
    const p2 = await byKey();
    expect(p2[key('kadian', '质子交换膜', 'no_pilot')].proposalStale).toBe(false);
    expect(p2[key('duandian', '质子交换膜', 'weak')].proposalStale).toBe(true);
  });

  it('officials add entries by hand with tackling teams and 揭榜挂帅 applicants; enterprises apply for their own organisation', async () => {
    const bad = await tj.post('/api/list-entries', {
      chainId: fx.code,
      nodeId: fx.nodes['膜电极'],
      kind: 'kadian',
      title: '低铂膜电极',
      organizations: [{ organizationId: fx.orgs['天津氢能中试平台'], role: 'target' }],
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('lists.invalid_org_role');
    expect(bad.json().error.fields).toHaveProperty(['organizations.0.role']);
    const badNode = await tj.post('/api/list-entries', { chainId: fx.code, nodeId: 999999, kind: 'kadian', title: '低铂膜电极' });
    expect(badNode.json().error.code).toBe('lists.invalid_node');
    const countBefore = (await entries('?kind=kadian')).length;

    const c = await tj.post('/api/list-entries', {
      chainId: fx.code,
      nodeId: fx.nodes['膜电极'],
      kind: 'kadian',
      title: '低铂膜电极量产工艺',
      description: '铂载量降至 0.2 g/kW 以下',
      department: '天津市工业和信息化局',
      dueOn: '2027-06-30',
      organizations: [{ organizationId: fx.orgs['天津氢能中试平台'], role: 'team_member', note: '中试验证' }],
    });
    expect(c.statusCode, c.body).toBe(201);
    const e = c.json();
    expect(e).toMatchObject({ region: 'TJ', leadRegion: 'TJ', origin: 'manual', status: 'proposed', decided: true, proposalKey: null });
    expect((await entries('?kind=kadian')).length).toBe(countBefore + 1);

    // applications open once the 卡点 is accepted
    const early = await ent.post(`/api/list-entries/${e.id}/organizations`, { organizationId: fx.orgs['北京膜材料研究大学'], role: 'applicant' });
    expect(early.statusCode).toBe(409);
    await tj.post(`/api/list-entries/${e.id}/transitions`, { to: 'accepted' });
    const apply = await ent.post(`/api/list-entries/${e.id}/organizations`, { organizationId: fx.orgs['北京膜材料研究大学'], role: 'applicant', note: '揭榜' });
    expect(apply.statusCode, apply.body).toBe(200);
    expect(apply.json().organizations.map((o: Entry) => o.role)).toEqual(['team_member', 'applicant']);
    const other = await ent.post(`/api/list-entries/${e.id}/organizations`, { organizationId: fx.orgs['河北电堆一厂'], role: 'applicant' });
    expect(other.statusCode).toBe(403);
    expect((await ent.patch(`/api/list-entries/${e.id}`, { title: 'x' })).statusCode).toBe(403);

    const rm = await tj.del(`/api/list-entries/${e.id}/organizations/${fx.orgs['天津氢能中试平台']}`);
    expect(rm.statusCode, rm.body).toBe(200);
    expect(rm.json().organizations.map((o: Entry) => o.name)).toEqual(['北京膜材料研究大学']);

    const h = await history(e.id);
    expect(h.map((x) => x.action)).toEqual(['create', 'transition', 'org_add', 'org_remove']);
    expect(h[0].after).toMatchObject({ title: '低铂膜电极量产工艺', status: 'proposed', organizations: [{ name: '天津氢能中试平台', role: 'team_member' }] });
    expect(h[2]).toMatchObject({ actorName: 'pem_univ', summary: '北京膜材料研究大学 揭榜申报' });
    expect(h[3]).toMatchObject({ summary: '移除攻关团队成员：天津氢能中试平台', before: { organization: { name: '天津氢能中试平台', role: 'team_member', note: '中试验证' } } });
  });

  it('exports the three lists as a printable workbook, one sheet per list', async () => {
    const dropped = (await byKey())[key('kadian', '电堆', 'no_rnd')];
    const bj = await makeUser(s.db, 'bj_off', 'official', { region: 'BJ' });
    void bj;
    const bjc = await login(s.app, 'bj_off');
    expect((await bjc.post(`/api/list-entries/${dropped.id}/transitions`, { to: 'dropped', note: '已有区外合作' })).statusCode).toBe(200);

    const r = await he.get(`/api/chains/${fx.code}/lists.xlsx`);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.headers['content-type']).toContain('spreadsheetml');
    expect(String(r.headers['content-disposition'])).toContain("filename*=UTF-8''");
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(r.rawPayload as any);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['卡点攻关清单', '堵点招商清单', '重点企业清单']);

    const all = await entries();
    const text = (ws: ExcelJS.Worksheet, row: number) => (ws.getRow(row).values as any[]).slice(1).map((v) => (v == null ? '' : String(v)));
    for (const [sheet, kind] of [
      ['卡点攻关清单', 'kadian'],
      ['堵点招商清单', 'duandian'],
      ['重点企业清单', 'key_enterprise'],
    ] as const) {
      const ws = wb.getWorksheet(sheet)!;
      expect(String(ws.getCell(1, 1).value)).toBe(`氢能（诊断测试）产业链${sheet}`);
      expect(String(ws.getCell(2, 1).value)).toMatch(/导出日期：\d{4}-\d{2}-\d{2}/);
      expect(ws.pageSetup.orientation).toBe('landscape');
      expect(ws.pageSetup.fitToWidth).toBe(1);
      const expected = all.filter((e) => e.kind === kind && e.status !== 'dropped');
      expect(ws.rowCount).toBe(3 + expected.length);
      const header = text(ws, 3);
      expect(header.slice(0, 3)).toEqual(['序号', '环节', '节点']);
      const titleCol = kind === 'key_enterprise' ? header.indexOf('事项') : 3;
      const titles = Array.from({ length: expected.length }, (_, i) => text(ws, 4 + i)[titleCol]);
      expect(titles.sort()).toEqual(expected.map((e) => e.title).sort());
      expect(ws.getCell(4, 2).border.top?.style).toBe('thin');
      expect(ws.getCell(4, 5).alignment.wrapText).toBe(true);
    }
    const kd = wb.getWorksheet('卡点攻关清单')!;
    expect(text(kd, 3)).toEqual(expect.arrayContaining(['攻关团队成员', '揭榜挂帅申报单位', '牵头地区', '牵头部门', '责任人', '状态', '完成时限']));
    const rows = Array.from({ length: kd.rowCount - 3 }, (_, i) => text(kd, 4 + i).join('|'));
    expect(rows.some((x) => x.includes('低铂膜电极量产工艺') && x.includes('北京膜材料研究大学（北京）：揭榜') && x.includes('2027-06-30'))).toBe(true);
    expect(rows.some((x) => x.includes(dropped.title) && x.includes('「电堆」'))).toBe(false);
    const dd = wb.getWorksheet('堵点招商清单')!;
    const drows = Array.from({ length: dd.rowCount - 3 }, (_, i) => text(dd, 4 + i).join('|'));
    expect(drows.some((x) => x.includes('引进质子交换膜量产企业') && x.includes('外省质子膜股份公司：拟在沧州布局') && x.includes('已确认'))).toBe(true);
    expect(drows.some((x) => x.includes('诊断建议：京津冀没有挂在「加氢站」上的机构'))).toBe(true);
    const ke = wb.getWorksheet('重点企业清单')!;
    expect(text(ke, 3)).toContain('企业名称');

    const withDropped = await he.get(`/api/chains/${fx.code}/lists.xlsx?includeDropped=1`);
    const wb2 = new ExcelJS.Workbook();
    await wb2.xlsx.load(withDropped.rawPayload as any);
    expect(wb2.getWorksheet('卡点攻关清单')!.rowCount).toBe(kd.rowCount + 1);
  });
});
