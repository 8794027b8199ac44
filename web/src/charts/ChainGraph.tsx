import { Button, Tooltip } from 'antd';
import { CompressOutlined } from '@ant-design/icons';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { ChainDetail } from '../api/types';
import { GRAPH_GRID, GRAPH_Y_RANGE, layoutChain } from '../chain/layout';
import { useLang } from '../i18n';
import { label, LINK_ROLE_NAMES, REGION_NAMES, STAGE_COLORS, STAGE_NAMES, type Stage } from '../i18n/vocab';
import EChart from './EChart';
import './use-graph';
import type { ECharts, EChartsOption } from './echarts';

export interface ChainGraphProps {
  chain: ChainDetail;
  selectedId: number | null;
  onSelect: (nodeId: number | null) => void;
  height?: number;
  /**
   * Diagnostics view: a fill colour and a tooltip line per node (e.g. its status). Nodes keep their
   * size (organisation count); without this the fill is the organisation-count scale.
   */
  nodeStatus?: Map<number, { color: string; text: string }>;
}

const total = (c: { BJ: number; TJ: number; HE: number; outside: number }) => c.BJ + c.TJ + c.HE + c.outside;

/** sqrt scale from light to deep blue; grey for zero. */
function colourFor(n: number, max: number): string {
  if (n <= 0) return '#d9d9d9';
  // A floor of 10 keeps one or two organisations from looking like a saturated node.
  const t = Math.min(1, Math.sqrt(n / Math.max(max, 10)));
  const from = [188, 210, 255];
  const mid = [31, 79, 216];
  const to = [11, 31, 102];
  const lerp = (a: number[], b: number[], k: number) => a.map((v, i) => Math.round(v + (b[i] - v) * k));
  const c = t < 0.6 ? lerp(from, mid, t / 0.6) : lerp(mid, to, (t - 0.6) / 0.4);
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

/** Breaks a label into lines that fit `maxPx`: CJK by character, Latin by word (rough glyph widths). */
export function wrapText(text: string, maxPx: number, fontPx: number): string[] {
  const tokens = text.match(/[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]|[^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]+|\s+/g) ?? [text];
  const width = (t: string) => [...t].reduce((w, ch) => w + (/[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]/.test(ch) ? fontPx : fontPx * 0.58), 0);
  const lines: string[] = [];
  let cur = '';
  for (const tok of tokens) {
    if (/^\s+$/.test(tok)) {
      if (cur) cur += ' ';
      continue;
    }
    if (cur && width(cur + tok) > maxPx) {
      lines.push(cur.trim());
      cur = tok;
    } else cur += tok;
  }
  if (cur.trim()) lines.push(cur.trim());
  if (lines.length < 2) return lines.length ? lines : [text];
  // Balance all-CJK labels: "成形与特种加工机床" → "成形与特种" / "加工机床", not a one-character widow.
  const chars = [...text.replace(/\s+/g, '')];
  if (chars.every((ch) => /[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]/.test(ch))) {
    const per = Math.ceil(chars.length / lines.length);
    const out: string[] = [];
    for (let i = 0; i < chars.length; i += per) out.push(chars.slice(i, i + per).join(''));
    return out;
  }
  return lines;
}

function escapeHtml(s: string) {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

/**
 * The chain map as an ECharts graph on a hidden cartesian grid, so that segment bands (markArea),
 * nodes and edges zoom and pan together (inside dataZoom on both axes).
 */
export default function ChainGraph({ chain, selectedId, onSelect, height, nodeStatus }: ChainGraphProps) {
  const { t, lang, pick } = useLang();
  const chartRef = useRef<ECharts | null>(null);
  const boxRef = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(1000);
  useEffect(() => {
    const el = boxRef.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setWidth(Math.round(el.clientWidth / 20) * 20 || 1000));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  const layout = useMemo(() => layoutChain(chain.segments, chain.nodes, chain.edges), [chain]);
  const h = height ?? Math.max(540, Math.min(1200, layout.maxRows * (lang === 'en' ? 92 : 78) + 110));

  const option = useMemo<EChartsOption>(() => {
    const segById = new Map(chain.segments.map((s) => [s.id, s]));
    const nodeById = new Map(chain.nodes.map((n) => [n.id, n]));
    const max = Math.max(1, ...chain.nodes.map((n) => total(n.counts)));
    const colPx = (width - GRAPH_GRID.left - GRAPH_GRID.right) / Math.max(layout.columns, 1);
    const labelWidth = Math.round(Math.max(52, Math.min(lang === 'en' ? 130 : 112, colPx - 8)));
    const labelFont = colPx < 84 ? 11 : 12;

    const nodes = chain.nodes.map((n) => {
      const p = layout.nodes.get(n.id)!;
      const c = total(n.counts);
      const size = c > 0 ? Math.min(46, 15 + 7.5 * Math.sqrt(c)) : nodeStatus ? 15 : 12;
      const selected = n.id === selectedId;
      const shown = pick(n.name, n.nameEn);
      return {
        id: String(n.id),
        name: shown,
        wrapped: wrapText(shown, labelWidth, labelFont).join('\n'),
        value: [p.col, p.y],
        symbolSize: selected ? size + 6 : size,
        itemStyle: {
          color: nodeStatus?.get(n.id)?.color ?? colourFor(c, max),
          // In the diagnostics view the fill is the status (orange = weak): the selection is blue there.
          borderColor: selected ? (nodeStatus ? '#1f4fd8' : '#fa8c16') : c > 0 || nodeStatus ? '#ffffff' : '#bfbfbf',
          borderWidth: selected ? 4 : 1.5,
          shadowBlur: selected ? 12 : 0,
          shadowColor: nodeStatus ? 'rgba(31,79,216,0.6)' : 'rgba(250,140,22,0.6)',
        },
        label: selected ? { fontWeight: 'bold' as const, color: '#ad4e00' } : undefined,
        raw: n,
      };
    });

    const supply = chain.edges
      .filter((e) => nodeById.has(e.fromNodeId) && nodeById.has(e.toNodeId))
      .map((e) => {
        const a = layout.nodes.get(e.fromNodeId)!;
        const b = layout.nodes.get(e.toNodeId)!;
        const touches = selectedId != null && (e.fromNodeId === selectedId || e.toNodeId === selectedId);
        return {
          source: String(e.fromNodeId),
          target: String(e.toNodeId),
          lineStyle: {
            curveness: a.col === b.col ? 0.35 : b.col - a.col > 1 ? 0.12 : 0.04,
            color: touches ? '#fa8c16' : '#8fa3c7',
            width: touches ? 2.2 : 1.1,
            opacity: touches ? 1 : 0.75,
          },
          kind: 'supply',
        };
      });
    const parents = chain.nodes
      .filter((n) => n.parentId != null && nodeById.has(n.parentId))
      .map((n) => ({
        source: String(n.parentId),
        target: String(n.id),
        symbol: ['none', 'none'],
        lineStyle: { type: 'dashed' as const, color: '#b37feb', width: 1, curveness: 0.2, opacity: 0.8 },
        kind: 'parent',
      }));

    const bands = layout.bands.map((b) => {
      const s = segById.get(b.segmentId)!;
      const stage = s.stage as Stage;
      const stageName = STAGE_NAMES[stage]?.[lang] ?? s.stage;
      const name = pick(s.name, s.nameEn);
      // "上游·制氢" → stage line "上游", name line "制氢"
      const m = /^(.+?)\s*[·・•]\s*(.+)$/.exec(name);
      const head = m ? m[1] : stageName;
      const body = m ? m[2] : name;
      const color = STAGE_COLORS[stage]?.text ?? '#595959';
      const labelWidth = Math.max(40, (b.col1 - b.col0 + 1) * colPx - 10);
      const nameFont = labelWidth < 90 ? 12 : 13;
      const lines = wrapText(body, labelWidth, nameFont);
      return [
        {
          name: [`{s|${head}}`, ...lines.map((l) => `{n|${l}}`)].join('\n'),
          xAxis: b.col0 - 0.5 + 0.04,
          itemStyle: { color: STAGE_COLORS[stage]?.band ?? 'rgba(0,0,0,0.04)' },
          label: {
            rich: {
              s: { fontSize: 11, color, opacity: 0.8, lineHeight: 16, width: labelWidth, align: 'center' },
              n: { fontSize: nameFont, fontWeight: 'bold', color, lineHeight: 17, width: labelWidth, align: 'center' },
            },
          },
        },
        { xAxis: b.col1 + 0.5 - 0.04 },
      ];
    });

    return {
      animationDuration: 400,
      grid: { ...GRAPH_GRID },
      xAxis: { type: 'value', min: -0.5, max: layout.columns - 0.5, show: false },
      // the negative minimum leaves room at the top for the segment labels
      yAxis: { type: 'value', min: GRAPH_Y_RANGE[0], max: GRAPH_Y_RANGE[1], inverse: true, show: false },
      dataZoom: [
        { type: 'inside', xAxisIndex: 0, filterMode: 'none', zoomOnMouseWheel: true, moveOnMouseMove: true },
        { type: 'inside', yAxisIndex: 0, filterMode: 'none', zoomOnMouseWheel: true, moveOnMouseMove: true },
      ],
      tooltip: {
        trigger: 'item',
        confine: true,
        formatter: (p: any) => {
          if (p.seriesType !== 'graph') return '';
          if (p.dataType === 'edge') {
            const a = nodeById.get(Number(p.data.source));
            const b = nodeById.get(Number(p.data.target));
            return `${escapeHtml(pick(a?.name, a?.nameEn))} → ${escapeHtml(pick(b?.name, b?.nameEn))}`;
          }
          const n = p.data.raw as ChainDetail['nodes'][number];
          const seg = segById.get(n.segmentId);
          const lines = [`<b>${escapeHtml(n.name)}</b>${n.nameEn && lang === 'zh' ? ` <span style="color:#999">${escapeHtml(n.nameEn)}</span>` : ''}`];
          if (lang === 'en' && n.nameEn) lines[0] = `<b>${escapeHtml(n.nameEn)}</b> <span style="color:#999">${escapeHtml(n.name)}</span>`;
          if (seg) lines.push(`<span style="color:#888">${escapeHtml(pick(seg.name, seg.nameEn))}</span>`);
          const parent = n.parentId != null ? nodeById.get(n.parentId) : null;
          if (parent) lines.push(t('chain.tooltip.parent', { name: escapeHtml(pick(parent.name, parent.nameEn)) }));
          const st = nodeStatus?.get(n.id);
          if (st)
            lines.push(
              `<div style="white-space:normal;width:300px;line-height:1.45"><span style="display:inline-block;width:8px;height:8px;border-radius:50%;background:${st.color};margin-right:4px"></span>${escapeHtml(st.text)}</div>`,
            );
          lines.push(t('chain.tooltip.orgs', { n: total(n.counts) }));
          lines.push(
            (['BJ', 'TJ', 'HE'] as const).map((r) => `${REGION_NAMES[r][lang]} ${n.counts[r]}`).join(' · ') +
              (n.counts.outside ? ` · ${t('chain.node.other')} ${n.counts.outside}` : ''),
          );
          const roles = Object.entries(n.roles ?? {}).filter(([, v]) => v > 0);
          if (roles.length) lines.push(roles.map(([r, v]) => `${label(LINK_ROLE_NAMES, r, lang)} ${v}`).join(' · '));
          return lines.join('<br/>');
        },
      },
      series: [
        {
          type: 'scatter',
          data: [],
          silent: true,
          markArea: {
            silent: true,
            label: { show: true, position: 'insideTop', distance: 6, align: 'center' },
            data: bands as any,
          },
        },
        {
          type: 'graph',
          coordinateSystem: 'cartesian2d',
          layout: 'none',
          roam: false,
          draggable: false,
          edgeSymbol: ['none', 'arrow'],
          edgeSymbolSize: [0, 7],
          label: {
            show: true,
            position: 'bottom',
            distance: 4,
            fontSize: labelFont,
            color: '#262626',
            formatter: (p: any) => p.data.wrapped ?? p.name,
            lineHeight: 15,
            backgroundColor: 'rgba(255,255,255,0.7)',
            borderRadius: 3,
            padding: [1, 2],
          },
          labelLayout: { hideOverlap: false },
          emphasis: { focus: 'adjacency', label: { fontWeight: 'bold' }, lineStyle: { width: 2.5 } },
          blur: { itemStyle: { opacity: 0.25 }, lineStyle: { opacity: 0.08 }, label: { opacity: 0.35 } },
          data: nodes,
          links: [...parents, ...supply],
          z: 3,
        },
      ],
    } as EChartsOption;
  }, [chain, layout, selectedId, lang, pick, t, width, nodeStatus]);

  // A click re-renders the nodes under the pointer; ECharts would keep the old hover focus (the rest of
  // the graph stays faded) until the pointer moves again. Clear it once the new option is drawn.
  useEffect(() => {
    chartRef.current?.dispatchAction({ type: 'downplay', seriesIndex: 1 });
  }, [option]);

  function resetView() {
    chartRef.current?.dispatchAction({ type: 'dataZoom', dataZoomIndex: 0, start: 0, end: 100 });
    chartRef.current?.dispatchAction({ type: 'dataZoom', dataZoomIndex: 1, start: 0, end: 100 });
  }

  return (
    <div style={{ position: 'relative' }} ref={boxRef}>
      <div style={{ position: 'absolute', right: 8, bottom: 8, zIndex: 2 }}>
        <Tooltip title={t('chain.resetView')}>
          <Button size="small" icon={<CompressOutlined />} onClick={resetView} aria-label={t('chain.resetView')} />
        </Tooltip>
      </div>
      <EChart
        option={option}
        notMerge={false}
        style={{ height: h }}
        data-testid="chain-graph"
        onReady={(c) => (chartRef.current = c)}
        onEvents={{
          click: (p: any) => {
            if (p.seriesType === 'graph' && p.dataType === 'node') onSelect(Number(p.data.id));
          },
        }}
      />
    </div>
  );
}
