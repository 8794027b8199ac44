/**
 * Diagnostics and the three lists in a real browser (issue #3, parts 3–5): the 氢能 graph coloured by
 * status with its legend, a node's three regions side by side with its county map, proposals with
 * readable reasons on the lists page, a Tianjin official who adjusts the rules of a chain Tianjin
 * leads, accepts a 堵点 proposal and adds a target (both in the entry's history), a Hebei official who
 * sees that entry read-only and is refused by the API, the xlsx export with its three sheets, and the
 * 一链一策 plan page. One platform start for the file; counts are read from the API, never hard-coded
 * (the demo's attachments grow). Screenshots go to test-results/.
 */
import ExcelJS from 'exceljs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as serverDiag from '../../src/modules/diagnostics/diagnostics.schemas.ts';
import * as serverLists from '../../src/modules/lists/lists.schemas.ts';
import { REGION_DEPARTMENTS as SERVER_DEPARTMENTS } from '../../src/modules/lists/lists.proposals.ts';
import * as web from '../../web/src/chain/diagnosis.ts';
import type { Platform } from './platform.ts';
import { SHOTS, api, loginAs, visible, waitForDrawnCanvas, closeSession, openSession } from './browser-kit.ts';


let dataDir: string;
let platform: Platform | null = null;
let browser: Browser | null = null;
let context: BrowserContext | null = null;
let page: Page;
const pageErrors: string[] = [];
let notBuilt: Error | null = null;

/** Shared between the steps (they run in order, as one official's session and then another's). */
const state: { chainCode: string; chainName: string; entryId: number; entryTitle: string; target: { id: number; name: string } | null } = {
  chainCode: '',
  chainName: '',
  entryId: 0,
  entryTitle: '',
  target: null,
};

/** Pixels of the canvas inside `selector` within `tol` of the colour `hex`. */
async function colourPixels(p: Page, selector: string, hex: string, tol = 24): Promise<number> {
  return p.evaluate(
    ({ selector, hex, tol }) => {
      const c = document.querySelector(`${selector} canvas`) as HTMLCanvasElement | null;
      if (!c) return 0;
      const { data } = c.getContext('2d')!.getImageData(0, 0, c.width, c.height);
      const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
      let n = 0;
      for (let i = 0; i < data.length; i += 4)
        if (data[i + 3] > 200 && Math.abs(data[i] - r) <= tol && Math.abs(data[i + 1] - g) <= tol && Math.abs(data[i + 2] - b) <= tol) n++;
      return n;
    },
    { selector, hex, tol },
  );
}

async function shot(p: Page, name: string) {
  for (const c of await p.locator('canvas').all()) {
    const b = await c.boundingBox();
    if (b) await p.mouse.move(b.x + 3, b.y + 3, { steps: 2 });
  }
  await p.mouse.move(1, 1, { steps: 2 });
  // No toast over the page.
  await p.locator('.ant-message-notice').first().waitFor({ state: 'detached', timeout: 6000 }).catch(() => {});
  await p.evaluate(() => window.scrollTo(0, 0));
  await p.waitForTimeout(700);
  await p.screenshot({ path: join(SHOTS, name), fullPage: true });
}

const login = (p: Page, username: string) => loginAs(p, platform!, username);

beforeAll(async () => {
  try {
    ({ dataDir, platform, browser, context, page } = await openSession('lists', pageErrors, { acceptDownloads: true }));
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

describe('diagnostics and the three lists in Chromium', () => {
  it('keeps the web copies of the vocabulary in step with the server', () => {
    expect(web.NODE_STATUS_NAMES).toEqual(serverDiag.NODE_STATUS_NAMES);
    for (const k of web.STAGE_KEYS) expect({ zh: web.STAGE_KEY_NAMES[k].zh, en: web.STAGE_KEY_NAMES[k].en, short: web.STAGE_KEY_NAMES[k].short }).toEqual(serverDiag.STAGE_KEY_NAMES[k]);
    expect([...web.LIST_KINDS]).toEqual([...serverLists.LIST_KINDS]);
    for (const k of web.LIST_KINDS) expect({ zh: web.LIST_KIND_NAMES[k].zh, en: web.LIST_KIND_NAMES[k].en, sheet: web.LIST_KIND_NAMES[k].sheet }).toEqual(serverLists.LIST_KIND_NAMES[k]);
    expect([...web.ENTRY_STATUSES]).toEqual([...serverLists.ENTRY_STATUSES]);
    expect(web.ENTRY_STATUS_NAMES).toEqual(serverLists.ENTRY_STATUS_NAMES);
    expect(web.ENTRY_ORG_ROLE_NAMES).toEqual(serverLists.ENTRY_ORG_ROLE_NAMES);
    expect(web.ORG_ROLES_BY_KIND).toEqual(serverLists.ORG_ROLES_BY_KIND);
    expect(web.REGION_DEPARTMENTS).toEqual(SERVER_DEPARTMENTS);
  });

  it('colours the 氢能 graph by status, with a legend that counts the nodes', async () => {
    const diag = await api(page, '/api/chains/hydrogen/diagnostics');
    expect(diag.nodes.length).toBeGreaterThan(5);
    await page.goto(`${platform!.url}/chains/hydrogen`);
    await waitForDrawnCanvas(page, '[data-testid=chain-graph]', 8000);
    await page.waitForTimeout(900); // entry animation
    const colours = web.NODE_STATUSES.filter((s) => diag.summary.overall[s] > 0).map((s) => [s, web.NODE_STATUS_NAMES[s].color] as const);
    expect(colours.length).toBeGreaterThan(0);
    const before: Record<string, number> = {};
    for (const [s, c] of colours) before[s] = await colourPixels(page, '[data-testid=chain-graph]', c);

    await page.click('[data-testid=view-diag]');
    await page.waitForURL(/view=diag/);
    await visible(page, '[data-testid=diag-legend]');
    expect(await page.locator('[data-testid=diag-legend]').innerText()).toContain('京津冀合计');
    for (const s of web.NODE_STATUSES) {
      const text = await page.locator(`[data-testid=diag-legend-${s}]`).innerText();
      expect(text).toContain(web.NODE_STATUS_NAMES[s].zh);
      expect(text).toContain(String(diag.summary.overall[s]));
    }
    await waitForDrawnCanvas(page, '[data-testid=chain-graph]', 8000);
    // Every status some node has is painted in its colour, which the organisation-count view does not use.
    for (const [s, c] of colours) {
      await expect.poll(() => colourPixels(page, '[data-testid=chain-graph]', c), { timeout: 10_000, message: `${s} pixels` }).toBeGreaterThan(Math.max(60, before[s] * 3));
    }

    // One region's view: the legend counts that region's statuses.
    await page.click('[data-testid=diag-scope-TJ]');
    await page.waitForURL(/scope=TJ/);
    await page.waitForFunction(() => document.querySelector('[data-testid=diag-legend]')?.textContent?.includes('天津'));
    expect(await page.locator('[data-testid=diag-legend-missing]').innerText()).toContain(String(diag.summary.TJ.missing));
    await page.click('[data-testid=diag-scope-overall]');
    await page.waitForFunction(() => document.querySelector('[data-testid=diag-legend]')?.textContent?.includes('京津冀合计'));
    await waitForDrawnCanvas(page, '[data-testid=chain-graph]', 8000);
    await shot(page, 'chain-diagnostics.png');
  });

  it("shows a node's three regions side by side, with reasons and its organisations on the county map", async () => {
    const diag = await api(page, '/api/chains/hydrogen/diagnostics');
    // The node with the most 京津冀 organisations that have a county (for the map).
    const candidates = [...diag.nodes].filter((n: any) => n.overall.organizations > 0).sort((a: any, b: any) => b.overall.organizations - a.overall.organizations);
    expect(candidates.length, 'a 氢能 node with organisations of the region').toBeGreaterThan(0);
    let chosen: any = null;
    for (const n of candidates) {
      const d = await api(page, `/api/nodes/${n.nodeId}/diagnostics`);
      if (d.counties.length) {
        chosen = d;
        break;
      }
    }
    expect(chosen, 'a 氢能 node with an organisation placed in a county').not.toBeNull();

    await page.click('[data-testid=node-picker]');
    await page.keyboard.type(chosen.node.name);
    await page.locator('.ant-select-dropdown .ant-select-item-option', { hasText: chosen.node.name }).first().click();
    await page.waitForURL(new RegExp(`node=${chosen.node.id}`));
    await visible(page, '[data-testid=node-three-regions]');
    for (const r of ['BJ', 'TJ', 'HE'] as const) {
      const col = page.locator(`[data-testid=region-col-${r}]`);
      await col.waitFor();
      expect(await col.locator('[data-status]').first().getAttribute('data-status')).toBe(chosen.regions[r].status);
      const reason = (await page.locator(`[data-testid=reason-${r}]`).innerText()).trim();
      expect(reason).toBe(chosen.regions[r].reason);
      expect(reason).toMatch(/^(强|弱|缺失)：/);
      expect(await col.innerText()).toContain(`${chosen.regions[r].organizations} 家机构`);
    }
    expect((await page.locator('[data-testid=reason-overall]').innerText()).trim()).toBe(chosen.overall.reason);
    // The three columns sit side by side.
    const boxes = await Promise.all((['BJ', 'TJ', 'HE'] as const).map((r) => page.locator(`[data-testid=region-col-${r}]`).boundingBox()));
    expect(boxes[0]!.x).toBeLessThan(boxes[1]!.x);
    expect(boxes[1]!.x).toBeLessThan(boxes[2]!.x);
    expect(Math.abs(boxes[0]!.y - boxes[2]!.y)).toBeLessThan(4);

    await waitForDrawnCanvas(page, '[data-testid=node-county-map]', 3000);
    const placed = chosen.counties.reduce((s: number, c: any) => s + c.organizations, 0);
    expect(await page.locator('[data-testid=node-map-note]').innerText()).toContain(`${placed} 家机构落在 ${chosen.counties.length} 个县区`);
    // The list entries on the node, linked.
    for (const e of chosen.entries) await visible(page, `[data-testid=node-entries] a[href="/lists/${e.id}"]`);
    // The organisation list of the count view is still there below.
    await visible(page, '[data-testid=node-panel] .node-orgs a[href^="/organizations/"]');
    await waitForDrawnCanvas(page, '[data-testid=chain-graph]', 8000);
    await shot(page, 'node-three-regions.png');
  });

  it('lists the proposals of 氢能 with readable reasons and counts per list', async () => {
    const lists = await api(page, '/api/chains/hydrogen/lists');
    const total = (k: string) => Object.values(lists.counts[k] as Record<string, number>).reduce((a, b) => a + b, 0);
    await page.click('.ant-menu-item:has-text("三张清单")');
    await page.waitForURL(/\/lists/);
    await page.goto(`${platform!.url}/lists?chain=hydrogen`);
    await visible(page, '[data-testid=lists-table]');
    for (const k of web.LIST_KINDS) await page.waitForFunction(({ k, n }) => document.querySelector(`[data-testid=lists-count-${k}]`)?.textContent === String(n), { k, n: total(k) });
    expect(total('duandian')).toBeGreaterThan(0);

    await page.click('[data-testid=lists-tab-duandian]');
    await page.waitForURL(/kind=duandian/);
    const first = lists.entries.find((e: any) => e.kind === 'duandian' && e.origin === 'proposed');
    expect(first, 'a 堵点 proposal on 氢能').toBeTruthy();
    await visible(page, `[data-testid=entry-link-${first.id}]`);
    const row = page.locator('[data-testid=lists-table] tr', { has: page.locator(`[data-testid=entry-link-${first.id}]`) });
    // Long reasons are clamped to two lines with 展开 (expand): open it to read the whole sentence.
    const more = row.locator('[data-testid=entry-reason] .ant-typography-expand');
    if (await more.count()) await more.first().click();
    const reason = (await row.locator('[data-testid=entry-reason]').innerText()).replace(/\s*收起$/, '');
    // A sentence an official reads: the node, the three regions' figures.
    expect(reason).toContain(first.nodeName);
    expect(reason).toMatch(/京津冀/);
    expect(reason).toMatch(/北京 \d+、天津 \d+、河北 \d+/);
    expect(await row.locator('[data-testid=origin-proposed]').count()).toBe(1);
    expect(await page.locator('[data-testid=lists-table] tbody tr.ant-table-row').count()).toBe(Math.min(20, total('duandian')));
    await shot(page, 'lists.png');
  });

  it('lets a Tianjin official set the rules of a chain Tianjin leads, accept a 堵点 proposal and add a target; the history shows both', async () => {
    const chains = await api<any[]>(page, '/api/chains');
    const chain = chains.find((c) => c.leadRegion === 'TJ' && c.scope === 'joint' && c.canEdit) ?? chains.find((c) => c.leadRegion === 'TJ' && c.canEdit);
    expect(chain, 'a chain Tianjin leads').toBeTruthy();
    state.chainCode = chain.code;
    state.chainName = chain.name;

    // By default every 堵点 goes to 河北 (河北量产); Tianjin, leading the chain, takes them over.
    await page.goto(`${platform!.url}/lists?chain=${chain.code}`);
    await page.click('[data-testid=lists-rules]');
    await visible(page, '[data-testid=rules-form]');
    expect(await page.locator('[data-testid=rules-explanation] li').count()).toBeGreaterThan(4);
    expect(await page.locator('[data-testid=rules-readonly]').count()).toBe(0);
    await page.click('[data-testid=rules-owner-lead]');
    await page.click('[data-testid=rules-save]');
    await expect.poll(async () => (await api(page, `/api/chains/${chain.code}/diagnostics/rules`)).rules.proposals.owner, { timeout: 10_000 }).toBe('chain_lead');
    await page.click('[data-testid=rules-drawer] [data-testid=rerun-proposals]');
    await page.locator('.ant-popconfirm .ant-btn-primary').click();
    await visible(page, '[data-testid=rules-drawer] [data-testid=proposals-result]');
    expect(await page.locator('[data-testid=rules-drawer] [data-testid=proposals-result]').innerText()).toMatch(/更新 \d+ 条/);
    await page.click('[data-testid=rules-drawer] .ant-drawer-close');
    await page.locator('.ant-drawer-mask').first().waitFor({ state: 'hidden' });

    const lists = await api(page, `/api/chains/${chain.code}/lists?kind=duandian`);
    const owned = lists.entries.filter((e: any) => e.region === 'TJ' && e.status === 'proposed' && e.origin === 'proposed');
    expect(owned.length, 'a 堵点 proposal Tianjin now owns').toBeGreaterThan(0);
    // Prefer one whose node has ranked investment targets outside 京津冀 (招商线索).
    let entry = owned[0];
    let ranked: any = null;
    for (const e of owned) {
      const r = await api(page, `/api/list-entries/${e.id}/targets?limit=5`);
      if (r.targets.length) {
        entry = e;
        ranked = r;
        break;
      }
    }
    expect(ranked, 'a Tianjin 堵点 with ranked outside targets').toBeTruthy();
    state.entryId = entry.id;
    state.entryTitle = entry.title;
    await page.click('[data-testid=lists-tab-duandian]');
    await page.click(`[data-testid=entry-link-${entry.id}]`);
    await page.waitForURL(new RegExp(`/lists/${entry.id}$`));
    await visible(page, '[data-testid=entry-title]');
    expect(await page.locator('[data-testid=entry-readonly]').count()).toBe(0);
    expect(await page.locator('[data-testid=entry-proposal-reason]').innerText()).toBe(entry.proposalReason);

    // Accept it, with a note.
    await page.click('[data-testid=transition-accepted]');
    await visible(page, '[data-testid=transition-modal]');
    await page.fill('[data-testid=transition-note]', '经三地工作小组会议确认');
    await page.click('[data-testid=transition-ok]');
    await page.waitForSelector('[data-testid=entry-status][data-status=accepted]');

    // The ranked targets (招商线索) are shown with province and reasons; add the best one.
    await visible(page, '[data-testid=targets-panel] [data-testid=target-lead]');
    const leads = await page.locator('[data-testid=targets-panel] [data-testid=target-lead]').allInnerTexts();
    expect(leads.length).toBe(ranked.targets.length);
    const best = ranked.targets[0];
    expect(best.organization.province, 'targets are outside 京津冀').not.toMatch(/北京|天津|河北/);
    expect(leads[0]).toContain(best.organization.shortName ?? best.organization.name);
    expect(leads[0]).toContain(best.reasons[0].text);
    const target = best.organization;
    state.target = { id: target.id, name: target.name };
    await page.click(`[data-testid=target-add-${target.id}]`);
    await visible(page, `[data-testid=entry-orgs-target] a[href="/organizations/${target.id}"]`);
    await shot(page, 'list-entry-targets.png');

    // Both changes, in order, in the history.
    await visible(page, '[data-testid=history-transition]');
    await visible(page, '[data-testid=history-org_add]');
    expect(await page.locator('[data-testid=history-transition]').innerText()).toMatch(/已提出\s*→\s*已确认/);
    expect(await page.locator('[data-testid=history-transition]').innerText()).toContain('经三地工作小组会议确认');
    expect(await page.locator('[data-testid=history-org_add]').innerText()).toContain(target.name);
    const history = await api(page, `/api/list-entries/${entry.id}/history`);
    const actions = history.events.map((e: any) => e.action);
    expect(actions.indexOf('transition')).toBeGreaterThan(-1);
    expect(actions.indexOf('org_add')).toBeGreaterThan(actions.indexOf('transition'));
    const after = await api(page, `/api/list-entries/${entry.id}`);
    expect(after.status).toBe('accepted');
    expect(after.organizations.map((o: any) => [o.organizationId, o.role])).toContainEqual([target.id, 'target']);
    await shot(page, 'list-entry-history.png');
  });

  it('shows a Hebei official that Tianjin entry read-only, and the API refuses their edit', async () => {
    const heContext = await browser!.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', deviceScaleFactor: 1 });
    const he = await heContext.newPage();
    he.on('pageerror', (e) => pageErrors.push(String(e)));
    try {
      await login(he, 'he_official');
      await he.goto(`${platform!.url}/lists/${state.entryId}`);
      await visible(he, '[data-testid=entry-readonly]');
      expect(await he.locator('[data-testid=entry-readonly]').innerText()).toContain('天津');
      expect(await he.locator('[data-testid=entry-title]').innerText()).toBe(state.entryTitle);
      for (const sel of ['[data-testid=entry-edit]', '[data-testid^=transition-]', '[data-testid=org-add]', '[data-testid^=org-remove-]'])
        expect(await he.locator(sel).count(), sel).toBe(0);
      // The history is there for everyone to read.
      await visible(he, '[data-testid=history-org_add]');

      const res = await he.evaluate(async (id) => {
        const me = await (await fetch('/api/auth/me')).json();
        const r = await fetch(`/api/list-entries/${id}`, {
          method: 'PATCH',
          headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrfToken },
          body: JSON.stringify({ title: '河北改的标题' }),
        });
        return { status: r.status, body: await r.json() };
      }, state.entryId);
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('auth.wrong_region');
      const still = await api(he, `/api/list-entries/${state.entryId}`);
      expect(still.title).toBe(state.entryTitle);
      expect(still.canEdit).toBe(false);
    } finally {
      await heContext.close();
    }
  });

  it('exports the three lists of the chain as an xlsx workbook, one sheet per list', async () => {
    await page.goto(`${platform!.url}/lists?chain=${state.chainCode}&kind=duandian`);
    await visible(page, '[data-testid=lists-export]');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=lists-export] button')]);
    expect(download.suggestedFilename()).toMatch(/\.xlsx$/);
    const file = await download.path();
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(readFileSync(file) as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['卡点攻关清单', '堵点招商清单', '重点企业清单']);
    const cells: string[] = [];
    wb.getWorksheet('堵点招商清单')!.eachRow((row) => row.eachCell((c) => cells.push(String(c.value ?? ''))));
    const text = cells.join('\n');
    expect(text).toContain(state.entryTitle);
    expect(text).toContain(state.target!.name);
    expect(text).toContain('已确认');
  });

  it('gathers the chain\'s 堵点 on the 一链一策 plan page with their targets and key regions, printable', async () => {
    await page.goto(`${platform!.url}/chains/${state.chainCode}`);
    await page.click('[data-testid=chain-plan-link]');
    await page.waitForURL(new RegExp(`/chains/${state.chainCode}/plan$`));
    await visible(page, '[data-testid=plan-title]');
    expect(await page.locator('[data-testid=plan-title]').innerText()).toContain(state.chainName);
    const entry = page.locator(`[data-testid=plan-entry-${state.entryId}]`);
    await entry.waitFor();
    expect(await entry.innerText()).toContain('已确认');
    expect(await entry.locator('[data-testid=plan-targets]').innerText()).toContain(state.target!.name);
    // Key regions as the server's plan computes them (neighbours' organisations, 河北量产).
    const plan = await api(page, `/api/chains/${state.chainCode}/plan`);
    const pn = plan.nodes.find((n: any) => n.entries.some((x: any) => x.id === state.entryId));
    expect(pn.entries.find((x: any) => x.id === state.entryId).targets.map((x: any) => x.organizationId)).toContain(state.target!.id);
    const regions = await entry.locator('[data-testid=plan-key-regions] li').allInnerTexts();
    expect(regions.length).toBeGreaterThan(0);
    pn.keyRegions.forEach((k: any, i: number) => expect(regions[i].startsWith(k.name), `${regions[i]} / ${k.name}`).toBe(true));
    expect(regions.join('\n')).toMatch(/河北/);
    const dd = await api(page, `/api/chains/${state.chainCode}/lists?kind=duandian`);
    const open = dd.entries.filter((e: any) => e.status !== 'dropped').length;
    expect(await page.locator('[data-testid^=plan-entry-]').count()).toBe(open);

    // The print stylesheet leaves the menu, the header and the buttons out.
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.ant-layout-sider').first().isVisible()).toBe(false);
    expect(await page.locator('[data-testid=plan-print]').isVisible()).toBe(false);
    expect(await page.locator('[data-testid=plan-title]').isVisible()).toBe(true);
    await page.emulateMedia({ media: 'screen' });
    await shot(page, 'plan.png');
    expect(pageErrors, pageErrors.join('\n')).toEqual([]);
  });
});
