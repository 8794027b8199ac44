import { z } from 'zod';
import type { App, ServerDeps } from '../../server/types.ts';
import { createError } from '../../errors.ts';
import { createUserBodySchema, loginBodySchema, sessionInfoSchema, userSchema } from './accounts.schemas.ts';
import { createUser, login, logout } from './accounts.usecases.ts';
import { requireRole } from './actor.ts';
import { createAccountsRepository } from './accounts.repository.ts';
import { publicUser } from './accounts.usecases.ts';

export const SESSION_COOKIE = 'ca_session';

export function registerAccountsRoutes(app: App, deps: ServerDeps) {
  const cookieSecure = (req: { protocol: string }) => (deps.config.cookieSecure === 'auto' ? req.protocol === 'https' : deps.config.cookieSecure);

  app.post(
    '/api/auth/login',
    { schema: { tags: ['auth'], summary: '登录 / Log in', body: loginBodySchema, response: { 200: sessionInfoSchema } } },
    async (req, reply) => {
      const r = await login(
        { db: deps.db, auth: deps.config },
        { username: req.body.username, password: req.body.password, ip: req.ip, userAgent: req.headers['user-agent'] ?? null },
      );
      reply.setCookie(SESSION_COOKIE, r.token, {
        httpOnly: true,
        sameSite: 'lax',
        secure: cookieSecure(req),
        path: '/',
        expires: r.expiresAt,
      });
      return r.session;
    },
  );

  app.post('/api/auth/logout', { schema: { tags: ['auth'], summary: '退出 / Log out', response: { 204: z.null() } } }, async (req, reply) => {
    if (req.sessionToken) await logout({ db: deps.db }, req.sessionToken);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.status(204).send(null);
  });

  app.get('/api/auth/me', { schema: { tags: ['auth'], summary: '当前用户 / Current user', response: { 200: sessionInfoSchema } } }, async (req) => {
    if (!req.actor || !req.csrfToken) throw createError({ code: 'auth.unauthenticated', message: '请先登录 / please log in', status: 401 });
    const u = await createAccountsRepository(deps.db).findUserById(req.actor.userId);
    return { user: publicUser(u!), csrfToken: req.csrfToken };
  });

  app.get('/api/users', { schema: { tags: ['auth'], summary: '账号列表（管理员）/ Users (admin)', response: { 200: z.array(userSchema) } } }, async (req) => {
    requireRole(req.actor, ['admin']);
    return (await createAccountsRepository(deps.db).listUsers()).map(publicUser);
  });

  app.post('/api/users', { schema: { tags: ['auth'], summary: '新建账号（管理员）/ Create user (admin)', body: createUserBodySchema, response: { 201: userSchema } } }, async (req, reply) => {
    const u = await createUser({ db: deps.db }, req.actor, req.body);
    return reply.status(201).send(u);
  });
}
