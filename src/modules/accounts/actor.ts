import { createError } from '../../errors.ts';
import { REGION_NAMES, type Region, type Role } from './accounts.schemas.ts';

/** Who is calling. Use cases receive it and decide; the UI hiding a button is never the check. */
export interface Actor {
  userId: number;
  username: string;
  displayName: string;
  role: Role;
  region: Region | null;
  organizationId: number | null;
}

/** The actor of CLI commands and seeding: a system administrator, named in the audit log. */
export function systemActor(name = 'system'): Actor {
  return { userId: 0, username: name, displayName: name, role: 'admin', region: null, organizationId: null };
}

export function requireActor(actor: Actor | null): Actor {
  if (!actor) throw createError({ code: 'auth.unauthenticated', message: '请先登录 / please log in', status: 401 });
  return actor;
}

export function requireRole(actor: Actor | null, roles: Role[]): Actor {
  const a = requireActor(actor);
  if (!roles.includes(a.role))
    throw createError({
      code: 'auth.forbidden',
      message: `当前角色无权执行此操作 / role ${a.role} may not do this`,
      status: 403,
    });
  return a;
}

/**
 * Records owned by a region (organisations of 北京, chains led by 天津, list entries…) are written
 * by that region's officials or by an administrator. `ownerRegion` null means outside 京津冀:
 * administrators only.
 */
export function assertRegionWrite(actor: Actor | null, ownerRegion: Region | null, what = '记录'): Actor {
  const a = requireActor(actor);
  if (a.role === 'admin') return a;
  if (a.role === 'official' && ownerRegion && a.region === ownerRegion) return a;
  if (a.role === 'official') {
    const owner = ownerRegion ? REGION_NAMES[ownerRegion].zh : '京津冀以外';
    throw createError({
      code: 'auth.wrong_region',
      message: `该${what}属于${owner}，${REGION_NAMES[a.region!].zh}的账号只能修改本地区的记录 / this record belongs to ${ownerRegion ?? 'outside the region'}; officials of ${a.region} may only change their own region's records`,
      status: 403,
    });
  }
  throw createError({ code: 'auth.forbidden', message: `当前角色无权修改该${what} / role ${a.role} may not change this`, status: 403 });
}

/** An organisation is written by officials of its region, an admin, or its own bound users. */
export function assertOrganizationWrite(actor: Actor | null, org: { id: number; region: Region | null }): Actor {
  const a = requireActor(actor);
  if ((a.role === 'enterprise' || a.role === 'provider') && a.organizationId === org.id) return a;
  if (a.role === 'enterprise' || a.role === 'provider')
    throw createError({
      code: 'auth.not_owner',
      message: '只能修改本机构的资料 / you may only edit your own organisation',
      status: 403,
    });
  return assertRegionWrite(actor, org.region, '机构');
}
