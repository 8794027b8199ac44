import type { Command } from 'commander';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import type { CliContext } from './commands.ts';

function sub(program: Command, name: string, description: string): Command {
  return program.commands.find((c) => c.name() === name) ?? program.command(name).description(description);
}

export function registerChainCommands(program: Command, ctx: CliContext) {
  sub(program, 'import', 'import data')
    .command('chain <file.xlsx>')
    .description('create or update a chain map from an xlsx sheet (one row per node)')
    .option('--dry-run', 'check and show what would change, write nothing')
    .action(async (file: string, opts) => {
      if (!existsSync(file)) throw new Error(`file not found: ${file}`);
      await ctx.withDb('chain-atlas import chain', async (db) => {
        const { importChainWorkbook } = await import('../modules/chains/chains.io.ts');
        const r = await importChainWorkbook({ db }, ctx.cliActor(), readFileSync(file), { dryRun: opts.dryRun });
        console.log(`${opts.dryRun ? 'Dry run — would ' : ''}${r.created ? 'create' : 'update'} chain ${r.code} (#${r.chainId})`);
        console.table({ nodes: r.nodes, edges: r.edges, segments: r.segments });
        for (const n of r.nodes.removedWithAttachments) console.log(`  removed node ${n.name} had ${n.attachments} attachment(s)`);
      });
    });
  sub(program, 'export', 'export data')
    .command('chain <code> <file.xlsx>')
    .description('export a chain map as an xlsx sheet a bureau can edit')
    .action(async (code: string, file: string) => {
      await ctx.withDb('chain-atlas export chain', async (db) => {
        const { exportChainWorkbook } = await import('../modules/chains/chains.io.ts');
        const { createChainsRepository } = await import('../modules/chains/chains.repository.ts');
        const chain = await createChainsRepository(db).getChain(/^\d+$/.test(code) ? Number(code) : code);
        if (!chain) throw new Error(`no chain ${code}`);
        writeFileSync(file, await exportChainWorkbook(db, chain.id));
        console.log(`Exported chain ${chain.code} (${chain.name}) to ${file}`);
      });
    });
}
