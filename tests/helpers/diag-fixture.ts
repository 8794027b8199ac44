import type { Db } from '../../src/db/db.ts';

/**
 * A small 氢能 chain whose diagnostics can be checked by hand (default rules: a region is strong with
 * ≥ 2 production enterprises or a chain leader / key enterprise AND ≥ 2 of R&D / pilot / production).
 *
 *   node      organisations (confirmed unless noted)                         BJ       TJ       HE       overall
 *   质子交换膜  BJ university (rnd); outside enterprise (production)          weak     missing  missing  weak (only R&D)
 *   催化剂     BJ institute (rnd); HE 2 enterprises (production, revenue)      weak     missing  weak     strong (2 producers, 2 stages)
 *   膜电极     TJ chain leader + TJ pilot platform                             missing  strong   missing  strong (anchor, 2 stages)
 *   电堆       HE 3 enterprises (production)                                   missing  missing  weak     weak (1 stage)
 *   加氢站     TJ enterprise, attachment awaiting review only                  missing  missing  missing  missing
 */
export async function buildDiagFixture(db: Db, code = 'diag-h2', leadRegion: 'BJ' | 'TJ' | 'HE' = 'TJ') {
  const chain = (
    await db.query<{ id: number }>(
      `insert into chains (code, name, scope, lead_region, owner_region, source) values ($1, '氢能（诊断测试）', 'joint', $2, $2, 'test') returning id`,
      [code, leadRegion],
    )
  )[0].id;
  const seg = async (name: string, stage: string, position: number) =>
    (await db.query<{ id: number }>(`insert into chain_segments (chain_id, name, stage, position) values ($1,$2,$3,$4) returning id`, [chain, name, stage, position]))[0].id;
  const up = await seg('上游·材料', 'upstream', 0);
  const mid = await seg('中游·部件', 'midstream', 1);
  const down = await seg('下游·应用', 'downstream', 2);
  const nodes: Record<string, number> = {};
  let pos = 0;
  for (const [name, s] of [
    ['质子交换膜', up],
    ['催化剂', up],
    ['膜电极', mid],
    ['电堆', mid],
    ['加氢站', down],
  ] as const) {
    nodes[name] = (
      await db.query<{ id: number }>(`insert into chain_nodes (chain_id, segment_id, name, keywords, position) values ($1,$2,$3,$4,$5) returning id`, [
        chain,
        s,
        name,
        [name],
        pos++,
      ])
    )[0].id;
  }
  const orgs: Record<string, number> = {};
  const org = async (key: string, kind: string, region: string | null, division: string | null, revenue: number | null = null) => {
    orgs[key] = (
      await db.query<{ id: number }>(
        `insert into organizations (kind, name, short_name, region, division_code, province_code, revenue_wan, source, search_text)
         values ($1, $2, $3, $4, $5, $6, $7, 'test', $2) returning id`,
        [kind, key, key.length > 6 ? key.slice(0, 6) : null, region, division, division ? division.slice(0, 2) : null, revenue],
      )
    )[0].id;
    return orgs[key];
  };
  const link = async (orgKey: string, node: string, role: string, status = 'confirmed') =>
    db.query(`insert into org_node_links (organization_id, node_id, chain_id, role, status, origin, source) values ($1,$2,$3,$4,$5,'manual','test')`, [
      orgs[orgKey],
      nodes[node],
      chain,
      role,
      status,
    ]);

  await org('北京膜材料研究大学', 'university', 'BJ', '110108');
  await org('外省质子膜股份公司', 'enterprise', null, '370300', 300000);
  await org('北京催化研究院', 'institute', 'BJ', '110108');
  await org('河北催化剂甲公司', 'enterprise', 'HE', '130102', 50000);
  await org('河北催化剂乙公司', 'enterprise', 'HE', '130203', 200000);
  await org('天津膜电极链主公司', 'enterprise', 'TJ', '120116', 80000);
  await org('天津氢能中试平台', 'pilot_platform', 'TJ', '120116');
  await org('河北电堆一厂', 'enterprise', 'HE', '130102');
  await org('河北电堆二厂', 'enterprise', 'HE', '130600');
  await org('河北电堆三厂', 'enterprise', 'HE', null);
  await org('天津加氢站公司', 'enterprise', 'TJ', '120114');

  await link('北京膜材料研究大学', '质子交换膜', 'rnd');
  await link('外省质子膜股份公司', '质子交换膜', 'production');
  await link('北京催化研究院', '催化剂', 'rnd');
  await link('河北催化剂甲公司', '催化剂', 'production');
  await link('河北催化剂乙公司', '催化剂', 'supplier');
  await link('天津膜电极链主公司', '膜电极', 'chain_leader');
  await link('天津氢能中试平台', '膜电极', 'pilot');
  await link('河北电堆一厂', '电堆', 'production');
  await link('河北电堆二厂', '电堆', 'production');
  await link('河北电堆三厂', '电堆', 'production');
  await link('天津加氢站公司', '加氢站', 'production', 'review');

  return { chain, code, nodes, orgs, org, link };
}
export type DiagFixture = Awaited<ReturnType<typeof buildDiagFixture>>;
