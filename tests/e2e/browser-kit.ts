/**
 * What every browser test needs besides the platform (platform.ts): Debian's Chromium with the
 * launch flags this machine needs, the screenshot folder, waiting for visible elements and for an
 * ECharts canvas that has really been drawn, reading the API with the page's session, and logging
 * in as a demo account through the login form.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { assertWebBuilt, CHROMIUM, ROOT, startPlatform, type DemoAccount, type Platform } from './platform.ts';

export const SHOTS = join(ROOT, 'test-results');

export const LAUNCH_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: LAUNCH_ARGS });
}

/** True once the canvas inside `selector` has a reasonable number of painted pixels. */
export async function waitForDrawnCanvas(p: Page, selector: string, minPainted = 2000, timeout = 30_000) {
  await p.waitForSelector(`${selector} canvas`, { timeout });
  await p.waitForFunction(
    ({ selector, minPainted }) => {
      const c = document.querySelector(`${selector} canvas`) as HTMLCanvasElement | null;
      if (!c || !c.width || !c.height) return false;
      const ctx = c.getContext('2d');
      if (!ctx) return false;
      const { data } = ctx.getImageData(0, 0, c.width, c.height);
      let painted = 0;
      for (let i = 3; i < data.length; i += 16) if (data[i] > 0) painted++;
      return painted >= minPainted;
    },
    { selector, minPainted },
    { timeout, polling: 250 },
  );
}

export async function visible(p: Page, selector: string, timeout = 15_000) {
  await p.locator(selector).first().waitFor({ state: 'visible', timeout });
}

/** GET an API path with the page's session cookie; throws with the answer when it is not 2xx. */
export const api = <T = any>(p: Page, path: string): Promise<T> =>
  p.evaluate(async (path) => {
    const r = await fetch(path);
    if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
    return r.json();
  }, path);

export function demoAccount(platform: Platform, username: string): DemoAccount {
  const a = platform.accounts.find((x) => x.username === username);
  if (!a) throw new Error(`no demo account ${username}:\n${platform.output().slice(-2000)}`);
  return a;
}

/** Logs in through the form as a demo account and waits for the dashboard. */
export async function loginAs(p: Page, platform: Platform, username: string) {
  const a = demoAccount(platform, username);
  await p.goto(`${platform.url}/login`);
  await p.fill('input#username', a.username);
  await p.fill('input#password', a.password);
  await p.click('[data-testid=login-submit]');
  await p.waitForSelector('[data-testid=dashboard]');
}

export interface Session {
  dataDir: string;
  platform: Platform;
  browser: Browser;
  context: BrowserContext;
  page: Page;
}

/**
 * The platform (`chain-atlas start --demo`) on a fresh data directory, Chromium, and one zh-CN page of
 * 1440 × 900 whose uncaught errors go to `pageErrors`. Throws when the web app is not built.
 */
export async function openSession(tag: string, pageErrors: string[], contextOptions: BrowserContextOptions = {}): Promise<Session> {
  assertWebBuilt();
  mkdirSync(SHOTS, { recursive: true });
  const dataDir = mkdtempSync(join(tmpdir(), `chainatlas-e2e-${tag}-`));
  const platform = await startPlatform(dataDir);
  const browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', deviceScaleFactor: 1, ...contextOptions });
  const page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  return { dataDir, platform, browser, context, page };
}

/** Closes what openSession opened (whatever part of it exists) and removes the data directory. */
export async function closeSession(s: { context?: BrowserContext | null; browser?: Browser | null; platform?: Platform | null; dataDir?: string | null }) {
  await s.context?.close().catch(() => {});
  await s.browser?.close().catch(() => {});
  await s.platform?.stop();
  if (s.dataDir) rmSync(s.dataDir, { recursive: true, force: true });
}
