/**
 * Cleaning of chain-kg "main products" (company_product.json). The file mixes real product and
 * business lines with lines from segment tables (eliminations, balancing items, segment and region
 * breakdowns, interest/fee income) and with fragments of business-scope text. The rules below were
 * written by reading the whole distinct-name list (39,261 names); see data/README.md.
 */

/** Whole names that are accounting or breakdown lines, not products. */
const DROP_EXACT = new Set([
  '主营', '主营业务', '非主营业务', '营业', '占营业', '成本', '销售成本', '服务性成本', '收入', '营业收入',
  '租金', '房租', '母公司', '本部', '集团本部', '总部', '公司业务', '公司内部各业务', '下属子公司业务', '境外子公司',
  '自产', '费用报账', '合并', '人民币',
  // too generic to say what a company makes (they would match every chain node)
  '销售', '服务', '服务业', '商业', '工业', '贸易', '材料', '加工', '配套', '应用', '运营', '业务', '产品', '制造',
  '制造业', '生产', '设备', '配件', '劳务', '电量', '热量', '出租', '经营',
]);

const DROP_PATTERNS: RegExp[] = [
  // eliminations, balancing and unallocated items (平衡项目, 分部间抵销, 调整项目, 未分配金额 …)
  /抵销|抵消|抵减|抵銷|^平衡项目|未分配|调整项目/,
  // residual categories and fragments (其他, 其他业务, 其他(补充), 其它机械设备, 其延伸和服务 …)
  /^其/,
  // revenue-recognition wording (与客户间订立的合同, 客户合同产生的 …)
  /与客户|产生的$/,
  // segment labels (房地产分部, 分部一, 煤炭板块报告分部 …)
  /分部/,
  /(合计|小计|总计)$/,
  // interest, fee and commission income lines (贷款利息, 代理业务手续费, 保险佣金 …)
  /(利息|手续费|佣金)(净|收入|支出)?$/,
  // breakdowns by region or market rather than by product
  /^(国内|国外|境内|境外|海外|进口|出口|内销|外销|华东|华南|华北|华中|华西|西南|西北|东北|大陆|中国大陆|港澳台|其他地区|其它地区)(地区|市场|业务|销售|收入|贸易)?$/,
  // business-scope boilerplate
  /依法须经|经相关部门|批准后|许可经营|凭许可证|登记机关|核准|未列明|除外|法律|法规|范围|^依照|^依据/,
];

/** Characters stripped from both ends of a name (not brackets: `(含税)` must keep its `)`). */
const EDGE = /^[\s\-—–_·•、，,。.;；:：!！?？~～*#/\\|+=]+|[\s\-—–_·•、，,。.;；:：!！?？~～*#/\\|+=]+$/gu;
const QUOTES = /["“”‘’'`「」『』]/g;
const SENTENCE = /[，。；;！？!?,]/;
const SPACE_BETWEEN_HAN = /(?<=\p{Script=Han})\s+(?=\p{Script=Han})/gu;
// 1.煤炭贸易, 2、xx, (3)xx — but not 1.5T磁共振
const ENUMERATION = /^\s*(\(\d{1,2}\)|\d{1,2}[.、](?!\d))\s*/u;

/** Returns the cleaned product name, or null when the line is not a product. */
export function cleanProductName(raw: string): string | null {
  // Enumeration marks from numbered lists (①智慧医疗, 1.煤炭贸易) are not part of the name.
  let s = raw.replace(/[\u2460-\u24ff\u2776-\u2793]/g, '').normalize('NFKC').replace(QUOTES, '');
  s = s.replace(ENUMERATION, '');
  s = s.replace(SPACE_BETWEEN_HAN, '').replace(/\s+/g, ' ');
  // "主营业务-装卸" / "综合布线-主营业务" name the product with an accounting prefix or suffix.
  s = s.replace(/^主营业务[-—:：]+|[-—:：]+主营业务$/g, '');
  // Business-scope phrasing: 承接钢结构工程 → 钢结构工程, 提供技术服务 → 技术服务, 开展煤炭 → 煤炭.
  s = s.replace(/^(开展|从事|提供|承接|承办|办理|兼营)/, '');
  s = s.replace(EDGE, '').trim();
  if ([...s].length < 2) return null; // 1-character names: 硼, 草, 饱 …
  if ([...s].length > 20 || SENTENCE.test(s)) return null; // sentence-like fragments
  if (DROP_EXACT.has(s) || DROP_PATTERNS.some((re) => re.test(s))) return null;
  return s;
}

export interface WeightedProduct {
  name: string;
  weight: number;
}

/**
 * Cleans, deduplicates (case-insensitively), and orders a company's products by weight (highest
 * first; ties keep the source order), keeping at most `cap`.
 */
export function cleanProducts(items: readonly WeightedProduct[], cap: number): string[] {
  const best = new Map<string, { name: string; weight: number; first: number }>();
  items.forEach((it, first) => {
    const name = cleanProductName(it.name);
    if (!name) return;
    const k = name.toLowerCase();
    const cur = best.get(k);
    if (!cur) best.set(k, { name, weight: it.weight, first });
    else if (it.weight > cur.weight) cur.weight = it.weight;
  });
  return [...best.values()]
    .sort((a, b) => b.weight - a.weight || a.first - b.first)
    .slice(0, cap)
    .map((p) => p.name);
}
