import { describe, expect, it } from 'vitest';
import { buildAttachModel, chainScores, inferRole, mayMatch, orgText, suggest, type EngineNode, type EngineOrg } from './attach.engine.ts';
import { canonicalJson } from './attach.usecases.ts';

const nodes: EngineNode[] = [
  { id: 1, chainId: 10, name: '质子交换膜', keywords: ['质子交换膜', '全氟磺酸膜'], stage: 'upstream' },
  { id: 2, chainId: 10, name: '催化剂', keywords: ['铂碳催化剂', '燃料电池催化剂'], stage: 'upstream' },
  { id: 3, chainId: 10, name: '膜电极', keywords: ['膜电极', 'MEA'], stage: 'midstream' },
  { id: 4, chainId: 10, name: '电堆', keywords: ['燃料电池电堆', '电堆'], stage: 'midstream' },
  { id: 5, chainId: 10, name: '加氢站', keywords: ['加氢站', '加氢机'], stage: 'downstream' },
  { id: 6, chainId: 20, name: '动力电池', keywords: ['动力电池', '电池包'], stage: 'midstream' },
  { id: 7, chainId: 20, name: '整车制造', keywords: ['新能源乘用车', '整车制造'], stage: 'downstream' },
];
let nextId = 100;
const org = (name: string, products: string[], kind = 'enterprise'): EngineOrg => ({ id: nextId++, name, shortName: null, kind, products, businessScope: null, description: null, industryCode: null });
const model = buildAttachModel(nodes, [{ nodeId: 4, org: org('天津燃料电池示范公司', ['燃料电池电堆', '氢燃料电池发动机']) }]);

describe('attachment engine (挂链)', () => {
  it('confirms a product that contains a node keyword, with the keyword as evidence', () => {
    const r = suggest(model, org('天津膜电极科技有限公司', ['燃料电池膜电极', '膜电极组件']));
    expect(r.suggestions).toHaveLength(1);
    const s = r.suggestions[0];
    expect(s).toMatchObject({ chainId: 10, nodeId: 3, tier: 'confirmed' });
    expect(s.score).toBeGreaterThan(0.9);
    expect(s.evidence.matches).toContainEqual(expect.objectContaining({ kind: 'keyword', signal: 'product', text: '燃料电池膜电极', matched: '膜电极' }));
    expect(s.evidence.summary).toContain('产品「燃料电池膜电极」含节点关键词「膜电极」');
  });

  it('splits the score between two nodes that share the evidence: both go to review', () => {
    const r = suggest(model, org('天津氢电科技有限公司', ['膜电极', '加氢站']));
    expect(r.suggestions.map((s) => [s.nodeId, s.tier]).sort()).toEqual([
      [3, 'review'],
      [5, 'review'],
    ]);
    for (const s of r.suggestions) expect(s.score).toBeLessThan(0.6);
    // per-chain scores sum to at most 1
    const total = [...chainScores(model, orgText(org('x', ['膜电极', '加氢站']), model.keywords)).get(10)!].reduce((n, x) => n + x.score, 0);
    expect(total).toBeLessThanOrEqual(1 + 1e-9);
  });

  it('places an organisation on several chains independently (scores are per chain)', () => {
    const r = suggest(model, org('综合能源公司', ['动力电池', '燃料电池电堆']));
    expect(r.suggestions.map((s) => [s.chainId, s.nodeId, s.tier]).sort()).toEqual([
      [10, 4, 'confirmed'],
      [20, 6, 'confirmed'],
    ]);
  });

  it('stores nothing without specific evidence: generic words, unrelated products, no products', () => {
    const bank = org('天津银行股份有限公司', ['存款业务', '技术服务']);
    expect(mayMatch(model, bank)).toBe(false);
    expect(suggest(model, bank)).toMatchObject({ suggestions: [], scored: false });
    // shares only a word with the node keywords (催化 in 催化裂化装置): scored but rejected
    const r = suggest(model, org('石化装备公司', ['氢气', '燃料电池']));
    expect(r.suggestions).toEqual([]);
    expect(suggest(model, org('空壳公司', []))).toMatchObject({ suggestions: [], scored: false });
  });

  it('a keyword inside a name counts only when it is a word of the name', () => {
    // 国投电力控股 contains the characters 力控 but not the word
    const m2 = buildAttachModel([...nodes, { id: 8, chainId: 30, name: '力控传感器', keywords: ['力控'], stage: 'upstream' }], []);
    expect(suggest(m2, org('国投电力控股股份有限公司', ['火电', '水电'])).suggestions).toEqual([]);
  });

  it('caps the places per chain and skips blocked nodes (decided or rejected pairs)', () => {
    const o = org('天津氢电科技有限公司', ['膜电极', '加氢站']);
    expect(suggest(model, o, { taken: () => 2 }).suggestions).toEqual([]);
    expect(suggest(model, o, { taken: () => 1 }).suggestions.map((s) => s.nodeId)).toEqual([5]);
    const r = suggest(model, o, { skip: (_c, n) => n === 5 });
    expect(r.suggestions.map((s) => s.nodeId)).toEqual([3]);
  });

  it('uses the decided examples: an organisation with the same product as a placed one', () => {
    const r = suggest(model, org('某氢能公司', ['氢燃料电池发动机']));
    expect(r.suggestions).toMatchObject([{ nodeId: 4, tier: 'confirmed' }]);
    expect(r.suggestions[0].evidence.matches).toContainEqual(expect.objectContaining({ kind: 'example', example: { organizationId: expect.any(Number), name: '天津燃料电池示范公司' } }));
    expect(r.suggestions[0].evidence.matches).toContainEqual(expect.objectContaining({ kind: 'whole', text: '氢燃料电池发动机' }));
  });

  it('infers the role from the kind of organisation and the stage of the node', () => {
    expect(inferRole('university', 'midstream')).toBe('rnd');
    expect(inferRole('institute', 'upstream')).toBe('rnd');
    expect(inferRole('open_lab', 'downstream')).toBe('rnd');
    expect(inferRole('pilot_platform', 'upstream')).toBe('pilot');
    expect(inferRole('enterprise', 'upstream')).toBe('supplier');
    expect(inferRole('enterprise', 'midstream')).toBe('production');
    expect(inferRole('enterprise', 'downstream')).toBe('production');
    expect(inferRole('financial', 'midstream')).toBe('service');
  });

  it('compares evidence whatever the key order (jsonb reorders keys)', () => {
    expect(canonicalJson({ b: 1, a: [{ y: 2, x: 1 }] })).toBe(canonicalJson({ a: [{ x: 1, y: 2 }], b: 1 }));
    expect(canonicalJson({ a: 1 })).not.toBe(canonicalJson({ a: 2 }));
  });
});
