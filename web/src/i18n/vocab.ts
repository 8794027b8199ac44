/**
 * Domain vocabulary, copied from src/modules/*\/*.schemas.ts (ORG_KIND_NAMES, LINK_ROLE_NAMES,
 * STAGE_NAMES, REGION_NAMES) so that zod stays out of the web bundle. Keep in step with those files.
 */
export type Lang = 'zh' | 'en';
export interface Bilingual {
  zh: string;
  en: string;
}

export const ORG_KINDS = ['enterprise', 'university', 'institute', 'pilot_platform', 'open_lab', 'financial', 'association', 'government'] as const;
export type OrgKind = (typeof ORG_KINDS)[number];
export const ORG_KIND_NAMES: Record<OrgKind, Bilingual> = {
  enterprise: { zh: '企业', en: 'Enterprise' },
  university: { zh: '高校', en: 'University' },
  institute: { zh: '科研院所', en: 'Research institute' },
  pilot_platform: { zh: '中试平台', en: 'Pilot-scale platform' },
  open_lab: { zh: '开放实验室', en: 'Open lab' },
  financial: { zh: '金融机构', en: 'Financial institution' },
  association: { zh: '协会联盟', en: 'Association' },
  government: { zh: '政府部门', en: 'Government body' },
};
export const ORG_KIND_COLORS: Record<OrgKind, string> = {
  enterprise: '#1f4fd8',
  university: '#7c3aed',
  institute: '#0e9f6e',
  pilot_platform: '#d97706',
  open_lab: '#0891b2',
  financial: '#c2410c',
  association: '#64748b',
  government: '#be123c',
};

export const LINK_ROLES = ['chain_leader', 'key_enterprise', 'supplier', 'rnd', 'pilot', 'production', 'service'] as const;
export type LinkRole = (typeof LINK_ROLES)[number];
export const LINK_ROLE_NAMES: Record<LinkRole, Bilingual> = {
  chain_leader: { zh: '链主', en: 'Chain leader' },
  key_enterprise: { zh: '重点企业', en: 'Key enterprise' },
  supplier: { zh: '配套供应商', en: 'Supplier' },
  rnd: { zh: '研发', en: 'R&D' },
  pilot: { zh: '中试', en: 'Pilot' },
  production: { zh: '量产', en: 'Production' },
  service: { zh: '服务', en: 'Service' },
};
/** antd Tag colours per role. */
export const LINK_ROLE_TAG: Record<LinkRole, string> = {
  chain_leader: 'red',
  key_enterprise: 'volcano',
  supplier: 'blue',
  rnd: 'purple',
  pilot: 'gold',
  production: 'green',
  service: 'cyan',
};

export const LINK_STATUS_NAMES: Record<string, Bilingual> = {
  confirmed: { zh: '已确认', en: 'Confirmed' },
  review: { zh: '待审核', en: 'In review' },
  rejected: { zh: '已驳回', en: 'Rejected' },
};

export const STAGES = ['upstream', 'midstream', 'downstream'] as const;
export type Stage = (typeof STAGES)[number];
export const STAGE_NAMES: Record<Stage, Bilingual> = {
  upstream: { zh: '上游', en: 'Upstream' },
  midstream: { zh: '中游', en: 'Midstream' },
  downstream: { zh: '下游', en: 'Downstream' },
};
export const STAGE_COLORS: Record<Stage, { band: string; text: string }> = {
  upstream: { band: 'rgba(31, 79, 216, 0.06)', text: '#1f4fd8' },
  midstream: { band: 'rgba(14, 159, 110, 0.07)', text: '#0b7a55' },
  downstream: { band: 'rgba(217, 119, 6, 0.07)', text: '#b45309' },
};

export const REGIONS = ['BJ', 'TJ', 'HE'] as const;
export type Region = (typeof REGIONS)[number];
export type RegionOrOutside = Region | 'outside';
export const REGION_NAMES: Record<RegionOrOutside, Bilingual & { provinceCode: string | null }> = {
  BJ: { zh: '北京', en: 'Beijing', provinceCode: '11' },
  TJ: { zh: '天津', en: 'Tianjin', provinceCode: '12' },
  HE: { zh: '河北', en: 'Hebei', provinceCode: '13' },
  outside: { zh: '京津冀以外', en: 'Outside the region', provinceCode: null },
};
export const REGION_COLORS: Record<RegionOrOutside, string> = {
  BJ: '#d4380d',
  TJ: '#1f4fd8',
  HE: '#389e0d',
  outside: '#8c8c8c',
};
export const REGION_TAG: Record<RegionOrOutside, string> = { BJ: 'volcano', TJ: 'blue', HE: 'green', outside: 'default' };

export const CHAIN_SCOPE_NAMES: Record<string, Bilingual> = {
  joint: { zh: '京津冀联合（六链）', en: 'Joint chain (six chains)' },
  tianjin: { zh: '天津重点产业链', en: 'Tianjin key chain' },
  beijing: { zh: '北京产业链', en: 'Beijing chain' },
  hebei: { zh: '河北产业链', en: 'Hebei chain' },
  other: { zh: '其他', en: 'Other' },
};

export const USER_ROLE_NAMES: Record<string, Bilingual> = {
  admin: { zh: '管理员', en: 'Administrator' },
  official: { zh: '政府工作人员', en: 'Official' },
  enterprise: { zh: '企业用户', en: 'Enterprise user' },
  provider: { zh: '服务机构', en: 'Service provider' },
};

export function label(map: Record<string, Bilingual>, key: string | null | undefined, lang: Lang): string {
  if (key == null) return '';
  const v = map[key];
  return v ? v[lang] : key;
}

export function regionKey(region: string | null | undefined): RegionOrOutside {
  return region === 'BJ' || region === 'TJ' || region === 'HE' ? region : 'outside';
}

/**
 * Server messages are written "中文 / English". Show the half for the current language; messages
 * without the separator are shown whole.
 */
export function pickLang(message: string, lang: Lang): string {
  const i = message.indexOf(' / ');
  if (i < 0) return message;
  return lang === 'zh' ? message.slice(0, i) : message.slice(i + 3);
}
