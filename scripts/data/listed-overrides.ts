/**
 * 京津冀 listed companies whose business changed completely after the period chain-kg describes
 * (reverse mergers / major asset swaps, from the companies' public announcements). For these codes
 * chain-kg's products and full name describe the former company, so neither is used, and the former
 * names are not added as aliases (a search for the old supermarket must not find the aluminium
 * maker). Renames with the same business are handled generically (see resolveIdentity).
 */
export const BUSINESS_CHANGED: Readonly<Record<string, string>> = {
  '000537.SZ': '广宇发展 (real estate) → 中绿电 (renewable power), 2022',
  '000923.SZ': '河北宣工 (construction machinery) → 河钢资源 (mining), 2018',
  '000927.SZ': '一汽夏利 (cars) → 中国铁物 (rail materials and services), 2020',
  '002459.SZ': '天业通联 (cranes, tunnelling machines) → 晶澳科技 (solar modules), 2019',
  '300442.SZ': '普丽盛 (packaging machinery) → 润泽科技 (data centres), 2022',
  '300446.SZ': '乐凯新材 (functional films) → 航天智造 (automotive parts), 2023',
  '600361.SH': '华联综超 (supermarkets) → 创新新材 (aluminium alloys), 2023',
  '600800.SH': '天津磁卡 (magnetic cards, printing) → 渤海化学 (propylene), 2020',
  '600821.SH': '津劝业 (department store) → 金开新能 (renewable power), 2020',
  '600861.SH': '北京城乡 (retail) → 北京人力 (human resources), 2021',
  '603778.SH': '乾景园林 (landscaping) → 国晟科技 (photovoltaics), 2023',
};
