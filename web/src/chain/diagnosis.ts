/**
 * Vocabulary of diagnostics and the three lists, copied from src/modules/diagnostics/diagnostics.schemas.ts
 * and src/modules/lists/lists.schemas.ts (NODE_STATUS_NAMES, STAGE_KEY_NAMES, LIST_KIND_NAMES,
 * ENTRY_STATUS_NAMES, ENTRY_ORG_ROLE_NAMES, ORG_ROLES_BY_KIND, REGION_DEPARTMENTS) so that zod stays out
 * of the web bundle. tests/e2e/lists.test.ts checks that the copies still agree with the server's.
 */
import type { Bilingual, Region } from '../i18n/vocab';

export const NODE_STATUSES = ['strong', 'weak', 'missing'] as const;
export type NodeStatus = (typeof NODE_STATUSES)[number];
export const NODE_STATUS_NAMES: Record<NodeStatus, Bilingual & { color: string }> = {
  strong: { zh: '强', en: 'Strong', color: '#389e0d' },
  weak: { zh: '弱', en: 'Weak', color: '#d48806' },
  missing: { zh: '缺失', en: 'Missing', color: '#cf1322' },
};

export const STAGE_KEYS = ['rnd', 'pilot', 'production'] as const;
export type StageKey = (typeof STAGE_KEYS)[number];
export const STAGE_KEY_NAMES: Record<StageKey, Bilingual & { short: string; shortEn: string; step: string; lead: Region }> = {
  rnd: { zh: '研发（0→1）', en: 'R&D (0→1)', short: '研发', shortEn: 'R&D', step: '0→1', lead: 'BJ' },
  pilot: { zh: '中试（1→10）', en: 'Pilot (1→10)', short: '中试', shortEn: 'Pilot', step: '1→10', lead: 'TJ' },
  production: { zh: '量产（10→N）', en: 'Production (10→N)', short: '量产', shortEn: 'Production', step: '10→N', lead: 'HE' },
};

export const LIST_KINDS = ['kadian', 'duandian', 'key_enterprise'] as const;
export type ListKind = (typeof LIST_KINDS)[number];
export const LIST_KIND_NAMES: Record<ListKind, Bilingual & { sheet: string; list: Bilingual; color: string }> = {
  kadian: { zh: '卡点', en: 'Bottleneck technology', sheet: '卡点攻关清单', list: { zh: '卡点攻关', en: 'Bottleneck technologies' }, color: 'magenta' },
  duandian: { zh: '堵点', en: 'Missing or weak link', sheet: '堵点招商清单', list: { zh: '堵点招商', en: 'Missing links & investment' }, color: 'orange' },
  key_enterprise: { zh: '重点企业', en: 'Key enterprise', sheet: '重点企业清单', list: { zh: '重点企业', en: 'Key enterprises' }, color: 'geekblue' },
};

export const ENTRY_STATUSES = ['proposed', 'accepted', 'in_progress', 'resolved', 'dropped'] as const;
export type EntryStatus = (typeof ENTRY_STATUSES)[number];
export const ENTRY_STATUS_NAMES: Record<EntryStatus, Bilingual> = {
  proposed: { zh: '已提出', en: 'Proposed' },
  accepted: { zh: '已确认', en: 'Accepted' },
  in_progress: { zh: '推进中', en: 'In progress' },
  resolved: { zh: '已解决', en: 'Resolved' },
  dropped: { zh: '已放弃', en: 'Dropped' },
};
/** antd Tag colours per entry status. */
export const ENTRY_STATUS_TAG: Record<EntryStatus, string> = {
  proposed: 'default',
  accepted: 'blue',
  in_progress: 'processing',
  resolved: 'success',
  dropped: 'error',
};

export const ENTRY_ORG_ROLES = ['team_member', 'applicant', 'target', 'subject'] as const;
export type EntryOrgRole = (typeof ENTRY_ORG_ROLES)[number];
export const ENTRY_ORG_ROLE_NAMES: Record<EntryOrgRole, Bilingual> = {
  team_member: { zh: '攻关团队成员', en: 'Tackling team member' },
  applicant: { zh: '揭榜挂帅申报单位', en: 'Open-call applicant' },
  target: { zh: '招商目标企业', en: 'Target enterprise' },
  subject: { zh: '重点企业', en: 'Key enterprise' },
};
export const ORG_ROLES_BY_KIND: Record<ListKind, EntryOrgRole[]> = {
  kadian: ['team_member', 'applicant'],
  duandian: ['target'],
  key_enterprise: ['subject'],
};

/** The bureaus the server names as departments of automatic proposals (lists.proposals.ts). */
export const REGION_DEPARTMENTS: Record<Region, string> = {
  BJ: '北京市经济和信息化局',
  TJ: '天津市工业和信息化局',
  HE: '河北省工业和信息化厅',
};

export function statusColor(s: string | null | undefined): string {
  return s && s in NODE_STATUS_NAMES ? NODE_STATUS_NAMES[s as NodeStatus].color : '#d9d9d9';
}

/** "1 234 万元" / "12.3 亿元" from 万元. */
export function formatWan(wan: number | null | undefined, lang: 'zh' | 'en'): string {
  if (wan == null) return '—';
  if (lang === 'en') return wan >= 10_000 ? `CNY ${(wan / 10_000).toLocaleString('en', { maximumFractionDigits: 1 })} 100m` : `CNY ${Math.round(wan).toLocaleString('en')} 10k`;
  return wan >= 10_000 ? `${(wan / 10_000).toLocaleString('zh-CN', { maximumFractionDigits: 1 })} 亿元` : `${Math.round(wan).toLocaleString('zh-CN')} 万元`;
}

interface PlacedOrg {
  region: string | null;
  divisionCode: string | null;
  divisionName: string | null;
  divisionLevel: number | null;
}
export interface CoarsePlace<O extends PlacedOrg = PlacedOrg> {
  code: string;
  name: string;
  orgs: O[];
}

/** Organisations of 京津冀 placed only at city or province level, grouped by that place. */
export function coarsePlaces<O extends PlacedOrg>(orgs: O[]): Array<CoarsePlace<O>> {
  const m = new Map<string, CoarsePlace<O>>();
  for (const o of orgs) {
    if (!o.region || !o.divisionCode || (o.divisionLevel ?? 0) >= 3) continue;
    const p = m.get(o.divisionCode) ?? { code: o.divisionCode, name: o.divisionName ?? o.divisionCode, orgs: [] };
    p.orgs.push(o);
    m.set(o.divisionCode, p);
  }
  return [...m.values()];
}
