/**
 * ECharts core, tree-shaken. Each view registers only the charts and components it draws
 * (use-map.ts, use-bar.ts, use-graph.ts), so the dashboard does not load the graph and the chain
 * page does not load the map. Everything under charts/ is loaded lazily, never by the first page.
 */
import { TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([TooltipComponent, CanvasRenderer]);

export { echarts };
export type ECharts = ReturnType<typeof echarts.init>;
export type EChartsOption = Parameters<ECharts['setOption']>[0];
