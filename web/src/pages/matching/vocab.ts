/**
 * Matchmaking vocabulary, copied from src/modules/postings/postings.schemas.ts and
 * src/modules/matching/matching.schemas.ts (so that zod stays out of the bundle), with English.
 * Keep in step with those files.
 */
import type { Bilingual } from '../../i18n/vocab';

type Names<K extends string> = Record<K, Bilingual>;

export const DIRECTIONS = ['demand', 'capability'] as const;
export type Direction = (typeof DIRECTIONS)[number];
export const DIRECTION_NAMES: Names<Direction> = {
  demand: { zh: '需求', en: 'Demand' },
  capability: { zh: '供给', en: 'Capability' },
};
export const DIRECTION_TAG: Record<Direction, string> = { demand: 'magenta', capability: 'cyan' };

export const POSTING_KINDS = ['procurement', 'contract_manufacturing', 'pilot_scale', 'lab_testing', 'rnd_partner', 'licensing', 'financing'] as const;
export type PostingKind = (typeof POSTING_KINDS)[number];
export const POSTING_KIND_NAMES: Names<PostingKind> = {
  procurement: { zh: '零部件/材料采购', en: 'Procurement of parts or materials' },
  contract_manufacturing: { zh: '委托加工', en: 'Contract manufacturing' },
  pilot_scale: { zh: '中试服务', en: 'Pilot-scale services' },
  lab_testing: { zh: '检验检测与仪器机时', en: 'Lab testing and instrument time' },
  rnd_partner: { zh: '技术研发合作', en: 'Technology / R&D partner' },
  licensing: { zh: '成果转化与技术许可', en: 'Licensing of research results' },
  financing: { zh: '投融资', en: 'Financing' },
};
export const POSTING_KIND_COLORS: Record<PostingKind, string> = {
  procurement: 'blue',
  contract_manufacturing: 'geekblue',
  pilot_scale: 'gold',
  lab_testing: 'cyan',
  rnd_partner: 'purple',
  licensing: 'magenta',
  financing: 'volcano',
};

export const MATCH_STAGES = ['rnd', 'pilot', 'production', 'testing', 'finance'] as const;
export type MatchStage = (typeof MATCH_STAGES)[number];
export const MATCH_STAGE_NAMES: Names<MatchStage> = {
  rnd: { zh: '研发（0→1）', en: 'R&D (0→1)' },
  pilot: { zh: '中试（1→10）', en: 'Pilot scale (1→10)' },
  production: { zh: '量产（10→N）', en: 'Volume production (10→N)' },
  testing: { zh: '检验检测', en: 'Testing' },
  finance: { zh: '投融资', en: 'Finance' },
};

export const GRADES = ['industrial', 'automotive', 'electronic', 'food', 'feed', 'cosmetic', 'pharma', 'pharma_gmp'] as const;
export const GRADE_NAMES: Names<(typeof GRADES)[number]> = {
  industrial: { zh: '工业级', en: 'Industrial' },
  automotive: { zh: '车规级', en: 'Automotive' },
  electronic: { zh: '电子级', en: 'Electronic' },
  food: { zh: '食品级', en: 'Food' },
  feed: { zh: '饲料级', en: 'Feed' },
  cosmetic: { zh: '化妆品级', en: 'Cosmetic' },
  pharma: { zh: '医药级', en: 'Pharmaceutical' },
  pharma_gmp: { zh: '药品GMP级', en: 'Pharma GMP' },
};

export const PROCESSES = ['smt', 'machining', 'moulding', 'assembly', 'prototyping', 'first_article', 'sheet_metal', 'welding', 'pcb', 'casting', 'other'] as const;
export const PROCESS_NAMES: Names<(typeof PROCESSES)[number]> = {
  smt: { zh: 'SMT贴片', en: 'SMT' },
  machining: { zh: '精密加工', en: 'Precision machining' },
  moulding: { zh: '注塑成型', en: 'Injection moulding' },
  assembly: { zh: '组装', en: 'Assembly' },
  prototyping: { zh: '样品试制', en: 'Prototyping' },
  first_article: { zh: '首台套加工', en: 'First-article machining' },
  sheet_metal: { zh: '钣金', en: 'Sheet metal' },
  welding: { zh: '焊接', en: 'Welding' },
  pcb: { zh: 'PCB制板', en: 'PCB fabrication' },
  casting: { zh: '铸造', en: 'Casting' },
  other: { zh: '其他工艺', en: 'Other processes' },
};

export const PILOT_SERVICES = ['fermentation', 'process_validation', 'scale_up', 'purification', 'formulation', 'cell_culture', 'synthesis', 'materials_prep', 'other'] as const;
export const PILOT_SERVICE_NAMES: Names<(typeof PILOT_SERVICES)[number]> = {
  fermentation: { zh: '发酵', en: 'Fermentation' },
  process_validation: { zh: '工艺验证', en: 'Process validation' },
  scale_up: { zh: '放大生产', en: 'Scale-up' },
  purification: { zh: '分离纯化', en: 'Purification' },
  formulation: { zh: '制剂', en: 'Formulation' },
  cell_culture: { zh: '细胞培养', en: 'Cell culture' },
  synthesis: { zh: '化学合成', en: 'Chemical synthesis' },
  materials_prep: { zh: '材料制备', en: 'Materials preparation' },
  other: { zh: '其他中试服务', en: 'Other pilot services' },
};

export const ACCREDITATIONS = ['CMA', 'CNAS', 'GLP', 'GMP'] as const;

export const RND_MODES = ['joint_rnd', 'commissioned', 'consortium', 'open_call'] as const;
export const RND_MODE_NAMES: Names<(typeof RND_MODES)[number]> = {
  joint_rnd: { zh: '联合研发', en: 'Joint R&D' },
  commissioned: { zh: '委托研发', en: 'Commissioned R&D' },
  consortium: { zh: '创新联合体', en: 'Innovation consortium' },
  open_call: { zh: '揭榜挂帅', en: 'Open call (揭榜挂帅)' },
};
export const LICENSING_MODES = ['license', 'transfer', 'equity', 'joint'] as const;
export const LICENSING_MODE_NAMES: Names<(typeof LICENSING_MODES)[number]> = {
  license: { zh: '许可', en: 'Licence' },
  transfer: { zh: '转让', en: 'Transfer' },
  equity: { zh: '作价入股', en: 'Equity contribution' },
  joint: { zh: '合作转化', en: 'Joint commercialisation' },
};
export const FINANCING_INSTRUMENTS = ['equity', 'loan', 'grant', 'leasing', 'supply_chain', 'insurance'] as const;
export const FINANCING_INSTRUMENT_NAMES: Names<(typeof FINANCING_INSTRUMENTS)[number]> = {
  equity: { zh: '股权投资', en: 'Equity' },
  loan: { zh: '贷款', en: 'Loan' },
  grant: { zh: '补助', en: 'Grant' },
  leasing: { zh: '融资租赁', en: 'Leasing' },
  supply_chain: { zh: '供应链金融', en: 'Supply-chain finance' },
  insurance: { zh: '保险', en: 'Insurance' },
};

export const PILOT_LINE_CATEGORIES = ['fermentation', 'purification', 'formulation', 'cell_culture', 'chemical_synthesis', 'materials', 'electronics', 'other'] as const;
export const PILOT_LINE_CATEGORY_NAMES: Names<(typeof PILOT_LINE_CATEGORIES)[number]> = {
  fermentation: { zh: '发酵', en: 'Fermentation' },
  purification: { zh: '分离纯化', en: 'Purification' },
  formulation: { zh: '制剂', en: 'Formulation' },
  cell_culture: { zh: '细胞培养', en: 'Cell culture' },
  chemical_synthesis: { zh: '化学合成', en: 'Chemical synthesis' },
  materials: { zh: '材料制备', en: 'Materials' },
  electronics: { zh: '电子制造', en: 'Electronics' },
  other: { zh: '其他', en: 'Other' },
};
export const PILOT_LINE_STATUS_NAMES: Names<'available' | 'busy' | 'maintenance' | 'retired'> = {
  available: { zh: '可预约', en: 'Available' },
  busy: { zh: '满负荷', en: 'Busy' },
  maintenance: { zh: '维护中', en: 'Maintenance' },
  retired: { zh: '已停用', en: 'Retired' },
};
export const PILOT_LINE_STATUS_COLOR: Record<string, string> = { available: 'success', busy: 'warning', maintenance: 'default', retired: 'default' };

export const POSTING_STATUS_NAMES: Names<'open' | 'closed' | 'expired'> = {
  open: { zh: '撮合中', en: 'Open' },
  closed: { zh: '已关闭', en: 'Closed' },
  expired: { zh: '已过期', en: 'Expired' },
};
export const POSTING_STATUS_COLOR: Record<string, string> = { open: 'processing', closed: 'default', expired: 'warning' };

export const INTEREST_STATUSES = ['pending', 'accepted', 'declined', 'withdrawn'] as const;
export const INTEREST_STATUS_NAMES: Names<(typeof INTEREST_STATUSES)[number]> = {
  pending: { zh: '待对方处理', en: 'Pending' },
  accepted: { zh: '已接受', en: 'Accepted' },
  declined: { zh: '已拒绝', en: 'Declined' },
  withdrawn: { zh: '已撤回', en: 'Withdrawn' },
};
export const INTEREST_STATUS_COLOR: Record<string, string> = { pending: 'processing', accepted: 'success', declined: 'error', withdrawn: 'default' };

export const OUTCOMES = ['no_deal', 'intention', 'signed'] as const;
export type Outcome = (typeof OUTCOMES)[number];
export const OUTCOME_NAMES: Names<Outcome> = {
  no_deal: { zh: '未成交', en: 'No deal' },
  intention: { zh: '达成意向', en: 'Intention' },
  signed: { zh: '已签约', en: 'Signed' },
};
export const OUTCOME_COLOR: Record<Outcome, string> = { no_deal: 'default', intention: 'gold', signed: 'green' };

export const SIGNALS = ['text', 'chain', 'stage', 'region', 'kind', 'fields'] as const;
export type Signal = (typeof SIGNALS)[number];
export const SIGNAL_NAMES: Names<Signal> = {
  text: { zh: '文本', en: 'Text' },
  chain: { zh: '产业链', en: 'Chain' },
  stage: { zh: '阶段分工', en: 'Stage' },
  region: { zh: '地区', en: 'Region' },
  kind: { zh: '类型', en: 'Kind' },
  fields: { zh: '指标', en: 'Fields' },
};
export const SIGNAL_COLORS: Record<Signal, string> = {
  text: '#1f4fd8',
  chain: '#7c3aed',
  stage: '#d97706',
  region: '#0e9f6e',
  kind: '#0891b2',
  fields: '#be123c',
};

export const CHAIN_RELATION_NAMES: Names<
  'same_node' | 'upstream_supplier' | 'upstream_indirect' | 'downstream_customer' | 'downstream_indirect' | 'peer' | 'same_chain' | 'opposite' | 'none'
> = {
  same_node: { zh: '同一节点', en: 'Same node' },
  upstream_supplier: { zh: '直接上游供应', en: 'Direct upstream supplier' },
  upstream_indirect: { zh: '二级上游', en: 'Upstream, two steps' },
  downstream_customer: { zh: '直接下游客户', en: 'Direct downstream customer' },
  downstream_indirect: { zh: '二级下游', en: 'Downstream, two steps' },
  peer: { zh: '同一环节', en: 'Same segment' },
  same_chain: { zh: '同一产业链', en: 'Same chain' },
  opposite: { zh: '反方向环节', en: 'Opposite direction' },
  none: { zh: '无链上关系', en: 'No chain relation' },
};

export const FIT_NAMES: Names<'ok' | 'partial' | 'short' | 'mismatch' | 'unknown'> = {
  ok: { zh: '满足', en: 'fits' },
  partial: { zh: '部分满足', en: 'partly' },
  short: { zh: '不足', en: 'short' },
  mismatch: { zh: '不符', en: 'mismatch' },
  unknown: { zh: '未注明', en: 'not stated' },
};
export const FIT_COLOR: Record<string, string> = { ok: 'success', partial: 'gold', short: 'orange', mismatch: 'error', unknown: 'default' };

/** Field keys of the explanations (`fields[].field`), in English; the server gives the Chinese label. */
export const FIELD_LABELS_EN: Record<string, string> = {
  processes: 'Processes',
  quantity: 'Quantity / capacity',
  deadline: 'Deadline',
  grades: 'Grades',
  volumeL: 'Volume',
  services: 'Services',
  accreditations: 'Accreditations',
  items: 'Items',
  lines: 'Lines',
  certifications: 'Certifications',
  budgetWan: 'Budget',
  amountWan: 'Amount',
  instruments: 'Instruments',
  mode: 'Mode',
  tests: 'Tests',
  topics: 'Topics',
  leadTimeDays: 'Lead time',
};

export function nameOf<K extends string>(map: Names<K>, key: string | null | undefined, lang: 'zh' | 'en'): string {
  if (!key) return '';
  const v = (map as Record<string, Bilingual>)[key];
  return v ? v[lang] : key;
}
