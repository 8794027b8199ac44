export type EngineName = 'pglite' | 'postgres';
export const ENGINE_LABELS: Record<EngineName, string> = { pglite: 'PGlite (embedded)', postgres: 'PostgreSQL' };

/** Where a measurement opens its database: a fresh PGlite directory or a fresh PostgreSQL database. */
export type DbSpec = { engine: 'pglite'; dataDir: string } | { engine: 'postgres'; url: string };

export interface EngineTarget {
  name: EngineName;
  available: boolean;
  /** Why the engine is not available (shown in the table). */
  reason?: string;
  /** e.g. "PostgreSQL 15.18, temporary server (fsync=off)" */
  describe: string;
  settings: Record<string, string>;
  /** A new, empty database for one measurement. */
  fresh(tag: string): Promise<DbSpec>;
  /** Removes what fresh() made (unless --keep). */
  drop(spec: DbSpec): Promise<void>;
}

export type Cell = number | string | null;

export interface ResultRow {
  metric: string;
  unit?: string;
  values?: Partial<Record<EngineName, Cell>>;
  /** Same value for every engine (e.g. generation time): printed across the engine columns. */
  shared?: Cell;
  note?: string;
  /** 'baseline' rows are printed in a group under the measured rows. */
  kind?: 'result' | 'baseline' | 'check' | 'info';
}

export interface SectionResult {
  title: string;
  rows: ResultRow[];
  notes: string[];
  /** Everything measured, for the JSON file. */
  data: Record<string, unknown>;
}

export interface BenchContext {
  orgs: number;
  seed: number;
  engines: EngineTarget[];
  /** Scratch directory of this run (removed at the end unless --keep). */
  workDir: string;
  keep: boolean;
  /** Extra options of the form --section.option value, by section. */
  options: Record<string, string>;
  log(msg: string): void;
}

export interface Section {
  name: string;
  title: string;
  run(ctx: BenchContext): Promise<SectionResult>;
}
