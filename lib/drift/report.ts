import { join } from 'node:path';
import { echarts } from '../report/echarts';
import { writeFileAtomic, writeJsonAtomic } from '../util/atomic';
import type { DriftResult, DriftThresholds } from './check';

/** drift_report.{md,html,json} with a per-feature PSI bar chart (thresholds drawn as lines). */
export async function writeDriftReport(o: {
  dir: string;
  result: DriftResult;
  thresholds: DriftThresholds;
  title: string;
  synthetic: boolean;
}): Promise<{ markdown: string; html: string; json: string }> {
  const feats = o.result.features.filter((f) => f.psi !== null);
  const calibrated = feats.some((f) => f.threshold?.source === 'calibrated');
  const chart = echarts().init(null, null, { renderer: 'svg', ssr: true, width: 820, height: Math.max(260, 22 * feats.length + 80) });
  chart.setOption({
    animation: false,
    backgroundColor: '#fff',
    textStyle: { fontFamily: 'DejaVu Sans, Arial, sans-serif' },
    title: { text: 'PSI per feature', left: 'center', textStyle: { fontSize: 14 } },
    grid: { left: 140, right: 40, top: 40, bottom: 30 },
    xAxis: { type: 'value' },
    yAxis: { type: 'category', data: feats.map((f) => f.name), inverse: true },
    series: [
      {
        type: 'bar',
        data: feats.map((f) => ({
          value: f.psi,
          itemStyle: { color: f.level === 'critical' ? '#b3261e' : f.level === 'warning' ? '#e0a000' : '#1f77b4' },
        })),
        ...(calibrated
          ? {}
          : {
              markLine: {
                symbol: 'none',
                data: [{ xAxis: o.thresholds.psiWarning }, { xAxis: o.thresholds.psiCritical }],
                lineStyle: { type: 'dashed' },
              },
            }),
      },
      // Calibrated thresholds differ per feature: one marker each instead of a common line.
      ...(calibrated
        ? [
            {
              type: 'scatter',
              name: 'calibrated critical PSI',
              symbol: 'diamond',
              symbolSize: 9,
              itemStyle: { color: '#333' },
              data: feats.map((f) => f.threshold?.psiCritical ?? null),
            },
          ]
        : []),
    ],
  });
  const svg = chart.renderToSVGString();
  chart.dispose();
  const r = o.result;
  const md = [
    ...(o.synthetic ? ['> **SYNTHETIC DATA** — drift measured on the embedded synthetic market.', ''] : []),
    `# ${o.title}`,
    '',
    `**Status: ${r.status.toUpperCase()}** — ${r.summary}`,
    '',
    calibrated
      ? calibratedText(r.calibration)
      : `Thresholds (fixed): PSI warning ${o.thresholds.psiWarning}, critical ${o.thresholds.psiCritical}; KS p < ${o.thresholds.ksPValue} (Bonferroni over the watched features).`,
    '',
    '| feature | PSI | PSI threshold (warn / crit) | KS | KS threshold | p-value | level | why |',
    '|---|---|---|---|---|---|---|---|',
    ...r.features.map((f) =>
      f.missing
        ? `| ${f.name} | — | — | — | — | — | missing from current data | — |`
        : `| ${f.name} | ${f.psi!.toFixed(4)} | ${f.threshold ? `${f.threshold.psiWarning.toFixed(3)} / ${f.threshold.psiCritical.toFixed(3)}` : '—'} | ${f.ks!.toFixed(4)} | ${f.threshold?.ksCritical !== undefined ? f.threshold.ksCritical.toFixed(3) : '—'} | ${f.pValue!.toExponential(2)} | ${f.level} | ${f.reason ?? ''} |`,
    ),
    ...(r.prediction
      ? [
          '',
          `Prediction drift: PSI ${r.prediction.psi.toFixed(4)}, KS ${r.prediction.ks.toFixed(4)} (p ${r.prediction.pValue.toExponential(2)}) — ${r.prediction.level}`,
        ]
      : []),
    ...(r.label
      ? [
          '',
          `Label drift: positive rate ${r.label.currentPositiveRate.toFixed(3)} vs ${r.label.referencePositiveRate.toFixed(3)} at training (${r.label.n} labelled rows)`,
        ]
      : []),
  ].join('\n');
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>${esc(o.title)}</title><style>body{font-family:DejaVu Sans,Arial,sans-serif;max-width:900px;margin:24px auto}pre{white-space:pre-wrap}</style></head><body><pre>${esc(md)}</pre><figure>${svg}</figure></body></html>\n`;
  const paths = {
    markdown: join(o.dir, 'drift_report.md'),
    html: join(o.dir, 'drift_report.html'),
    json: join(o.dir, 'drift_report.json'),
  };
  await writeFileAtomic(paths.markdown, `${md}\n`);
  await writeFileAtomic(paths.html, html);
  await writeJsonAtomic(paths.json, { ...r, thresholds: o.thresholds });
  return paths;
}

function calibratedText(c: DriftResult['calibration']): string {
  const family =
    c?.familyFactor !== undefined
      ? ` × the family factor ${c.familyFactor.toFixed(3)} (the ${pct(c.familyQuantile ?? NaN)} quantile of the training windows' largest such ratio over all features and tests, so the whole family of tests, not each one, is calibrated)`
      : '';
  const margin = !c
    ? ' × a margin'
    : c.warningMargin === c.criticalMargin
      ? ` × margin ${c.warningMargin}`
      : ` × margin ${c.warningMargin} (warning) / ${c.criticalMargin} (critical)`;
  const quantile = c ? `the ${pct(c.quantile)} quantile` : 'a high quantile';
  const shift = c?.shiftDays?.length
    ? ` The mean of the window's last ${c.shiftDays.join(', ')} day(s) minus the mean of its earlier days (an abrupt change, seen before it fills the window) is judged against a band calibrated the same way around the training windows' median.`
    : '';
  return `Thresholds: calibrated per feature at training on the reference's own rolling windows of ${c?.windowDays ?? 'this'} days: ${quantile} of each statistic${family}${margin}, never below PSI 0.1 / 0.25.${c?.recentDays ? ` The window's last ${c.recentDays} days are judged against their own calibration.` : ''}${shift} Values beyond the reference's range by more than its width are flagged at once. KS p-values are shown but not used: they assume independent rows.`;
}

function pct(q: number): string {
  return `${Number((q * 100).toPrecision(4))} %`;
}
