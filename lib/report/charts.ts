import { Resvg } from '@resvg/resvg-js';
import { echarts } from './echarts';

export interface LineSeries {
  name: string;
  color: string;
  /** y values (category x axis) or [x, y] pairs (value x axis). */
  data: number[] | [number, number][];
  dashed?: boolean;
}

/**
 * A line chart rendered on the server by ECharts' SSR renderer straight to SVG (no canvas, no
 * browser); `categories` gives a category x axis (dates), otherwise the data are [x, y] pairs.
 */
export function lineChartSvg(o: {
  title: string;
  series: LineSeries[];
  categories?: string[];
  xRange?: [number, number];
  yRange?: [number, number];
  xName?: string;
  yName?: string;
  /**
   * Prefix for the SVG's ids and classes (letters, digits, `-`, `_`), for pages that inline the
   * same chart more than once; by default a hash of the chart, unique per distinct chart.
   */
  idPrefix?: string;
  width?: number;
  height?: number;
}): string {
  const chart = echarts().init(null, null, { renderer: 'svg', ssr: true, width: o.width ?? 760, height: o.height ?? 340 });
  chart.setOption({
    animation: false,
    backgroundColor: '#ffffff',
    textStyle: { fontFamily: 'DejaVu Sans, Arial, sans-serif' },
    title: { text: o.title, left: 'center', textStyle: { fontSize: 14 } },
    legend: { bottom: 0, itemGap: 28 },
    grid: { left: 64, right: 24, top: 48, bottom: 64 },
    xAxis: o.categories
      ? { type: 'category', data: o.categories, boundaryGap: false, name: o.xName }
      : { type: 'value', min: o.xRange?.[0], max: o.xRange?.[1], name: o.xName, nameLocation: 'middle', nameGap: 28 },
    yAxis: { type: 'value', scale: !o.yRange, min: o.yRange?.[0], max: o.yRange?.[1], name: o.yName },
    series: o.series.map((s) => ({
      name: s.name,
      type: 'line',
      data: s.data,
      showSymbol: false,
      lineStyle: { color: s.color, width: 2, type: s.dashed ? 'dashed' : 'solid' },
      itemStyle: { color: s.color },
    })),
  });
  const svg = chart.renderToSVGString();
  chart.dispose();
  return scopeIds(svg, o.idPrefix);
}

/**
 * ECharts' SSR output names clip paths and classes after per-process counters (`zr0-…`, `zr1-cls-7`),
 * so the same chart came out different on a retried activity. Name them after a hash of the chart
 * instead: the same chart gives the same bytes, different charts in one page keep distinct ids.
 */
export function scopeIds(svg: string, idPrefix?: string): string {
  if (idPrefix !== undefined && !/^[A-Za-z][\w-]*$/.test(idPrefix))
    throw new RangeError(`chart id prefix "${idPrefix}" must be a letter followed by letters, digits, - or _`);
  // Class numbers run on across charts too: renumber them in order of first appearance.
  const classes = new Map<string, number>();
  const normalised = svg.replace(/\bzr\d+-/g, 'zr-').replace(/\bzr-cls-(\d+)\b/g, (_, n: string) => {
    if (!classes.has(n)) classes.set(n, classes.size);
    return `zr-cls-${classes.get(n)!}`;
  });
  let h = 0x811c9dc5;
  for (let i = 0; i < normalised.length; i++) h = Math.imul(h ^ normalised.charCodeAt(i), 0x01000193);
  const hash = (h >>> 0).toString(36);
  return normalised.replace(/\bzr-/g, idPrefix ? `${idPrefix}-${hash}-` : `c${hash}-`);
}

/** PNG of an SVG (resvg), with the system's fonts; DejaVu ships with Debian's fonts-dejavu-core. */
export function svgToPng(svg: string): Uint8Array {
  return new Resvg(svg, { font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' }, fitTo: { mode: 'original' } })
    .render()
    .asPng();
}
