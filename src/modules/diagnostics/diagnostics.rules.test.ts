import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES, completeRules, evaluateStatus, explainRules, formatWan, mergeRules } from './diagnostics.rules.ts';
import type { RegionCounts } from './diagnostics.schemas.ts';

const counts = (o: Partial<RegionCounts> & { rnd?: number; pilot?: number; production?: number }): RegionCounts => {
  const stages = { rnd: o.rnd ?? 0, pilot: o.pilot ?? 0, production: o.production ?? 0 };
  return {
    organizations: o.organizations ?? stages.rnd + stages.pilot + stages.production,
    byRole: { chain_leader: 0, key_enterprise: 0, supplier: 0, rnd: 0, pilot: 0, production: 0, service: 0 },
    stages,
    stagesCovered: [],
    anchors: o.anchors ?? 0,
    revenueWan: null,
    revenueKnown: 0,
  };
};

describe('status rules', () => {
  const rule = DEFAULT_RULES.region;
  it('strong needs production (or an anchor) and two stages', () => {
    expect(evaluateStatus(counts({ production: 2, rnd: 1 }), rule, '河北')).toEqual({
      status: 'strong',
      reason: '强：河北量产（10→N）企业 2 家（≥2）；覆盖研发、量产 2 个阶段（≥2）',
    });
    expect(evaluateStatus(counts({ production: 1, pilot: 1, anchors: 1 }), rule, '天津', ['凯莱英']).reason).toBe(
      '强：天津有链主/重点企业（凯莱英）；覆盖中试、量产 2 个阶段（≥2）',
    );
    expect(evaluateStatus(counts({ production: 5 }), rule, '河北').status).toBe('weak');
    expect(evaluateStatus(counts({ production: 1, rnd: 3 }), rule, '北京').reason).toBe(
      '弱：北京有 4 家机构，但量产（10→N）企业 1 家（“强”需 ≥2 家，或有链主/重点企业）',
    );
  });
  it('missing below the minimum number of organisations', () => {
    expect(evaluateStatus(counts({}), rule, '天津')).toEqual({ status: 'missing', reason: '缺失：天津没有挂在该节点上的机构' });
    const strict = mergeRules(DEFAULT_RULES, { region: { weak: { minOrganizations: 3 } } }).region;
    expect(evaluateStatus(counts({ rnd: 2 }), strict, '天津')).toEqual({ status: 'missing', reason: '缺失：天津只有 2 家机构，少于 3 家' });
  });
  it('anchors qualify only when the rule says so; zero thresholds never make an empty node strong', () => {
    const noAnchor = mergeRules(DEFAULT_RULES, { region: { strong: { anchorQualifies: false } } }).region;
    expect(evaluateStatus(counts({ production: 1, pilot: 1, anchors: 1 }), noAnchor, '天津').status).toBe('weak');
    const lax = mergeRules(DEFAULT_RULES, { region: { strong: { minProduction: 0, minStages: 0 } } }).region;
    expect(evaluateStatus(counts({}), lax, '天津').status).toBe('missing');
    expect(evaluateStatus(counts({ rnd: 1 }), lax, '天津').status).toBe('strong');
  });
});

describe('rule sets', () => {
  it('a partial change keeps the rest; reset returns to the defaults', () => {
    const r = mergeRules(DEFAULT_RULES, { overall: { strong: { minStages: 3 } }, proposals: { kadianNoPilot: false } });
    expect(r.overall.strong).toEqual({ minProduction: 2, anchorQualifies: true, minStages: 3 });
    expect(r.region).toEqual(DEFAULT_RULES.region);
    expect(r.proposals.kadianNoPilot).toBe(false);
    expect(r.proposals.duandianMissing).toBe(true);
    expect(mergeRules(r, { reset: true })).toEqual(DEFAULT_RULES);
    expect(completeRules({ includeReview: true }).region).toEqual(DEFAULT_RULES.region);
    expect(completeRules(null)).toEqual(DEFAULT_RULES);
  });
  it('explains the rules in sentences that follow the numbers', () => {
    const text = explainRules(mergeRules(DEFAULT_RULES, { region: { strong: { minProduction: 5 } }, proposals: { owner: 'chain_lead', keyEnterpriseMinRevenueWan: null } })).join('\n');
    expect(text).toContain('量产（10→N）企业不少于 5 家');
    expect(text).toContain('归属地区为产业链的牵头地区');
    expect(text).not.toContain('营业收入最高');
    expect(formatWan(250_000)).toBe('25 亿元');
    expect(formatWan(800)).toBe('800 万元');
  });
});
