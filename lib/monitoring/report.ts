import { join } from 'node:path';
import { echarts } from '../report/echarts';
import { formatInterval } from '../stats/format';
import { writeFileAtomic, writeJsonAtomic } from '../util/atomic';
import { cohortKey } from './join';
import { MONITOR_METRICS, type RealisedPerformance } from './realised';
import type { MonitorSnapshot } from './snapshot';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

function cell(p: RealisedPerformance, m: (typeof MONITOR_METRICS)[number]): string {
  const i = p.intervals[m];
  if (i) return formatInterval(i);
  const v = p.metrics[m];
  return v === null || !Number.isFinite(v) ? '—' : `${v.toFixed(3)} (no interval)`;
}

/** Realised performance as Markdown: one table per cohort, window and since deployment side by side. */
export function monitorMarkdown(o: { snapshot: MonitorSnapshot; synthetic: boolean }): string {
  const s = o.snapshot;
  const u = s.unused;
  const lines = [
    ...(o.synthetic ? ['> **SYNTHETIC DATA** — outcomes from the embedded synthetic market.', ''] : []),
    `# Realised performance of ${s.model}`,
    '',
    `As of ${s.at}. Rolling window: the last ${s.windowDays} trading days with matured predictions. Intervals: 95 % percentile, circular block bootstrap over dates (blocks ≥ the label horizon, so overlapping labels stay together).`,
    '',
    `Not used: ${u.pending} still maturing, ${u.noOutcome} without an outcome${s.tickersWithoutOutcomes.length ? ` (no data for ${s.tickersWithoutOutcomes.join(', ')})` : ''}, ${u.noTicker} feature-row requests, ${u.duplicate} repeats, ${u.foreign} foreign records, ${u.unreadableLines} unreadable lines.`,
    '',
  ];
  for (const c of s.cohorts) {
    lines.push(
      `## ${c.cohort.version} — ${c.cohort.role}`,
      '',
      `First prediction ${c.firstPrediction}; window ${c.window.from ?? '—'} … ${c.window.to ?? '—'} (${c.window.rows} matured), since deployment ${c.sinceDeployment.rows} matured.`,
      '',
    );
    lines.push('| metric | window | since deployment |', '|---|---|---|');
    for (const m of MONITOR_METRICS) lines.push(`| ${m} | ${cell(c.window, m)} | ${cell(c.sinceDeployment, m)} |`);
    if (c.window.intervalNote) lines.push('', `_Window: ${c.window.intervalNote}._`);
    lines.push('');
  }
  if (!s.cohorts.length) lines.push('_No predictions of this model in the log yet._');
  return lines.join('\n');
}

/** Accuracy of each cohort's window over the monitoring history (SVG, server-side rendered). */
export function historyChart(history: MonitorSnapshot[], metric: (typeof MONITOR_METRICS)[number] = 'accuracy'): string {
  const series = new Map<string, [string, number][]>();
  for (const h of history) {
    for (const c of h.cohorts) {
      const v = c.window.metrics[metric];
      if (v === null || !Number.isFinite(v)) continue;
      const k = cohortKey(c.cohort).split('|').slice(1).join(' ');
      if (!series.has(k)) series.set(k, []);
      series.get(k)!.push([h.at.slice(0, 10), v]);
    }
  }
  const chart = echarts().init(null, null, { renderer: 'svg', ssr: true, width: 820, height: 300 });
  chart.setOption({
    animation: false,
    backgroundColor: '#fff',
    textStyle: { fontFamily: 'DejaVu Sans, Arial, sans-serif' },
    title: { text: `Realised ${metric} (rolling window)`, left: 'center', textStyle: { fontSize: 14 } },
    legend: { bottom: 0 },
    grid: { left: 60, right: 30, top: 40, bottom: 60 },
    xAxis: { type: 'category' },
    yAxis: { type: 'value', scale: true },
    series: [...series].map(([name, data]) => ({ type: 'line', name, data, showSymbol: data.length < 40 })),
  });
  const svg = chart.renderToSVGString();
  chart.dispose();
  return svg;
}

export async function writeMonitorReport(o: {
  dir: string;
  snapshot: MonitorSnapshot;
  history: MonitorSnapshot[];
  synthetic: boolean;
}): Promise<{ markdown: string; html: string; json: string }> {
  const md = monitorMarkdown(o);
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>${esc(`Realised performance of ${o.snapshot.model}`)}</title><style>body{font-family:DejaVu Sans,Arial,sans-serif;max-width:900px;margin:24px auto}pre{white-space:pre-wrap}</style></head><body><pre>${esc(md)}</pre><figure>${historyChart(o.history)}</figure></body></html>\n`;
  const paths = {
    markdown: join(o.dir, 'performance_report.md'),
    html: join(o.dir, 'performance_report.html'),
    json: join(o.dir, 'performance_report.json'),
  };
  await writeFileAtomic(paths.markdown, `${md}\n`);
  await writeFileAtomic(paths.html, html);
  await writeJsonAtomic(paths.json, o.snapshot);
  return paths;
}

/** The shadow evidence at the gate as Markdown (candidate and production on the same matured rows). */
export function shadowMarkdown(o: {
  candidate: string;
  production: string;
  comparison: import('./shadowComparison').ShadowComparison;
}): string {
  const c = o.comparison;
  const rows = (['accuracy', 'f1', 'logLoss', 'rocAuc'] as const).map(
    (m) =>
      `| ${m} | ${c.candidate[m].toFixed(3)} | ${c.production[m].toFixed(3)} | ${formatInterval(c.difference[m], 3, { signed: true })} | ${c.pValue[m] === null ? '—' : c.pValue[m].toFixed(3)} |`,
  );
  return [
    `# Shadow evidence: ${o.candidate} vs production ${o.production}`,
    '',
    `${c.pairs} matured predictions on ${c.days} trading days that both models made. Difference = candidate − production, paired 95 % interval from a circular block bootstrap over dates; p = two-sided bootstrap p-value of no difference.`,
    '',
    '| metric | candidate | production | difference [95 %] | p |',
    '|---|---|---|---|---|',
    ...rows,
    ...(c.note ? ['', `_${c.note}._`] : []),
  ].join('\n');
}
