import type { Queryable } from '../../db/db.ts';
import { buildSearchText, queryTokens } from '../../lib/text.ts';

const instrumentText = (i: { name: string; model?: string | null; category?: string | null; description?: string | null }) =>
  buildSearchText({ names: [], products: [i.name, ...(i.category ? [i.category] : [])], extra: [i.model, i.description?.slice(0, 1000)] });
import type { PilotLineInput, PilotPlatformProfileInput, InstrumentInput } from './postings.schemas.ts';

/** SQL of the facilities that postings point at: pilot platforms and lines, instruments, slots, bookings. */

export const toLine = (r: any) => ({
  id: Number(r.id),
  organizationId: Number(r.organization_id),
  orgName: r.org_name as string,
  orgShortName: (r.org_short_name ?? null) as string | null,
  orgKind: r.org_kind,
  orgRegion: r.org_region ?? null,
  name: r.name as string,
  category: r.category,
  volumeL: r.volume_l === null ? null : Number(r.volume_l),
  capacity: r.capacity ?? null,
  grades: r.grades ?? [],
  areaM2: r.area_m2 === null ? null : Number(r.area_m2),
  services: r.services ?? [],
  description: r.description ?? null,
  status: r.status,
  source: r.source,
  version: r.version,
});
export type LineRecord = ReturnType<typeof toLine>;

export const toInstrument = (r: any) => ({
  id: Number(r.id),
  organizationId: Number(r.organization_id),
  orgName: r.org_name as string,
  orgShortName: (r.org_short_name ?? null) as string | null,
  orgKind: r.org_kind,
  orgRegion: r.org_region ?? null,
  name: r.name as string,
  model: r.model ?? null,
  category: r.category ?? null,
  description: r.description ?? null,
  location: r.location ?? null,
  accreditations: r.accreditations ?? [],
  priceNote: r.price_note ?? null,
  status: r.status,
  source: r.source,
  freeSlots: Number(r.free_slots ?? 0),
});
export type InstrumentRecord = ReturnType<typeof toInstrument>;

const LINE_SELECT = `select l.*, o.name as org_name, o.short_name as org_short_name, o.kind as org_kind, o.region as org_region
                       from pilot_lines l join organizations o on o.id = l.organization_id`;
const INSTRUMENT_SELECT = `select i.id, i.organization_id, i.name, i.model, i.category, i.description, i.location, i.accreditations, i.price_note, i.status, i.source, i.version, o.name as org_name, o.short_name as org_short_name, o.kind as org_kind, o.region as org_region,
       (select count(*)::int from instrument_slots s where s.instrument_id = i.id and s.starts_at > now()
           and not exists (select 1 from instrument_bookings b where b.slot_id = s.id and b.status = 'booked')) as free_slots
  from instruments i join organizations o on o.id = i.organization_id`;

export function createFacilitiesRepository(db: Queryable) {
  return {
    // ---------------------------------------------------------------- pilot platforms
    async getProfile(orgId: number, opts: { forUpdate?: boolean } = {}) {
      const rows = await db.query(`select * from pilot_platform_profiles where organization_id = $1 ${opts.forUpdate ? 'for update' : ''}`, [orgId]);
      const r = rows[0];
      return r
        ? {
            rating: (r.rating ?? null) as string | null,
            areaM2: r.area_m2 === null ? null : Number(r.area_m2),
            grades: (r.grades ?? []) as string[],
            serviceCatalogue: (r.service_catalogue ?? []) as Array<{ name: string; description?: string; priceNote?: string }>,
            description: (r.description ?? null) as string | null,
            source: r.source as string,
            version: r.version as number,
          }
        : null;
    },
    async upsertProfile(orgId: number, p: PilotPlatformProfileInput) {
      await db.query(
        `insert into pilot_platform_profiles (organization_id, rating, area_m2, grades, service_catalogue, description, source)
         values ($1,$2,$3,$4,$5,$6,$7)
         on conflict (organization_id) do update set rating = excluded.rating, area_m2 = excluded.area_m2, grades = excluded.grades,
           service_catalogue = excluded.service_catalogue, description = excluded.description, source = excluded.source,
           version = pilot_platform_profiles.version + 1, updated_at = now()`,
        [orgId, p.rating ?? null, p.areaM2 ?? null, p.grades, JSON.stringify(p.serviceCatalogue), p.description ?? null, p.source],
      );
    },
    /** Organisations that are pilot platforms or have a profile or lines. */
    async platformOrgIds(region?: string): Promise<number[]> {
      const rows = await db.query<{ id: number }>(
        `select o.id from organizations o
          where (o.kind = 'pilot_platform' or exists (select 1 from pilot_platform_profiles p where p.organization_id = o.id)
                 or exists (select 1 from pilot_lines l where l.organization_id = o.id))
            and ($1::text is null or o.region = $1)
          order by o.region nulls last, o.id`,
        [region ?? null],
      );
      return rows.map((r) => Number(r.id));
    },
    async lines(filter: { organizationIds?: number[]; category?: string; region?: string; grade?: string; minVolumeL?: number }) {
      const rows = await db.query(
        `${LINE_SELECT}
          where ($1::bigint[] is null or l.organization_id = any($1::bigint[]))
            and ($2::text is null or l.category = $2) and ($3::text is null or o.region = $3)
            and ($4::text is null or $4 = any(l.grades)) and ($5::numeric is null or l.volume_l >= $5)
          order by o.region nulls last, l.organization_id, l.id`,
        [filter.organizationIds ?? null, filter.category ?? null, filter.region ?? null, filter.grade ?? null, filter.minVolumeL ?? null],
      );
      return rows.map(toLine);
    },
    async getLine(id: number, opts: { forUpdate?: boolean } = {}) {
      const rows = await db.query(`${LINE_SELECT} where l.id = $1 ${opts.forUpdate ? 'for update of l' : ''}`, [id]);
      return rows[0] ? toLine(rows[0]) : null;
    },
    async lineNameTaken(orgId: number, name: string, exceptId = 0) {
      const rows = await db.query(`select id from pilot_lines where organization_id = $1 and name = $2 and id <> $3`, [orgId, name, exceptId]);
      return rows.length > 0;
    },
    async insertLine(orgId: number, l: Omit<PilotLineInput, 'organizationId'>) {
      const rows = await db.query<{ id: number }>(
        `insert into pilot_lines (organization_id, name, category, volume_l, capacity, grades, area_m2, services, description, status, source)
         values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11) returning id`,
        [orgId, l.name, l.category, l.volumeL ?? null, l.capacity ?? null, l.grades, l.areaM2 ?? null, l.services, l.description ?? null, l.status, l.source],
      );
      return (await this.getLine(rows[0].id))!;
    },
    async updateLine(id: number, l: LineRecord) {
      await db.query(
        `update pilot_lines set name = $2, category = $3, volume_l = $4, capacity = $5, grades = $6, area_m2 = $7, services = $8,
           description = $9, status = $10, version = version + 1, updated_at = now() where id = $1`,
        [id, l.name, l.category, l.volumeL, l.capacity, l.grades, l.areaM2, l.services, l.description, l.status],
      );
      return (await this.getLine(id))!;
    },
    async deleteLine(id: number) {
      await db.query(`delete from pilot_lines where id = $1`, [id]);
    },

    // ---------------------------------------------------------------- instruments
    async instruments(filter: { q?: string; organizationId?: number; region?: string }) {
      const tokens = filter.q ? queryTokens(filter.q) : [];
      const like = filter.q ? `%${filter.q.replace(/[%_\\]/g, (m) => '\\' + m)}%` : null;
      const rows = await db.query(
        `${INSTRUMENT_SELECT}
          where ($1::bigint is null or i.organization_id = $1) and ($2::text is null or o.region = $2)
            and ($3::text is null or i.name like $3 or i.category like $3 or i.model like $3 or i.search_tsv @@ plainto_tsquery('simple', $4))
          order by o.region nulls last, i.organization_id, i.id limit 500`,
        [filter.organizationId ?? null, filter.region ?? null, like, tokens.join(' ')],
      );
      return rows.map(toInstrument);
    },
    async getInstrument(id: number, opts: { forUpdate?: boolean } = {}) {
      const rows = await db.query(`${INSTRUMENT_SELECT} where i.id = $1 ${opts.forUpdate ? 'for update of i' : ''}`, [id]);
      return rows[0] ? toInstrument(rows[0]) : null;
    },
    async instrumentNameTaken(orgId: number, name: string, exceptId = 0) {
      const rows = await db.query(`select id from instruments where organization_id = $1 and name = $2 and id <> $3`, [orgId, name, exceptId]);
      return rows.length > 0;
    },
    async insertInstrument(orgId: number, i: Omit<InstrumentInput, 'organizationId'>) {
      const rows = await db.query<{ id: number }>(
        `insert into instruments (organization_id, name, model, category, description, location, accreditations, price_note, status, source, search_text)
         values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11) returning id`,
        [orgId, i.name, i.model ?? null, i.category ?? null, i.description ?? null, i.location ?? null, i.accreditations, i.priceNote ?? null, i.status, i.source, instrumentText(i)],
      );
      return (await this.getInstrument(rows[0].id))!;
    },
    async updateInstrument(id: number, i: InstrumentRecord) {
      await db.query(
        `update instruments set name = $2, model = $3, category = $4, description = $5, location = $6, accreditations = $7,
           price_note = $8, status = $9, search_text = $10, version = version + 1, updated_at = now() where id = $1`,
        [id, i.name, i.model, i.category, i.description, i.location, i.accreditations, i.priceNote, i.status, instrumentText(i)],
      );
      return (await this.getInstrument(id))!;
    },
    async deleteInstrument(id: number) {
      await db.query(`delete from instruments where id = $1`, [id]);
    },

    // ---------------------------------------------------------------- slots and bookings
    async overlappingSlot(instrumentId: number, startsAt: string, endsAt: string) {
      const rows = await db.query(
        `select id, starts_at, ends_at from instrument_slots where instrument_id = $1 and starts_at < $3 and ends_at > $2 limit 1`,
        [instrumentId, startsAt, endsAt],
      );
      return rows[0] ? { id: Number(rows[0].id), startsAt: new Date(rows[0].starts_at).toISOString(), endsAt: new Date(rows[0].ends_at).toISOString() } : null;
    },
    async insertSlot(instrumentId: number, startsAt: string, endsAt: string) {
      const rows = await db.query<{ id: number }>(`insert into instrument_slots (instrument_id, starts_at, ends_at) values ($1,$2,$3) returning id`, [instrumentId, startsAt, endsAt]);
      return Number(rows[0].id);
    },
    async slots(instrumentId: number, from: string | null, to: string | null, onlyFree: boolean) {
      return db.query(
        `select s.id, s.instrument_id, s.starts_at, s.ends_at, b.id as booking_id, b.organization_id as booking_org_id,
                bo.name as booking_org_name, b.purpose
           from instrument_slots s
           left join instrument_bookings b on b.slot_id = s.id and b.status = 'booked'
           left join organizations bo on bo.id = b.organization_id
          where s.instrument_id = $1 and s.ends_at > coalesce($2::timestamptz, now()) and ($3::timestamptz is null or s.starts_at < $3)
            and (not $4 or b.id is null)
          order by s.starts_at limit 1000`,
        [instrumentId, from, to, onlyFree],
      );
    },
    async getSlot(id: number) {
      const rows = await db.query(
        `select s.id, s.instrument_id, s.starts_at, s.ends_at, s.starts_at <= now() as started, i.organization_id as lab_org_id,
                i.status as instrument_status, i.name as instrument_name, o.region as lab_region
           from instrument_slots s join instruments i on i.id = s.instrument_id join organizations o on o.id = i.organization_id
          where s.id = $1`,
        [id],
      );
      return rows[0] ?? null;
    },
    async slotBooked(id: number) {
      const rows = await db.query(`select 1 from instrument_bookings where slot_id = $1 and status = 'booked'`, [id]);
      return rows.length > 0;
    },
    async deleteSlot(id: number) {
      await db.query(`delete from instrument_slots where id = $1`, [id]);
    },
    /**
     * Books a slot. The partial unique index (one live booking per slot) decides between two
     * concurrent requests: the second inserts nothing and gets null.
     */
    async book(slotId: number, instrumentId: number, orgId: number, userId: number | null, purpose: string | null): Promise<number | null> {
      const rows = await db.query<{ id: number }>(
        `insert into instrument_bookings (slot_id, instrument_id, organization_id, booked_by, purpose)
         values ($1,$2,$3,$4,$5)
         on conflict (slot_id) where status = 'booked' do nothing returning id`,
        [slotId, instrumentId, orgId, userId, purpose],
      );
      return rows[0] ? Number(rows[0].id) : null;
    },
    async bookings(filter: { id?: number; organizationId?: number; labOrganizationId?: number; instrumentId?: number; forUpdate?: boolean }) {
      const rows = await db.query(
        `select b.*, s.starts_at, s.ends_at, i.name as instrument_name, i.organization_id as lab_org_id, lo.region as lab_region,
                o.name as org_name, o.region as org_region
           from instrument_bookings b join instrument_slots s on s.id = b.slot_id join instruments i on i.id = b.instrument_id
           join organizations o on o.id = b.organization_id join organizations lo on lo.id = i.organization_id
          where ($1::bigint is null or b.id = $1) and ($2::bigint is null or b.organization_id = $2)
            and ($3::bigint is null or i.organization_id = $3) and ($4::bigint is null or b.instrument_id = $4)
          order by s.starts_at desc, b.id desc limit 500 ${filter.forUpdate ? 'for update of b' : ''}`,
        [filter.id ?? null, filter.organizationId ?? null, filter.labOrganizationId ?? null, filter.instrumentId ?? null],
      );
      return rows;
    },
    async cancelBooking(id: number, userId: number | null) {
      await db.query(`update instrument_bookings set status = 'cancelled', cancelled_at = now(), cancelled_by = $2 where id = $1`, [id, userId]);
    },
  };
}
