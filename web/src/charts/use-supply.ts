import { BarChart, LineChart, PieChart } from 'echarts/charts';
import { GridComponent, LegendComponent } from 'echarts/components';
import { echarts } from './echarts';

/** Bars, lines and pies for the supporting-rate dashboard (loaded with that page only). */
echarts.use([BarChart, LineChart, PieChart, GridComponent, LegendComponent]);
