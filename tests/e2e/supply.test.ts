/**
 * 区域配套率 in a real browser: the supporting rate of 北京奔驰 by province and amount, on the 京津冀
 * map, with the chain nodes still bought from outside; the other automakers and a chain as scopes;
 * the English switch. One platform start for the file. Screenshots go to test-results/.
 */
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Platform } from './platform.ts';
import { SHOTS, waitForDrawnCanvas , closeSession, openSession } from './browser-kit.ts';


let dataDir: string;
let platform: Platform | null = null;
let browser: Browser | null = null;
let context: BrowserContext | null = null;
let page: Page;
const pageErrors: string[] = [];
let notBuilt: Error | null = null;

async function shot(name: string) {
  for (const c of await page.locator('canvas').all()) {
    const b = await c.boundingBox();
    if (b) await page.mouse.move(b.x + 3, b.y + 3, { steps: 2 });
  }
  await page.mouse.move(1, 1, { steps: 2 });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForTimeout(700);
  await page.screenshot({ path: join(SHOTS, name), fullPage: true });
}

const percent = async (testId: string) => Number((await page.locator(`[data-testid=${testId}] .v`).innerText()).replace('%', ''));

beforeAll(async () => {
  try {
    ({ dataDir, platform, browser, context, page } = await openSession('supply', pageErrors));
  } catch (e) {
    if (!(e instanceof Error) || !/not built/.test(e.message)) throw e;
    notBuilt = e;
    return;
  }
  const official = platform.accounts.find((a) => a.username === 'bj_official');
  if (!official) throw new Error(`no bj_official demo account:\n${platform.output().slice(-2000)}`);
  await page.goto(`${platform.url}/login`);
  await page.fill('input#username', official.username);
  await page.fill('input#password', official.password);
  await page.click('[data-testid=login-submit]');
  await page.waitForSelector('[data-testid=dashboard]');
});

beforeEach(() => {
  if (notBuilt) throw notBuilt;
});

afterAll(() => closeSession({ context, browser, platform, dataDir }));

describe('区域配套率 in Chromium', () => {
  it('opens from the menu on 北京奔驰: shares by amount, links and suppliers, by province, on the map', async () => {
    await page.locator('.ant-menu').getByText('区域配套率').click();
    await page.waitForURL(/\/supply-rate\?buyer=\d+/);
    await page.waitForSelector('[data-testid=kpi-amount]');
    expect(await page.locator('[data-testid=scope-label]').innerText()).toContain('北京奔驰');
    await page.getByTestId('illustrative-tag').waitFor();

    // the page agrees with the API, and 北京奔驰's share by amount is the published 55 %
    const buyer = Number(new URL(page.url()).searchParams.get('buyer'));
    const rate = await page.evaluate(async (b) => (await fetch(`/api/supply/rate?buyer=${b}`)).json(), buyer);
    expect(rate.summary.rate.amountWan).toBeCloseTo(0.55, 2);
    expect(await percent('kpi-amount')).toBeCloseTo(rate.summary.rate.amountWan * 100, 1);
    expect(await percent('kpi-links')).toBeCloseTo(rate.summary.rate.links * 100, 1);
    expect(await percent('kpi-suppliers')).toBeCloseTo(rate.summary.rate.suppliers * 100, 1);
    expect(await page.locator('[data-testid=kpi-scope]').innerText()).toContain(String(rate.summary.year));

    // by province: 北京 / 天津 / 河北 rows with their share of the amount
    const provinces = await page.locator('[data-testid=supply-provinces]').innerText();
    for (const p of rate.summary.byProvince.filter((x: any) => x.inside)) {
      expect(provinces).toContain(`${(p.share.amountWan * 100).toFixed(1)}%`);
    }
    expect(provinces).toMatch(/北京[\s\S]*天津[\s\S]*河北/);
    await waitForDrawnCanvas(page, '[data-testid=supply-province-chart]', 1000);
    await waitForDrawnCanvas(page, '[data-testid=supply-trend-chart]', 1000);

    // the map (counties where known, else province) and the suppliers outside listed by province
    await waitForDrawnCanvas(page, '[data-testid=supply-map]', 4000);
    const outside = await page.locator('[data-testid=supply-outside]').innerText();
    const firstOutside = rate.summary.byProvince.find((x: any) => !x.inside && x.provinceCode);
    expect(outside).toContain(firstOutside.provinceName);

    // the chain nodes still bought from outside, linking to the chain page
    const rows = page.locator('[data-testid=supply-outside-nodes] .ant-table-row');
    await rows.first().waitFor();
    expect(await rows.count()).toBeGreaterThan(3);
    expect(await page.locator('[data-testid=supply-outside-nodes] a[href^="/chains/nev-icv?node="]').count()).toBeGreaterThan(0);
    await shot('supply-rate.png');
  });

  it('switches to 小米汽车 and to a chain, and follows the English switch', async () => {
    await page.click('[data-testid=buyer-小米汽车]');
    await expect.poll(() => page.locator('[data-testid=scope-label]').innerText(), { timeout: 20_000 }).toContain('小米汽车');
    await waitForDrawnCanvas(page, '[data-testid=supply-map]', 4000);

    await page.locator('[data-testid=supply-mode]').getByText('产业链').click();
    await page.click('[data-testid=supply-chain]');
    await page.locator('.ant-select-dropdown:visible').getByText('新能源和智能网联汽车').click();
    await page.waitForURL(/chain=nev-icv/);
    await expect.poll(() => page.locator('[data-testid=scope-label]').innerText(), { timeout: 20_000 }).toContain('新能源');
    expect(await percent('kpi-amount')).toBeGreaterThan(0);

    // back to 北京奔驰, in English
    await page.locator('[data-testid=supply-mode]').getByText('采购方', { exact: true }).click();
    await page.waitForURL(/buyer=\d+/);
    await page.locator('[data-testid=lang-switch]').getByText('English').first().click();
    await page.getByText('Regional supply rate').first().waitFor();
    await page.getByText('Illustrative data').first().waitFor();
    await waitForDrawnCanvas(page, '[data-testid=supply-map]', 4000);
    await shot('supply-rate-en.png');
    await page.locator('[data-testid=lang-switch]').getByText('中文').first().click();
  });

  it('raised no page errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
