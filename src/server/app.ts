import cookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createError } from '../errors.ts';
import { actorOf, resolveSession } from '../modules/accounts/accounts.usecases.ts';
import { SESSION_COOKIE } from '../modules/accounts/accounts.routes.ts';
import { errorHandler } from './error-handler.ts';
import { ROUTE_MODULES } from './routes.ts';
import type { App, ServerDeps } from './types.ts';

export const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Writes that need no session (and so no CSRF token). */
const CSRF_EXEMPT = new Set(['/api/auth/login']);

export interface CreateServerOptions {
  logger?: boolean | object;
  /** Serve the built web app from this directory (default: config.webDir when it exists). */
  webDir?: string | null;
}

/** Builds the whole HTTP application in process; tests call app.inject() on it. */
export async function createServer(deps: ServerDeps, opts: CreateServerOptions = {}): Promise<App> {
  const app = Fastify({
    logger: opts.logger ?? { level: deps.config.logLevel },
    // One line per request only at debug/trace: at info the console shows start-up, warnings and errors.
    disableRequestLogging: !['debug', 'trace'].includes(deps.config.logLevel),
    bodyLimit: 50 * 1024 * 1024,
    trustProxy: true,
    ajv: undefined,
  }).withTypeProvider<ZodTypeProvider>() as unknown as App;
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((req, reply) => {
    if (req.url.startsWith('/api/')) return reply.status(404).send({ error: { code: 'http.not_found', message: `没有这个接口 / no route ${req.method} ${req.url.split('?')[0]}` } });
    // a missing file (e.g. an old hashed bundle) is a 404; other paths are client-side routes
    if (/\.[a-z0-9]+$/i.test(req.url.split('?')[0])) return reply.status(404).send({ error: { code: 'http.not_found', message: 'not found' } });
    return sendIndex(reply);
  });

  await app.register(cookie);
  // Spreadsheet uploads (chain maps, organisation and supply-link sheets) arrive as raw bodies.
  for (const type of [XLSX_MIME, 'application/octet-stream', 'text/csv'])
    app.addContentTypeParser(type, { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'ChainAtlas 链图 API',
        description:
          '京津冀产业链协同平台接口。Errors are `{ error: { code, message, fields } }`. Cookie-authenticated writes need the `x-csrf-token` header (from /api/auth/login or /api/auth/me).',
        version: '0.1.0',
      },
      components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE } } },
      security: [{ session: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });

  app.decorateRequest('actor', null);
  app.decorateRequest('csrfToken', null);
  app.decorateRequest('sessionToken', null);

  app.addHook('onRequest', async (req) => {
    if (!req.url.startsWith('/api/')) return;
    const token = req.cookies[SESSION_COOKIE];
    if (token) {
      const s = await resolveSession(deps, token);
      if (s) {
        req.actor = actorOf(s.user);
        req.csrfToken = s.csrfToken;
        req.sessionToken = token;
      }
    }
    if (WRITE_METHODS.has(req.method) && !CSRF_EXEMPT.has(req.url.split('?')[0]) && req.actor) {
      const sent = req.headers['x-csrf-token'];
      if (sent !== req.csrfToken)
        throw createError({
          code: 'auth.csrf_failed',
          message: '缺少或错误的 CSRF 令牌，请刷新页面 / missing or wrong x-csrf-token header',
          status: 403,
        });
    }
  });

  app.get('/api/health', { schema: { tags: ['system'], summary: '健康检查 / Health' } }, async () => {
    await deps.db.query('select 1');
    return { ok: true, engine: deps.db.engine };
  });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  for (const register of ROUTE_MODULES) register(app, deps);

  const webDir = opts.webDir === undefined ? resolve(deps.config.webDir) : opts.webDir;
  const hasWeb = !!webDir && existsSync(resolve(webDir, 'index.html'));
  if (hasWeb) {
    // wildcard: files are looked up per request, so a rebuilt web app is served without a restart.
    await app.register(fastifyStatic, {
      root: resolve(webDir!),
      prefix: '/',
      wildcard: true,
      index: false,
      // the build writes .br and .gz beside each text asset (vite.config.ts): sent as Content-Encoding
      preCompressed: true,
      cacheControl: false,
      setHeaders(res, path) {
        // hashed bundles never change; index.html is revalidated
        if (/[\\/]assets[\\/]/.test(path)) res.setHeader('cache-control', 'public, max-age=31536000, immutable');
        else res.setHeader('cache-control', 'no-cache');
      },
    });
    app.get('/', (_req, reply) => sendIndex(reply));
  } else {
    app.get('/', async (_req, reply) =>
      reply
        .type('text/html; charset=utf-8')
        .send('<!doctype html><meta charset="utf-8"><title>ChainAtlas</title><p>ChainAtlas API is running. The web app is not built: run <code>npm run build</code>. API docs: <a href="/api/docs">/api/docs</a></p>'),
    );
  }
  function sendIndex(reply: any) {
    if (hasWeb) return reply.header('cache-control', 'no-cache').sendFile('index.html');
    return reply.status(404).send({ error: { code: 'http.not_found', message: 'not found' } });
  }
  return app;
}
