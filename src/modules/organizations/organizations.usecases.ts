import type { Db, Queryable } from '../../db/db.ts';
import { createError, notFound, validationError, type FieldErrors } from '../../errors.ts';
import { buildSearchText } from '../../lib/text.ts';
import { regionOfProvince } from '../accounts/accounts.schemas.ts';
import { assertOrganizationWrite, assertRegionWrite, requireActor, type Actor } from '../accounts/actor.ts';
import { diff, recordAudit } from '../audit/audit.repository.ts';
import { createReferenceRepository } from '../reference/reference.repository.ts';
import type {
  Organization,
  OrganizationInput,
  OrganizationListQuery,
  OrganizationPatch,
} from './organizations.schemas.ts';
import { createOrganizationsRepository, type OrganizationRecord, type OrganizationRow } from './organizations.repository.ts';

export interface RowProblem {
  index: number;
  field: string;
  message: string;
}

/** The reference data prepareOrganizationRows checks codes against. */
export interface ReferenceLookup {
  /** The division's province code, or undefined when the code does not exist. */
  provinceOf(divisionCode: string): string | undefined;
  hasIndustry(industryCode: string): boolean;
}

/**
 * Turns validated inputs into rows: checks that division and industry codes exist, that a USCC is
 * not used twice (in the batch or already in the database), and derives province, region and the
 * search text. Reports every problem with its row index and field; writes nothing.
 */
export async function prepareOrganizationRows(
  db: Queryable,
  inputs: OrganizationInput[],
  opts: { existingIds?: Array<number | null>; skipUsccLookup?: boolean } = {},
): Promise<{ rows: OrganizationRow[]; problems: RowProblem[] }> {
  const ref = createReferenceRepository(db);
  const divisions = await ref.getDivisions([...new Set(inputs.map((i) => i.divisionCode).filter((x): x is string => !!x))]);
  const industries = await ref.getIndustries([...new Set(inputs.map((i) => i.industryCode).filter((x): x is string => !!x))]);
  const usccs = inputs.map((i) => i.uscc).filter((x): x is string => !!x);
  const taken = opts.skipUsccLookup ? new Map<string, number>() : await createOrganizationsRepository(db).findUsccs([...new Set(usccs)]);
  return prepareOrganizationRowsWith(
    inputs,
    { provinceOf: (code) => divisions.get(code)?.provinceCode, hasIndustry: (code) => industries.has(code) },
    { existingIds: opts.existingIds, taken },
  );
}

/**
 * prepareOrganizationRows with the lookups given: no database access, so the bulk import runs it in
 * a worker thread with the reference tables loaded once. `taken`: USCCs already in the database.
 */
export function prepareOrganizationRowsWith(
  inputs: OrganizationInput[],
  ref: ReferenceLookup,
  opts: { existingIds?: Array<number | null>; taken?: Map<string, number> } = {},
): { rows: OrganizationRow[]; problems: RowProblem[] } {
  const taken = opts.taken ?? new Map<string, number>();
  const seen = new Map<string, number>();
  const problems: RowProblem[] = [];
  const rows: OrganizationRow[] = [];
  inputs.forEach((input, index) => {
    const divisionProvince = input.divisionCode ? ref.provinceOf(input.divisionCode) : undefined;
    if (input.divisionCode && divisionProvince === undefined)
      problems.push({ index, field: 'divisionCode', message: `行政区划代码 ${input.divisionCode} 不存在 / unknown division code` });
    if (input.industryCode && !ref.hasIndustry(input.industryCode))
      problems.push({ index, field: 'industryCode', message: `国民经济行业代码 ${input.industryCode} 不存在（GB/T 4754-2017）/ unknown industry code` });
    if (input.uscc) {
      const self = opts.existingIds?.[index] ?? null;
      const owner = taken.get(input.uscc);
      if (owner !== undefined && owner !== self)
        problems.push({ index, field: 'uscc', message: `统一社会信用代码 ${input.uscc} 已被机构 #${owner} 使用 / already used by organisation #${owner}` });
      const dup = seen.get(input.uscc);
      if (dup !== undefined)
        problems.push({ index, field: 'uscc', message: `统一社会信用代码与第 ${dup + 1} 条重复 / same code as entry ${dup + 1}` });
      seen.set(input.uscc, index);
    }
    const provinceCode = divisionProvince ?? null;
    rows.push({
      kind: input.kind,
      name: input.name,
      shortName: input.shortName ?? null,
      aliases: input.aliases ?? [],
      uscc: input.uscc ?? null,
      divisionCode: input.divisionCode ?? null,
      provinceCode,
      region: regionOfProvince(provinceCode),
      industryCode: input.industryCode ?? null,
      stockCode: input.stockCode ?? null,
      products: dedupe(input.products ?? []),
      businessScope: input.businessScope ?? null,
      description: input.description ?? null,
      employees: input.employees ?? null,
      revenueWan: input.revenueWan ?? null,
      registeredCapitalWan: input.registeredCapitalWan ?? null,
      foundedOn: input.foundedOn ?? null,
      website: input.website ?? null,
      contact: (input.contact as Record<string, string> | null | undefined) ?? null,
      tags: dedupe(input.tags ?? []),
      source: input.source ?? 'manual',
      sourceRef: input.sourceRef ?? null,
      searchText: buildSearchText({
        names: [input.name, input.shortName, ...(input.aliases ?? [])],
        products: input.products,
        scope: input.businessScope,
        extra: [input.description?.slice(0, 500)],
      }),
    });
  });
  return { rows, problems };
}

function dedupe(xs: string[]): string[] {
  return [...new Set(xs.map((x) => x.trim()).filter(Boolean))];
}

function problemsToError(problems: RowProblem[]) {
  const fields: FieldErrors = {};
  for (const p of problems) fields[p.field] = p.message;
  return validationError(fields, problems.map((p) => p.message).join('；'));
}

/** What the audit log keeps of an organisation (no search text, no timestamps). */
function auditView(o: OrganizationRow | OrganizationRecord) {
  const { searchText: _s, ...rest } = o as OrganizationRecord;
  const v: Record<string, unknown> = { ...rest };
  delete v.createdAt;
  delete v.updatedAt;
  delete v.version;
  delete v.divisionName;
  delete v.industryName;
  return v;
}

export async function createOrganization(deps: { db: Db }, actor: Actor | null, input: OrganizationInput): Promise<Organization> {
  requireActor(actor);
  return deps.db.transaction(async (tx) => {
    const { rows, problems } = await prepareOrganizationRows(tx, [input]);
    if (problems.length) throw problemsToError(problems);
    const row = rows[0];
    const a = assertRegionWrite(actor, row.region, '机构');
    const rec = await createOrganizationsRepository(tx).insert(row);
    await recordAudit(tx, a, {
      action: 'create',
      entityType: 'organization',
      entityId: rec.id,
      region: rec.region,
      summary: `新建机构 ${rec.name}`,
      after: auditView(rec),
    });
    return present(tx, a, rec);
  });
}

export async function updateOrganization(
  deps: { db: Db },
  actor: Actor | null,
  id: number,
  patch: OrganizationPatch,
): Promise<Organization> {
  requireActor(actor);
  return deps.db.transaction(async (tx) => {
    const repo = createOrganizationsRepository(tx);
    const cur = await repo.getById(id, { forUpdate: true });
    if (!cur) throw notFound('organizations', id);
    const a = assertOrganizationWrite(actor, { id: cur.id, region: cur.region });
    if (patch.version !== undefined && patch.version !== cur.version)
      throw createError({
        code: 'organizations.version_mismatch',
        message: '该记录已被他人修改，请刷新后重试 / the record was changed by someone else; reload and retry',
        status: 409,
      });
    const { version: _v, ...changes } = patch;
    const merged: OrganizationInput = {
      kind: changes.kind ?? cur.kind,
      name: changes.name ?? cur.name,
      shortName: 'shortName' in changes ? changes.shortName : cur.shortName,
      aliases: changes.aliases ?? cur.aliases,
      uscc: 'uscc' in changes ? changes.uscc : cur.uscc,
      divisionCode: 'divisionCode' in changes ? changes.divisionCode : cur.divisionCode,
      industryCode: 'industryCode' in changes ? changes.industryCode : cur.industryCode,
      stockCode: 'stockCode' in changes ? changes.stockCode : cur.stockCode,
      products: changes.products ?? cur.products,
      businessScope: 'businessScope' in changes ? changes.businessScope : cur.businessScope,
      description: 'description' in changes ? changes.description : cur.description,
      employees: 'employees' in changes ? changes.employees : cur.employees,
      revenueWan: 'revenueWan' in changes ? changes.revenueWan : cur.revenueWan,
      registeredCapitalWan: 'registeredCapitalWan' in changes ? changes.registeredCapitalWan : cur.registeredCapitalWan,
      foundedOn: 'foundedOn' in changes ? changes.foundedOn : cur.foundedOn,
      website: 'website' in changes ? changes.website : cur.website,
      contact: 'contact' in changes ? changes.contact : (cur.contact as any),
      tags: changes.tags ?? cur.tags,
      source: cur.source,
      sourceRef: cur.sourceRef,
    };
    const { rows, problems } = await prepareOrganizationRows(tx, [merged], { existingIds: [cur.id] });
    if (problems.length) throw problemsToError(problems);
    const next = rows[0];
    // Moving a record to another region needs the right to write there too.
    if (next.region !== cur.region && a.role !== 'admin') {
      if (a.role === 'official') assertRegionWrite(a, next.region, '机构');
      else
        throw createError({
          code: 'auth.forbidden',
          message: '机构用户不能修改所在地区 / organisation users cannot move their region',
          status: 403,
          fields: { divisionCode: '无权修改 / not allowed' },
        });
    }
    const updated = await repo.update(id, next);
    const d = diff(auditView(cur), auditView(updated));
    if (Object.keys(d.after).length)
      await recordAudit(tx, a, {
        action: 'update',
        entityType: 'organization',
        entityId: id,
        region: updated.region,
        summary: `修改 ${Object.keys(d.after).join(', ')}`,
        before: d.before,
        after: d.after,
      });
    return present(tx, a, updated);
  });
}

export async function deleteOrganization(deps: { db: Db }, actor: Actor | null, id: number): Promise<void> {
  await deps.db.transaction(async (tx) => {
    const repo = createOrganizationsRepository(tx);
    const cur = await repo.getById(id, { forUpdate: true });
    if (!cur) throw notFound('organizations', id);
    const a = assertRegionWrite(actor, cur.region, '机构');
    await repo.remove(id);
    await recordAudit(tx, a, {
      action: 'delete',
      entityType: 'organization',
      entityId: id,
      region: cur.region,
      summary: `删除机构 ${cur.name}`,
      before: auditView(cur),
    });
  });
}

function canEdit(actor: Actor, org: { id: number; region: string | null }): boolean {
  if (actor.role === 'admin') return true;
  if (actor.role === 'official') return !!org.region && actor.region === org.region;
  return actor.organizationId === org.id;
}

/** Contacts are shown to administrators, officials and the organisation's own users only. */
function canSeeContact(actor: Actor, orgId: number): boolean {
  return actor.role === 'admin' || actor.role === 'official' || actor.organizationId === orgId;
}

async function present(db: Queryable, actor: Actor, rec: OrganizationRecord): Promise<Organization> {
  const repo = createOrganizationsRepository(db);
  const ref = createReferenceRepository(db);
  const place = rec.divisionCode ? await ref.divisionPath(rec.divisionCode) : [];
  const links = await repo.links(rec.id);
  const showContact = canSeeContact(actor, rec.id);
  return {
    id: rec.id,
    kind: rec.kind,
    name: rec.name,
    shortName: rec.shortName,
    aliases: rec.aliases,
    uscc: rec.uscc,
    region: rec.region,
    provinceCode: rec.provinceCode,
    divisionCode: rec.divisionCode,
    divisionName: place[0]?.name ?? null,
    industryCode: rec.industryCode,
    industryName: rec.industryName ?? (rec.industryCode ? (await ref.getIndustry(rec.industryCode))?.name ?? null : null),
    stockCode: rec.stockCode,
    products: rec.products,
    businessScope: rec.businessScope,
    description: rec.description,
    employees: rec.employees,
    revenueWan: rec.revenueWan,
    registeredCapitalWan: rec.registeredCapitalWan,
    foundedOn: rec.foundedOn,
    website: rec.website,
    contact: showContact ? ((rec.contact as any) ?? null) : null,
    contactHidden: !showContact && !!rec.contact,
    tags: rec.tags,
    source: rec.source,
    sourceRef: rec.sourceRef,
    version: rec.version,
    createdAt: rec.createdAt,
    updatedAt: rec.updatedAt,
    place: place.map((p) => ({ code: p.code, name: p.name, level: p.level })),
    links: links.map((l: any) => ({
      id: l.id,
      chainId: l.chain_id,
      chainCode: l.chain_code,
      chainName: l.chain_name,
      nodeId: l.node_id,
      nodeName: l.node_name,
      segmentName: l.segment_name,
      stage: l.stage,
      role: l.role,
      status: l.status,
      origin: l.origin,
      score: l.score,
      source: l.source,
    })),
    canEdit: canEdit(actor, rec),
  };
}

export async function getOrganization(deps: { db: Db }, actor: Actor | null, id: number): Promise<Organization> {
  const a = requireActor(actor);
  const rec = await createOrganizationsRepository(deps.db).getById(id);
  if (!rec) throw notFound('organizations', id);
  return present(deps.db, a, rec);
}

export async function listOrganizations(deps: { db: Db }, actor: Actor | null, q: OrganizationListQuery) {
  requireActor(actor);
  const r = await createOrganizationsRepository(deps.db).search(q);
  return { ...r, page: q.page, pageSize: q.pageSize };
}

export async function organizationStats(deps: { db: Db }) {
  return createOrganizationsRepository(deps.db).stats();
}
