import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, makeUser, PASSWORD, startTestServer, type TestServer } from '../helpers/server.ts';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
  await makeUser(s.db, 'alice', 'official', { region: 'TJ' });
  await makeUser(s.db, 'bob', 'official', { region: 'HE' });
});
afterAll(async () => s?.close());

describe(`accounts and sessions (${process.env.TEST_DB ?? 'pglite'})`, () => {
  it('stores argon2 hashes, never the password', async () => {
    const rows = await s.db.query<{ password_hash: string }>(`select password_hash from users where username = 'alice'`);
    expect(rows[0].password_hash.startsWith('$argon2')).toBe(true);
    expect(rows[0].password_hash).not.toContain(PASSWORD);
  });

  it('logs in with an httpOnly SameSite cookie and answers /me', async () => {
    const res = await s.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'alice', password: PASSWORD } });
    expect(res.statusCode).toBe(200);
    const c = res.cookies.find((x) => x.name === 'ca_session')!;
    expect(c.httpOnly).toBe(true);
    expect(String(c.sameSite).toLowerCase()).toBe('lax');
    const me = await s.app.inject({ method: 'GET', url: '/api/auth/me', cookies: { ca_session: c.value } });
    expect(me.json().user).toMatchObject({ username: 'alice', role: 'official', region: 'TJ' });
    const sessions = await s.db.query<{ id: string }>(`select id from sessions`);
    expect(sessions.some((x) => x.id === c.value)).toBe(false); // only a hash is stored
  });

  it('answers 401 with a code when not logged in', async () => {
    const res = await s.app.inject({ method: 'GET', url: '/api/organizations' });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual({ error: { code: 'auth.unauthenticated', message: expect.any(String) } });
  });

  it('refuses a cookie-authenticated write without the CSRF token', async () => {
    const a = await login(s.app, 'alice');
    const res = await s.app.inject({
      method: 'POST',
      url: '/api/organizations',
      payload: { kind: 'enterprise', name: '天津测试', divisionCode: '120101' },
      cookies: { ca_session: a.cookie },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('auth.csrf_failed');
    expect((await s.db.query(`select 1 from organizations`)).length).toBe(0);
  });

  it('rate-limits failed logins per user, even with the right password afterwards', async () => {
    for (let i = 0; i < 5; i++) {
      const r = await s.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'bob', password: 'wrong-password' } });
      expect(r.statusCode).toBe(401);
      expect(r.json().error.code).toBe('auth.invalid_credentials');
    }
    const r = await s.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'bob', password: PASSWORD } });
    expect(r.statusCode).toBe(429);
    expect(r.json().error.code).toBe('auth.rate_limited');
    expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('logout ends the session', async () => {
    const a = await login(s.app, 'alice');
    expect((await a.post('/api/auth/logout')).statusCode).toBe(204);
    expect((await a.get('/api/auth/me')).statusCode).toBe(401);
  });

  it('only an administrator creates accounts', async () => {
    const a = await login(s.app, 'alice');
    const r = await a.post('/api/users', { username: 'mallory', displayName: 'm', password: 'long-enough-pass', role: 'admin' });
    expect(r.statusCode).toBe(403);
    expect(r.json().error.code).toBe('auth.forbidden');
  });

  it('publishes an OpenAPI 3 document generated from the schemas', async () => {
    const doc = (await s.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/organizations', '/api/chains/{chainId}', '/api/auth/login']));
    const post = doc.paths['/api/organizations'].post;
    const body = post.requestBody.content['application/json'].schema;
    expect(body.properties.uscc).toBeTruthy();
    expect(body.required).toContain('name');
    const docs = await s.app.inject({ method: 'GET', url: '/api/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toContain('swagger');
  });
});
