import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from '../../src/server/app.ts';
import { parseConfig } from '../../src/config.ts';
import { createTestDb } from '../helpers/db.ts';
import type { App } from '../../src/server/types.ts';

let app: App;
let cleanup: () => Promise<void>;
const web = mkdtempSync(join(tmpdir(), 'ca-web-'));

beforeAll(async () => {
  mkdirSync(join(web, 'assets'));
  writeFileSync(join(web, 'index.html'), '<!doctype html><title>链图</title>');
  writeFileSync(join(web, 'assets', 'app-1.js'), 'console.log(1)');
  const t = await createTestDb();
  cleanup = t.cleanup;
  app = await createServer({ db: t.db, config: parseConfig({ CHAINATLAS_LOG_LEVEL: 'silent' }) }, { logger: false, webDir: web });
});
afterAll(async () => {
  await app?.close();
  await cleanup?.();
});

describe('serving the web app', () => {
  it('serves index.html for the app’s routes and the root', async () => {
    for (const url of ['/', '/chains/hydrogen', '/organizations/12']) {
      const r = await app.inject({ url });
      expect(r.statusCode, url).toBe(200);
      expect(r.body).toContain('链图');
    }
  });
  it('serves bundles with immutable caching, and a bundle built after start too', async () => {
    const r = await app.inject({ url: '/assets/app-1.js' });
    expect(r.statusCode).toBe(200);
    expect(r.headers['cache-control']).toContain('immutable');
    writeFileSync(join(web, 'assets', 'app-2.js'), 'console.log(2)');
    expect((await app.inject({ url: '/assets/app-2.js' })).body).toBe('console.log(2)');
  });
  it('answers 404 for a missing bundle and an unknown API route, not the page', async () => {
    expect((await app.inject({ url: '/assets/old-123.js' })).statusCode).toBe(404);
    const api = await app.inject({ url: '/api/nope' });
    expect(api.statusCode).toBe(404);
    expect(api.json().error.code).toBe('http.not_found');
  });
});
