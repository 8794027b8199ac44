import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Queryable } from '../../db/db.ts';
import { systemActor, type Actor } from '../accounts/actor.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import { createFacilitiesRepository } from './facilities.repository.ts';
import {
  instrumentInputSchema,
  pilotLineInputSchema,
  pilotPlatformProfileInputSchema,
  postingInputSchema,
} from './postings.schemas.ts';
import { createPostingsRepository } from './postings.repository.ts';
import { preparePostingRow } from './postings.usecases.ts';

/**
 * Loads data/demo/postings.json: ILLUSTRATIVE demo postings, pilot-platform profiles and lines,
 * open-lab instruments with bookable slots, for the organisations named in seed-facts §3.
 * Organisations are found by name, short name or alias; an entry whose organisation is not in the
 * database is skipped and reported (never invented). Dates are relative to the seed time. Audited
 * as the seed actor. Call inside the demo seed's transaction, after the organisations and chains.
 */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const DEMO_POSTINGS_FILE = join(ROOT, 'data', 'demo', 'postings.json');

interface SlotPlan {
  days: number;
  startHours: number[];
  hours: number;
}
interface DemoFile {
  platforms: Array<{ org: string; lines?: unknown[] } & Record<string, unknown>>;
  instruments: Array<{ org: string; slots?: SlotPlan } & Record<string, unknown>>;
  postings: Array<{ org: string; nodes?: Array<[string, string]>; deadlineInDays?: number; expiresInDays?: number; source?: string } & Record<string, unknown>>;
}

export interface SeedPostingsResult {
  postings: number;
  platforms: number;
  pilotLines: number;
  instruments: number;
  slots: number;
  skipped: string[];
}

const DAY = 86400000;

/** Weekday slots over the next `days` days, at `startHours` (Beijing time), `hours` long. */
export function slotTimes(plan: SlotPlan, now = new Date()): Array<{ startsAt: string; endsAt: string }> {
  const out: Array<{ startsAt: string; endsAt: string }> = [];
  // midnight of today in Beijing (UTC+8), as a UTC instant
  const bj = new Date(now.getTime() + 8 * 3600000);
  const midnight = Date.UTC(bj.getUTCFullYear(), bj.getUTCMonth(), bj.getUTCDate()) - 8 * 3600000;
  for (let d = 1; d <= plan.days; d++) {
    const day = midnight + d * DAY;
    const weekday = new Date(day + 8 * 3600000).getUTCDay();
    if (weekday === 0 || weekday === 6) continue;
    for (const h of plan.startHours) {
      const s = day + h * 3600000;
      out.push({ startsAt: new Date(s).toISOString(), endsAt: new Date(s + plan.hours * 3600000).toISOString() });
    }
  }
  return out;
}

export async function seedPostings(tx: Queryable, opts: { file?: string; actor?: Actor; now?: Date } = {}): Promise<SeedPostingsResult> {
  const data = JSON.parse(readFileSync(opts.file ?? DEMO_POSTINGS_FILE, 'utf8')) as DemoFile;
  const actor = opts.actor ?? systemActor('seed');
  const now = opts.now ?? new Date();
  const res: SeedPostingsResult = { postings: 0, platforms: 0, pilotLines: 0, instruments: 0, slots: 0, skipped: [] };
  const orgCache = new Map<string, { id: number; name: string; kind: any; region: any } | null>();
  const findOrg = async (name: string) => {
    if (!orgCache.has(name)) {
      const rows = await tx.query(
        `select id, name, kind, region from organizations where name = $1 or short_name = $1 or $1 = any(aliases)
          order by (name = $1) desc, (region is not null) desc, id limit 1`,
        [name],
      );
      orgCache.set(name, rows[0] ? { id: Number(rows[0].id), name: rows[0].name, kind: rows[0].kind, region: rows[0].region ?? null } : null);
    }
    return orgCache.get(name)!;
  };
  const fail = (what: string, issues: Array<{ path: PropertyKey[]; message: string }>) => {
    throw new Error(`data/demo/postings.json ${what}: ${issues.map((i) => `${i.path.map(String).join('.')}: ${i.message}`).join('; ')}`);
  };
  const fac = createFacilitiesRepository(tx);

  for (const p of data.platforms ?? []) {
    const org = await findOrg(p.org);
    if (!org) {
      res.skipped.push(`platform ${p.org}: organisation not found`);
      continue;
    }
    const { org: _o, lines, ...profile } = p;
    const parsed = pilotPlatformProfileInputSchema.safeParse({ ...profile, source: 'illustrative demo (seed-facts §3)' });
    if (!parsed.success) fail(`platform ${p.org}`, parsed.error.issues);
    await fac.upsertProfile(org.id, parsed.data!);
    await recordAudit(tx, actor, { action: 'seed', entityType: 'pilot_platform', entityId: org.id, region: org.region, summary: `演示数据：中试平台资料 ${org.name}`, after: parsed.data });
    res.platforms++;
    for (const l of lines ?? []) {
      const pl = pilotLineInputSchema.safeParse({ ...(l as object), source: 'illustrative demo (seed-facts §3)' });
      if (!pl.success) fail(`pilot line of ${p.org}`, pl.error.issues);
      const { organizationId: _x, ...line } = pl.data!;
      const rec = await fac.insertLine(org.id, line);
      await recordAudit(tx, actor, { action: 'seed', entityType: 'pilot_line', entityId: rec.id, region: org.region, summary: `演示数据：中试线 ${rec.name}` });
      res.pilotLines++;
    }
  }

  for (const i of data.instruments ?? []) {
    const org = await findOrg(i.org);
    if (!org) {
      res.skipped.push(`instrument ${i.name} of ${i.org}: organisation not found`);
      continue;
    }
    const { org: _o, slots, ...rest } = i;
    const parsed = instrumentInputSchema.safeParse({ ...rest, source: 'illustrative demo' });
    if (!parsed.success) fail(`instrument ${String(i.name)}`, parsed.error.issues);
    const { organizationId: _x, ...inst } = parsed.data!;
    const rec = await fac.insertInstrument(org.id, inst);
    await recordAudit(tx, actor, { action: 'seed', entityType: 'instrument', entityId: rec.id, region: org.region, summary: `演示数据：共享仪器 ${rec.name}` });
    res.instruments++;
    for (const s of slots ? slotTimes(slots, now) : []) {
      await fac.insertSlot(rec.id, s.startsAt, s.endsAt);
      res.slots++;
    }
  }

  const repo = createPostingsRepository(tx);
  for (const p of data.postings ?? []) {
    const org = await findOrg(p.org);
    if (!org) {
      res.skipped.push(`posting "${String(p.title)}": organisation ${p.org} not found`);
      continue;
    }
    const nodeIds: number[] = [];
    for (const [chain, node] of p.nodes ?? []) {
      const rows = await tx.query<{ id: number }>(`select n.id from chain_nodes n join chains c on c.id = n.chain_id where c.code = $1 and n.name = $2`, [chain, node]);
      if (rows[0]) nodeIds.push(Number(rows[0].id));
      else res.skipped.push(`posting "${String(p.title)}": chain node ${chain}/${node} not found (posting kept without it)`);
    }
    const { org: _o, nodes: _n, deadlineInDays, expiresInDays, source, ...rest } = p;
    const deadline = deadlineInDays ? new Date(now.getTime() + deadlineInDays * DAY + 8 * 3600000).toISOString().slice(0, 10) : null;
    const expiresAt = expiresInDays ? new Date(now.getTime() + expiresInDays * DAY).toISOString() : undefined;
    const parsed = postingInputSchema.safeParse({ ...rest, nodeIds, deadline, expiresAt });
    if (!parsed.success) fail(`posting "${String(p.title)}"`, parsed.error.issues);
    const row = await preparePostingRow(tx, parsed.data!, org, { createdBy: null, source: source ?? 'illustrative demo', now: now.getTime() });
    const rec = await repo.insert(row);
    await recordAudit(tx, actor, { action: 'seed', entityType: 'posting', entityId: rec.id, region: org.region, summary: `演示数据：${rec.title}（${org.name}）` });
    res.postings++;
  }
  return res;
}
