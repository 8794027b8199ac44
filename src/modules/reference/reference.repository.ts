import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Db, Queryable } from '../../db/db.ts';
import type { Division, Industry } from './reference.schemas.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const REFERENCE_DIR = join(ROOT, 'data', 'reference');

interface DivisionFile {
  code: string;
  name: string;
  level: number;
  parent: string | null;
  province: string;
  functionalZone: boolean;
}
interface IndustryFile {
  code: string;
  name: string;
  level: number;
  parent: string | null;
  section: string;
}

/**
 * Loads the shipped reference data (data/reference/*.json, built by scripts/build-data.ts) into the
 * divisions and industries tables when it is missing or has changed (tracked by a content hash).
 */
export async function ensureReferenceData(db: Db): Promise<{ loaded: boolean; divisions: number; industries: number }> {
  const divRaw = readFileSync(join(REFERENCE_DIR, 'divisions.json'), 'utf8');
  const indRaw = readFileSync(join(REFERENCE_DIR, 'industries.json'), 'utf8');
  const version = createHash('sha256').update(divRaw).update(indRaw).digest('hex').slice(0, 16);
  const cur = await db.query<{ value: string }>(`select value from app_meta where key = 'reference_version'`);
  const divisions = JSON.parse(divRaw) as DivisionFile[];
  const industries = JSON.parse(indRaw) as IndustryFile[];
  if (cur[0]?.value === version) return { loaded: false, divisions: divisions.length, industries: industries.length };
  // Parents first, so the self-references hold at every insert.
  divisions.sort((a, b) => a.level - b.level || a.code.localeCompare(b.code));
  industries.sort((a, b) => a.level - b.level || a.code.localeCompare(b.code));
  await db.transaction(async (tx) => {
    for (let i = 0; i < divisions.length; i += 500) {
      const chunk = divisions.slice(i, i + 500);
      await tx.query(
        `insert into divisions (code, name, level, parent_code, province_code, is_functional_zone)
         select * from unnest($1::text[], $2::text[], $3::smallint[], $4::text[], $5::text[], $6::boolean[])
         on conflict (code) do update set name = excluded.name, level = excluded.level, parent_code = excluded.parent_code,
           province_code = excluded.province_code, is_functional_zone = excluded.is_functional_zone`,
        [
          chunk.map((d) => d.code),
          chunk.map((d) => d.name),
          chunk.map((d) => d.level),
          chunk.map((d) => d.parent),
          chunk.map((d) => d.province),
          chunk.map((d) => d.functionalZone),
        ],
      );
    }
    for (let i = 0; i < industries.length; i += 500) {
      const chunk = industries.slice(i, i + 500);
      await tx.query(
        `insert into industries (code, name, level, parent_code, section_code)
         select * from unnest($1::text[], $2::text[], $3::smallint[], $4::text[], $5::text[])
         on conflict (code) do update set name = excluded.name, level = excluded.level, parent_code = excluded.parent_code,
           section_code = excluded.section_code`,
        [
          chunk.map((d) => d.code),
          chunk.map((d) => d.name),
          chunk.map((d) => d.level),
          chunk.map((d) => d.parent),
          chunk.map((d) => d.section),
        ],
      );
    }
    await tx.query(
      `insert into app_meta (key, value) values ('reference_version', $1)
       on conflict (key) do update set value = excluded.value, updated_at = now()`,
      [version],
    );
  });
  return { loaded: true, divisions: divisions.length, industries: industries.length };
}

const toDivision = (r: any): Division => ({
  code: r.code,
  name: r.name,
  level: r.level,
  parentCode: r.parent_code,
  provinceCode: r.province_code,
  isFunctionalZone: r.is_functional_zone,
});
const toIndustry = (r: any): Industry => ({
  code: r.code,
  name: r.name,
  level: r.level,
  parentCode: r.parent_code,
  sectionCode: r.section_code,
});

export function createReferenceRepository(db: Queryable) {
  return {
    async getDivision(code: string): Promise<Division | null> {
      const rows = await db.query(`select * from divisions where code = $1`, [code]);
      return rows[0] ? toDivision(rows[0]) : null;
    },
    async getDivisions(codes: string[]): Promise<Map<string, Division>> {
      const rows = await db.query(`select * from divisions where code = any($1::text[])`, [codes]);
      return new Map(rows.map((r) => [r.code, toDivision(r)]));
    },
    async listDivisions(q: { parent?: string; province?: string; level?: number; q?: string }): Promise<Division[]> {
      const rows = await db.query(
        `select * from divisions
          where ($1::text is null or parent_code = $1) and ($2::text is null or province_code = $2)
            and ($3::int is null or level = $3) and ($4::text is null or name like '%' || $4 || '%')
          order by code limit 4000`,
        [q.parent ?? null, q.province ?? null, q.level ?? null, q.q ?? null],
      );
      return rows.map(toDivision);
    },
    /** The division and its ancestors, county first. */
    async divisionPath(code: string): Promise<Division[]> {
      const rows = await db.query(
        `with recursive up as (
           select d.*, 0 as depth from divisions d where code = $1
           union all select d.*, up.depth + 1 from divisions d join up on d.code = up.parent_code)
         select * from up order by depth`,
        [code],
      );
      return rows.map(toDivision);
    },
    async getIndustry(code: string): Promise<Industry | null> {
      const rows = await db.query(`select * from industries where code = $1`, [code]);
      return rows[0] ? toIndustry(rows[0]) : null;
    },
    async getIndustries(codes: string[]): Promise<Map<string, Industry>> {
      const rows = await db.query(`select * from industries where code = any($1::text[])`, [codes]);
      return new Map(rows.map((r) => [r.code, toIndustry(r)]));
    },
    async listIndustries(q: { q?: string; parent?: string; level?: number; limit: number }): Promise<Industry[]> {
      const rows = await db.query(
        `select * from industries
          where ($1::text is null or name like '%' || $1 || '%' or code like $1 || '%')
            and ($2::text is null or parent_code = $2) and ($3::int is null or level = $3)
          order by code limit $4`,
        [q.q ?? null, q.parent ?? null, q.level ?? null, q.limit],
      );
      return rows.map(toIndustry);
    },
  };
}
export type ReferenceRepository = ReturnType<typeof createReferenceRepository>;
