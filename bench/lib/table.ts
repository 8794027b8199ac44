import { ENGINE_LABELS, type Cell, type EngineTarget, type ResultRow, type SectionResult } from './types.ts';

/** Display width: CJK and full-width characters take two columns. */
export function width(s: string): number {
  let w = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    w += (c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf) || (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) || (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) || (c >= 0xffe0 && c <= 0xffe6) ? 2 : 1;
  }
  return w;
}
const pad = (s: string, n: number, right = false) => (right ? ' '.repeat(Math.max(0, n - width(s))) + s : s + ' '.repeat(Math.max(0, n - width(s))));

export function fmt(v: Cell, unit?: string): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'string') return v;
  const abs = Math.abs(v);
  const s = abs >= 100 ? Math.round(v).toLocaleString('en-US') : abs >= 10 ? v.toFixed(1) : v.toFixed(2);
  return unit ? `${s} ${unit}` : s;
}

/** One section as a text table: metric | one column per engine | note. */
export function renderSection(section: SectionResult, engines: EngineTarget[]): string {
  const head = ['', ...engines.map((e) => ENGINE_LABELS[e.name]), 'note'];
  const body: string[][] = [];
  const groups: Array<[ResultRow['kind'], string | null]> = [
    ['result', null],
    ['baseline', 'baselines (same run)'],
    ['check', 'post-load check'],
    ['info', null],
  ];
  for (const [kind, label] of groups) {
    const rows = section.rows.filter((r) => (r.kind ?? 'result') === kind);
    if (!rows.length) continue;
    if (label) body.push([`— ${label}`, ...engines.map(() => ''), '']);
    for (const r of rows) {
      const cells = engines.map((e) => {
        if (!e.available) return 'NOT RUN';
        if (r.shared !== undefined) return fmt(r.shared, r.unit);
        return fmt(r.values?.[e.name] ?? null, r.unit);
      });
      body.push([r.metric, ...cells, r.note ?? '']);
    }
  }
  const widths = head.map((h, i) => Math.max(width(h), ...body.map((b) => width(b[i]))));
  const line = (cells: string[]) => '│ ' + cells.map((c, i) => pad(c, widths[i], i > 0 && i <= engines.length)).join(' │ ') + ' │';
  const rule = (l: string, m: string, r: string) => l + widths.map((w) => '─'.repeat(w + 2)).join(m) + r;
  const out = [section.title, rule('┌', '┬', '┐'), line(head), rule('├', '┼', '┤'), ...body.map((b) => (b[0].startsWith('— ') ? line(b) : line(b))), rule('└', '┴', '┘')];
  for (const e of engines) if (!e.available) out.push(`  ${ENGINE_LABELS[e.name]} NOT RUN: ${e.reason}`);
  for (const n of section.notes) out.push(`  ${n}`);
  return out.join('\n');
}
