import type * as Echarts from 'echarts';
import { echarts } from '../report/echarts';
import type { DriftHistoryRecord } from '../drift/history';
import type { MonitorSnapshot } from './snapshot';

/** One registry version as the dashboard needs it. */
export interface DashboardVersion {
  version: string;
  stage: string;
  createdAt: string;
  holdoutAccuracy: number | null;
  /** When it became production (each time). */
  promotedAt: string[];
}

export interface DashboardData {
  model: string;
  generatedAt: string;
  versions: DashboardVersion[];
  monitor: MonitorSnapshot[];
  drift: DriftHistoryRecord[];
  synthetic: boolean;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const day = (iso: string) => iso.slice(0, 10);

function svg(option: Echarts.EChartsCoreOption, height = 300): string {
  const chart = echarts().init(null, null, { renderer: 'svg', ssr: true, width: 900, height });
  chart.setOption({ animation: false, backgroundColor: '#fff', textStyle: { fontFamily: 'DejaVu Sans, Arial, sans-serif' }, ...option });
  const out = chart.renderToSVGString();
  chart.dispose();
  return out;
}

/** Holdout accuracy at promotion (points) against realised production accuracy (line). */
function timelineChart(d: DashboardData): string {
  const holdout = d.versions.flatMap((v) => v.promotedAt.map((at) => ({ value: [day(at), v.holdoutAccuracy], name: v.version })));
  const realised = d.monitor.flatMap((s) =>
    s.cohorts
      .filter((c) => c.cohort.role === 'production' && c.window.metrics.accuracy !== null)
      .map((c) => [day(s.at), c.window.metrics.accuracy, c.cohort.version]),
  );
  return svg({
    title: { text: 'Production: holdout accuracy at promotion vs realised accuracy', left: 'center', textStyle: { fontSize: 14 } },
    legend: { bottom: 0 },
    grid: { left: 60, right: 30, top: 40, bottom: 60 },
    xAxis: { type: 'time' },
    yAxis: { type: 'value', scale: true, name: 'accuracy' },
    series: [
      {
        type: 'scatter',
        name: 'holdout (at promotion)',
        symbolSize: 12,
        data: holdout,
        label: { show: true, position: 'top', formatter: (p: { name: string }) => p.name },
      },
      { type: 'line', name: 'realised (rolling window)', data: realised, showSymbol: realised.length < 60 },
    ],
  });
}

/** Realised accuracy of every version and role over time: shadow against production. */
function cohortsChart(d: DashboardData): string {
  const series = new Map<string, [string, number][]>();
  for (const s of d.monitor) {
    for (const c of s.cohorts) {
      const v = c.window.metrics.accuracy;
      if (v === null) continue;
      const k = `${c.cohort.version} ${c.cohort.role}`;
      series.set(k, [...(series.get(k) ?? []), [day(s.at), v]]);
    }
  }
  return svg({
    title: { text: 'Shadow vs production: realised accuracy', left: 'center', textStyle: { fontSize: 14 } },
    legend: { bottom: 0 },
    grid: { left: 60, right: 30, top: 40, bottom: 60 },
    xAxis: { type: 'time' },
    yAxis: { type: 'value', scale: true },
    series: [...series].map(([name, data]) => ({ type: 'line', name, data, showSymbol: data.length < 60 })),
  });
}

/** PSI per feature (rows) and check (columns). */
function driftHeatmap(d: DashboardData): string {
  const checks = d.drift.slice(-60);
  const features = [...new Set(checks.flatMap((c) => Object.keys(c.psi)))].sort();
  const data = checks.flatMap((c, x) => features.map((f, y) => [x, y, c.psi[f] ?? '-']));
  const max = Math.max(0.25, ...checks.flatMap((c) => Object.values(c.psi).filter((v): v is number => v !== null)));
  return svg(
    {
      title: { text: 'Drift: PSI per feature and check', left: 'center', textStyle: { fontSize: 14 } },
      grid: { left: 130, right: 30, top: 40, bottom: 90 },
      xAxis: { type: 'category', data: checks.map((c) => day(c.at)), axisLabel: { rotate: 60 } },
      yAxis: { type: 'category', data: features },
      visualMap: {
        min: 0,
        max,
        calculable: false,
        orient: 'horizontal',
        left: 'center',
        bottom: 0,
        inRange: { color: ['#f7fbff', '#fdae61', '#b3261e'] },
      },
      series: [{ type: 'heatmap', data }],
    },
    Math.max(260, 16 * features.length + 140),
  );
}

/** Every registered candidate is one run that reached the gate; its stage says how it ended. */
function runOutcomes(d: DashboardData): { chart: string; successRate: number | null } {
  const counts = new Map<string, number>();
  for (const v of d.versions) counts.set(v.stage, (counts.get(v.stage) ?? 0) + 1);
  const promoted = d.versions.filter((v) => v.promotedAt.length > 0).length;
  const chart = svg(
    {
      title: { text: 'Run outcomes (registered candidates by stage)', left: 'center', textStyle: { fontSize: 14 } },
      grid: { left: 60, right: 30, top: 40, bottom: 30 },
      xAxis: { type: 'category', data: [...counts.keys()] },
      yAxis: { type: 'value', minInterval: 1 },
      series: [{ type: 'bar', data: [...counts.values()] }],
    },
    240,
  );
  return { chart, successRate: d.versions.length ? promoted / d.versions.length : null };
}

function alerts(d: DashboardData): string[] {
  const drift = d.drift
    .filter((c) => c.status === 'warning' || c.status === 'critical')
    .map(
      (c) => `${c.at} | drift ${c.status} | ${c.productionVersion ?? '—'} | window ${c.window ? `${c.window.start}…${c.window.end}` : '—'}`,
    );
  const perf = d.monitor.flatMap((s) =>
    s.verdict?.status === 'drop'
      ? [`${s.at} | performance drop (${s.verdict.level ?? 'warning'}) | ${s.verdict.production ?? '—'} | ${s.verdict.note}`]
      : [],
  );
  return [...drift, ...perf].sort().reverse();
}

/** One self-contained HTML page (inline SVG charts, no scripts, no network). */
export function renderDashboard(d: DashboardData): string {
  const outcomes = runOutcomes(d);
  const production = d.versions.find((v) => v.stage === 'production');
  const list = alerts(d);
  const section = (title: string, body: string) => `<section><h2>${esc(title)}</h2>${body}</section>`;
  return `<!doctype html><html><head><meta charset="utf-8"><title>${esc(`trainctl dashboard — ${d.model}`)}</title>
<style>body{font-family:DejaVu Sans,Arial,sans-serif;max-width:960px;margin:24px auto;color:#222}h1{font-size:22px}h2{font-size:16px;border-bottom:1px solid #ddd}table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:3px 8px;font-size:13px}.banner{background:#fff3cd;padding:6px 10px}.kpi{display:inline-block;margin-right:28px}</style></head><body>
${d.synthetic ? '<p class="banner"><b>SYNTHETIC DATA</b> — the embedded synthetic market.</p>' : ''}
<h1>${esc(d.model)} — dashboard</h1>
<p><span class="kpi">production <b>${esc(production?.version ?? 'none')}</b></span><span class="kpi">versions <b>${d.versions.length}</b></span><span class="kpi">promotion rate <b>${outcomes.successRate === null ? '—' : `${(outcomes.successRate * 100).toFixed(0)} %`}</b></span><span class="kpi">monitoring passes <b>${d.monitor.length}</b></span><span class="kpi">drift checks <b>${d.drift.length}</b></span></p>
${section('Production timeline', `<figure>${timelineChart(d)}</figure>`)}
${section('Shadow vs production', `<figure>${cohortsChart(d)}</figure>`)}
${section('Drift per feature', d.drift.length ? `<figure>${driftHeatmap(d)}</figure>` : '<p>No drift checks yet.</p>')}
${section('Run outcomes', `<figure>${outcomes.chart}</figure>`)}
${section(
  'Alerts',
  list.length
    ? `<table><tr><th>when</th><th>what</th><th>version</th><th>figures</th></tr>${list
        .map(
          (a) =>
            `<tr>${a
              .split(' | ')
              .map((c) => `<td>${esc(c)}</td>`)
              .join('')}</tr>`,
        )
        .join('')}</table>`
    : '<p>No alerts.</p>',
)}
<p><small>Generated ${esc(d.generatedAt)} by trainctl dashboard.</small></p>
</body></html>
`;
}
