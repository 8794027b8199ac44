import type { App } from '../../src/server/types.ts';
import { createServer } from '../../src/server/app.ts';
import { parseConfig } from '../../src/config.ts';
import { createTestDb } from './db.ts';
import { createUser } from '../../src/modules/accounts/accounts.usecases.ts';
import { systemActor } from '../../src/modules/accounts/actor.ts';
import type { Db } from '../../src/db/db.ts';
import type { Region, Role } from '../../src/modules/accounts/accounts.schemas.ts';

export interface TestServer {
  app: App;
  db: Db;
  engine: string;
  close(): Promise<void>;
}

/** The whole HTTP application in process, on a fresh test database. */
export async function startTestServer(): Promise<TestServer> {
  const { db, engine, cleanup } = await createTestDb();
  const config = parseConfig({ CHAINATLAS_LOG_LEVEL: 'silent', CHAINATLAS_LOGIN_MAX_FAILURES: '5' });
  const app = await createServer({ db, config }, { logger: false, webDir: null });
  await app.ready();
  return {
    app,
    db,
    engine,
    async close() {
      await app.close();
      await cleanup();
    },
  };
}

export const PASSWORD = 'correct-horse-battery';

export async function makeUser(db: Db, username: string, role: Role, opts: { region?: Region; organizationId?: number } = {}) {
  return createUser({ db }, systemActor('test'), {
    username,
    displayName: username,
    password: PASSWORD,
    role,
    region: opts.region ?? null,
    organizationId: opts.organizationId ?? null,
  });
}

/** A logged-in HTTP client: keeps the session cookie and sends the CSRF token on writes. */
export async function login(app: App, username: string, password = PASSWORD) {
  const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
  if (res.statusCode !== 200) throw new Error(`login ${username} failed: ${res.statusCode} ${res.body}`);
  const cookie = res.cookies.find((c) => c.name === 'ca_session')!;
  const csrf = res.json().csrfToken as string;
  const call = (method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, payload?: unknown) =>
    app.inject({
      method,
      url,
      payload: payload as any,
      cookies: { ca_session: cookie.value },
      headers: method === 'GET' ? {} : { 'x-csrf-token': csrf },
    });
  return {
    cookie: cookie.value,
    csrf,
    get: (url: string) => call('GET', url),
    post: (url: string, body?: unknown) => call('POST', url, body),
    patch: (url: string, body?: unknown) => call('PATCH', url, body),
    put: (url: string, body?: unknown) => call('PUT', url, body),
    del: (url: string) => call('DELETE', url),
  };
}
