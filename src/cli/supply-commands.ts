import { existsSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { CliContext } from './commands.ts';

/** `chain-atlas import supply-links <file>`: the supply-link sheet, with a progress bar and a row report. */
export function registerSupplyCommands(program: Command, ctx: CliContext) {
  const imp = program.commands.find((c) => c.name() === 'import') ?? program.command('import').description('import data');
  imp
    .command('supply-links <file>')
    .description('import supply links (采购方, 供应商, 零部件/产品, 产业链节点, 年采购额（万元）, 年份) from .xlsx or .csv (all-or-nothing unless --partial)')
    .option('--partial', 'write the valid rows and report the skipped ones')
    .option('--dry-run', 'check the file and report, write nothing')
    .option('--report <file>', 'also write the row report as CSV')
    .action(async (file: string, opts: { partial?: boolean; dryRun?: boolean; report?: string }) => {
      if (!existsSync(file)) {
        console.error(`文件不存在 / file not found: ${file}`);
        process.exitCode = 2;
        return;
      }
      await ctx.withDb('chain-atlas import', async (db) => {
        const { importSupplyLinks } = await import('../modules/supply/supply.io.ts');
        const bar = ctx.progressBar('导入供应关系 import');
        const r = await importSupplyLinks({ db }, ctx.cliActor(), file, {
          partial: opts.partial,
          dryRun: opts.dryRun,
          onProgress: (phase, d, t) => bar(phase === 'read' ? '读取 read' : '写入 write', d, t),
        });
        bar.done();
        if (r.issues.length) {
          console.log(`\n${r.issues.length} problem(s) / 问题:`);
          console.table(r.issues.slice(0, 200).map((i) => ({ 行: i.row, 字段: i.field, 原因: i.reason })));
          if (r.issues.length > 200) console.log(`… and ${r.issues.length - 200} more${opts.report ? '' : ' (use --report file.csv for all)'}`);
          if (opts.report)
            writeFileSync(opts.report, '\ufeff行,字段,原因\n' + r.issues.map((i) => [i.row, i.field, `"${i.reason.replace(/"/g, '""')}"`].join(',')).join('\n'));
        }
        console.log(
          r.written
            ? `Imported ${r.file}: ${r.rows} rows, ${r.created} created, ${r.updated} updated, ${r.skipped} skipped (batch ${r.batch}).`
            : opts.dryRun
              ? `Dry run: ${r.rows} rows checked, ${r.issues.length} problem(s); would create ${r.created}, update ${r.updated}. Nothing written.`
              : `Nothing written: ${r.issues.length} problem(s) in ${r.rows} rows. Fix them, or use --partial to import the valid rows.`,
        );
        if (!r.written && !opts.dryRun && r.issues.length) process.exitCode = 1;
      });
    });
}
