/**
 * Editing a chain map in a real browser: a Tianjin official opens 编辑图谱 on a chain Tianjin owns, adds a
 * segment and a node with keywords, is refused when deleting the non-empty segment, renames the node,
 * moves it to another segment, links it to an existing node in the node panel, is refused an edge that
 * closes a cycle (the message names the nodes), deletes the node and the segment; after each step the
 * API (GET /api/chains/:code) and the editor list agree and the graph draws the node (a click on its
 * place on the canvas selects it). Then the xlsx export (download) is imported back through the upload:
 * the chain is unchanged; a broken sheet is refused row by row. A Hebei official sees no edit button.
 * One platform start for the file; screenshots go to test-results/.
 */
import ExcelJS from 'exceljs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { layoutChain, nodePixel } from '../../web/src/chain/layout.ts';
import type { Platform } from './platform.ts';
import { SHOTS, api, loginAs, visible, waitForDrawnCanvas, closeSession, openSession } from './browser-kit.ts';


let dataDir: string;
let platform: Platform | null = null;
let browser: Browser | null = null;
let context: BrowserContext | null = null;
let page: Page;
const pageErrors: string[] = [];
let notBuilt: Error | null = null;

const SEG_NAME = '测试环节·编辑';
const NODE_NAME = '测试节点甲';
const NODE_RENAMED = '测试节点乙';
const KEYWORDS = ['固态储氢罐', '测试关键词'];

/** Shared between the steps (they run in order). */
const state: {
  code: string;
  before: any;
  segId: number;
  nodeId: number;
  target: { id: number; name: string; next: { id: number; name: string } } | null;
  exported: string;
} = { code: '', before: null, segId: 0, nodeId: 0, target: null, exported: '' };

const chainNow = () => api(page, `/api/chains/${state.code}`);
/** The chain without its version (every write bumps it). */
const comparable = (c: any) => {
  const { version: _v, ...rest } = c;
  return rest;
};

const editor = () => page.locator('[data-testid=chain-editor]');

async function openEditor() {
  await page.click('[data-testid=chain-edit-open]');
  await visible(page, '[data-testid=chain-editor] .ant-drawer-body');
}
async function closeEditor() {
  await page.click('[data-testid=chain-editor] .ant-drawer-close');
  await page.locator('[data-testid=chain-editor] .ant-drawer-body').waitFor({ state: 'hidden' });
}

/** The toast of the last action, then wait for it to go (so that the next one is read alone). */
async function toast(text: string | RegExp) {
  const n = page.locator('.ant-message-notice', { hasText: text }).first();
  await n.waitFor({ timeout: 10_000 });
  return (await n.innerText()).trim();
}

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** Picks an option of the open Select dropdown (the visible one) whose whole text is `text` (a RegExp as given). */
async function pickOption(text: string | RegExp) {
  const re = typeof text === 'string' ? new RegExp(`^\\s*${esc(text)}\\s*$`) : text;
  await page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option', { hasText: re }).filter({ visible: true }).first().click();
}
/** The node finder's options read `name (count)`. */
const finderOption = (name: string) => new RegExp(`^\\s*${esc(name)} \\(\\d+\\)\\s*$`);

/**
 * The graph is a canvas: the node is drawn where the page's own layout puts it; a click there
 * selects it (the panel shows its name). Retries while the graph settles after a redraw.
 */
async function clickNodeOnGraph(chain: any, nodeId: number, name: string) {
  await waitForDrawnCanvas(page, '[data-testid=chain-graph]', 8000);
  const layout = layoutChain(chain.segments, chain.nodes, chain.edges);
  for (let attempt = 0; attempt < 6; attempt++) {
    await page.waitForTimeout(900); // entry / update animation
    await page.evaluate(() => window.scrollTo(0, 0));
    const box = (await page.locator('[data-testid=chain-graph]').boundingBox())!;
    const px = nodePixel(layout, nodeId, box.width, box.height)!;
    expect(px, `node ${nodeId} in the layout`).toBeTruthy();
    await page.mouse.click(box.x + px.x, box.y + px.y);
    const ok = await page
      .waitForFunction((name) => document.querySelector('[data-testid=node-panel-title]')?.textContent?.trim() === name, name, { timeout: 2500 })
      .then(() => true)
      .catch(() => false);
    if (ok) return;
  }
  throw new Error(`clicking ${name} (${nodeId}) on the graph did not select it`);
}

async function closePanel() {
  if (await page.locator('[data-testid=node-panel]').count()) {
    await page.click('[data-testid=node-panel] [aria-label=关闭]');
    await page.locator('[data-testid=node-panel]').waitFor({ state: 'detached' });
  }
}

async function shot(p: Page, name: string, fullPage = true) {
  await p.mouse.move(1, 1, { steps: 2 });
  await p.locator('.ant-message-notice').first().waitFor({ state: 'detached', timeout: 8000 }).catch(() => {});
  await p.waitForTimeout(600);
  await p.screenshot({ path: join(SHOTS, name), fullPage });
}

const login = (p: Page, username: string) => loginAs(p, platform!, username);

beforeAll(async () => {
  try {
    ({ dataDir, platform, browser, context, page } = await openSession('chain-edit', pageErrors, { acceptDownloads: true }));
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

describe('editing a chain map in Chromium', () => {
  it('opens the editor on a chain the Tianjin official may edit', async () => {
    const chains = await api<any[]>(page, '/api/chains');
    const editable = chains.filter((c) => c.canEdit).sort((a, b) => a.nodeCount - b.nodeCount || a.code.localeCompare(b.code));
    expect(editable.length, 'a chain tj_official may edit').toBeGreaterThan(0);
    expect(chains.some((c) => !c.canEdit), 'and one it may not').toBe(true);
    state.code = editable[0].code;
    state.before = await chainNow();
    expect(state.before.canEdit).toBe(true);

    await page.goto(`${platform!.url}/chains/${state.code}`);
    await visible(page, '[data-testid=chain-title]');
    await waitForDrawnCanvas(page, '[data-testid=chain-graph]', 8000);
    await visible(page, '[data-testid=chain-export]');
    await visible(page, '[data-testid=chain-import]');
    await openEditor();
    // The segments in order, each with its nodes.
    const segs = [...state.before.segments].sort((a: any, b: any) => a.position - b.position);
    const ids = await editor().locator('section[data-testid^=ce-seg-]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-testid')!.slice('ce-seg-'.length))));
    expect(ids).toEqual(segs.map((s: any) => s.id));
    for (const s of segs.slice(0, 3)) {
      const names = await editor().locator(`[data-testid=ce-seg-${s.id}] [data-testid=ce-node-name-text]`).allInnerTexts();
      expect(names).toEqual(state.before.nodes.filter((n: any) => n.segmentId === s.id).sort((a: any, b: any) => a.position - b.position).map((n: any) => n.name));
    }
  });

  it('adds a segment and a node with keywords; the map draws it', async () => {
    await editor().locator('[data-testid=ce-seg-add]').click();
    await page.fill('[data-testid=ce-seg-name]', SEG_NAME);
    await page.locator('[data-testid=ce-seg-form] label', { hasText: '下游' }).click();
    await page.click('[data-testid=ce-seg-save]');
    await toast(`已新增环节“${SEG_NAME}”`);
    let chain = await chainNow();
    const seg = chain.segments.find((s: any) => s.name === SEG_NAME);
    expect(seg, 'the new segment in the API').toBeTruthy();
    expect(seg.stage).toBe('downstream');
    expect(seg.position).toBe(state.before.segments.length);
    state.segId = seg.id;
    const section = editor().locator(`[data-testid=ce-seg-${seg.id}]`);
    await section.waitFor();
    expect(await section.locator('[data-testid=ce-seg-name-text]').innerText()).toBe(SEG_NAME);
    expect(await section.innerText()).toContain('下游');

    // A node in it, with keywords as tags.
    await section.locator('[data-testid=ce-node-add]').click();
    await page.fill('[data-testid=ce-node-name]', NODE_NAME);
    await page.click('[data-testid=ce-node-form] [data-testid=ce-node-keywords]');
    for (const k of KEYWORDS) {
      await page.keyboard.type(k);
      await page.keyboard.press('Enter');
    }
    await page.click('[data-testid=ce-node-save]');
    await toast(`已添加节点“${NODE_NAME}”`);
    chain = await chainNow();
    const node = chain.nodes.find((n: any) => n.name === NODE_NAME);
    expect(node, 'the new node in the API').toBeTruthy();
    expect(node.segmentId).toBe(seg.id);
    expect(node.keywords).toEqual(KEYWORDS);
    state.nodeId = node.id;
    const row = editor().locator(`[data-testid=ce-node-${node.id}]`);
    await row.waitFor();
    expect(await row.locator('[data-testid=ce-node-name-text]').innerText()).toBe(NODE_NAME);
    expect(await row.locator('[data-testid=ce-node-kw] .ant-tag').allInnerTexts()).toEqual(KEYWORDS);
    await row.scrollIntoViewIfNeeded();
    await shot(page, 'chain-editor.png', false);

    await closeEditor();
    await clickNodeOnGraph(chain, node.id, NODE_NAME);
  });

  it('shows the server refusal when deleting a segment that still has a node', async () => {
    await closePanel();
    await openEditor();
    const section = editor().locator(`[data-testid=ce-seg-${state.segId}]`);
    await section.locator('[data-testid=ce-seg-delete]').click();
    await page.click('[data-testid=seg-delete-ok]');
    const err = section.locator('[data-testid=chain-editor-error]');
    await err.waitFor();
    // The server's message (chains.segment_in_use), Chinese half.
    expect(await err.innerText()).toContain(`环节“${SEG_NAME}”下还有 1 个节点，请先移动或删除`);
    const chain = await chainNow();
    expect(chain.segments.some((s: any) => s.id === state.segId)).toBe(true);
  });

  it('renames the node, then moves it to another segment', async () => {
    const row = editor().locator(`[data-testid=ce-node-${state.nodeId}]`);
    await row.locator('[data-testid=ce-node-edit]').click();
    await page.fill('[data-testid=ce-node-name]', NODE_RENAMED);
    await page.click('[data-testid=ce-node-save]');
    await toast(`已保存节点“${NODE_RENAMED}”`);
    let chain = await chainNow();
    let node = chain.nodes.find((n: any) => n.id === state.nodeId);
    expect(node.name).toBe(NODE_RENAMED);
    expect(node.keywords).toEqual(KEYWORDS);
    await expect.poll(() => row.locator('[data-testid=ce-node-name-text]').innerText()).toBe(NODE_RENAMED);

    // Move: to the first segment (upstream end of the map), at its end.
    const first = [...chain.segments].sort((a: any, b: any) => a.position - b.position)[0];
    const firstCount = chain.nodes.filter((n: any) => n.segmentId === first.id).length;
    await row.locator('[data-testid=ce-node-edit]').click();
    await page.click('[data-testid=ce-node-form] [data-testid=ce-node-segment]');
    await pickOption(new RegExp(`^(\\S+ · )?${esc(first.name)}$`));
    await page.click('[data-testid=ce-node-save]');
    await toast(`已把节点“${NODE_RENAMED}”移到“${first.name}”`);
    chain = await chainNow();
    node = chain.nodes.find((n: any) => n.id === state.nodeId);
    expect(node.segmentId).toBe(first.id);
    expect(node.position).toBe(firstCount);
    await editor().locator(`[data-testid=ce-seg-${first.id}] [data-testid=ce-node-${state.nodeId}]`).waitFor();
    expect(await editor().locator(`[data-testid=ce-seg-${state.segId}] .ce-node`).count()).toBe(0);

    await closeEditor();
    await clickNodeOnGraph(chain, state.nodeId, NODE_RENAMED);
  });

  it('adds an edge from the node in the node panel; an edge closing a cycle is refused naming the nodes', async () => {
    let chain = await chainNow();
    const byId = new Map<number, any>(chain.nodes.map((n: any) => [n.id, n]));
    // A target that supplies another node: T, and T → T2.
    const e = chain.edges.find((x: any) => x.fromNodeId !== state.nodeId && x.toNodeId !== state.nodeId)!;
    state.target = { id: e.fromNodeId, name: byId.get(e.fromNodeId).name, next: { id: e.toNodeId, name: byId.get(e.toNodeId).name } };
    const { target } = state;

    // The panel of our node is open (selected on the graph): add 我们 → T.
    await page.click('[data-testid=node-panel] [data-testid=edge-add]');
    await page.keyboard.type(target.name);
    await pickOption(target.name);
    await toast('已添加供应关系');
    chain = await chainNow();
    expect(chain.edges).toContainEqual({ fromNodeId: state.nodeId, toNodeId: target.id });
    expect(await page.locator('[data-testid=node-panel]').innerText()).toContain(target.name);

    // T2 → 我们 would close 我们 → T → T2 → 我们.
    await page.click('[data-testid=node-picker]');
    await page.keyboard.type(target.next.name);
    await pickOption(finderOption(target.next.name));
    await page.waitForFunction((name) => document.querySelector('[data-testid=node-panel-title]')?.textContent?.trim() === name, target.next.name);
    await page.click('[data-testid=node-panel] [data-testid=edge-add]');
    await page.keyboard.type(NODE_RENAMED);
    await pickOption(NODE_RENAMED);
    const msg = await toast('不能成环');
    for (const name of [NODE_RENAMED, target.name, target.next.name]) expect(msg).toContain(name);
    await page.keyboard.press('Escape');
    await page.mouse.move(1, 1);
    await page.waitForTimeout(400);
    await page.screenshot({ path: join(SHOTS, 'chain-cycle-refused.png') });
    chain = await chainNow();
    expect(chain.edges).not.toContainEqual({ fromNodeId: target.next.id, toNodeId: state.nodeId });
  });

  it('deletes the node from the editor opened at it (its edge goes too), then the empty segment', async () => {
    await page.click('[data-testid=node-picker]');
    await page.keyboard.type(NODE_RENAMED);
    await pickOption(finderOption(NODE_RENAMED));
    await page.waitForFunction((name) => document.querySelector('[data-testid=node-panel-title]')?.textContent?.trim() === name, NODE_RENAMED);
    // The panel's delete button asks first, saying what goes with the node (cancelled here).
    await page.click('[data-testid=node-panel] [data-testid=node-delete]');
    await page.locator('[data-testid=node-delete-impact]').waitFor();
    expect(await page.locator('[data-testid=node-delete-impact]').innerText()).toContain(`1 条供应关系（${NODE_RENAMED} → ${state.target!.name}）`);
    await page.locator('.ant-modal-confirm .ant-btn', { hasText: '取 消' }).or(page.locator('.ant-modal-confirm .ant-btn', { hasText: '取消' })).first().click();
    await page.locator('[data-testid=node-delete-impact]').waitFor({ state: 'detached' });
    // The panel's button opens the editor at this node, its form open.
    await page.click('[data-testid=node-panel] [data-testid=node-open-editor]');
    await visible(page, `[data-testid=chain-editor] [data-testid=ce-node-${state.nodeId}] [data-testid=ce-node-form]`);
    expect(await page.locator('[data-testid=ce-node-name]').inputValue()).toBe(NODE_RENAMED);
    await shot(page, 'chain-editor-node.png', false);

    await editor().locator(`[data-testid=ce-node-${state.nodeId}] [data-testid=ce-node-delete]`).click();
    const impact = page.locator('[data-testid=node-delete-impact]');
    await impact.waitFor();
    expect(await impact.innerText()).toContain(`1 条供应关系（${NODE_RENAMED} → ${state.target!.name}）`);
    await page.click('[data-testid=node-delete-ok]');
    await toast(`已删除节点“${NODE_RENAMED}”，连带删除 1 条供应关系、0 条挂链`);
    let chain = await chainNow();
    expect(chain.nodes.some((n: any) => n.id === state.nodeId)).toBe(false);
    expect(chain.edges.some((e: any) => e.fromNodeId === state.nodeId || e.toNodeId === state.nodeId)).toBe(false);
    await editor().locator(`[data-testid=ce-node-${state.nodeId}]`).waitFor({ state: 'detached' });

    const section = editor().locator(`[data-testid=ce-seg-${state.segId}]`);
    await section.locator('[data-testid=ce-seg-delete]').click();
    await page.click('[data-testid=seg-delete-ok]');
    await toast(`已删除环节“${SEG_NAME}”`);
    await section.waitFor({ state: 'detached' });
    chain = await chainNow();
    expect(chain.segments.some((s: any) => s.id === state.segId)).toBe(false);
    // Back to the map as it was (positions compact), only the version moved on.
    expect(comparable(chain)).toEqual(comparable(state.before));
    await closeEditor();
    // The deleted node is no longer selected: no panel, no ?node= in the address, an empty finder.
    await page.waitForURL((u) => !u.searchParams.has('node'));
    expect(await page.locator('[data-testid=node-panel]').count()).toBe(0);
    expect(await page.locator('[data-testid=node-picker]').innerText()).not.toContain(NODE_RENAMED);
  });

  it('exports the chain as xlsx and imports it back unchanged', async () => {
    const before = await chainNow();
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=chain-export]')]);
    expect(download.suggestedFilename()).toBe(`chain-${state.code}.xlsx`);
    state.exported = join(dataDir, `chain-${state.code}.xlsx`);
    await download.saveAs(state.exported);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(readFileSync(state.exported) as any);
    expect(wb.getWorksheet('节点')!.actualRowCount - 1).toBe(before.nodes.length);

    await page.setInputFiles('.ant-upload input[type=file]', state.exported);
    await visible(page, '[data-testid=chain-import-report]');
    expect(await page.locator('[data-testid=chain-import-summary]').innerText()).toContain('表格与当前图谱一致，没有变化');
    expect(await page.locator('[data-testid=chain-import-nodes]').innerText()).toBe('新增 0，修改 0，删除 0');
    expect(await page.locator('[data-testid=chain-import-edges]').innerText()).toBe('新增 0，删除 0');
    // The preview wrote nothing.
    expect((await chainNow()).version).toBe(before.version);
    await page.click('[data-testid=chain-import-confirm]');
    await visible(page, '[data-testid=chain-import-close]');
    expect(await page.locator('[data-testid=chain-import-segments]').innerText()).toBe('新增 0，修改 0，删除 0');
    await page.click('[data-testid=chain-import-close]');
    await page.locator('[data-testid=chain-import-modal]').waitFor({ state: 'detached' }).catch(() => {});
    await shot(page, 'chain-edit-page.png', false);
    const after = await chainNow();
    expect(comparable(after)).toEqual(comparable(before));
  });

  it('refuses a broken sheet, naming the rows and columns', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(readFileSync(state.exported) as any);
    const ws = wb.getWorksheet('节点')!;
    const header = (ws.getRow(1).values as any[]).map((v) => String(v ?? ''));
    ws.getRow(3).getCell(header.indexOf('阶段')).value = '中下游';
    ws.getRow(4).getCell(header.indexOf('上游节点')).value = '不存在的节点';
    const broken = join(dataDir, 'broken.xlsx');
    await wb.xlsx.writeFile(broken);
    const before = await chainNow();

    await page.setInputFiles('.ant-upload input[type=file]', broken);
    const err = page.locator('[data-testid=chain-import-error]');
    await err.waitFor();
    expect(await err.innerText()).toMatch(/表格中有 \d+ 处问题，未写入任何内容/);
    const rows = await err.locator('tbody tr.ant-table-row').allInnerTexts();
    expect(rows.some((r) => /节点\s+3\s+阶段\s+“中下游”应为 上游\/中游\/下游/.test(r)), rows.join('\n')).toBe(true);
    expect(rows.some((r) => /节点\s+4\s+上游节点\s+没有名为“不存在的节点”的节点/.test(r)), rows.join('\n')).toBe(true);
    await shot(page, 'chain-import-errors.png', false);
    await page.click('[data-testid=chain-import-close]');
    expect((await chainNow()).version).toBe(before.version);
  });

  it('has every editor string in English', async () => {
    await page.evaluate(() => localStorage.setItem('chainatlas.lang', 'en'));
    await page.reload();
    await visible(page, '[data-testid=chain-edit-open]');
    expect(await page.locator('[data-testid=chain-edit-open]').innerText()).toContain('Edit map');
    expect(await page.locator('[data-testid=chain-export]').innerText()).toContain('Export xlsx');
    await openEditor();
    const text = await editor().innerText();
    expect(text).toContain('Add segment');
    expect(text).toContain('Add node');
    expect(text).not.toMatch(/chainEdit\./);
    await shot(page, 'chain-editor-en.png', false);
    await closeEditor();
    await page.evaluate(() => localStorage.setItem('chainatlas.lang', 'zh'));
  });

  it('shows no edit button to an official of another region', async () => {
    const ctx = await browser!.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', deviceScaleFactor: 1 });
    try {
      const p = await ctx.newPage();
      p.on('pageerror', (e) => pageErrors.push(String(e)));
      await login(p, 'he_official');
      const c = await api(p, `/api/chains/${state.code}`);
      expect(c.canEdit).toBe(false);
      await p.goto(`${platform!.url}/chains/${state.code}`);
      await visible(p, '[data-testid=chain-title]');
      await visible(p, '[data-testid=chain-export]');
      expect(await p.locator('[data-testid=chain-edit-open]').count()).toBe(0);
      expect(await p.locator('[data-testid=chain-import]').count()).toBe(0);
      // Nor editing in the node panel.
      const n = c.nodes[0];
      await p.goto(`${platform!.url}/chains/${state.code}?node=${n.id}`);
      await visible(p, '[data-testid=node-panel]');
      expect(await p.locator('[data-testid=node-panel] [data-testid=node-delete]').count()).toBe(0);
      expect(await p.locator('[data-testid=node-panel] [data-testid=edge-add]').count()).toBe(0);
    } finally {
      await ctx.close();
    }
    expect(pageErrors).toEqual([]);
  });
});
