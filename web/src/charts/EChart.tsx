import { useEffect, useRef, type CSSProperties } from 'react';
import { echarts, type ECharts, type EChartsOption } from './echarts';

export interface EChartProps {
  option: EChartsOption;
  style?: CSSProperties;
  className?: string;
  /** Replace the whole option instead of merging (default true: our options are complete). */
  notMerge?: boolean;
  onEvents?: Record<string, (params: any, chart: ECharts) => void>;
  onReady?: (chart: ECharts) => void;
  'data-testid'?: string;
}

/** A React wrapper around one ECharts instance: resizes with its box, disposes on unmount. */
export default function EChart({ option, style, className, notMerge = true, onEvents, onReady, ...rest }: EChartProps) {
  const ref = useRef<HTMLDivElement>(null);
  const chartRef = useRef<ECharts | null>(null);
  const eventsRef = useRef(onEvents);
  eventsRef.current = onEvents;

  useEffect(() => {
    const el = ref.current!;
    const chart = echarts.init(el, undefined, { renderer: 'canvas' });
    chartRef.current = chart;
    const ro = new ResizeObserver(() => chart.resize());
    ro.observe(el);
    onReady?.(chart);
    return () => {
      ro.disconnect();
      chart.dispose();
      chartRef.current = null;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    chartRef.current?.setOption(option, { notMerge });
  }, [option, notMerge]);

  const eventNames = Object.keys(onEvents ?? {}).sort().join(',');
  useEffect(() => {
    const chart = chartRef.current;
    if (!chart || !eventNames) return;
    const names = eventNames.split(',');
    const handlers = names.map((n) => {
      const h = (p: unknown) => eventsRef.current?.[n]?.(p, chart);
      chart.on(n, h);
      return [n, h] as const;
    });
    return () => {
      for (const [n, h] of handlers) chart.off(n, h);
    };
  }, [eventNames]);

  return <div ref={ref} className={className} style={{ width: '100%', height: 360, ...style }} {...rest} />;
}
