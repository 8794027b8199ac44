import { BarChart } from 'echarts/charts';
import { GridComponent, LegendComponent } from 'echarts/components';
import { echarts } from './echarts';

echarts.use([BarChart, GridComponent, LegendComponent]);
