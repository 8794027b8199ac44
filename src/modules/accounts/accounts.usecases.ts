import { hash, verify } from '@node-rs/argon2';
import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../../db/db.ts';
import { createError } from '../../errors.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import type { Actor } from './actor.ts';
import { requireRole } from './actor.ts';
import type { CreateUserInput, SessionInfo, User } from './accounts.schemas.ts';
import { createAccountsRepository, type UserRow } from './accounts.repository.ts';

export interface AuthSettings {
  sessionHours: number;
  loginMaxFailures: number;
  loginWindowMinutes: number;
}

export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

export function publicUser(u: UserRow): User {
  const { passwordHash: _p, disabled: _d, ...rest } = u;
  return rest;
}

export function actorOf(u: User): Actor {
  return {
    userId: u.id,
    username: u.username,
    displayName: u.displayName,
    role: u.role,
    region: u.region,
    organizationId: u.organizationId,
  };
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/**
 * Checks the password and opens a session. Failed attempts are counted in the database (so the
 * limit holds across processes); past the limit the caller waits, whatever the password.
 */
export async function login(
  deps: { db: Db; auth: AuthSettings },
  input: { username: string; password: string; ip: string; userAgent: string | null },
): Promise<{ token: string; expiresAt: Date; session: SessionInfo }> {
  const repo = createAccountsRepository(deps.db);
  const since = new Date(Date.now() - deps.auth.loginWindowMinutes * 60_000);
  const failures = await repo.recentFailures(input.username, input.ip, since);
  if (failures.byUser >= deps.auth.loginMaxFailures || failures.byIp >= deps.auth.loginMaxFailures * 3) {
    throw createError({
      code: 'auth.rate_limited',
      message: `登录失败次数过多，请 ${deps.auth.loginWindowMinutes} 分钟后再试 / too many failed logins, try again in ${deps.auth.loginWindowMinutes} minutes`,
      status: 429,
      details: { retryAfterSeconds: deps.auth.loginWindowMinutes * 60 },
    });
  }
  const user = await repo.findUserByUsername(input.username);
  const ok = user && !user.disabled ? await verify(user.passwordHash, input.password).catch(() => false) : false;
  await repo.recordAttempt(input.username, input.ip, ok);
  if (!user || !ok) {
    throw createError({
      code: 'auth.invalid_credentials',
      message: '用户名或密码错误 / wrong username or password',
      status: 401,
    });
  }
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  const expiresAt = new Date(Date.now() + deps.auth.sessionHours * 3600_000);
  await repo.insertSession({ id: sha256(token), userId: user.id, csrfToken, expiresAt, ip: input.ip, userAgent: input.userAgent });
  return { token, expiresAt, session: { user: publicUser(user), csrfToken } };
}

export async function resolveSession(deps: { db: Db }, token: string): Promise<SessionInfo | null> {
  if (!token || token.length > 200) return null;
  const found = await createAccountsRepository(deps.db).findSession(sha256(token));
  return found ? { user: publicUser(found.user), csrfToken: found.csrfToken } : null;
}

export async function logout(deps: { db: Db }, token: string): Promise<void> {
  await createAccountsRepository(deps.db).deleteSession(sha256(token));
}

export async function createUser(deps: { db: Db }, actor: Actor | null, input: CreateUserInput, opts: { isDemo?: boolean } = {}): Promise<User> {
  const a = requireRole(actor, ['admin']);
  const passwordHash = await hashPassword(input.password);
  return deps.db.transaction(async (tx) => {
    const repo = createAccountsRepository(tx);
    if (await repo.findUserByUsername(input.username))
      throw createError({
        code: 'accounts.username_already_exists',
        message: `用户名 ${input.username} 已存在 / username already exists`,
        status: 409,
        fields: { username: '用户名已存在 / already exists' },
      });
    if (input.organizationId) {
      const org = await tx.query(`select id from organizations where id = $1`, [input.organizationId]);
      if (!org.length)
        throw createError({
          code: 'accounts.invalid_organization',
          message: '绑定的机构不存在 / organisation not found',
          status: 400,
          fields: { organizationId: '机构不存在 / not found' },
        });
    }
    const u = await repo.insertUser({
      username: input.username,
      displayName: input.displayName,
      passwordHash,
      role: input.role,
      region: input.region,
      organizationId: input.organizationId,
      isDemo: opts.isDemo ?? false,
    });
    const pub = publicUser(u);
    await recordAudit(tx, a, { action: 'create', entityType: 'user', entityId: u.id, region: u.region, after: pub, summary: `创建账号 ${u.username}` });
    return pub;
  });
}

export async function resetPassword(deps: { db: Db }, actor: Actor | null, username: string, password: string): Promise<void> {
  const a = requireRole(actor, ['admin']);
  if (password.length < 10)
    throw createError({ code: 'validation.failed', message: '密码至少 10 位 / at least 10 characters', fields: { password: 'too short' } });
  const passwordHash = await hashPassword(password);
  await deps.db.transaction(async (tx) => {
    const repo = createAccountsRepository(tx);
    const u = await repo.findUserByUsername(username);
    if (!u) throw createError({ code: 'accounts.user_not_found', message: `账号 ${username} 不存在 / no such user`, status: 404 });
    await repo.setPassword(u.id, passwordHash);
    await recordAudit(tx, a, { action: 'reset_password', entityType: 'user', entityId: u.id, summary: `重置 ${u.username} 的密码` });
  });
}
