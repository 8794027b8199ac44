import { describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { CsvReader } from './csv.ts';

/** What the import read before (csv-parse with the import's options). */
const reference = (text: string) => parse(text, { bom: true, relax_column_count: true, skip_empty_lines: true }) as string[][];

/** CsvReader fed in chunks of `size` characters. */
function read(text: string, size: number): string[][] {
  const r = new CsvReader();
  const out: string[][] = [];
  for (let i = 0; i < text.length; i += size) out.push(...r.push(text.slice(i, i + size)));
  out.push(...r.end());
  return out;
}

const SAMPLES = [
  '\ufeff名称,类型,主要产品\n天津甲科技有限公司,企业,"汽车座椅、车灯"\n天津乙研究院,科研院所,合成生物\n',
  'a,b,c\r\n1,2,3\r\n\r\n4,5\r\n',
  'a,b\n"x ""quoted"" y","multi\nline\r\nfield"\n,\n"",x\n',
  'a,b\n1,2', // no final newline
  'a,b\n\n\n1,2\n\n',
  'a,b\r1,2\r3,4\r', // classic Mac line ends
  'a,"",c\n"","",""\n',
  'only\n',
  '"a,b",c\n"d\r\ne",f',
  '名称,经营范围\n北京某公司,"一般项目：技术服务、技术开发；货物进出口。（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）"\n',
  ' a , b \n c ,d\n',
];

describe('CsvReader reads what csv-parse read', () => {
  for (const [k, text] of SAMPLES.entries()) {
    it(`sample ${k + 1}, whole and in every chunk size`, () => {
      const want = reference(text);
      for (const size of [1, 2, 3, 5, 7, 16, text.length || 1]) expect(read(text, size)).toEqual(want);
    });
  }

  it('counts records as csv-parse does (empty lines are not records; multi-line fields are one)', () => {
    const r = new CsvReader();
    r.push('h\n\n"a\nb"\nc\n');
    r.end();
    expect(r.records).toBe(3);
  });

  it('rejects malformed quoting, as csv-parse does', () => {
    for (const bad of ['a,b"c\n', 'a,"b"c\n', 'a,"b\n']) {
      expect(() => reference(bad)).toThrow();
      expect(() => read(bad, 4)).toThrow(/CSV/);
      expect(() => read(bad, bad.length)).toThrow(/CSV/);
    }
  });
});
