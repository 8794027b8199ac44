import { describe, expect, it } from 'vitest';
import {
  buildChainContext,
  chainMatch,
  DEFAULT_SETTINGS,
  deriveStage,
  fieldFits,
  prepareQuery,
  queryTerms,
  rankCandidates,
  textMatch,
  type Candidate,
  type NodeInfo,
  type QueryPosting,
} from './matching.engine.ts';
import { minimalCovers } from './matching.repository.ts';
import { tokenizeForIndex } from '../../lib/text.ts';

const tokens = (...xs: string[]) => new Set(xs.flatMap((x) => [x.toLowerCase(), ...tokenizeForIndex(x)]));

describe('stage of a posting', () => {
  it('derives R&D, pilot and production from the kind, and says why', () => {
    expect(deriveStage('rnd_partner', {}).stage).toBe('rnd');
    expect(deriveStage('licensing', {}).stage).toBe('rnd');
    expect(deriveStage('pilot_scale', {}).stage).toBe('pilot');
    expect(deriveStage('procurement', {}).stage).toBe('production');
    expect(deriveStage('contract_manufacturing', { processes: ['smt', 'prototyping'], quantity: 200 }).stage).toBe('pilot');
    expect(deriveStage('contract_manufacturing', { processes: ['smt', 'prototyping'], quantity: 50000 }).stage).toBe('production');
    expect(deriveStage('contract_manufacturing', { processes: ['first_article'] }).reason).toContain('首台套');
    const set = deriveStage('procurement', {}, 'pilot');
    expect(set).toMatchObject({ stage: 'pilot', source: 'posting' });
  });
});

describe('text relevance', () => {
  it('weights structured-field terms above title and text, and drops asking words', () => {
    const t = queryTerms({ kind: 'contract_manufacturing', title: '寻找SMT贴片打样工厂', description: '希望在天津', fields: { processes: ['smt'] } });
    const smt = t.find((x) => x.term === 'smt贴片')!;
    expect(smt.from).toBe('fields');
    expect(t.map((x) => x.term)).not.toContain('寻找');
    expect(t.map((x) => x.term)).not.toContain('天津');
    const dayang = t.find((x) => x.term === '打样')!;
    expect(smt.weight).toBeGreaterThan(dayang.weight);
  });

  it('gives partial credit to the parts of a compound term', () => {
    const t = queryTerms({ kind: 'pilot_scale', title: '发酵中试', fields: { services: ['fermentation'] } });
    const full = textMatch(t, tokens('发酵中试'));
    const parts = textMatch(t, tokens('发酵', '中试'));
    const none = textMatch(t, tokens('软件开发'));
    expect(full.score).toBeGreaterThan(parts.score);
    expect(parts.score).toBeGreaterThan(0);
    expect(parts.partial).toEqual(expect.arrayContaining(['中试']));
    expect(none.score).toBe(0);
  });
});

const nodes = new Map<number, NodeInfo>([
  [1, { id: 1, name: '膜电极', chainId: 9, chainName: '氢能' }],
  [2, { id: 2, name: '电堆', chainId: 9, chainName: '氢能' }],
  [3, { id: 3, name: '燃料电池系统', chainId: 9, chainName: '氢能' }],
  [4, { id: 4, name: '催化剂', chainId: 9, chainName: '氢能' }],
  [5, { id: 5, name: '加氢站', chainId: 9, chainName: '氢能' }],
]);
const edges: Array<[number, number]> = [
  [4, 1],
  [1, 2],
  [2, 3],
];

describe('chain adjacency', () => {
  it('a supplier on the node upstream of the demander’s node is an upstream supplier; two hops is indirect', () => {
    const ctx = buildChainContext('demand', [], [2], edges, nodes); // the demander makes stacks (电堆)
    expect(chainMatch('demand', ctx, [1])).toMatchObject({ relation: 'upstream_supplier', score: 1 });
    expect(chainMatch('demand', ctx, [1]).queryNode?.name).toBe('电堆');
    expect(chainMatch('demand', ctx, [4]).relation).toBe('upstream_indirect');
    expect(chainMatch('demand', ctx, [2]).relation).toBe('peer');
    expect(chainMatch('demand', ctx, [3]).relation).toBe('opposite');
    expect(chainMatch('demand', ctx, [5]).relation).toBe('same_chain');
    expect(chainMatch('demand', ctx, []).relation).toBe('none');
  });

  it('a capability finds customers downstream', () => {
    const ctx = buildChainContext('capability', [], [1], edges, nodes);
    expect(chainMatch('capability', ctx, [2]).relation).toBe('downstream_customer');
    expect(chainMatch('capability', ctx, [3]).relation).toBe('downstream_indirect');
  });

  it('a candidate on the node the demand names is on the same node', () => {
    const ctx = buildChainContext('demand', [1], [2], edges, nodes);
    expect(chainMatch('demand', ctx, [1]).relation).toBe('same_node');
  });
});

describe('structured fields', () => {
  const today = new Date('2026-01-01T00:00:00Z');
  it('capacity ≥ need fits; less is short; grades and processes are covered or not', () => {
    const f = fieldFits('pilot_scale', { services: ['fermentation', 'purification'], volumeL: 500, grades: ['food'] }, null, { services: ['fermentation'], volumeL: 5000, grades: ['food', 'cosmetic'] }, today);
    expect(f.find((x) => x.field === 'volumeL')!.fit).toBe('ok');
    expect(f.find((x) => x.field === 'grades')!.fit).toBe('ok');
    expect(f.find((x) => x.field === 'services')!.fit).toBe('partial');
    const s = fieldFits('pilot_scale', { services: ['fermentation'], volumeL: 5000 }, null, { services: ['fermentation'], volumeL: 500 }, today);
    expect(s.find((x) => x.field === 'volumeL')!).toMatchObject({ fit: 'short' });
    expect(s.find((x) => x.field === 'volumeL')!.sentence).toContain('5000');
  });
  it('a deadline is met when the lead time fits; unknown when the offer says nothing', () => {
    const ok = fieldFits('contract_manufacturing', { processes: ['smt'] }, '2026-01-31', { processes: ['smt'], leadTimeDays: 7 }, today);
    expect(ok.find((x) => x.field === 'deadline')!.fit).toBe('ok');
    const late = fieldFits('contract_manufacturing', { processes: ['smt'] }, '2026-01-05', { processes: ['smt'], leadTimeDays: 30 }, today);
    expect(late.find((x) => x.field === 'deadline')!.fit).toBe('short');
    const unknown = fieldFits('contract_manufacturing', { processes: ['smt'], quantity: 100 }, null, { processes: ['smt'] }, today);
    expect(unknown.find((x) => x.field === 'quantity')!.fit).toBe('unknown');
  });
});

describe('ranking and explanations', () => {
  const demand: QueryPosting = {
    direction: 'demand',
    kind: 'rnd_partner',
    title: '寻求合成生物学研发合作',
    fields: { topics: ['合成生物学'] },
    regionsWanted: [],
    deadline: null,
    orgRegion: 'TJ',
    organizationId: 100,
  };
  const org = (id: number, region: 'BJ' | 'TJ' | 'HE', kind: Candidate['orgKind']): Candidate => ({
    type: 'organization',
    id,
    organizationId: id,
    orgKind: kind,
    region,
    tokens: tokens('合成生物学', '代谢工程'),
    nodes: [],
  });
  const cands = [org(1, 'HE', 'enterprise'), org(2, 'TJ', 'institute'), org(3, 'BJ', 'institute')];

  it('routes R&D to Beijing institutes by default; a tuned preference changes the order', () => {
    const r1 = rankCandidates(prepareQuery(demand), cands);
    expect(r1.map((x) => x.candidate.id)).toEqual([3, 2, 1]);
    const tuned = structuredClone(DEFAULT_SETTINGS);
    tuned.stageRouting.rnd = { BJ: 0.2, TJ: 1, HE: 0.4, outside: 0.1 };
    const r2 = rankCandidates(prepareQuery(demand, tuned), cands);
    expect(r2.map((x) => x.candidate.id)).toEqual([2, 3, 1]);
  });

  it('every score is the sum of its explained contributions', () => {
    for (const s of rankCandidates(prepareQuery(demand), cands)) {
      const sum = Object.values(s.explanation.contributions).reduce((a, b) => a + b, 0);
      expect(Math.abs(sum - s.score)).toBeLessThan(0.2);
      expect(s.explanation.reasons.length).toBeGreaterThanOrEqual(5);
      expect(s.explanation.stage.stage).toBe('rnd');
    }
  });

  it('never returns the querying organisation, nor candidates without any evidence', () => {
    const self = { ...org(100, 'TJ', 'institute') };
    const unrelated: Candidate = { ...org(7, 'TJ', 'institute'), tokens: tokens('物流') };
    const r = rankCandidates(prepareQuery(demand), [...cands, self, unrelated]);
    expect(r.map((x) => x.candidate.id)).not.toContain(100);
    expect(r.map((x) => x.candidate.id)).not.toContain(7);
  });
});

describe('retrieval covers', () => {
  it('minimal term subsets reaching half the weight', () => {
    expect(minimalCovers([3, 1, 1, 1], 0.5)).toEqual([[0], [1, 2, 3]]);
    const c = minimalCovers([1, 1, 1, 1], 0.5);
    expect(c).toHaveLength(6);
    expect(c.every((x) => x.length === 2)).toBe(true);
  });
});
