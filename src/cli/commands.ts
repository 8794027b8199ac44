import type { Command } from 'commander';
import type { Config } from '../config.ts';
import type { Db } from '../db/db.ts';
import type { Actor } from '../modules/accounts/actor.ts';
import type { progressBar } from './progress.ts';
import { registerChainCommands } from './chain-commands.ts';
import { registerSupplyCommands } from './supply-commands.ts';
import { registerAttachCommands } from './attach-commands.ts';

export interface CliContext {
  withDb<T>(purpose: string, fn: (db: Db, cfg: Config) => Promise<T>): Promise<T>;
  cliActor(): Actor;
  progressBar: typeof progressBar;
}

/** Module commands. Each module adds its file under src/cli/ and one line here. */
const MODULE_COMMANDS: Array<(program: Command, ctx: CliContext) => void> = [registerChainCommands, registerSupplyCommands, registerAttachCommands];

export function registerCommands(program: Command, ctx: CliContext) {
  for (const register of MODULE_COMMANDS) register(program, ctx);
}
