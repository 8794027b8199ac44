import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, makeUser, startTestServer, type TestServer } from '../helpers/server.ts';

let s: TestServer;
let tj: Awaited<ReturnType<typeof login>>;
let he: Awaited<ReturnType<typeof login>>;
const ids: Record<string, number> = {};

beforeAll(async () => {
  s = await startTestServer();
  await makeUser(s.db, 'tj_off', 'official', { region: 'TJ' });
  await makeUser(s.db, 'he_off', 'official', { region: 'HE' });
  tj = await login(s.app, 'tj_off');
  he = await login(s.app, 'he_off');
});
afterAll(async () => s?.close());

describe(`chain maps (${process.env.TEST_DB ?? 'pglite'})`, () => {
  it('a Tianjin official draws a chain: segments, nodes, supply edges', async () => {
    const c = await tj.post('/api/chains', { code: 'h2-test', name: '氢能（测试）', scope: 'joint', leadRegion: 'TJ', source: 'test' });
    expect(c.statusCode, c.body).toBe(201);
    ids.chain = c.json().id;
    for (const [name, stage] of [
      ['上游·材料', 'upstream'],
      ['中游·部件', 'midstream'],
      ['下游·应用', 'downstream'],
    ] as const) {
      const r = await tj.post(`/api/chains/h2-test/segments`, { name, stage });
      expect(r.statusCode, r.body).toBe(201);
      ids[name] = r.json().id;
    }
    const nodes: Array<[string, string]> = [
      ['质子交换膜', '上游·材料'],
      ['催化剂', '上游·材料'],
      ['膜电极', '中游·部件'],
      ['电堆', '中游·部件'],
      ['燃料电池汽车', '下游·应用'],
    ];
    for (const [name, seg] of nodes) {
      const r = await tj.post(`/api/chains/${ids.chain}/nodes`, { segmentId: ids[seg], name, keywords: [name] });
      expect(r.statusCode, r.body).toBe(201);
      ids[name] = r.json().id;
    }
    for (const [a, b] of [
      ['质子交换膜', '膜电极'],
      ['催化剂', '膜电极'],
      ['膜电极', '电堆'],
      ['电堆', '燃料电池汽车'],
    ]) {
      const r = await tj.post(`/api/chains/${ids.chain}/edges`, { fromNodeId: ids[a], toNodeId: ids[b] });
      expect(r.statusCode, r.body).toBe(201);
    }
    const d = (await tj.get('/api/chains/h2-test')).json();
    expect(d.nodes).toHaveLength(5);
    expect(d.edges).toHaveLength(4);
    expect(d.segments.map((x: any) => x.stage)).toEqual(['upstream', 'midstream', 'downstream']);
    expect(d.canEdit).toBe(true);
  });

  it('refuses an edge that closes a cycle and names the nodes on it', async () => {
    const before = (await tj.get('/api/chains/h2-test')).json().edges.length;
    const r = await tj.post(`/api/chains/${ids.chain}/edges`, { fromNodeId: ids['燃料电池汽车'], toNodeId: ids['膜电极'] });
    expect(r.statusCode).toBe(409);
    const e = r.json().error;
    expect(e.code).toBe('chains.cycle_detected');
    expect(e.message).toContain('燃料电池汽车 → 膜电极 → 电堆 → 燃料电池汽车');
    expect(e.details.cycle.map((n: any) => n.name)).toEqual(['燃料电池汽车', '膜电极', '电堆', '燃料电池汽车']);
    expect((await tj.get('/api/chains/h2-test')).json().edges.length).toBe(before);
  });

  it('renames and moves a node; the chain history records it', async () => {
    const before = (await tj.get('/api/chains/h2-test')).json().nodes.filter((n: any) => n.segmentId === ids['中游·部件']);
    const r = await tj.patch(`/api/nodes/${ids['催化剂']}`, { name: '铂催化剂', segmentId: ids['中游·部件'] });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().segmentId).toBe(ids['中游·部件']);
    // Moved without a position: it goes after the segment's nodes, sharing no position with them.
    expect(r.json().position).toBe(Math.max(-1, ...before.map((n: any) => n.position)) + 1);
    const audit = (await tj.get(`/api/audit?entityType=chain&entityId=${ids.chain}`)).json();
    expect(audit[0].summary).toContain('催化剂 → 铂催化剂');
    const kept = (await tj.get('/api/chains/h2-test')).json().nodes.find((n: any) => n.name === '铂催化剂');
    expect(kept.keywords).toEqual(['催化剂']);
  });

  it('a Hebei official cannot edit a Tianjin-led chain', async () => {
    const r = await he.post(`/api/chains/${ids.chain}/nodes`, { segmentId: ids['上游·材料'], name: '河北加的节点' });
    expect(r.statusCode).toBe(403);
    expect(r.json().error.code).toBe('auth.wrong_region');
    const e = await he.post(`/api/chains/${ids.chain}/edges`, { fromNodeId: ids['质子交换膜'], toNodeId: ids['电堆'] });
    expect(e.statusCode).toBe(403);
    expect((await tj.get('/api/chains/h2-test')).json().nodes).toHaveLength(5);
  });

  it('attaches organisations to nodes; officials attach only their region’s organisations', async () => {
    const tjOrg = (await tj.post('/api/organizations', { kind: 'enterprise', name: '天津膜电极科技有限公司', divisionCode: '120116' })).json();
    const heOrg = (await he.post('/api/organizations', { kind: 'enterprise', name: '河北电堆制造有限公司', divisionCode: '130102' })).json();
    expect((await tj.post('/api/links', { organizationId: tjOrg.id, nodeId: ids['膜电极'], role: 'production' })).statusCode).toBe(201);
    const wrong = await tj.post('/api/links', { organizationId: heOrg.id, nodeId: ids['电堆'], role: 'production' });
    expect(wrong.statusCode).toBe(403);
    expect((await he.post('/api/links', { organizationId: heOrg.id, nodeId: ids['电堆'], role: 'supplier' })).statusCode).toBe(201);
    const list = (await he.get(`/api/nodes/${ids['膜电极']}/organizations`)).json();
    expect(list.organizations.map((o: any) => [o.name, o.region, o.role])).toEqual([['天津膜电极科技有限公司', 'TJ', 'production']]);
    const d = (await tj.get('/api/chains/h2-test')).json();
    const stack = d.nodes.find((n: any) => n.name === '电堆');
    expect(stack.counts).toEqual({ BJ: 0, TJ: 0, HE: 1, outside: 0 });
    const org = (await tj.get(`/api/organizations/${tjOrg.id}`)).json();
    expect(org.links.map((l: any) => l.nodeName)).toEqual(['膜电极']);
  });

  it('deletes a node together with its edges', async () => {
    expect((await tj.del(`/api/nodes/${ids['燃料电池汽车']}`)).statusCode).toBe(204);
    const d = (await tj.get('/api/chains/h2-test')).json();
    expect(d.nodes.map((n: any) => n.name)).not.toContain('燃料电池汽车');
    expect(d.edges).toHaveLength(3);
  });
});
