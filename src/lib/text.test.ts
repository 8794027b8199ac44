import { describe, expect, it } from 'vitest';
import { buildSearchText, queryTokens, tokenize } from './text.ts';

describe('Chinese segmentation with the domain dictionary', () => {
  it('keeps domain terms whole', () => {
    const t = tokenize('公司主营正极材料、体外诊断试剂，获评专精特新，提供生物发酵中试服务');
    for (const w of ['正极材料', '体外诊断试剂', '专精特新', '生物发酵', '中试']) expect(t).toContain(w);
  });
  it('indexes names so that any two characters of a name find it', () => {
    const text = buildSearchText({ names: ['华熙生物科技(天津)有限公司'], products: ['透明质酸'] }).split(' ');
    expect(text).toContain('华熙');
    expect(text).toContain('透明质酸');
    expect(queryTokens('华熙')).toEqual(['华熙']);
  });
});
