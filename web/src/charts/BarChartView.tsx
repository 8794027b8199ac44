import './use-bar';
import EChart, { type EChartProps } from './EChart';

/** A bar chart (and its ECharts parts), loaded lazily by the dashboard. */
export default function BarChartView(props: EChartProps) {
  return <EChart {...props} />;
}
