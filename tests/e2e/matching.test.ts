/**
 * 精准对接 in a real browser: a Tianjin start-up posts an SMT prototyping demand and sees 津亚电子
 * first, with reasons; it expresses interest, contacts stay hidden until 津亚电子 accepts; a deal is
 * recorded; a double instrument booking is refused with the server's message; an official tunes
 * the matching preferences and the order changes. One platform start for the whole file.
 * Screenshots go to test-results/.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { assertWebBuilt, CHROMIUM, ROOT, startPlatform, type Platform } from './platform.ts';

const SHOTS = join(ROOT, 'test-results');
const STARTUP = { username: 'e2e_startup', password: 'e2e-startup-pass-1', org: '天开有仪' };

let dataDir: string;
let platform: Platform | null = null;
let browser: Browser | null = null;
const contexts: BrowserContext[] = [];
const pageErrors: string[] = [];
let notBuilt: Error | null = null;
let startupPage: Page;
let demandId = 0;

// ------------------------------------------------------------------ API helper (Node side)

interface Session {
  cookie: string;
  csrf: string;
}
async function apiLogin(username: string, password: string): Promise<Session> {
  const res = await fetch(`${platform!.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  if (!res.ok) throw new Error(`login ${username}: ${res.status} ${await res.text()}`);
  const cookie = (res.headers.getSetCookie?.() ?? [res.headers.get('set-cookie') ?? '']).map((c) => c.split(';')[0]).join('; ');
  const body = (await res.json()) as { csrfToken: string };
  return { cookie, csrf: body.csrfToken };
}
async function api<T = any>(s: Session, method: string, path: string, body?: unknown): Promise<{ status: number; data: T }> {
  const res = await fetch(`${platform!.url}${path}`, {
    method,
    headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, data: text ? JSON.parse(text) : undefined };
}
const account = (username: string) => {
  const a = platform!.accounts.find((x) => x.username === username);
  if (!a) throw new Error(`demo account ${username} missing:\n${platform!.output().slice(-2000)}`);
  return a;
};
async function findOrg(s: Session, name: string): Promise<{ id: number; name: string; region: string | null; version?: number }> {
  const r = await api(s, 'GET', `/api/organizations?q=${encodeURIComponent(name)}&pageSize=10`);
  const hit = r.data.items.find((o: any) => o.name === name || o.shortName === name) ?? r.data.items[0];
  if (!hit) throw new Error(`organisation ${name} not in the demo data`);
  return hit;
}

// ------------------------------------------------------------------ browser helpers

async function newPage(): Promise<Page> {
  const ctx = await browser!.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', deviceScaleFactor: 1 });
  contexts.push(ctx);
  const p = await ctx.newPage();
  p.on('pageerror', (e) => pageErrors.push(String(e)));
  return p;
}
async function login(p: Page, username: string, password: string) {
  await p.goto(`${platform!.url}/login`);
  await p.fill('input#username', username);
  await p.fill('input#password', password);
  await p.click('[data-testid=login-submit]');
  await p.waitForURL((u) => !u.pathname.startsWith('/login'), { timeout: 30_000 });
}
async function shot(p: Page, name: string, opts: { fullPage?: boolean; clipHeight?: number } = {}) {
  // let the toasts go
  await p.locator('.ant-message-notice').first().waitFor({ state: 'detached', timeout: 8000 }).catch(() => {});
  await p.mouse.move(1, 1);
  await p.evaluate(() => window.scrollTo(0, 0));
  await p.waitForTimeout(400);
  const fullPage = opts.fullPage ?? true;
  await p.screenshot({
    path: join(SHOTS, name),
    fullPage,
    ...(opts.clipHeight ? { clip: { x: 0, y: 0, width: 1440, height: opts.clipHeight } } : {}),
  });
}

beforeAll(async () => {
  try {
    assertWebBuilt();
  } catch (e) {
    notBuilt = e as Error;
    return;
  }
  mkdirSync(SHOTS, { recursive: true });
  dataDir = mkdtempSync(join(tmpdir(), 'chainatlas-e2e-matching-'));
  platform = await startPlatform(dataDir);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });

  // A Tianjin start-up account (天开园), and contact details for both sides of the deal.
  const admin = await apiLogin('admin', account('admin').password);
  const startup = await findOrg(admin, STARTUP.org);
  expect(startup.region).toBe('TJ');
  const created = await api(admin, 'POST', '/api/users', { username: STARTUP.username, displayName: '天开有仪 测试', password: STARTUP.password, role: 'enterprise', organizationId: startup.id });
  expect(created.status, JSON.stringify(created.data)).toBe(201);
  const jinya = await findOrg(admin, '津亚电子');
  for (const [org, contact] of [
    [startup, { person: '王工', phone: '022-5555-0101', email: 'wang@tiankaiyouyi.example' }],
    [jinya, { person: '李经理', phone: '022-5555-0202', email: 'li@jinya.example' }],
  ] as const) {
    const cur = await api(admin, 'GET', `/api/organizations/${org.id}`);
    const r = await api(admin, 'PATCH', `/api/organizations/${org.id}`, { contact, version: cur.data.version });
    expect(r.status, JSON.stringify(r.data)).toBe(200);
  }

  // 津亚电子's capability (seeded by the demo data; published here if the demo data lacks it).
  const jy = await apiLogin('jinya', account('jinya').password);
  const mine = await api(jy, 'GET', '/api/postings?mine=1&direction=capability');
  if (!mine.data.items.some((p: any) => p.kind === 'contract_manufacturing')) {
    const r = await api(jy, 'POST', '/api/postings', {
      direction: 'capability',
      kind: 'contract_manufacturing',
      title: '承接SMT贴片、精密加工、注塑成型、组装、样品试制与首台套加工',
      description: '三十年电子产品委托加工经验，为初创企业提供从样品试制到小批量、批量生产的本地配套。',
      fields: { processes: ['smt', 'machining', 'moulding', 'assembly', 'prototyping', 'first_article'], quantity: 50000, unit: '件', leadTimeDays: 7 },
    });
    expect(r.status, JSON.stringify(r.data)).toBe(201);
  }

  startupPage = await newPage();
  await login(startupPage, STARTUP.username, STARTUP.password);
});

beforeEach(() => {
  if (notBuilt) throw notBuilt;
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close().catch(() => {});
  await platform?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('精准对接 in Chromium', () => {
  it('a Tianjin start-up posts an SMT prototyping demand and sees 津亚电子 first, with reasons', async () => {
    const p = startupPage;
    await p.goto(`${platform!.url}/matching`);
    await p.waitForSelector('[data-testid=postings-table]');
    await p.click('[data-testid=new-posting]');
    await p.waitForSelector('[data-testid=posting-form]');

    await p.locator('[data-testid=f-direction]').getByText('我有需求').click();
    await p.click('[data-testid=kind-contract_manufacturing]');
    await p.fill('[data-testid=f-title]', 'SMT贴片打样与样品试制');
    await p.fill('[data-testid=f-description]', '新型科学仪器的控制板需要SMT贴片打样，首批200件，希望在天津本地找到制造伙伴。');
    await p.locator('[data-testid=f-processes]').getByText('SMT贴片').click();
    await p.locator('[data-testid=f-processes]').getByText('样品试制').click();
    await p.fill('[data-testid=f-product]', '仪器控制板');
    await p.locator('input[data-testid=f-quantity], [data-testid=f-quantity] input').first().fill('200');
    await p.locator('[data-testid=f-regions]').getByText('天津').click();
    await shot(p, 'matching-form.png');

    await p.click('[data-testid=f-submit]');
    await p.waitForURL(/\/matching\/postings\/\d+$/, { timeout: 30_000 });
    demandId = Number(new URL(p.url()).pathname.split('/').pop());
    await p.waitForSelector('[data-testid=match-card]', { timeout: 60_000 });
    await p.waitForLoadState('networkidle');

    const first = p.locator('[data-testid=match-card]').first();
    expect(await first.getAttribute('data-org')).toContain('津亚电子');
    // the reasons: matched terms highlighted, the stage routing (天津中试 lit), region and field fits
    const reasons = first.locator('[data-testid=match-reasons]');
    await expect.poll(() => reasons.innerText()).toContain('smt贴片');
    const text = await reasons.innerText();
    expect(text).toContain('样品试制');
    expect(text).toMatch(/中试（1→10）/);
    expect(text).toContain('天津');
    expect(await first.locator('[data-testid=routing] .st.on').innerText()).toBe('天津中试');
    expect(await first.locator('mark.hl').count()).toBeGreaterThan(0);
    expect(await first.locator('[data-testid=field-fits]').innerText()).toContain('工艺');
    expect(await first.locator('[data-testid=score-bar] > div').count()).toBeGreaterThanOrEqual(3);
    const score = Number((await first.locator('[data-testid=match-score]').innerText()).split('/')[0]);
    const second = Number((await p.locator('[data-testid=match-card]').nth(1).locator('[data-testid=match-score]').innerText()).split('/')[0]);
    expect(score).toBeGreaterThan(second);
    await shot(p, 'matching-explanations.png', { clipHeight: 1500 });
  });

  it('contacts stay hidden until 津亚电子 accepts the interest; then a deal is recorded', async () => {
    expect(demandId).toBeGreaterThan(0);
    const p = startupPage;
    const first = p.locator('[data-testid=match-card]').first();
    await first.locator('[data-testid=express-interest]').click();
    await p.fill('[data-testid=interest-message]', '首批200件控制板，希望两周内打样，可以来厂沟通。');
    await p.click('[data-testid=interest-send]');
    await first.locator('[data-testid=interest-exists]').waitFor({ timeout: 15_000 });

    await p.goto(`${platform!.url}/matching/interests`);
    const card = p.locator('[data-testid=interest-card]').first();
    await card.waitFor();
    expect(await card.getAttribute('data-status')).toBe('pending');
    await card.locator('[data-testid=contacts-locked]').waitFor();
    expect(await card.innerText()).not.toContain('022-5555-0202');
    await shot(p, 'matching-interest-pending.png', { fullPage: false });

    // 津亚电子 sees the interest, accepts it, and both contact cards appear.
    const jp = await newPage();
    await login(jp, 'jinya', account('jinya').password);
    await jp.goto(`${platform!.url}/matching/interests?box=received`);
    const jcard = jp.locator('[data-testid=interest-card]').first();
    await jcard.waitFor();
    expect(await jcard.innerText()).toContain('天开有仪');
    await jcard.locator('[data-testid=contacts-locked]').waitFor();
    await jcard.locator('[data-testid=interest-accept]').click();
    await jcard.locator('[data-testid=contacts]').waitFor({ timeout: 15_000 });
    expect(await jcard.locator('[data-testid=contacts]').innerText()).toContain('022-5555-0101');

    // a note and the outcome: signed, with amount and region
    await jcard.locator('[data-testid=note-input]').fill('已收到样品需求，约定下周到厂评审。');
    await jcard.locator('[data-testid=note-input]').press('Enter');
    await jcard.getByText('已收到样品需求').waitFor();
    const form = jcard.locator('[data-testid=outcome-form]');
    await form.getByText('已签约').click();
    await form.locator('input.ant-input-number-input').fill('36');
    await form.locator('.ant-select').click();
    await jp.locator('.ant-select-dropdown:visible').getByText('天津', { exact: true }).click();
    await form.getByRole('button', { name: '登记结果' }).click();
    await jcard.locator('[data-testid=outcome]').waitFor();
    expect(await jcard.locator('[data-testid=outcome]').innerText()).toContain('已签约');
    await shot(jp, 'matching-deal.png', { fullPage: false });

    // and the start-up now sees 津亚电子's contact
    await p.reload();
    await p.locator('[data-testid=interest-card] [data-testid=contacts]').first().waitFor({ timeout: 15_000 });
    expect(await p.locator('[data-testid=interest-card]').first().innerText()).toContain('022-5555-0202');
  });

  it('shows a taken slot as taken and the server’s message when a double booking is refused', async () => {
    const p = startupPage;
    await p.goto(`${platform!.url}/matching/instruments`);
    let instruments = await p.evaluate(async () => (await fetch('/api/instruments')).json());
    if (!instruments.length) {
      // no seeded instruments: an administrator registers one with a few slots for the test
      const admin = await apiLogin('admin', account('admin').password);
      const lab = await findOrg(admin, '物创海河实验室');
      const inst = await api(admin, 'POST', '/api/instruments', { organizationId: lab.id, name: '场发射扫描电子显微镜', model: 'SEM', accreditations: ['CMA'] });
      expect(inst.status, JSON.stringify(inst.data)).toBe(201);
      // 09:00, 13:00 and 16:00 Beijing time, two days from now
      const bj = new Date(Date.now() + 8 * 3600_000);
      const day = Date.UTC(bj.getUTCFullYear(), bj.getUTCMonth(), bj.getUTCDate() + 2) - 8 * 3600_000;
      const slots = [9, 13, 16].map((h) => ({ startsAt: new Date(day + h * 3600_000).toISOString(), endsAt: new Date(day + (h + 2) * 3600_000).toISOString() }));
      expect((await api(admin, 'POST', `/api/instruments/${inst.data.id}/slots`, { slots })).status).toBe(201);
      await p.reload();
      instruments = await p.evaluate(async () => (await fetch('/api/instruments')).json());
    }
    await p.waitForSelector('[data-testid=instrument-detail]');
    // the calendar of the selected (first) instrument; move a week on when this week has no free slot
    for (let i = 0; i < 3 && !(await p.locator('[data-testid=slot-free]').count()); i++) await p.click('[data-testid=week-next]');
    const free = p.locator('[data-testid=slot-free]');
    await free.first().waitFor({ timeout: 15_000 });
    const slotId = Number(await free.first().getAttribute('data-slot'));

    // Another organisation books that slot while the calendar is open.
    const jy = await apiLogin('jinya', account('jinya').password);
    const other = await api(jy, 'POST', `/api/instruments/slots/${slotId}/bookings`, { purpose: '来料检验' });
    expect(other.status, JSON.stringify(other.data)).toBe(201);

    await p.locator(`[data-testid=slot-free][data-slot="${slotId}"]`).click();
    await p.fill('[data-testid=book-purpose]', '控制板焊点形貌观察');
    await p.click('[data-testid=book-confirm]');
    const err = p.locator('[data-testid=book-error]');
    await err.waitFor({ timeout: 15_000 });
    expect(await err.innerText()).toContain('该时段已被预约');
    // the calendar refreshed: the slot now shows as taken
    await p.locator(`[data-testid=slot-taken][data-slot="${slotId}"]`).waitFor({ timeout: 15_000 });
    await shot(p, 'matching-booking-refused.png', { fullPage: false });
    await p.keyboard.press('Escape');

    // a free slot books fine and shows as ours
    const next = p.locator('[data-testid=slot-free]').first();
    const nextId = Number(await next.getAttribute('data-slot'));
    await next.click();
    await p.click('[data-testid=book-confirm]');
    await p.locator(`[data-testid=slot-mine][data-slot="${nextId}"]`).waitFor({ timeout: 15_000 });
    await p.locator('[data-testid=bookings]').getByText('控制板').or(p.locator('[data-testid=bookings] .ant-table-row')).first().waitFor();
  });

  it('routes a pilot fermentation demand to the Tianjin pilot platforms and an R&D demand to Beijing', async () => {
    const p = await newPage();
    await login(p, 'tj_official', account('tj_official').password);
    const demands = await p.evaluate(async () => (await (await fetch('/api/postings?direction=demand&pageSize=100')).json()).items);
    const pilot = demands.find((d: any) => d.kind === 'pilot_scale' && (d.fields.services ?? []).includes('fermentation'));
    const rnd = demands.find((d: any) => d.kind === 'rnd_partner' && d.organization.region === 'TJ');
    expect(pilot, 'the demo data has a pilot fermentation demand').toBeTruthy();
    expect(rnd, 'the demo data has a Tianjin R&D-partner demand').toBeTruthy();

    await p.goto(`${platform!.url}/matching/postings/${pilot.id}`);
    await p.locator('[data-testid=match-card]').first().waitFor({ timeout: 60_000 });
    for (let i = 0; i < 2; i++) {
      const card = p.locator('[data-testid=match-card]').nth(i);
      const text = await card.innerText();
      expect(text).toContain('中试平台');
      expect(text).toContain('天津');
      expect(await card.locator('[data-testid=routing] .st.on').innerText()).toBe('天津中试');
    }
    await shot(p, 'matching-pilot-demand.png', { clipHeight: 1300 });

    await p.goto(`${platform!.url}/matching/postings/${rnd.id}`);
    await p.locator('[data-testid=match-card]').first().waitFor({ timeout: 60_000 });
    const first = p.locator('[data-testid=match-card]').first();
    expect(await first.locator('.who .ant-tag').allInnerTexts()).toEqual(expect.arrayContaining(['北京']));
    expect(await first.innerText()).toMatch(/高校|科研院所/);
    expect(await first.locator('[data-testid=routing] .st.on').innerText()).toBe('北京研发');
  });

  it('lists the pilot platforms and their lines', async () => {
    const p = startupPage;
    await p.goto(`${platform!.url}/matching/pilot`);
    await p.waitForLoadState('networkidle');
    const platforms = await p.evaluate(async () => (await fetch('/api/pilot-lines/platforms')).json());
    if (platforms.length) {
      await p.locator('[data-testid=platform]').first().waitFor();
      expect(await p.locator('[data-testid=platform]').count()).toBe(platforms.length);
      await shot(p, 'matching-pilot.png', { clipHeight: 1200 });
    } else {
      await p.getByText('没有符合条件的中试线').waitFor();
    }
  });

  it('an official tunes the preferences and the order of the matches changes', async () => {
    expect(demandId).toBeGreaterThan(0);
    const p = await newPage();
    await login(p, 'tj_official', account('tj_official').password);
    await p.goto(`${platform!.url}/matching/preferences`);
    await p.waitForSelector('[data-testid=pref-weights]');
    // test on the start-up's demand (Tianjin: matched with the Tianjin or global preferences)
    await p.click('[data-testid=pref-test-posting]');
    await p.locator('.ant-select-dropdown:visible').getByText('SMT贴片打样与样品试制').click();
    await p.locator('[data-testid=pref-ranking] .ant-table-row').first().waitFor();
    const before = await p.locator('[data-testid=pref-ranking] .ant-table-row').allInnerTexts();

    // text weight to 0, region weight to 100: the order has to move
    await p.locator('[data-testid=w-text] .ant-slider-handle').focus();
    await p.keyboard.press('Home');
    await p.locator('[data-testid=w-region] .ant-slider-handle').focus();
    await p.keyboard.press('End');
    await p.click('[data-testid=pref-save]');
    await p.locator('[data-testid=pref-ranking] .rank-move').first().waitFor({ timeout: 30_000 });
    await expect.poll(async () => (await p.locator('[data-testid=pref-ranking] .ant-table-row').allInnerTexts()).join('|'), { timeout: 30_000 }).not.toBe(before.join('|'));
    expect(await p.locator('[data-testid=pref-ranking] .rank-move.up, [data-testid=pref-ranking] .rank-move.down, [data-testid=pref-ranking] .ant-tag-blue').count()).toBeGreaterThan(0);
    await shot(p, 'matching-preferences.png', { fullPage: false });

    // put the defaults back
    await p.getByRole('button', { name: '恢复默认' }).click();
    await p.locator('.ant-popconfirm').getByRole('button', { name: /确\s*定|OK/ }).click();
    await p.getByText('沿用全局设置').waitFor({ timeout: 15_000 });
  });

  it('raised no page errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
