/**
 * The diagnostic rules, in one place: defaults, how a link counts towards a stage, how a status is
 * decided, and the sentences that explain both to an official. Pure functions (no database).
 *
 * Stage of an attachment (org_node_links row, with the organisation's kind):
 *   研发 R&D (0→1)       role 'rnd', or the organisation is a university, institute or open lab;
 *   中试 pilot (1→10)    role 'pilot', or the organisation is a pilot-scale platform;
 *   量产 production (10→N) an enterprise attached as production, supplier, chain leader or key enterprise.
 *   Role 'service' and financial / association / government bodies count towards no stage.
 *   One attachment can count towards two stages (an institute attached as 'pilot' is R&D and pilot).
 *
 * Status of a region on a node (defaults; adjustable per chain, see DEFAULT_RULES):
 *   strong   (量产企业 ≥ 2, or a 链主 / 重点企业) AND covers ≥ 2 of the three stages;
 *   weak     not strong, but ≥ 1 attached organisation;
 *   missing  fewer than that (none).
 * Overall = 京津冀 combined: the same test on the three regions' counts added up, with its own
 * thresholds. Organisations outside 京津冀 count towards no status (they are investment targets).
 */
import { REGION_NAMES, type Region } from '../accounts/accounts.schemas.ts';
import {
  NODE_STATUS_NAMES,
  STAGE_KEY_NAMES,
  STAGE_KEYS,
  type DiagnosticRules,
  type DiagnosticRulesPatch,
  type NodeStatus,
  type RegionCounts,
  type StageKey,
  type StatusRule,
} from './diagnostics.schemas.ts';

export const DEFAULT_RULES: DiagnosticRules = {
  region: { strong: { minProduction: 2, anchorQualifies: true, minStages: 2 }, weak: { minOrganizations: 1 } },
  overall: { strong: { minProduction: 2, anchorQualifies: true, minStages: 2 }, weak: { minOrganizations: 1 } },
  includeReview: false,
  proposals: {
    duandianMissing: true,
    duandianNoProduction: true,
    duandianWeak: true,
    kadianNoRnd: true,
    kadianNoPilot: true,
    keyEnterpriseFromRoles: true,
    keyEnterpriseMinRevenueWan: 100_000,
    owner: 'division_of_labour',
  },
};

export function mergeRules(base: DiagnosticRules, patch: DiagnosticRulesPatch): DiagnosticRules {
  const b = patch.reset ? DEFAULT_RULES : base;
  const rule = (r: StatusRule, p: DiagnosticRulesPatch['region']): StatusRule => ({
    strong: { ...r.strong, ...(p?.strong ?? {}) },
    weak: { ...r.weak, ...(p?.weak ?? {}) },
  });
  return {
    region: rule(b.region, patch.region),
    overall: rule(b.overall, patch.overall),
    includeReview: patch.includeReview ?? b.includeReview,
    proposals: { ...b.proposals, ...(patch.proposals ?? {}) },
  };
}

/** Stored rules completed with defaults (a stored set written by an older version may lack a field). */
export function completeRules(stored: unknown): DiagnosticRules {
  if (!stored || typeof stored !== 'object') return DEFAULT_RULES;
  return mergeRules(DEFAULT_RULES, stored as DiagnosticRulesPatch);
}

// ------------------------------------------------------------------ stage mapping (SQL + TS)

const RND_KINDS = ['university', 'institute', 'open_lab'];
const PILOT_KINDS = ['pilot_platform'];
const PRODUCTION_ROLES = ['production', 'supplier', 'chain_leader', 'key_enterprise'];
export const ANCHOR_ROLES = ['chain_leader', 'key_enterprise'] as const;


/**
 * SQL boolean expressions: does a row with these role / kind columns count towards the stage.
 * They call the functions of migration 0002 (diag_stage_*), the definition the summary uses.
 */
export function stageSql(roleCol: string, kindCol: string): Record<StageKey, string> {
  return {
    rnd: `diag_stage_rnd(${roleCol}, ${kindCol})`,
    pilot: `diag_stage_pilot(${roleCol}, ${kindCol})`,
    production: `diag_stage_production(${roleCol}, ${kindCol})`,
  };
}

/** The same mapping in TypeScript (a test checks it against the SQL functions for every role × kind). */
export function stagesOf(role: string, kind: string): StageKey[] {
  const out: StageKey[] = [];
  if (role === 'rnd' || RND_KINDS.includes(kind)) out.push('rnd');
  if (role === 'pilot' || PILOT_KINDS.includes(kind)) out.push('pilot');
  if (kind === 'enterprise' && PRODUCTION_ROLES.includes(role)) out.push('production');
  return out;
}

// ------------------------------------------------------------------ status

export function stagesCovered(c: Pick<RegionCounts, 'stages'>): StageKey[] {
  return STAGE_KEYS.filter((k) => c.stages[k] > 0);
}

const stageNames = (ks: StageKey[]) => (ks.length ? ks.map((k) => STAGE_KEY_NAMES[k].short).join('、') : '无');

// Module-level helpers, not closures: evaluateStatus runs for every node × region.
function anchorText(anchorNames: string[], anchors: number): string {
  const names = anchorNames.slice(0, 3).join('、');
  return `有链主/重点企业${names ? `（${names}${anchorNames.length > 3 ? `等 ${anchors} 家` : ''}）` : ` ${anchors} 家`}`;
}

export interface StatusVerdict {
  status: NodeStatus;
  reason: string;
}

/**
 * Applies one status rule to the counts of a region (or of 京津冀 combined).
 * `scope` names it in the sentence ("天津", "京津冀合计"); `anchorNames` are the 链主 / 重点企业 names.
 */
export function evaluateStatus(c: RegionCounts, rule: StatusRule, scope: string, anchorNames: string[] = []): StatusVerdict {
  const covered = stagesCovered(c);
  const s = rule.strong;
  const prodOk = c.stages.production >= s.minProduction;
  const anchorOk = s.anchorQualifies && c.anchors > 0;
  const stagesOk = covered.length >= s.minStages;
  const enough = c.organizations >= Math.max(1, rule.weak.minOrganizations);
  if (c.organizations >= 1 && enough && (prodOk || anchorOk) && stagesOk) {
    const first = prodOk && (c.stages.production > 0 || !anchorOk) ? `量产（10→N）企业 ${c.stages.production} 家（≥${s.minProduction}）` : anchorText(anchorNames, c.anchors);
    const second = s.minStages > 0 ? `；覆盖${stageNames(covered)} ${covered.length} 个阶段（≥${s.minStages}）` : '';
    return { status: 'strong', reason: `${NODE_STATUS_NAMES.strong.zh}：${scope}${first}${second}` };
  }
  if (enough) {
    const parts: string[] = [];
    if (!(prodOk || anchorOk))
      parts.push(`量产（10→N）企业 ${c.stages.production} 家（“强”需 ≥${s.minProduction} 家${s.anchorQualifies ? '，或有链主/重点企业' : ''}）`);
    if (!stagesOk) parts.push(`只覆盖${stageNames(covered)} ${covered.length} 个阶段（“强”需 ≥${s.minStages} 个）`);
    return { status: 'weak', reason: `${NODE_STATUS_NAMES.weak.zh}：${scope}有 ${c.organizations} 家机构，但${parts.join('；')}` };
  }
  if (c.organizations === 0) return { status: 'missing', reason: `${NODE_STATUS_NAMES.missing.zh}：${scope}没有挂在该节点上的机构` };
  return {
    status: 'missing',
    reason: `${NODE_STATUS_NAMES.missing.zh}：${scope}只有 ${c.organizations} 家机构，少于 ${rule.weak.minOrganizations} 家`,
  };
}

export const regionScope = (r: Region) => REGION_NAMES[r].zh;
export const OVERALL_SCOPE = '京津冀合计';

// ------------------------------------------------------------------ explanation

function ruleSentences(rule: StatusRule, who: string): string[] {
  const s = rule.strong;
  const prod = `量产（10→N）企业不少于 ${s.minProduction} 家${s.anchorQualifies ? '，或有链主/重点企业' : ''}`;
  const stages = s.minStages > 0 ? `；并且研发（0→1）、中试（1→10）、量产（10→N）三个阶段中至少覆盖 ${s.minStages} 个` : '';
  return [
    `${who}为「强」：${prod}${stages}。`,
    `${who}为「弱」：达不到「强」，但至少有 ${rule.weak.minOrganizations} 家机构挂在该节点上。`,
    `${who}为「缺失」：挂在该节点上的机构少于 ${rule.weak.minOrganizations} 家。`,
  ];
}

/** The rules as sentences for the rules panel and the printed workbook. */
export function explainRules(rules: DiagnosticRules): string[] {
  const p = rules.proposals;
  const out = [
    ...ruleSentences(rules.region, '北京、天津、河北各自在一个节点上'),
    ...ruleSentences(rules.overall, '整体（京津冀合计，三地数量相加）'),
    '阶段的认定：研发（0→1）= 以“研发”角色挂链，或机构是高校、科研院所、开放实验室；中试（1→10）= 以“中试”角色挂链，或机构是中试平台；量产（10→N）= 企业以“量产”“配套供应商”“链主”“重点企业”角色挂链。“服务”角色和金融机构、协会联盟、政府部门不计入任何阶段。',
    rules.includeReview ? '计入已确认和待审核的挂链（已驳回的不计）。' : '只计入已确认的挂链（待审核、已驳回的不计）。',
    '京津冀以外的机构不计入状态，只作为招商参考。',
  ];
  const auto: string[] = [];
  if (p.duandianMissing) auto.push('京津冀在该节点没有任何机构 → 堵点');
  if (p.duandianNoProduction) auto.push('有机构但没有量产（10→N）企业 → 堵点');
  if (p.duandianWeak) auto.push('有量产企业但京津冀整体仍为「弱」→ 堵点');
  if (p.kadianNoRnd) auto.push('有量产企业但没有研发（0→1）机构，技术依赖区外 → 卡点');
  if (p.kadianNoPilot) auto.push('有研发机构但没有中试（1→10）和量产，成果转化受阻 → 卡点');
  if (p.keyEnterpriseFromRoles) auto.push('以链主或重点企业挂链的京津冀企业 → 重点企业');
  if (p.keyEnterpriseMinRevenueWan !== null)
    auto.push(`节点上营业收入最高、且不低于 ${formatWan(p.keyEnterpriseMinRevenueWan)} 的京津冀企业 → 重点企业`);
  if (auto.length) out.push(`自动建议：${auto.join('；')}。`);
  out.push(
    p.owner === 'division_of_labour'
      ? '建议条目的归属地区按三地分工：缺研发的卡点归北京（北京研发 0→1），缺中试的卡点归天津（天津中试 1→10），堵点归河北（河北量产 10→N），重点企业归企业所在地区。'
      : '建议条目的归属地区为产业链的牵头地区（重点企业归企业所在地区）。',
  );
  out.push('重新诊断只更新尚未处理的建议；官员已确认、修改或放弃的条目不会被改动。条件不再成立的建议标记为“已过时”，保留待官员处理。');
  return out;
}

export function formatWan(wan: number): string {
  if (wan >= 10_000) return `${+(wan / 10_000).toFixed(2)} 亿元`;
  return `${+wan.toFixed(2)} 万元`;
}
