import { MapChart } from 'echarts/charts';
import { GeoComponent, VisualMapContinuousComponent } from 'echarts/components';
import { echarts } from './echarts';

echarts.use([MapChart, GeoComponent, VisualMapContinuousComponent]);
