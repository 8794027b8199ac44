import type { Db, Queryable } from '../../db/db.ts';
import { createError, notFound, validationError } from '../../errors.ts';
import { assertOrganizationWrite, requireActor, type Actor } from '../accounts/actor.ts';
import { diff, recordAudit } from '../audit/audit.repository.ts';
import { createFacilitiesRepository, type InstrumentRecord, type LineRecord } from './facilities.repository.ts';
import type {
  Booking,
  Instrument,
  InstrumentInput,
  PilotLine,
  PilotLineInput,
  PilotPlatform,
  PilotPlatformProfileInput,
  Slot,
} from './postings.schemas.ts';
import { pilotLinePatchSchema, instrumentPatchSchema } from './postings.schemas.ts';
import type { z } from 'zod';
import { canEditOrg, resolveActingOrg, seesAllOf } from './postings.usecases.ts';
import { createPostingsRepository } from './postings.repository.ts';

type Deps = { db: Db };

const org = (r: { organizationId: number; orgName: string; orgShortName: string | null; orgKind: any; orgRegion: any }) => ({
  id: r.organizationId,
  name: r.orgName,
  shortName: r.orgShortName,
  kind: r.orgKind,
  region: r.orgRegion,
});

function presentLine(actor: Actor, l: LineRecord): PilotLine {
  const { organizationId: _o, orgName: _n, orgShortName: _s, orgKind: _k, orgRegion: _r, version: _v, ...rest } = l;
  return { ...rest, organization: org(l), canEdit: canEditOrg(actor, { id: l.organizationId, region: l.orgRegion }) };
}

function presentInstrument(actor: Actor, i: InstrumentRecord): Instrument {
  const { organizationId: _o, orgName: _n, orgShortName: _s, orgKind: _k, orgRegion: _r, ...rest } = i;
  return { ...rest, organization: org(i), canEdit: canEditOrg(actor, { id: i.organizationId, region: i.orgRegion }) };
}

const lineAudit = (l: LineRecord) => {
  const { orgName: _n, orgShortName: _s, orgKind: _k, orgRegion: _r, version: _v, ...rest } = l;
  return rest;
};
const instrumentAudit = (i: InstrumentRecord) => {
  const { orgName: _n, orgShortName: _s, orgKind: _k, orgRegion: _r, freeSlots: _f, ...rest } = i;
  return rest;
};

// ------------------------------------------------------------------ pilot platforms

export async function listPilotPlatforms(deps: Deps, actor: Actor | null, region?: string): Promise<PilotPlatform[]> {
  const a = requireActor(actor);
  const repo = createFacilitiesRepository(deps.db);
  const ids = await repo.platformOrgIds(region);
  return Promise.all(ids.map((id) => presentPlatform(deps.db, a, id)));
}

async function presentPlatform(db: Queryable, actor: Actor, orgId: number): Promise<PilotPlatform> {
  const repo = createFacilitiesRepository(db);
  const o = await createPostingsRepository(db).orgBrief(orgId);
  if (!o) throw notFound('organizations', orgId);
  const p = await repo.getProfile(orgId);
  const lines = await repo.lines({ organizationIds: [orgId] });
  return {
    organization: o,
    rating: p?.rating ?? null,
    areaM2: p?.areaM2 ?? null,
    grades: (p?.grades ?? []) as any,
    serviceCatalogue: p?.serviceCatalogue ?? [],
    description: p?.description ?? null,
    source: p?.source ?? null,
    version: p?.version ?? 0,
    lines: lines.map((l) => presentLine(actor, l)),
    canEdit: canEditOrg(actor, o),
  };
}

export async function getPilotPlatform(deps: Deps, actor: Actor | null, orgId: number) {
  return presentPlatform(deps.db, requireActor(actor), orgId);
}

export async function putPilotPlatformProfile(deps: Deps, actor: Actor | null, orgId: number, input: PilotPlatformProfileInput) {
  const a = requireActor(actor);
  return deps.db.transaction(async (tx) => {
    const o = await createPostingsRepository(tx).orgBrief(orgId, { forShare: true });
    if (!o) throw notFound('organizations', orgId);
    assertOrganizationWrite(a, o);
    const repo = createFacilitiesRepository(tx);
    const cur = await repo.getProfile(orgId, { forUpdate: true });
    if (input.version !== undefined && input.version !== (cur?.version ?? 0))
      throw createError({ code: 'pilot_platforms.version_mismatch', message: '资料已被他人修改，请刷新 / changed by someone else; reload', status: 409 });
    await repo.upsertProfile(orgId, input);
    const { version: _v, ...after } = input;
    await recordAudit(tx, a, {
      action: cur ? 'update' : 'create',
      entityType: 'pilot_platform',
      entityId: orgId,
      region: o.region,
      summary: `中试平台资料：${o.name}`,
      before: cur ?? undefined,
      after,
    });
    return presentPlatform(tx, a, orgId);
  });
}

export async function listPilotLines(deps: Deps, actor: Actor | null, q: { organizationId?: number; category?: string; region?: string; grade?: string; minVolumeL?: number }) {
  const a = requireActor(actor);
  const lines = await createFacilitiesRepository(deps.db).lines({ ...q, organizationIds: q.organizationId ? [q.organizationId] : undefined });
  return lines.map((l) => presentLine(a, l));
}

export async function createPilotLine(deps: Deps, actor: Actor | null, input: PilotLineInput): Promise<PilotLine> {
  const a = requireActor(actor);
  return deps.db.transaction(async (tx) => {
    const o = await resolveActingOrg(tx, a, input.organizationId);
    const repo = createFacilitiesRepository(tx);
    if (await repo.lineNameTaken(o.id, input.name))
      throw createError({ code: 'pilot_lines.already_exists', message: `本机构已有名为“${input.name}”的中试线 / name already used`, status: 409, fields: { name: '重名 / duplicate' } });
    const { organizationId: _o, ...line } = input;
    const rec = await repo.insertLine(o.id, line);
    await recordAudit(tx, a, { action: 'create', entityType: 'pilot_line', entityId: rec.id, region: o.region, summary: `新增中试线 ${rec.name}（${o.name}）`, after: lineAudit(rec) });
    return presentLine(a, rec);
  });
}

export async function updatePilotLine(deps: Deps, actor: Actor | null, id: number, patch: z.infer<typeof pilotLinePatchSchema>): Promise<PilotLine> {
  const a = requireActor(actor);
  return deps.db.transaction(async (tx) => {
    const repo = createFacilitiesRepository(tx);
    const cur = await repo.getLine(id, { forUpdate: true });
    if (!cur) throw notFound('pilot_lines', id);
    assertOrganizationWrite(a, { id: cur.organizationId, region: cur.orgRegion });
    if (patch.name && patch.name !== cur.name && (await repo.lineNameTaken(cur.organizationId, patch.name, id)))
      throw createError({ code: 'pilot_lines.already_exists', message: `本机构已有名为“${patch.name}”的中试线 / name already used`, status: 409, fields: { name: '重名 / duplicate' } });
    const next: LineRecord = { ...cur };
    for (const [k, v] of Object.entries(patch)) if (v !== undefined) (next as any)[k] = v;
    const updated = await repo.updateLine(id, next);
    const d = diff(lineAudit(cur), lineAudit(updated));
    if (Object.keys(d.after).length)
      await recordAudit(tx, a, { action: 'update', entityType: 'pilot_line', entityId: id, region: cur.orgRegion, summary: `修改中试线 ${updated.name}`, ...d });
    return presentLine(a, updated);
  });
}

export async function deletePilotLine(deps: Deps, actor: Actor | null, id: number) {
  const a = requireActor(actor);
  await deps.db.transaction(async (tx) => {
    const repo = createFacilitiesRepository(tx);
    const cur = await repo.getLine(id, { forUpdate: true });
    if (!cur) throw notFound('pilot_lines', id);
    assertOrganizationWrite(a, { id: cur.organizationId, region: cur.orgRegion });
    await repo.deleteLine(id);
    await recordAudit(tx, a, { action: 'delete', entityType: 'pilot_line', entityId: id, region: cur.orgRegion, summary: `删除中试线 ${cur.name}`, before: lineAudit(cur) });
  });
}

// ------------------------------------------------------------------ instruments

export async function listInstruments(deps: Deps, actor: Actor | null, q: { q?: string; organizationId?: number; region?: string }) {
  const a = requireActor(actor);
  return (await createFacilitiesRepository(deps.db).instruments(q)).map((i) => presentInstrument(a, i));
}

export async function getInstrument(deps: Deps, actor: Actor | null, id: number) {
  const a = requireActor(actor);
  const i = await createFacilitiesRepository(deps.db).getInstrument(id);
  if (!i) throw notFound('instruments', id);
  return presentInstrument(a, i);
}

export async function createInstrument(deps: Deps, actor: Actor | null, input: InstrumentInput): Promise<Instrument> {
  const a = requireActor(actor);
  return deps.db.transaction(async (tx) => {
    const o = await resolveActingOrg(tx, a, input.organizationId);
    const repo = createFacilitiesRepository(tx);
    if (await repo.instrumentNameTaken(o.id, input.name))
      throw createError({ code: 'instruments.already_exists', message: `本机构已有名为“${input.name}”的仪器 / name already used`, status: 409, fields: { name: '重名 / duplicate' } });
    const { organizationId: _o, ...rest } = input;
    const rec = await repo.insertInstrument(o.id, rest);
    await recordAudit(tx, a, { action: 'create', entityType: 'instrument', entityId: rec.id, region: o.region, summary: `新增共享仪器 ${rec.name}（${o.name}）`, after: instrumentAudit(rec) });
    return presentInstrument(a, rec);
  });
}

export async function updateInstrument(deps: Deps, actor: Actor | null, id: number, patch: z.infer<typeof instrumentPatchSchema>): Promise<Instrument> {
  const a = requireActor(actor);
  return deps.db.transaction(async (tx) => {
    const repo = createFacilitiesRepository(tx);
    const cur = await repo.getInstrument(id, { forUpdate: true });
    if (!cur) throw notFound('instruments', id);
    assertOrganizationWrite(a, { id: cur.organizationId, region: cur.orgRegion });
    if (patch.name && patch.name !== cur.name && (await repo.instrumentNameTaken(cur.organizationId, patch.name, id)))
      throw createError({ code: 'instruments.already_exists', message: `本机构已有名为“${patch.name}”的仪器 / name already used`, status: 409, fields: { name: '重名 / duplicate' } });
    const next: InstrumentRecord = { ...cur };
    for (const [k, v] of Object.entries(patch)) if (v !== undefined) (next as any)[k] = v;
    const updated = await repo.updateInstrument(id, next);
    const d = diff(instrumentAudit(cur), instrumentAudit(updated));
    if (Object.keys(d.after).length)
      await recordAudit(tx, a, { action: 'update', entityType: 'instrument', entityId: id, region: cur.orgRegion, summary: `修改共享仪器 ${updated.name}`, ...d });
    return presentInstrument(a, updated);
  });
}

export async function deleteInstrument(deps: Deps, actor: Actor | null, id: number) {
  const a = requireActor(actor);
  await deps.db.transaction(async (tx) => {
    const repo = createFacilitiesRepository(tx);
    const cur = await repo.getInstrument(id, { forUpdate: true });
    if (!cur) throw notFound('instruments', id);
    assertOrganizationWrite(a, { id: cur.organizationId, region: cur.orgRegion });
    const live = await tx.query<{ n: number }>(
      `select count(*)::int as n from instrument_bookings b join instrument_slots s on s.id = b.slot_id
        where b.instrument_id = $1 and b.status = 'booked' and s.ends_at > now()`,
      [id],
    );
    if (live[0].n > 0)
      throw createError({ code: 'instruments.in_use', message: `该仪器还有 ${live[0].n} 个未完成的预约 / it has live bookings`, status: 409 });
    await repo.deleteInstrument(id);
    await recordAudit(tx, a, { action: 'delete', entityType: 'instrument', entityId: id, region: cur.orgRegion, summary: `删除共享仪器 ${cur.name}`, before: instrumentAudit(cur) });
  });
}

// ------------------------------------------------------------------ slots and bookings

export async function addSlots(deps: Deps, actor: Actor | null, instrumentId: number, slots: Array<{ startsAt: string; endsAt: string }>): Promise<Slot[]> {
  const a = requireActor(actor);
  return deps.db.transaction(async (tx) => {
    const repo = createFacilitiesRepository(tx);
    // The lock on the instrument row serialises slot changes of one instrument.
    const inst = await repo.getInstrument(instrumentId, { forUpdate: true });
    if (!inst) throw notFound('instruments', instrumentId);
    assertOrganizationWrite(a, { id: inst.organizationId, region: inst.orgRegion });
    if (inst.status !== 'active') throw createError({ code: 'instruments.retired', message: '仪器已停用 / the instrument is retired', status: 409 });
    const now = Date.now();
    const sorted = slots
      .map((s, index) => ({ index, start: Date.parse(s.startsAt), end: Date.parse(s.endsAt) }))
      .sort((x, y) => x.start - y.start);
    for (const s of sorted) {
      const f = `slots.${s.index}`;
      if (!(s.end > s.start)) throw validationError({ [f]: '结束时间须晚于开始时间 / ends before it starts' });
      if (s.start <= now) throw validationError({ [f]: '时段须在将来 / must be in the future' });
      if (s.end - s.start > 7 * 86400000) throw validationError({ [f]: '单个时段最长 7 天 / at most 7 days' });
    }
    for (let i = 1; i < sorted.length; i++)
      if (sorted[i].start < sorted[i - 1].end)
        throw validationError({ [`slots.${sorted[i].index}`]: `与第 ${sorted[i - 1].index + 1} 个时段重叠 / overlaps slot ${sorted[i - 1].index + 1}` });
    const ids: number[] = [];
    for (const s of sorted) {
      const startsAt = new Date(s.start).toISOString();
      const endsAt = new Date(s.end).toISOString();
      const clash = await repo.overlappingSlot(instrumentId, startsAt, endsAt);
      if (clash)
        throw createError({
          code: 'instruments.slot_overlap',
          message: `与已有时段 ${clash.startsAt} – ${clash.endsAt} 重叠 / overlaps an existing slot`,
          status: 409,
          fields: { [`slots.${s.index}`]: '时段重叠 / overlaps' },
        });
      ids.push(await repo.insertSlot(instrumentId, startsAt, endsAt));
    }
    await recordAudit(tx, a, {
      action: 'create',
      entityType: 'instrument',
      entityId: instrumentId,
      region: inst.orgRegion,
      summary: `开放预约时段 ${ids.length} 个：${inst.name}`,
      after: { slots: sorted.map((s) => ({ startsAt: new Date(s.start).toISOString(), endsAt: new Date(s.end).toISOString() })) },
    });
    const rows = await repo.slots(instrumentId, null, null, false);
    return rows.filter((r: any) => ids.includes(Number(r.id))).map((r: any) => presentSlot(a, inst.organizationId, r));
  });
}

function presentSlot(actor: Actor, labOrgId: number, r: any): Slot {
  const booked = r.booking_id !== null && r.booking_id !== undefined;
  const show = booked && (seesAllOf(actor, labOrgId) || actor.organizationId === Number(r.booking_org_id));
  return {
    id: Number(r.id),
    instrumentId: Number(r.instrument_id),
    startsAt: new Date(r.starts_at).toISOString(),
    endsAt: new Date(r.ends_at).toISOString(),
    booked,
    booking: show ? { id: Number(r.booking_id), organizationId: Number(r.booking_org_id), organizationName: r.booking_org_name, purpose: r.purpose ?? null } : null,
  };
}

export async function listSlots(deps: Deps, actor: Actor | null, instrumentId: number, q: { from?: string; to?: string; onlyFree?: '0' | '1' }) {
  const a = requireActor(actor);
  const repo = createFacilitiesRepository(deps.db);
  const inst = await repo.getInstrument(instrumentId);
  if (!inst) throw notFound('instruments', instrumentId);
  const rows = await repo.slots(instrumentId, q.from ?? null, q.to ?? null, q.onlyFree === '1');
  return rows.map((r: any) => presentSlot(a, inst.organizationId, r));
}

export async function deleteSlot(deps: Deps, actor: Actor | null, slotId: number) {
  const a = requireActor(actor);
  await deps.db.transaction(async (tx) => {
    const repo = createFacilitiesRepository(tx);
    const slot = await repo.getSlot(slotId);
    if (!slot) throw notFound('instrument_slots', slotId);
    await repo.getInstrument(Number(slot.instrument_id), { forUpdate: true });
    assertOrganizationWrite(a, { id: Number(slot.lab_org_id), region: slot.lab_region ?? null });
    if (await repo.slotBooked(slotId))
      throw createError({ code: 'instruments.slot_in_use', message: '该时段已被预约，请先取消预约 / the slot is booked; cancel the booking first', status: 409 });
    await repo.deleteSlot(slotId);
    await recordAudit(tx, a, {
      action: 'delete',
      entityType: 'instrument',
      entityId: Number(slot.instrument_id),
      region: slot.lab_region ?? null,
      summary: `撤下预约时段 ${new Date(slot.starts_at).toISOString()}`,
      before: { slotId, startsAt: new Date(slot.starts_at).toISOString(), endsAt: new Date(slot.ends_at).toISOString() },
    });
  });
}

function presentBooking(r: any): Booking {
  return {
    id: Number(r.id),
    slotId: Number(r.slot_id),
    instrumentId: Number(r.instrument_id),
    instrumentName: r.instrument_name,
    labOrganizationId: Number(r.lab_org_id),
    organizationId: Number(r.organization_id),
    organizationName: r.org_name,
    startsAt: new Date(r.starts_at).toISOString(),
    endsAt: new Date(r.ends_at).toISOString(),
    purpose: r.purpose ?? null,
    status: r.status,
    createdAt: new Date(r.created_at).toISOString(),
  };
}

/** A company books a slot. Two bookings of one slot are impossible: the database refuses the second. */
export async function bookSlot(deps: Deps, actor: Actor | null, slotId: number, input: { organizationId?: number; purpose?: string }): Promise<Booking> {
  const a = requireActor(actor);
  return deps.db.transaction(async (tx) => {
    const repo = createFacilitiesRepository(tx);
    const slot = await repo.getSlot(slotId);
    if (!slot) throw notFound('instrument_slots', slotId);
    const o = await resolveActingOrg(tx, a, input.organizationId);
    if (slot.instrument_status !== 'active') throw createError({ code: 'instruments.retired', message: '仪器已停用 / the instrument is retired', status: 409 });
    if (slot.started) throw createError({ code: 'instruments.slot_past', message: '该时段已开始或已过去 / the slot has started', status: 409 });
    const id = await repo.book(slotId, Number(slot.instrument_id), o.id, a.userId || null, input.purpose ?? null);
    if (id === null)
      throw createError({
        code: 'instruments.slot_taken',
        message: '该时段已被预约 / this slot is already booked',
        status: 409,
        details: { slotId },
      });
    const b = (await repo.bookings({ id }))[0];
    await recordAudit(tx, a, {
      action: 'book',
      entityType: 'instrument_booking',
      entityId: id,
      region: o.region,
      summary: `${o.name} 预约 ${slot.instrument_name} ${new Date(slot.starts_at).toISOString()}`,
      after: { slotId, instrumentId: Number(slot.instrument_id), organizationId: o.id, purpose: input.purpose ?? null },
    });
    return presentBooking(b);
  });
}

export async function cancelBooking(deps: Deps, actor: Actor | null, bookingId: number): Promise<Booking> {
  const a = requireActor(actor);
  return deps.db.transaction(async (tx) => {
    const repo = createFacilitiesRepository(tx);
    const b = (await repo.bookings({ id: bookingId, forUpdate: true }))[0];
    if (!b) throw notFound('instrument_bookings', bookingId);
    // The booker or the lab may cancel (each through their own organisation's rights).
    const byBooker = canEditOrg(a, { id: Number(b.organization_id), region: b.org_region ?? null });
    if (!byBooker) assertOrganizationWrite(a, { id: Number(b.lab_org_id), region: b.lab_region ?? null });
    if (b.status !== 'booked') throw createError({ code: 'instruments.booking_cancelled', message: '该预约已取消 / already cancelled', status: 409 });
    await repo.cancelBooking(bookingId, a.userId || null);
    await recordAudit(tx, a, {
      action: 'cancel',
      entityType: 'instrument_booking',
      entityId: bookingId,
      region: b.org_region ?? null,
      summary: `取消预约 ${b.instrument_name} ${new Date(b.starts_at).toISOString()}`,
      before: { status: 'booked' },
      after: { status: 'cancelled' },
    });
    return presentBooking((await repo.bookings({ id: bookingId }))[0]);
  });
}

export async function listBookings(deps: Deps, actor: Actor | null, q: { box: 'mine' | 'lab' | 'all'; instrumentId?: number }) {
  const a = requireActor(actor);
  const repo = createFacilitiesRepository(deps.db);
  if (q.box === 'all') {
    if (a.role !== 'admin' && a.role !== 'official') throw createError({ code: 'auth.forbidden', message: '只有管理员和官员可查看全部预约 / officials and admins only', status: 403 });
    return (await repo.bookings({ instrumentId: q.instrumentId })).map(presentBooking);
  }
  if (!a.organizationId) throw validationError({ box: '当前账号未绑定机构 / this account has no organisation' });
  const rows = q.box === 'mine' ? await repo.bookings({ organizationId: a.organizationId, instrumentId: q.instrumentId }) : await repo.bookings({ labOrganizationId: a.organizationId, instrumentId: q.instrumentId });
  return rows.map(presentBooking);
}
