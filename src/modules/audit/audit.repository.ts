import type { Queryable } from '../../db/db.ts';
import type { Actor } from '../accounts/actor.ts';
import type { AuditEntry } from './audit.schemas.ts';

export interface AuditRecord {
  action: string;
  entityType: string;
  entityId: string | number;
  region?: string | null;
  summary?: string | null;
  before?: unknown;
  after?: unknown;
}

/** Writes one audit entry. Call it inside the transaction that makes the change. */
export async function recordAudit(tx: Queryable, actor: Actor, rec: AuditRecord): Promise<void> {
  await tx.query(
    `insert into audit_log (actor_id, actor_name, action, entity_type, entity_id, region, summary, before, after)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      actor.userId || null,
      actor.displayName === actor.username ? actor.username : `${actor.displayName} (${actor.username})`,
      rec.action,
      rec.entityType,
      String(rec.entityId),
      rec.region ?? null,
      rec.summary ?? null,
      rec.before === undefined ? null : JSON.stringify(rec.before),
      rec.after === undefined ? null : JSON.stringify(rec.after),
    ],
  );
}

/** Only the fields that changed, for a readable before → after. */
export function diff<T extends Record<string, unknown>>(before: T, after: T): { before: Partial<T>; after: Partial<T> } {
  const b: Partial<T> = {};
  const a: Partial<T> = {};
  for (const k of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (JSON.stringify(before[k]) !== JSON.stringify(after[k])) {
      (b as any)[k] = before[k];
      (a as any)[k] = after[k];
    }
  }
  return { before: b, after: a };
}

export async function listAudit(db: Queryable, entityType: string, entityId: string, limit = 100): Promise<AuditEntry[]> {
  const rows = await db.query(
    `select id, at, actor_id, actor_name, action, entity_type, entity_id, region, summary, before, after
       from audit_log where entity_type = $1 and entity_id = $2 order by at desc, id desc limit $3`,
    [entityType, entityId, limit],
  );
  return rows.map((r) => ({
    id: r.id,
    at: new Date(r.at).toISOString(),
    actorId: r.actor_id,
    actorName: r.actor_name,
    action: r.action,
    entityType: r.entity_type,
    entityId: r.entity_id,
    region: r.region,
    summary: r.summary,
    before: r.before,
    after: r.after,
  }));
}

export async function countAudit(db: Queryable, where: { entityType?: string; actorId?: number } = {}): Promise<number> {
  const rows = await db.query<{ n: number }>(
    `select count(*)::int as n from audit_log where ($1::text is null or entity_type = $1) and ($2::bigint is null or actor_id = $2)`,
    [where.entityType ?? null, where.actorId ?? null],
  );
  return rows[0].n;
}
