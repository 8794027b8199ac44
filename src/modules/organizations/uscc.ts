/**
 * 统一社会信用代码 (GB 32100-2015): 18 characters from a 31-character set (no I, O, Z, S, V):
 * 1 registration authority, 1 organisation type, 6 division code, 9 organisation code (GB 11714),
 * 1 check character computed over the first 17 with weights 3^i mod 31.
 */
export const USCC_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

export function usccCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = USCC_CHARSET.indexOf(first17[i]);
    if (v < 0) throw new Error(`invalid character ${first17[i]}`);
    sum += v * WEIGHTS[i];
  }
  const c = 31 - (sum % 31);
  return USCC_CHARSET[c === 31 ? 0 : c];
}

/** Returns null when valid, else a message naming what is wrong (Chinese / English). */
export function usccProblem(raw: string): string | null {
  const code = raw.trim().toUpperCase();
  if (code.length !== 18) return `统一社会信用代码应为 18 位，实际 ${code.length} 位 / must be 18 characters, got ${code.length}`;
  for (let i = 0; i < 18; i++) {
    if (!USCC_CHARSET.includes(code[i]))
      return `第 ${i + 1} 位字符“${code[i]}”不合法（不得使用 I、O、Z、S、V）/ character ${i + 1} '${code[i]}' is not allowed`;
  }
  if (!/^[0-9]{6}$/.test(code.slice(2, 8))) return `第 3–8 位应为行政区划码 / characters 3–8 must be a division code`;
  const expected = usccCheckChar(code.slice(0, 17));
  if (code[17] !== expected) return `校验位错误：应为“${expected}”，实际为“${code[17]}” / check character should be '${expected}', got '${code[17]}'`;
  return null;
}

export function isValidUscc(code: string): boolean {
  return usccProblem(code) === null;
}

/** Normalises user input: trims and upper-cases. */
export function normalizeUscc(code: string): string {
  return code.trim().toUpperCase();
}
