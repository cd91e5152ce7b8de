import { join } from 'node:path';
import { formatInterval, formatP } from '../stats/format';
import type { HoldoutEvidence } from '../stats/holdoutEvidence';
import type { IntervalMetric } from '../stats/weightedMetrics';
import { writeFileAtomic, writeJsonAtomic } from '../util/atomic';
import { lineChartSvg, svgToPng } from './charts';
import { calibrationSection, howToReadSection, pairedSection, sharpeSection, skillSection, type ReportSettings } from './evidenceSections';
import { reliabilityChartSvg } from './reliabilityChart';
import { warmStartSection } from './warmStartSection';
import type { WarmStartReport } from '../engine/fullRetrainComparison';

export interface ReportModel {
  version: string | null;
  modelType?: string;
  /** The library that trained it, e.g. `lightgbm 4.7.0`. */
  engine?: string;
  metrics: Record<string, number>;
  trading: Record<string, number>;
}

export interface ComparisonReportInput {
  dir: string;
  version: string;
  candidate: ReportModel;
  production: ReportModel | null;
  productionNote?: string;
  buyHold: Record<string, number>;
  equity: { dates: string[]; candidate: number[]; production?: number[]; buyHold: number[] };
  roc: { candidate: { fpr: number[]; tpr: number[] }; production?: { fpr: number[]; tpr: number[] } };
  decision: {
    decision: 'PROMOTE' | 'REJECT';
    failed: string[];
    criteria: { name: string; passed: boolean; detail: string; pValue?: number; alpha?: number }[];
    firstModel: boolean;
  };
  /** Intervals, tests, PSR/DSR and calibration from lib/stats' paired block bootstrap. */
  evidence: HoldoutEvidence;
  settings: ReportSettings;
  dataWindow: { start: string; end: string; trainEnd: string; holdoutStart: string; holdoutEnd: string };
  dataSource: { name: string; synthetic: boolean; tickers: string[] };
  schemaChanged?: boolean;
  /** --force / --skip-validation: the candidate reaches the approval gate whatever the criteria said. */
  forced?: { note: string; by: string[]; failed: string[] };
  /** Time from the run's start to the compare stage against the pipeline's budget. */
  budget?: { limit: string; limitMs: number; elapsedMs: number; overrun: boolean };
  /** --warm-start: the warm-started candidate and (--compare-full) a from-scratch retrain side by side. */
  warmStart?: WarmStartReport;
  pipelineId: string;
  generatedAt: string;
}

export interface ReportPaths {
  markdown: string;
  html: string;
  json: string;
  equitySvg: string;
  rocSvg: string;
  equityPng: string;
  rocPng: string;
  reliabilitySvg: string;
  reliabilityPng: string;
}

const CLASSIFICATION: [IntervalMetric, string][] = [
  ['accuracy', 'Accuracy'],
  ['baselineAccuracy', 'Naive baseline (majority class)'],
  ['precision', 'Precision'],
  ['recall', 'Recall'],
  ['f1', 'F1'],
  ['rocAuc', 'ROC AUC'],
  ['balancedAccuracy', 'Balanced accuracy'],
  ['logLoss', 'Log loss (lower is better)'],
  ['brier', 'Brier score (lower is better)'],
];
const TRADING: [string, string, 'pct' | 'num'][] = [
  ['totalReturn', 'Total return', 'pct'],
  ['cagr', 'CAGR', 'pct'],
  ['sharpe', 'Sharpe (ann.)', 'num'],
  ['sortino', 'Sortino (ann.)', 'num'],
  ['maxDrawdown', 'Max drawdown', 'pct'],
  ['hitRate', 'Hit rate', 'pct'],
  ['turnover', 'Turnover / day', 'num'],
  ['exposure', 'Exposure', 'pct'],
];

const f = (x: number | undefined, kind: 'pct' | 'num' = 'num') =>
  x === undefined || !Number.isFinite(x) ? '—' : kind === 'pct' ? `${(x * 100).toFixed(2)}%` : x.toFixed(4);

function change(c: number | undefined, p: number | undefined): [string, string] {
  if (c === undefined || p === undefined || !Number.isFinite(c) || !Number.isFinite(p)) return ['—', '—'];
  const abs = c - p;
  return [`${abs >= 0 ? '+' : ''}${abs.toFixed(4)}`, p !== 0 ? `${abs >= 0 ? '+' : ''}${((abs / Math.abs(p)) * 100).toFixed(1)}%` : '—'];
}

/** "Time budget: 12.3 min of 30m used to reach the comparison" — or the overrun, in bold. */
export function budgetLine(b: NonNullable<ComparisonReportInput['budget']>): string {
  const min = (ms: number) => `${(ms / 60_000).toFixed(1)} min`;
  return b.elapsedMs > b.limitMs
    ? `**Time budget exceeded: ${min(b.elapsedMs)} to reach the comparison, budget ${b.limit}**`
    : `Time budget: ${min(b.elapsedMs)} of ${b.limit} used to reach the comparison`;
}

/** model_comparison.{md,html,json} plus the charts as SVG, written atomically into `dir`. */
export async function writeComparisonReport(r: ComparisonReportInput): Promise<ReportPaths> {
  const equitySvg = lineChartSvg({
    title: `Equity on the holdout (${r.dataWindow.holdoutStart} … ${r.dataWindow.holdoutEnd}), costs included`,
    categories: r.equity.dates,
    yName: 'equity (× start)',
    idPrefix: 'equity',
    series: [
      { name: `candidate ${r.version}`, color: '#1f77b4', data: r.equity.candidate },
      ...(r.equity.production ? [{ name: `production ${r.production?.version}`, color: '#ff7f0e', data: r.equity.production }] : []),
      { name: 'buy & hold', color: '#7f7f7f', data: r.equity.buyHold, dashed: true },
    ],
  });
  const pairs = (c: { fpr: number[]; tpr: number[] }) => c.fpr.map((x, i): [number, number] => [x, c.tpr[i]!]);
  const rocSvg = lineChartSvg({
    title: 'ROC curve on the holdout',
    xName: 'false positive rate',
    yName: 'true positive rate',
    idPrefix: 'roc',
    xRange: [0, 1],
    yRange: [0, 1],
    series: [
      { name: `candidate ${r.version}`, color: '#1f77b4', data: pairs(r.roc.candidate) },
      ...(r.roc.production ? [{ name: `production ${r.production?.version}`, color: '#ff7f0e', data: pairs(r.roc.production) }] : []),
      {
        name: 'chance',
        color: '#bbbbbb',
        data: [
          [0, 0],
          [1, 1],
        ] as [number, number][],
        dashed: true,
      },
    ],
  });
  const ev = r.evidence;
  const reliabilitySvg = reliabilityChartSvg({
    candidate: { label: `candidate ${r.version}`, bins: ev.candidate.reliability },
    production: ev.production && r.production ? { label: `production ${r.production.version}`, bins: ev.production.reliability } : null,
  });

  const json = {
    version: r.version,
    pipelineId: r.pipelineId,
    generatedAt: r.generatedAt,
    recommendation: r.decision.decision,
    failedCriteria: r.decision.failed,
    criteria: r.decision.criteria,
    firstModel: r.decision.firstModel,
    ...(r.warmStart ? { warmStart: r.warmStart } : {}),
    dataSource: r.dataSource,
    dataWindow: r.dataWindow,
    schemaChanged: r.schemaChanged ?? false,
    candidate: r.candidate,
    production: r.production,
    productionNote: r.productionNote ?? null,
    buyHold: r.buyHold,
    settings: r.settings,
    evidence: ev,
    forced: r.forced ?? null,
    budget: r.budget ?? null,
  };

  const md: string[] = [];
  if (r.dataSource.synthetic)
    md.push('> **SYNTHETIC DATA** — this report was produced on the embedded synthetic market, not real prices.\n');
  if (r.forced) md.push(`> **${r.forced.note}** — a person still approves at the gate.\n`);
  md.push(`# Model comparison — candidate ${r.version}\n`);
  md.push(
    `**Recommendation: ${r.decision.decision}**${r.decision.failed.length ? ` (failed: ${r.decision.failed.join(', ')})` : ''}${r.forced ? ' — **FORCED** to the approval gate' : ''}\n`,
  );
  md.push(`- Run: \`${r.pipelineId}\` · generated ${r.generatedAt}`);
  if (r.candidate.modelType) md.push(`- Model: ${r.candidate.modelType}${r.candidate.engine ? ` (${r.candidate.engine})` : ''}`);
  md.push(`- Data: ${r.dataSource.name}${r.dataSource.synthetic ? ' (synthetic)' : ''}, tickers ${r.dataSource.tickers.join(', ')}`);
  md.push(
    `- Window: ${r.dataWindow.start} … ${r.dataWindow.end}; training up to ${r.dataWindow.trainEnd}; holdout ${r.dataWindow.holdoutStart} … ${r.dataWindow.holdoutEnd} (never seen by training or tuning)`,
  );
  md.push(
    `- Production: ${r.production ? r.production.version : 'none'}${r.decision.firstModel ? ' — no production model: judged as a first model (thresholds and baseline only)' : ''}${r.productionNote ? ` — ${r.productionNote}` : ''}`,
  );
  if (r.budget) md.push(`- ${budgetLine(r.budget)}`);
  if (r.schemaChanged)
    md.push('- **Feature schema changed** between production and candidate: each model is scored on its own features for the same dates.');
  md.push(`\n## Classification metrics (holdout, ${Math.round(ev.method.level * 100)} % intervals)\n`);
  md.push('| metric | candidate | production | candidate − production (paired) | p |');
  md.push('|---|---|---|---|---|');
  for (const [k, label] of CLASSIFICATION) {
    // The baseline is the same for both models on the same rows: no paired difference to show.
    const d = k === 'baselineAccuracy' ? undefined : ev.paired?.metrics[k];
    md.push(
      `| ${label} | ${formatInterval(ev.candidate.metrics[k])} | ${formatInterval(ev.production?.metrics[k])} | ${d ? formatInterval(d.difference, 3, { signed: true }) : '—'} | ${d ? formatP(d.p.twoSided) : '—'} |`,
    );
  }
  md.push(...skillSection(ev, { accuracy: r.candidate.metrics.accuracy!, baseline: r.candidate.metrics.baselineAccuracy! }));
  if (r.production) {
    const verdict = r.decision.criteria.find((c) => c.name === 'vs_production');
    md.push(
      ...pairedSection(ev, {
        productionVersion: r.production.version ?? 'production',
        settings: r.settings,
        ...(verdict ? { verdict } : {}),
      }),
    );
  }
  md.push('\n## Trading metrics (long/flat, costs included)\n');
  md.push('| metric | candidate | production | buy & hold | change vs production |');
  md.push('|---|---|---|---|---|');
  for (const [k, label, kind] of TRADING) {
    const [c, p] =
      k === 'sharpe'
        ? [formatInterval(ev.candidate.sharpe, 2), ev.production ? formatInterval(ev.production.sharpe, 2) : '—']
        : [f(r.candidate.trading[k], kind), f(r.production?.trading[k], kind)];
    const bh = k === 'sharpe' && Number.isFinite(r.buyHold[k]) ? r.buyHold[k]!.toFixed(2) : f(r.buyHold[k], kind);
    md.push(`| ${label} | ${c} | ${p} | ${bh} | ${change(r.candidate.trading[k], r.production?.trading[k])[0]} |`);
  }
  md.push(
    ...sharpeSection(ev, {
      candidateLabel: `candidate ${r.version}`,
      ...(r.production ? { productionLabel: `production ${r.production.version}` } : {}),
    }),
  );
  md.push(...calibrationSection(ev));
  md.push(...warmStartSection(r.warmStart));
  md.push('\n## Promotion criteria\n');
  md.push('| criterion | result | detail |');
  md.push('|---|---|---|');
  for (const c of r.decision.criteria) md.push(`| ${c.name} | ${c.passed ? 'PASS' : 'FAIL'} | ${c.detail} |`);
  md.push('\n## Charts\n');
  md.push('![equity](equity.png)\n');
  md.push('![roc](roc.png)\n');
  md.push(...howToReadSection(ev, r.settings));

  const html = renderHtml(md.join('\n'), {
    equitySvg,
    rocSvg,
    reliabilitySvg,
    title: `Model comparison ${r.version}`,
    synthetic: r.dataSource.synthetic,
  });
  const paths: ReportPaths = {
    markdown: join(r.dir, 'model_comparison.md'),
    html: join(r.dir, 'model_comparison.html'),
    json: join(r.dir, 'model_comparison.json'),
    equitySvg: join(r.dir, 'equity.svg'),
    rocSvg: join(r.dir, 'roc.svg'),
    equityPng: join(r.dir, 'equity.png'),
    rocPng: join(r.dir, 'roc.png'),
    reliabilitySvg: join(r.dir, 'reliability.svg'),
    reliabilityPng: join(r.dir, 'reliability.png'),
  };
  await writeFileAtomic(paths.equityPng, svgToPng(equitySvg));
  await writeFileAtomic(paths.rocPng, svgToPng(rocSvg));
  await writeFileAtomic(paths.equitySvg, equitySvg);
  await writeFileAtomic(paths.rocSvg, rocSvg);
  await writeFileAtomic(paths.reliabilityPng, svgToPng(reliabilitySvg));
  await writeFileAtomic(paths.reliabilitySvg, reliabilitySvg);
  await writeFileAtomic(paths.markdown, `${md.join('\n')}\n`);
  await writeFileAtomic(paths.html, html);
  await writeJsonAtomic(paths.json, json);
  return paths;
}

/** Minimal Markdown → HTML for the report's own constructs (headings, lists, tables, quotes). */
function renderHtml(
  md: string,
  o: { equitySvg: string; rocSvg: string; reliabilitySvg: string; title: string; synthetic: boolean },
): string {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const inline = (s: string) =>
    esc(s)
      .replace(/\*\*(.+?)\*\*/g, '<strong>$1</strong>')
      .replace(/`(.+?)`/g, '<code>$1</code>');
  const out: string[] = [];
  const lines = md.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith('|')) {
      const rows: string[][] = [];
      while (i < lines.length && lines[i]!.startsWith('|')) {
        if (!/^\|[-| ]+\|$/.test(lines[i]!))
          rows.push(
            lines[i]!.slice(1, -1)
              .split('|')
              .map((c) => c.trim()),
          );
        i++;
      }
      i--;
      out.push('<table>');
      rows.forEach((r, k) =>
        out.push(
          `<tr>${r.map((c) => (k === 0 ? `<th>${inline(c)}</th>` : `<td class="${c === 'FAIL' ? 'fail' : c === 'PASS' ? 'pass' : ''}">${inline(c)}</td>`)).join('')}</tr>`,
        ),
      );
      out.push('</table>');
    } else if (line.startsWith('# ')) out.push(`<h1>${inline(line.slice(2))}</h1>`);
    else if (line.startsWith('## ')) out.push(`<h2>${inline(line.slice(3))}</h2>`);
    else if (line.startsWith('> ')) out.push(`<div class="banner">${inline(line.slice(2))}</div>`);
    else if (line.startsWith('- ')) out.push(`<li>${inline(line.slice(2))}</li>`);
    else if (line.startsWith('![equity]')) out.push(`<figure>${o.equitySvg}</figure>`);
    else if (line.startsWith('![roc]')) out.push(`<figure>${o.rocSvg}</figure>`);
    else if (line.startsWith('![reliability]')) out.push(`<figure>${o.reliabilitySvg}</figure>`);
    else if (line.trim()) out.push(`<p>${inline(line)}</p>`);
  }
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(o.title)}</title>
<style>
body{font-family:DejaVu Sans,Arial,sans-serif;max-width:980px;margin:24px auto;color:#222;padding:0 16px}
table{border-collapse:collapse;margin:8px 0 16px}th,td{border:1px solid #ddd;padding:4px 10px;text-align:right}
th:first-child,td:first-child{text-align:left}th{background:#f4f4f4}
td.pass{color:#137333;font-weight:bold}td.fail{color:#b3261e;font-weight:bold}
.banner{background:#fff4ce;border:1px solid #e0c060;padding:8px 12px;font-weight:bold}
figure{margin:12px 0}li{margin:2px 0}
</style></head><body>
${out.join('\n')}
</body></html>
`;
}
