/**
 * The platform in a real browser: `chain-atlas start --demo` on a fresh data directory, Debian's
 * Chromium through playwright-core. Needs dist/web (the test runner builds it first); fails, does
 * not skip, when it is missing. Screenshots go to test-results/.
 */
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { layoutChain, nodePixel } from '../../web/src/chain/layout.ts';
import { runSecondStart, type Platform } from './platform.ts';
import { SHOTS, visible, waitForDrawnCanvas , closeSession, openSession } from './browser-kit.ts';


let dataDir: string;
let platform: Platform | null = null;
let browser: Browser | null = null;
let context: BrowserContext | null = null;
let page: Page;
const pageErrors: string[] = [];
let orgPath = '';
/** Set when dist/web is missing: every test then FAILS with this message (a skip would hide it). */
let notBuilt: Error | null = null;

async function shot(name: string) {
  // No hover highlight (move over an empty corner of the page's charts, then away), no scroll
  // offset (sticky header), chart animations settled.
  for (const c of await page.locator('canvas').all()) {
    const b = await c.boundingBox();
    if (b) await page.mouse.move(b.x + 3, b.y + 3, { steps: 2 });
  }
  await page.mouse.move(1, 1, { steps: 2 });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForTimeout(600);
  await page.screenshot({ path: join(SHOTS, name), fullPage: true });
}

beforeAll(async () => {
  try {
    ({ dataDir, platform, browser, context, page } = await openSession('browser', pageErrors));
  } catch (e) {
    if (!(e instanceof Error) || !/not built/.test(e.message)) throw e;
    notBuilt = e;
    return;
  }
});

beforeEach(() => {
  if (notBuilt) throw notBuilt;
});

afterAll(() => closeSession({ context, browser, platform, dataDir }));

describe('ChainAtlas in Chromium', () => {
  it('prints demo accounts including an official', () => {
    expect(platform!.accounts.length, platform!.output().slice(-2000)).toBeGreaterThan(0);
    expect(platform!.accounts.some((a) => a.role.split(' ')[0] === 'official')).toBe(true);
  });

  it('logs an official in and shows the dashboard with the map', async () => {
    const accounts = platform!.accounts;
    const official = accounts.find((a) => a.username === 'tj_official') ?? accounts.find((a) => a.role.split(' ')[0] === 'official')!;
    await page.goto(`${platform!.url}/`);
    await page.waitForURL(/\/login$/);
    await visible(page, 'text=京津冀产业链协同平台');
    await shot('login.png');

    // A wrong password shows the server's message and stays on the login page.
    await page.fill('input#username', official.username);
    await page.fill('input#password', 'wrong-password-123');
    await page.click('[data-testid=login-submit]');
    await page.waitForSelector('[data-testid=login-error]');

    await page.fill('input#password', official.password);
    await page.click('[data-testid=login-submit]');
    await page.waitForSelector('[data-testid=dashboard]');
    expect(new URL(page.url()).pathname).toBe('/');
    await waitForDrawnCanvas(page, '[data-testid=region-map]', 4000);
    await waitForDrawnCanvas(page, '[data-testid=kind-bar]', 1000);
    const tj = await page.locator('[data-testid=stat-TJ] .ant-statistic-content-value').innerText();
    expect(Number(tj.replace(/[^0-9]/g, ''))).toBeGreaterThan(0);
    await visible(page, '[data-testid=chain-card-hydrogen]');
    await shot('dashboard-map.png');

    // The level switch redraws the map by county.
    await page.locator('[data-testid=map-level]').getByText('区县').click();
    await waitForDrawnCanvas(page, '[data-testid=region-map]', 4000);
    await shot('dashboard-map-counties.png');
  });

  it('draws a chain map and lists the organisations of a node', async () => {
    const chain = await page.evaluate(async () => (await fetch('/api/chains/hydrogen')).json());
    expect(chain.nodes.length).toBeGreaterThan(5);
    const total = (n: any) => n.counts.BJ + n.counts.TJ + n.counts.HE + n.counts.outside;
    const busiest = [...chain.nodes].sort((a: any, b: any) => total(b) - total(a))[0];
    expect(total(busiest)).toBeGreaterThan(0);

    await page.click('[data-testid=chain-card-hydrogen]');
    await page.waitForURL(/\/chains\/hydrogen/);
    await visible(page, '[data-testid=chain-title]');
    expect((await page.locator('[data-testid=chain-title]').innerText()).trim()).toBe(chain.name);
    await waitForDrawnCanvas(page, '[data-testid=chain-graph]', 8000);

    // Click a node on the canvas itself: its position comes from the same layout the page uses.
    const layout = layoutChain(chain.segments, chain.nodes, chain.edges);
    await page.waitForTimeout(800); // the entry animation
    const box = (await page.locator('[data-testid=chain-graph]').boundingBox())!;
    const other = [...chain.nodes].filter((n: any) => n.id !== busiest.id).sort((a: any, b: any) => total(b) - total(a))[0];
    const px = nodePixel(layout, other.id, box.width, box.height)!;
    await page.mouse.click(box.x + px.x, box.y + px.y);
    await page.waitForURL(new RegExp(`node=${other.id}`), { timeout: 10_000 });
    await page.waitForFunction((name) => document.querySelector('[data-testid=node-panel-title]')?.textContent?.trim() === name, other.name);

    // Select the busiest node through the node finder.
    await page.click('[data-testid=node-picker]');
    await page.keyboard.type(busiest.name);
    await page.locator('.ant-select-dropdown .ant-select-item-option', { hasText: busiest.name }).first().click();
    await page.waitForURL(new RegExp(`node=${busiest.id}`));
    await page.waitForFunction((name) => document.querySelector('[data-testid=node-panel-title]')?.textContent?.trim() === name, busiest.name);
    const firstOrg = page.locator('[data-testid=node-panel] .node-orgs a[href^="/organizations/"]').first();
    await firstOrg.waitFor({ timeout: 15_000 });
    const regions = await page.locator('[data-testid=node-panel] .region-h').allInnerTexts();
    expect(regions.length).toBeGreaterThan(0);
    expect(regions.join(' ')).toMatch(/北京|天津|河北|其他地区/);
    await waitForDrawnCanvas(page, '[data-testid=chain-graph]', 8000);
    await shot('chain-graph.png');
  });

  it('finds an organisation, opens its page with map, chain nodes and history', async () => {
    await page.click('.ant-menu-item:has-text("机构")');
    await page.waitForURL(/\/organizations$/);
    await page.fill('[data-testid=org-search] input', '天津');
    await page.keyboard.press('Enter');
    await page.waitForURL(/q=/);
    const rows = page.locator('[data-testid=org-table] tbody tr.ant-table-row');
    // The table keeps the previous rows while the search loads: wait for the filtered ones.
    await page.waitForFunction(() => {
      const first = document.querySelector('[data-testid=org-table] tbody tr.ant-table-row');
      return !!first && (first.textContent ?? '').includes('天津');
    }, null, { timeout: 15_000 });
    expect(await rows.count()).toBeGreaterThan(0);

    // Pick a row whose organisation has a location (to check its map) and that this official may edit.
    const hrefs = await page.locator('[data-testid=org-table] tbody tr.ant-table-row td:first-child a').evaluateAll((as) => as.map((a) => a.getAttribute('href')!));
    let target: string | null = null;
    for (const h of hrefs) {
      const o = await page.evaluate(async (p) => (await fetch(`/api${p}`)).json(), h);
      if (o.place?.length && o.canEdit) {
        target = h;
        break;
      }
    }
    expect(target, 'an editable organisation with a location among the search results').not.toBeNull();
    orgPath = target!;
    await page.click(`[data-testid=org-table] a[href="${target}"]`);
    await page.waitForSelector('[data-testid=org-page]');
    await visible(page, '[data-testid=org-name]');
    expect((await page.locator('[data-testid=org-name]').innerText()).trim().length).toBeGreaterThan(1);
    await waitForDrawnCanvas(page, '[data-testid=place-map]', 3000);

    // Edit: a bad USCC comes back as a field error; a new description is saved and shows in the history.
    const before = await page.evaluate(async (p) => (await fetch(`/api${p}`)).json(), target);
    await page.click('[data-testid=org-edit]');
    await page.waitForSelector('.ant-modal input#uscc');
    const uscc = await page.inputValue('.ant-modal input#uscc');
    await page.fill('.ant-modal input#uscc', '123');
    await page.click('.ant-modal .ant-modal-footer .ant-btn-primary');
    await page.waitForSelector('[data-testid=edit-error]');
    await visible(page, '.ant-modal .ant-form-item-has-error input#uscc');
    await page.fill('.ant-modal input#uscc', uscc);
    const text = `浏览器测试修改的简介 ${Date.now()}`;
    await page.fill('.ant-modal textarea#description', text);
    await page.click('.ant-modal .ant-modal-footer .ant-btn-primary');
    await page.waitForSelector('.ant-modal', { state: 'detached', timeout: 15_000 });
    await page.waitForFunction((t) => document.querySelector('[data-testid=org-history]')?.textContent?.includes(t), text, { timeout: 15_000 });
    await visible(page, `text=${text}`);
    const after = await page.evaluate(async (p) => (await fetch(`/api${p}`)).json(), target);
    expect(after.description).toBe(text);
    expect(after.version).toBe(before.version + 1);
    // Only the description changed: the lists the form did not touch are kept.
    expect(after.products).toEqual(before.products);
    expect(after.tags).toEqual(before.tags);
    expect(after.aliases).toEqual(before.aliases);
    await shot('organization.png');
  });

  it('lets the official edit a chain map their region leads: a node, then a supply link', async () => {
    const chains = await page.evaluate(async () => (await fetch('/api/chains')).json());
    const editable = chains.find((c: any) => c.canEdit);
    expect(editable, 'a chain this official may edit').toBeTruthy();
    const chain = await page.evaluate(async (code) => (await fetch(`/api/chains/${code}`)).json(), editable.code);
    const node = chain.nodes[0];
    await page.goto(`${platform!.url}/chains/${chain.code}?node=${node.id}`);
    await page.click('[data-testid=node-edit]');
    await page.waitForSelector('.ant-modal textarea#description');
    const text = `浏览器测试节点说明 ${Date.now()}`;
    await page.fill('.ant-modal textarea#description', text);
    await page.click('.ant-modal .ant-modal-footer .ant-btn-primary');
    await page.waitForSelector('.ant-modal', { state: 'detached', timeout: 15_000 });
    await visible(page, `[data-testid=node-panel] >> text=${text}`);
    const edited = (await page.evaluate(async (code) => (await fetch(`/api/chains/${code}`)).json(), chain.code)).nodes.find((n: any) => n.id === node.id);
    expect(edited.description).toBe(text);
    expect(edited.keywords).toEqual(node.keywords);

    // Add a supply link from this node to one it does not yet supply, then remove it again.
    const supplied = new Set(chain.edges.filter((e: any) => e.fromNodeId === node.id).map((e: any) => e.toNodeId));
    const target = chain.nodes.find((n: any) => n.id !== node.id && !supplied.has(n.id) && !chain.edges.some((e: any) => e.fromNodeId === n.id && e.toNodeId === node.id))!;
    await page.click('[data-testid=edge-add]');
    await page.keyboard.type(target.name);
    await page.locator('.ant-select-dropdown .ant-select-item-option', { hasText: target.name }).first().click();
    const edgeCount = async () => (await page.evaluate(async (code) => (await fetch(`/api/chains/${code}`)).json(), chain.code)).edges.length;
    await expect.poll(edgeCount, { timeout: 10_000 }).toBe(chain.edges.length + 1);
    await page.locator('[data-testid=node-panel] .ant-tag', { hasText: target.name }).first().locator('.ant-tag-close-icon').click();
    await page.locator('.ant-modal-confirm .ant-btn-dangerous').click();
    await expect.poll(edgeCount, { timeout: 10_000 }).toBe(chain.edges.length);
    await waitForDrawnCanvas(page, '[data-testid=chain-graph]', 8000);
  });

  it('switches to English and back, and remembers the choice', async () => {
    await page.goto(`${platform!.url}${orgPath}`);
    await page.waitForSelector('[data-testid=org-page]');
    await page.locator('[data-testid=lang-switch]').getByText('English').first().click();
    await visible(page, '.ant-menu-item:has-text("Organisations")');
    await visible(page, 'text=Details');
    await waitForDrawnCanvas(page, '[data-testid=place-map]', 3000);
    await shot('organization-en.png');

    await page.reload();
    await visible(page, '.ant-menu-item:has-text("Organisations")');
    await page.goto(`${platform!.url}/`);
    await waitForDrawnCanvas(page, '[data-testid=region-map]', 4000);
    await visible(page, 'text=The six joint chains');
    await shot('dashboard-en.png');
    await page.goto(`${platform!.url}/chains/hydrogen`);
    await waitForDrawnCanvas(page, '[data-testid=chain-graph]', 8000);
    await shot('chain-graph-en.png');

    await page.locator('[data-testid=lang-switch]').getByText('中文').first().click();
    await visible(page, '.ant-menu-item:has-text("机构")');
    expect(await page.evaluate(() => localStorage.getItem('chainatlas.lang'))).toBe('zh');
  });

  it('returns to the login page after logging out', async () => {
    await page.click('[data-testid=user-menu]');
    await page.locator('.ant-dropdown-menu-item', { hasText: /退出登录|Log out/ }).click();
    await page.waitForURL(/\/login$/);
    await page.goto(`${platform!.url}/organizations`);
    await page.waitForURL(/\/login$/);
    expect(pageErrors, pageErrors.join('\n')).toEqual([]);
  });

  it('keeps the first page light: the login page loads < 350 KB of gzipped JS, compressed on the wire, no charts', async () => {
    // A fresh context: nothing cached. Every script the login page loads is counted at its gzip size.
    const ctx = await browser!.newContext({ locale: 'zh-CN' });
    const p = await ctx.newPage();
    const scripts: Array<{ url: string; encoding: string; raw: number; gz: number }> = [];
    const pending: Promise<void>[] = [];
    p.on('response', (r) => {
      if (r.request().resourceType() !== 'script') return;
      pending.push(
        (async () => {
          const body = await r.body();
          scripts.push({ url: r.url(), encoding: (await r.allHeaders())['content-encoding'] ?? '', raw: body.length, gz: gzipSync(body, { level: 9 }).length });
        })(),
      );
    });
    try {
      await p.goto(`${platform!.url}/login`, { waitUntil: 'networkidle' });
      await visible(p, '[data-testid=login-submit]');
      await Promise.all(pending);
      const total = scripts.reduce((n, s) => n + s.gz, 0);
      console.log(`login page: ${scripts.length} scripts, ${(total / 1024).toFixed(0)} KB gzipped`);
      expect(scripts.length).toBeGreaterThan(0);
      expect(total, scripts.map((s) => `${s.url} ${s.gz}`).join('\n')).toBeLessThan(350 * 1024);
      // Sent compressed (the build writes .br/.gz beside each asset of 1 KB or more).
      for (const s of scripts.filter((x) => x.raw >= 1024)) expect(s.encoding, s.url).toMatch(/^(br|gzip)$/);
      // The heavy chart library is loaded lazily, never by the login page.
      expect(scripts.some((s) => /EChart|echarts/i.test(s.url))).toBe(false);
    } finally {
      await ctx.close();
    }
  });

  it('refuses a second server on the same data directory with a clear message (exit code 3)', async () => {
    const second = await runSecondStart(dataDir);
    expect(second.code, second.output).toBe(3);
    expect(second.output).toMatch(/in use/);
    // The first server is unaffected.
    const res = await fetch(`${platform!.url}/api/health`);
    expect(res.status).toBe(200);
  });
});
