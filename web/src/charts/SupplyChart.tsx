import './use-supply';
import EChart, { type EChartProps } from './EChart';

/** Bar, line and pie charts of the supporting-rate dashboard, loaded lazily by that page. */
export default function SupplyChart(props: EChartProps) {
  return <EChart {...props} />;
}
