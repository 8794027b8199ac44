import { MapChart, ScatterChart } from 'echarts/charts';
import { GeoComponent, VisualMapContinuousComponent } from 'echarts/components';
import { echarts } from './echarts';

/** A choropleth with bubbles on the same geo coordinate system (supplier map). */
echarts.use([MapChart, ScatterChart, GeoComponent, VisualMapContinuousComponent]);
