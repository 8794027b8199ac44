import { describe, expect, it } from 'vitest';
import { isValidUscc, usccCheckChar, usccProblem } from './uscc.ts';
import { organizationInputSchema } from './organizations.schemas.ts';

// Published codes of well-known companies (printed on their business licences / annual reports).
const REAL = ['91440300708461136T', '914403001922038216', '91330100799655058B'];

describe('统一社会信用代码 (GB 32100)', () => {
  it('accepts published codes', () => {
    for (const c of REAL) expect(usccProblem(c), c).toBeNull();
  });

  it('computes the check character of published codes', () => {
    for (const c of REAL) expect(usccCheckChar(c.slice(0, 17))).toBe(c[17]);
  });

  it('refuses a changed check character and says which one is expected', () => {
    const bad = REAL[0].slice(0, 17) + (REAL[0][17] === 'A' ? 'B' : 'A');
    expect(isValidUscc(bad)).toBe(false);
    expect(usccProblem(bad)).toContain(`应为“${REAL[0][17]}”`);
  });

  it('refuses a single changed digit (the check catches it)', () => {
    const c = REAL[1];
    const changed = c.slice(0, 9) + (c[9] === '1' ? '2' : '1') + c.slice(10);
    expect(isValidUscc(changed)).toBe(false);
  });

  it('refuses wrong length and forbidden letters', () => {
    expect(usccProblem('91440300708461136')).toContain('18 位');
    expect(usccProblem('9144030070846113OT')).toContain('不合法');
  });

  it('the zod schema normalises case and reports the field', () => {
    expect(organizationInputSchema.parse({ kind: 'enterprise', name: '测试企业', uscc: REAL[2].toLowerCase() }).uscc).toBe(REAL[2]);
    const r = organizationInputSchema.safeParse({ kind: 'enterprise', name: '测试企业', uscc: '91330100799655058C' });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0].path).toEqual(['uscc']);
  });
});
