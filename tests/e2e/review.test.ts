/**
 * The attachment review queue (挂链审核) in a real browser: a Tianjin official opens it from the menu,
 * sees the suggestions with their evidence, finds other regions' rows locked, filters to a chain
 * with Tianjin suggestions and accepts one (it leaves the queue, the organisation's audit records
 * attach_accept), re-runs automatic attachment and watches its progress reach the totals, and
 * follows a run already going when the server answers 409. One platform start for the file; counts
 * are read from the API, never hard-coded. Screenshot: test-results/review-queue.png.
 */
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Platform } from './platform.ts';
import { SHOTS, api, loginAs, visible, closeSession, openSession } from './browser-kit.ts';

const PAGE_SIZE = 50;

let dataDir: string;
let platform: Platform | null = null;
let browser: Browser | null = null;
let context: BrowserContext | null = null;
let page: Page;
const pageErrors: string[] = [];
let notBuilt: Error | null = null;

/** Shared between the steps (they run in order, in one Tianjin official's session). */
const state: { accepted: { linkId: number; organizationId: number; nodeId: number } | null; jobId: number } = { accepted: null, jobId: 0 };

async function shot(p: Page, name: string) {
  await p.mouse.move(1, 1, { steps: 2 });
  // No toast over the page.
  await p.locator('.ant-message-notice').first().waitFor({ state: 'detached', timeout: 6000 }).catch(() => {});
  await p.evaluate(() => window.scrollTo(0, 0));
  await p.waitForTimeout(500);
  await p.screenshot({ path: join(SHOTS, name), fullPage: true });
}

const rows = (p: Page) => p.locator('[data-testid=review-table] tr.ant-table-row');
const row = (p: Page, linkId: number) => p.locator(`[data-testid=review-table] tr.ant-table-row[data-row-key="${linkId}"]`);

/** Waits until the table shows `n` rows (a refetch has landed). */
async function waitForRows(p: Page, n: number, timeout = 15_000) {
  await p.waitForFunction(
    (n) => {
      const table = document.querySelector('[data-testid=review-table]');
      if (!table || table.querySelector('.ant-spin-spinning')) return false;
      return table.querySelectorAll('tr.ant-table-row').length === n;
    },
    n,
    { timeout, polling: 100 },
  );
}

const login = (p: Page, username: string) => loginAs(p, platform!, username);

beforeAll(async () => {
  try {
    ({ dataDir, platform, browser, context, page } = await openSession('review', pageErrors));
  } catch (e) {
    if (!(e instanceof Error) || !/not built/.test(e.message)) throw e;
    notBuilt = e;
    return;
  }
  await login(page, 'tj_official');
});

beforeEach(() => {
  if (notBuilt) throw notBuilt;
});

afterAll(() => closeSession({ context, browser, platform, dataDir }));

describe('attachment review queue in Chromium', () => {
  it('opens from the menu and lists the suggestions with their evidence, best score first', async () => {
    const q = await api(page, `/api/attach/review?pageSize=${PAGE_SIZE}`);
    expect(q.total, 'the demo leaves suggestions for review').toBeGreaterThan(0);

    await page.locator('.ant-layout-sider .ant-menu-item', { hasText: '挂链审核' }).click();
    await page.waitForURL(/\/review$/);
    await visible(page, '[data-testid=review-page]');
    await waitForRows(page, Math.min(q.total, PAGE_SIZE));
    expect(await page.locator('[data-testid=review-total]').innerText()).toContain(String(q.total));

    // Same order as the server (by score), and the first row carries its evidence.
    const keys = await rows(page).evaluateAll((trs) => trs.map((tr) => Number(tr.getAttribute('data-row-key'))));
    expect(keys).toEqual(q.items.map((i: any) => i.linkId));
    const first = q.items[0];
    const r0 = row(page, first.linkId);
    expect(await r0.locator('[data-testid=review-org]').innerText()).toBe(first.organization.shortName || first.organization.name);
    expect(await r0.locator('[data-testid=review-node]').innerText()).toBe(first.node.name);
    expect(await r0.locator('[data-testid=review-summary]').innerText()).toBe(first.evidence.summary);
    expect(await r0.locator('[data-testid=review-score]').innerText()).toContain('%');
    // Strong chips (node keyword / node term) are drawn differently from weak ones (a shared word).
    const strong = page.locator('[data-testid=review-chip][data-kind=keyword], [data-testid=review-chip][data-kind=whole]').first();
    const weak = page.locator('[data-testid=review-chip][data-kind=word]').first();
    if ((await strong.count()) && (await weak.count())) {
      const bg = (l: typeof strong) => l.evaluate((el) => getComputedStyle(el).backgroundColor);
      expect(await bg(strong)).not.toBe(await bg(weak));
    }
    // Chain filter options carry the counts per chain.
    await page.click('[data-testid=review-filter-chain]');
    for (const c of q.byChain) await visible(page, `.ant-select-dropdown .ant-select-item-option[title="${c.name}（${c.count}）"]`);
    await page.keyboard.press('Escape');
  });

  it("locks other regions' rows: their checkboxes are disabled, with a reason", async () => {
    const q = await api(page, `/api/attach/review?pageSize=${PAGE_SIZE}`);
    const locked = q.items.filter((i: any) => !i.canDecide);
    const mine = q.items.filter((i: any) => i.canDecide);
    expect(mine.every((i: any) => i.organization.region === 'TJ')).toBe(true);
    for (const i of locked.slice(0, 5)) expect(await row(page, i.linkId).locator('input[type=checkbox]').isDisabled()).toBe(true);
    for (const i of mine.slice(0, 5)) expect(await row(page, i.linkId).locator('input[type=checkbox]').isDisabled()).toBe(false);
    if (locked.length) {
      await row(page, locked[0].linkId).locator('[data-testid=review-locked]').hover();
      await page.locator('.ant-tooltip:visible', { hasText: '只能由' }).first().waitFor({ timeout: 5000 });
      await page.mouse.move(1, 1);
    }
    // The header checkbox selects only the rows this official may decide.
    if (mine.length) {
      await page.locator('[data-testid=review-table] thead .ant-checkbox-input').click();
      await expect.poll(() => page.locator('[data-testid=review-selected]').innerText()).toBe(`已选 ${mine.length} 条`);
      await page.locator('[data-testid=review-table] thead .ant-checkbox-input').click();
      await expect.poll(() => page.locator('[data-testid=review-selected]').innerText()).not.toContain('已选');
    }
  });

  it('filters to a chain with Tianjin suggestions and accepts one: it leaves the queue and the audit records it', async () => {
    const tj = await api(page, `/api/attach/review?region=TJ&pageSize=200`);
    if (!tj.total) {
      console.warn('no Tianjin suggestion awaits review in the demo: accepting is not exercised');
      return;
    }
    const pick = tj.items[0];
    const chainQ = await api(page, `/api/attach/review?chainId=${pick.chain.code}&pageSize=${PAGE_SIZE}`);
    await page.click('[data-testid=review-filter-chain]');
    await page.locator('.ant-select-dropdown .ant-select-item-option', { hasText: `${pick.chain.name}（` }).first().click();
    await page.waitForURL(new RegExp(`chain=${pick.chain.code}`));
    await waitForRows(page, Math.min(chainQ.total, PAGE_SIZE));
    const shown = await rows(page).evaluateAll((trs) => trs.map((tr) => Number(tr.getAttribute('data-row-key'))));
    expect(shown).toEqual(chainQ.items.map((i: any) => i.linkId));

    await row(page, pick.linkId).locator('.ant-checkbox-input').click();
    await expect.poll(() => page.locator('[data-testid=review-selected]').innerText()).toBe('已选 1 条');
    await page.fill('[data-testid=review-note] input, input[data-testid=review-note]', '浏览器测试：核对产品后接受');
    await page.click('[data-testid=review-accept]');
    await page.locator('.ant-message-notice', { hasText: '已接受 1 条挂链' }).waitFor({ timeout: 15_000 });
    await row(page, pick.linkId).waitFor({ state: 'detached', timeout: 15_000 });
    await waitForRows(page, Math.min(chainQ.total - 1, PAGE_SIZE));

    const after = await api(page, `/api/attach/review?pageSize=200`);
    expect(after.items.map((i: any) => i.linkId)).not.toContain(pick.linkId);
    const audit = await api(page, `/api/audit?entityType=organization&entityId=${pick.organization.id}`);
    const entry = audit.find((a: any) => a.action === 'attach_accept');
    expect(entry, 'an attach_accept audit entry').toBeTruthy();
    expect(entry.summary).toContain(pick.node.name);
    expect(entry.summary).toContain('浏览器测试');
    state.accepted = { linkId: pick.linkId, organizationId: pick.organization.id, nodeId: pick.node.id };

    // Back to every chain.
    await page.hover('[data-testid=review-filter-chain]');
    await page.locator('[data-testid=review-filter-chain] .ant-select-clear').click({ force: true });
    await page.waitForURL((u) => !u.searchParams.has('chain'));
    await waitForRows(page, Math.min(after.total, PAGE_SIZE));
  });

  it('re-runs automatic attachment with progress until the totals show, and refreshes the queue', async () => {
    await page.click('[data-testid=review-run]');
    await page.locator('.ant-popconfirm .ant-btn-primary').click();
    await visible(page, '[data-testid=review-run-progress]');
    await page.locator('[data-testid=review-run-done]').waitFor({ state: 'visible', timeout: 120_000 });
    const [job] = await api(page, '/api/attach/runs?limit=1');
    expect(job.status).toBe('done');
    state.jobId = job.id;
    const done = page.locator('[data-testid=review-run-done]');
    expect(await done.innerText()).toContain(`任务 ${job.id}`);
    expect(await done.locator('.ant-progress-status-success').count()).toBe(1);
    const tot = job.result.totals;
    expect(await page.locator('[data-testid=review-run-totals]').innerText()).toBe(
      `新增 ${tot.created} 条：自动确认 ${tot.confirmed}、待审核 ${tot.review}；更新 ${tot.updated} 条，移除 ${tot.removed} 条，未达阈值 ${tot.rejected} 条。`,
    );
    // The queue after the run is what the server holds; the accepted link is not suggested again.
    const q = await api(page, `/api/attach/review?pageSize=${PAGE_SIZE}`);
    await waitForRows(page, Math.min(q.total, PAGE_SIZE));
    if (state.accepted) {
      const again = q.items.find((i: any) => i.organization.id === state.accepted!.organizationId && i.node.id === state.accepted!.nodeId);
      expect(again).toBeUndefined();
    }
    await shot(page, 'review-queue.png');
  });

  it('follows the running job when the server answers 409 run_in_progress', async () => {
    // A run that is still going when the button is pressed (runs of the demo take a fraction of a
    // second, so the 409 and the list of runs are answered here; the job itself is the real one).
    const msg = `已有一次自动挂链正在运行（任务 ${state.jobId}），请等待其完成 / attachment run ${state.jobId} is still running`;
    await page.route((u) => u.pathname === '/api/attach/runs', (route) =>
      route.request().method() === 'POST'
        ? route.fulfill({ status: 409, contentType: 'application/json', body: JSON.stringify({ error: { code: 'attach.run_in_progress', message: msg, details: { jobId: state.jobId } } }) })
        : route.fallback(),
    );
    await page.route((u) => u.pathname === '/api/attach/runs' && u.searchParams.get('limit') === '5', async (route) => {
      const res = await route.fetch();
      const jobs = await res.json();
      route.fulfill({ response: res, json: jobs.map((j: any) => (j.id === state.jobId ? { ...j, status: 'running', result: null, progress: 0 } : j)) });
    });
    await page.locator('[data-testid=review-run-done] .ant-alert-close-icon').click();
    await page.locator('[data-testid=review-run-done]').waitFor({ state: 'detached' });
    await page.click('[data-testid=review-run]');
    await page.locator('.ant-popconfirm .ant-btn-primary').click();
    await visible(page, '[data-testid=review-run-notice]');
    expect(await page.locator('[data-testid=review-run-notice]').innerText()).toContain(`任务 ${state.jobId}`);
    await page.locator('[data-testid=review-run-done]').waitFor({ state: 'visible', timeout: 30_000 });
    expect(await page.locator('[data-testid=review-run-done]').innerText()).toContain(`任务 ${state.jobId}`);
    await page.unrouteAll({ behavior: 'wait' });
    expect(pageErrors).toEqual([]);
  });
});
