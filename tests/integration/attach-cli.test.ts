import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/** `chain-atlas classify` on small chain-kg-shaped fixture files (JSON Lines). */
const dir = mkdtempSync(join(tmpdir(), 'ca-classify-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const jsonl = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

const industries = file(
  'industry.json',
  jsonl([
    { code: '270000', name: '电子' },
    { code: '270100', name: '半导体' },
    { code: '270102', name: '集成电路设计' },
    { code: '370000', name: '医药生物' },
    { code: '370100', name: '化学制药' },
    { code: '370101', name: '化学原料药' },
    { code: '630000', name: '电力设备' },
    { code: '630700', name: '电池' },
    { code: '630701', name: '锂电池' },
  ]),
);
const companies = file(
  'company.json',
  jsonl([
    { name: '芯片甲', fullname: '甲芯片设计股份有限公司', code: '688001.SH', location: '上交所', time: '2020-01-01' },
    { name: '芯片乙', fullname: '乙集成电路股份有限公司', code: '688002.SH', location: '上交所', time: '2020-01-01' },
    { name: '药业丙', fullname: '丙药业股份有限公司', code: '600003.SH', location: '上交所', time: '2020-01-01' },
    { name: '锂电丁', fullname: '丁锂电股份有限公司', code: '300004.SZ', location: '深交所', time: '2020-01-01' },
    { name: '芯片戊', fullname: '戊微电子股份有限公司', code: '688005', location: '上交所', time: '2021-01-01' },
    { name: '新药己', fullname: '己制药股份有限公司', code: '600006.SH', location: '上交所', time: '2021-01-01' },
    { name: '新药己改名', fullname: '己医药股份有限公司', code: '600006.SH', location: '上交所', time: '2021-06-01' },
  ]),
);
const products = file(
  'company_product.json',
  jsonl([
    { company_code: '688001.SH', product_name: 'MCU芯片', rel: '主营产品', rel_weight: 0.7 },
    { company_code: '688001.SH', product_name: '集成电路设计服务', rel: '主营产品', rel_weight: 0.3 },
    { company_code: '688002.SH', product_name: 'SoC芯片', rel: '主营产品', rel_weight: 0.9 },
    { company_code: '600003.SH', product_name: '原料药', rel: '主营产品', rel_weight: 0.8 },
    { company_code: '600003.SH', product_name: '抗生素中间体', rel: '主营产品', rel_weight: 0.2 },
    { company_code: '300004.SZ', product_name: '锂离子电池', rel: '主营产品', rel_weight: 1 },
    { company_code: '688005.SH', product_name: '电源管理芯片', rel: '主营产品', rel_weight: 0.6 },
    { company_code: '600006.SH', product_name: '头孢原料药', rel: '主营产品', rel_weight: 0.5 },
  ]),
);
const labels = file(
  'company_industry.json',
  jsonl([
    { company_code: '688001.SH', company_name: '芯片甲', industry_code: '270102', industry_name: '集成电路设计', rel: '所属行业' },
    { company_code: '688002.SH', company_name: '芯片乙', industry_code: '270102', industry_name: '集成电路设计', rel: '所属行业' },
    { company_code: '600003.SH', company_name: '药业丙', industry_code: '370101', industry_name: '化学原料药', rel: '所属行业' },
    { company_code: '300004.SZ', company_name: '锂电丁', industry_code: '630701', industry_name: '锂电池', rel: '所属行业' },
  ]),
);

function classify(args: string[]) {
  return spawnSync(process.execPath, ['bin/chain-atlas.mjs', 'classify', ...args], { encoding: 'utf8', env: { ...process.env, CHAINATLAS_LOG_LEVEL: 'silent' }, timeout: 120_000 });
}

describe('chain-atlas classify', () => {
  it('writes one line per unlabelled company, with three predictions and the code as written', () => {
    const out = join(dir, 'predictions.jsonl');
    const r = classify(['--companies', companies, '--products', products, '--labels', labels, '--industries', industries, '--out', out]);
    expect(r.status, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toContain(`Wrote 2 prediction line(s) to ${out}`);
    const lines = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    // 688005 (bare code as in company.json) and 600006.SH (two rows, one line)
    expect(lines.map((l) => l.company_code)).toEqual(['688005', '600006.SH']);
    for (const l of lines) {
      expect(l.predictions).toHaveLength(3);
      for (const p of l.predictions) expect(p).toEqual({ industry_code: expect.stringMatching(/^\d{6}$/), industry_name: expect.any(String), score: expect.any(Number) });
    }
    expect(lines[0].predictions[0]).toMatchObject({ industry_code: '270102', industry_name: '集成电路设计' });
    expect(lines[1].predictions[0]).toMatchObject({ industry_code: '370101', industry_name: '化学原料药' });
  });

  it('names a missing input file and writes nothing', () => {
    const out = join(dir, 'none.jsonl');
    const r = classify(['--companies', join(dir, 'nope.json'), '--products', products, '--labels', labels, '--industries', industries, '--out', out]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`--companies ${join(dir, 'nope.json')}: 文件不存在 / file not found`);
    expect(() => readFileSync(out)).toThrow();
  });

  it('names the line of a bad JSON Lines file', () => {
    const bad = file('bad_products.json', jsonl([{ company_code: '688001.SH', product_name: 'MCU芯片', rel_weight: 1 }]) + '{not json\n');
    const r = classify(['--companies', companies, '--products', bad, '--labels', labels, '--industries', industries, '--out', join(dir, 'x.jsonl')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('bad_products.json: line 2 is not valid JSON');
  });

  it('requires every option', () => {
    const r = classify(['--companies', companies]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("required option '--products <file>' not specified");
  });
});
