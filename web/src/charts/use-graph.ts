import { GraphChart, ScatterChart } from 'echarts/charts';
import { DataZoomInsideComponent, GridComponent, MarkAreaComponent } from 'echarts/components';
import { echarts } from './echarts';

echarts.use([GraphChart, ScatterChart, GridComponent, MarkAreaComponent, DataZoomInsideComponent]);
