import { existsSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import type { CliContext } from './commands.ts';

/**
 * `chain-atlas attach run [--chain code]`: bulk attachment (挂链) in the foreground with a progress bar.
 * `chain-atlas classify --companies F --products F --labels F --industries F --out F`: learns the
 * industries of the labelled chain-kg companies and predicts the others (src/cli/classify.ts).
 */
export function registerAttachCommands(program: Command, ctx: CliContext) {
  const attach = program.commands.find((c) => c.name() === 'attach') ?? program.command('attach').description('automatic attachment of organisations to chain nodes (挂链)');
  attach
    .command('run')
    .description('place the organisations of 京津冀 onto the nodes of one chain or all chains; decided links are never changed')
    .option('--chain <code>', 'only this chain (id or code); default all chains')
    .option('--confirm <score>', 'confirm threshold (default 0.6)')
    .option('--review <score>', 'review threshold (default 0.15)')
    .action(async (opts: { chain?: string; confirm?: string; review?: string }) => {
      const { DEFAULT_THRESHOLDS } = await import('../modules/attach/attach.engine.ts');
      const thresholds = { confirm: num('--confirm', opts.confirm, DEFAULT_THRESHOLDS.confirm), review: num('--review', opts.review, DEFAULT_THRESHOLDS.review) };
      if (Number.isNaN(thresholds.confirm) || Number.isNaN(thresholds.review)) return;
      if (thresholds.review > thresholds.confirm) {
        console.error('--review must not be above --confirm / 审核阈值不能高于确认阈值');
        process.exitCode = 2;
        return;
      }
      await ctx.withDb('chain-atlas attach run', async (db) => {
        const { runAttach } = await import('../modules/attach/attach.usecases.ts');
        const bar = ctx.progressBar('挂链 attach');
        const r = await runAttach({ db }, ctx.cliActor(), { chainId: opts.chain, thresholds, onProgress: (d, t) => bar('机构 organisations', d, t) });
        bar.done();
        console.table(
          r.chains.map((c) => ({
            chain: c.code,
            name: c.name,
            'new confirmed': c.created.confirmed,
            'new review': c.created.review,
            updated: c.updated,
            removed: c.removed,
            'below threshold': c.rejected,
            'kept (decided/manual)': c.kept,
            'auto confirmed': c.links.confirmed,
            'auto review': c.links.review,
          })),
        );
        console.log(
          `Attached ${r.candidates} organisations (${r.scored} with possible evidence) to ${r.chains.length} chain(s), ${r.labels} nodes, ${r.examples} examples, thresholds confirm ${r.thresholds.confirm} / review ${r.thresholds.review}: ` +
            `${r.totals.created} new (${r.totals.confirmed} confirmed, ${r.totals.review} to review), ${r.totals.updated} updated, ${r.totals.removed} removed, ${r.totals.rejected} below threshold, in ${(r.tookMs / 1000).toFixed(1)} s.`,
        );
      });
    });

  program
    .command('classify')
    .description('predict the Shenwan level-3 industry of unlabelled chain-kg companies (JSON Lines in, one JSON line per unlabelled company out)')
    .requiredOption('--companies <file>', 'company.json (JSON Lines: code, name, fullname, …)')
    .requiredOption('--products <file>', 'company_product.json (company_code, product_name, rel_weight)')
    .requiredOption('--labels <file>', 'company_industry.json (company_code, industry_code, industry_name)')
    .requiredOption('--industries <file>', 'industry.json (code, name)')
    .requiredOption('--out <file>', 'where to write predictions.jsonl')
    .action(async (opts: { companies: string; products: string; labels: string; industries: string; out: string }) => {
      const problems: string[] = [];
      for (const k of ['companies', 'products', 'labels', 'industries'] as const) {
        const f = opts[k];
        if (!existsSync(f)) problems.push(`--${k} ${f}: 文件不存在 / file not found`);
        else if (!statSync(f).isFile()) problems.push(`--${k} ${f}: 不是文件 / not a file`);
      }
      if (existsSync(opts.out) && statSync(opts.out).isDirectory()) problems.push(`--out ${opts.out}: 是目录，应为文件 / is a directory, expected a file`);
      if (problems.length) {
        for (const p of problems) console.error(p);
        process.exitCode = 2;
        return;
      }
      const { runClassify } = await import('./classify.ts');
      const bar = ctx.progressBar('分类 classify');
      bar('训练 train', 0, 0);
      try {
        const r = await runClassify({ ...opts, onProgress: (d, t) => bar('预测 predict', d, t) });
        bar.done();
        console.log(
          `Wrote ${r.written} prediction line(s) to ${opts.out}: learned from ${r.labelled} labelled companies (${r.companies} distinct codes, ${r.duplicateRows} duplicate rows merged); ` +
            `${r.withProducts} of the predicted companies had products, ${r.padded} padded to 3 predictions; train ${(r.trainMs / 1000).toFixed(1)} s, predict ${(r.predictMs / 1000).toFixed(1)} s.` +
            (r.labelsUnresolved ? ` ${r.labelsUnresolved} label row(s) with an unknown industry were ignored.` : ''),
        );
      } catch (e) {
        bar.done();
        console.error(`classify: ${(e as Error).message}`);
        process.exitCode = 2;
      }
    });
}

function num(flag: string, v: string | undefined, d: number): number {
  if (v === undefined) return d;
  const x = Number(v);
  if (!(x >= 0 && x <= 1)) {
    console.error(`${flag} must be a number between 0 and 1 (got ${v})`);
    process.exitCode = 2;
    return NaN;
  }
  return x;
}
