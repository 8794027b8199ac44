/**
 * `chain-atlas classify`: learns Shenwan level-3 industries from the labelled chain-kg companies and
 * predicts them for every other company.
 *
 * Input (chain-kg JSON Lines, see shared/data/chain-kg/README.md): company.json, company_product.json,
 * company_industry.json (the labels), industry.json. Output: one JSON line per company of
 * `--companies` that has no label in `--labels`:
 *
 *   {"company_code":"301079","predictions":[{"industry_code":"640601","industry_name":"…","score":0.61}, …×3]}
 *
 * - `company_code` is written exactly as in company.json (bare `301079` stays bare); matching with the
 *   labels uses normalised codes (`301079.SZ`).
 * - A code on several company.json rows (renamed companies, a few data errors) gets ONE line, at its
 *   first row, written with that row's code; the names of all its rows are used as its text.
 * - `score` is the engine's estimated probability (see src/modules/attach/classifier.ts), rounded
 *   to 4 decimals. When the engine has fewer than 3 labels with evidence (e.g. a company with neither
 *   products nor informative name words), the list is filled up with the most frequent training
 *   labels at score 0, so every line has exactly 3 predictions.
 *
 * No console output: progress goes through `onProgress(done, total)` (called with done = 0 once
 * training is over, then while predicting).
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import {
  companyText,
  chainKgTrainOptions,
  groupCompanies,
  labelledExamples,
  loadCompanies,
  loadCompanyIndustries,
  loadCompanyProducts,
  loadIndustries,
  type ChainKgData,
} from '../modules/attach/chainkg.ts';
import { predict, trainClassifier, type TrainOptions } from '../modules/attach/classifier.ts';

export interface ClassifyOptions {
  companies: string;
  products: string;
  labels: string;
  industries: string;
  out: string;
  onProgress?: (done: number, total: number) => void;
  /** Engine options (tests, experiments); the defaults are the tuned ones. */
  engine?: TrainOptions;
}

export interface ClassifyResult {
  /** Lines written (companies without a label). */
  written: number;
  /** Labelled companies the engine learned from. */
  labelled: number;
  /** Distinct company codes in --companies. */
  companies: number;
  /** company.json rows that share their code with an earlier row (merged into one line). */
  duplicateRows: number;
  /** Written companies that had products. */
  withProducts: number;
  /** Written companies for which the engine had fewer than 3 labels with evidence (list padded). */
  padded: number;
  /** Label rows whose industry code disagreed with the name and were resolved by name. */
  labelsResolvedByName: number;
  /** Label rows whose industry could not be resolved (ignored). */
  labelsUnresolved: number;
  trainMs: number;
  predictMs: number;
}

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function runClassify(opts: ClassifyOptions): Promise<ClassifyResult> {
  const industries = loadIndustries(opts.industries);
  if (!industries.level3.length) throw new Error(`${opts.industries}: no level-3 industries found`);
  const companies = loadCompanies(opts.companies);
  const groups = groupCompanies(companies);
  const products = loadCompanyProducts(opts.products);
  const labelReport = loadCompanyIndustries(opts.labels, industries);
  const data: ChainKgData = { industries, companies, groups, products, labels: labelReport.labels };

  const examples = labelledExamples([...labelReport.labels.keys()].sort(), data);
  if (!examples.length) throw new Error(`${opts.labels}: no usable labels`);
  const t0 = performance.now();
  const model = trainClassifier(examples, { ...chainKgTrainOptions(industries), ...opts.engine });
  const trainMs = performance.now() - t0;

  const freq = new Map<string, number>();
  for (const e of examples) freq.set(e.label, (freq.get(e.label) ?? 0) + 1);
  const byFrequency = [...freq.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map((e) => e[0]);
  const nameOf = (code: string) => industries.byCode.get(code)?.name ?? code;

  const todo = [...groups.entries()].filter(([code]) => !labelReport.labels.has(code));
  const total = todo.length;
  opts.onProgress?.(0, total);

  const out = createWriteStream(opts.out, { encoding: 'utf8' });
  const failed = new Promise<never>((_, reject) => out.once('error', reject));
  failed.catch(() => undefined);
  const write = async (line: string) => {
    if (!out.write(line)) await Promise.race([once(out, 'drain'), failed]);
  };

  let written = 0;
  let withProducts = 0;
  let padded = 0;
  const t1 = performance.now();
  for (const [code, rows] of todo) {
    const text = companyText(code, data);
    if (text.products?.length) withProducts++;
    const preds = predict(model, text, 3).map((p) => ({
      industry_code: p.label,
      industry_name: nameOf(p.label),
      score: Math.round(p.score * 1e4) / 1e4,
    }));
    if (preds.length < 3) {
      padded++;
      for (const label of byFrequency) {
        if (preds.length >= 3) break;
        if (preds.some((p) => p.industry_code === label)) continue;
        preds.push({ industry_code: label, industry_name: nameOf(label), score: 0 });
      }
    }
    await write(JSON.stringify({ company_code: rows[0].rawCode, predictions: preds }) + '\n');
    written++;
    if (written % 100 === 0 || written === total) {
      opts.onProgress?.(written, total);
      await yieldToLoop();
    }
  }
  out.end();
  await Promise.race([once(out, 'finish'), failed]);

  return {
    written,
    labelled: examples.length,
    companies: groups.size,
    duplicateRows: companies.length - groups.size,
    withProducts,
    padded,
    labelsResolvedByName: labelReport.resolvedByName,
    labelsUnresolved: labelReport.unresolved,
    trainMs: Math.round(trainMs),
    predictMs: Math.round(performance.now() - t1),
  };
}
