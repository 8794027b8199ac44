import type { Queryable } from '../../db/db.ts';
import type { Region, Role, User } from './accounts.schemas.ts';

export interface UserRow extends User {
  passwordHash: string;
  disabled: boolean;
}

function toUser(r: any): UserRow {
  return {
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    role: r.role,
    region: r.region,
    organizationId: r.organization_id,
    isDemo: r.is_demo,
    passwordHash: r.password_hash,
    disabled: r.disabled,
  };
}

export function createAccountsRepository(db: Queryable) {
  return {
    async findUserByUsername(username: string): Promise<UserRow | null> {
      const rows = await db.query(`select * from users where lower(username) = lower($1)`, [username]);
      return rows[0] ? toUser(rows[0]) : null;
    },
    async findUserById(id: number): Promise<UserRow | null> {
      const rows = await db.query(`select * from users where id = $1`, [id]);
      return rows[0] ? toUser(rows[0]) : null;
    },
    async insertUser(u: {
      username: string;
      displayName: string;
      passwordHash: string;
      role: Role;
      region: Region | null;
      organizationId: number | null;
      isDemo: boolean;
    }): Promise<UserRow> {
      const rows = await db.query(
        `insert into users (username, display_name, password_hash, role, region, organization_id, is_demo)
         values ($1,$2,$3,$4,$5,$6,$7) returning *`,
        [u.username, u.displayName, u.passwordHash, u.role, u.region, u.organizationId, u.isDemo],
      );
      return toUser(rows[0]);
    },
    async setPassword(userId: number, hash: string) {
      await db.query(`update users set password_hash = $2 where id = $1`, [userId, hash]);
      await db.query(`delete from sessions where user_id = $1`, [userId]);
    },
    async listUsers(): Promise<UserRow[]> {
      return (await db.query(`select * from users order by id`)).map(toUser);
    },
    async recentFailures(username: string, ip: string, since: Date): Promise<{ byUser: number; byIp: number }> {
      const rows = await db.query<{ by_user: number; by_ip: number }>(
        `select
           (select count(*)::int from login_attempts where lower(username) = lower($1) and not success and at > $3) as by_user,
           (select count(*)::int from login_attempts where ip = $2 and not success and at > $3) as by_ip`,
        [username, ip, since],
      );
      return { byUser: rows[0].by_user, byIp: rows[0].by_ip };
    },
    async recordAttempt(username: string, ip: string, success: boolean) {
      await db.query(`insert into login_attempts (username, ip, success) values ($1,$2,$3)`, [username, ip, success]);
      if (success) await db.query(`delete from login_attempts where lower(username) = lower($1) and not success`, [username]);
    },
    async insertSession(s: { id: string; userId: number; csrfToken: string; expiresAt: Date; ip: string; userAgent: string | null }) {
      await db.query(
        `insert into sessions (id, user_id, csrf_token, expires_at, ip, user_agent) values ($1,$2,$3,$4,$5,$6)`,
        [s.id, s.userId, s.csrfToken, s.expiresAt, s.ip, s.userAgent],
      );
    },
    async findSession(id: string): Promise<{ user: UserRow; csrfToken: string; expiresAt: Date } | null> {
      const rows = await db.query(
        `select u.*, s.csrf_token as s_csrf, s.expires_at as s_expires from sessions s join users u on u.id = s.user_id
          where s.id = $1 and s.expires_at > now() and not u.disabled`,
        [id],
      );
      if (!rows[0]) return null;
      return { user: toUser(rows[0]), csrfToken: rows[0].s_csrf, expiresAt: new Date(rows[0].s_expires) };
    },
    async deleteSession(id: string) {
      await db.query(`delete from sessions where id = $1`, [id]);
    },
    async purgeExpired() {
      await db.query(`delete from sessions where expires_at < now()`);
      await db.query(`delete from login_attempts where at < now() - interval '1 day'`);
    },
  };
}
export type AccountsRepository = ReturnType<typeof createAccountsRepository>;
