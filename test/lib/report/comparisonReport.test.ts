import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBacktest } from '../../../lib/backtest';
import { classificationMetrics, rocCurve } from '../../../lib/evaluation';
import { writeComparisonReport } from '../../../lib/report';
import { lineChartSvg } from '../../../lib/report/charts';
import { formatInterval, holdoutEvidence } from '../../../lib/stats';
import { evaluatePromotion } from '../../../lib/validation';
import { DEFAULT_PIPELINE_CONFIG } from '../../../lib/config/pipeline';

function scenario(seed: number) {
  let s = seed;
  const rnd = () => (s = (s * 16807) % 2147483647) / 2147483647;
  const dates: string[] = [],
    tickers: string[] = [],
    y: number[] = [],
    proba: number[] = [],
    nextReturn: number[] = [];
  for (let d = 0; d < 120; d++) {
    for (const t of ['SYN-A', 'SYN-B']) {
      const up = rnd() < 0.52 ? 1 : 0;
      dates.push(new Date(Date.UTC(2026, 4, 1) + d * 86_400_000).toISOString().slice(0, 10));
      tickers.push(t);
      y.push(up);
      proba.push(Math.min(0.99, Math.max(0.01, 0.5 + (up ? 0.08 : -0.08) + (rnd() - 0.5) * 0.5)));
      nextReturn.push((up ? 0.004 : -0.004) + (rnd() - 0.5) * 0.01);
    }
  }
  return { dates, tickers, y, proba, nextReturn };
}

describe('comparison report', () => {
  it('writes Markdown, HTML with embedded charts, JSON, SVG and PNG with every metric and criterion', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'report-'));
    const cand = scenario(3);
    const prod = { ...cand, proba: scenario(5).proba };
    const { confusion: _c, ...cm } = classificationMetrics(cand.y, cand.proba);
    const { confusion: _p, ...pm } = classificationMetrics(prod.y, prod.proba);
    const cb = runBacktest(cand);
    const pb = runBacktest(prod);
    const evidence = holdoutEvidence({
      dates: cand.dates,
      y: cand.y,
      candidate: {
        proba: cand.proba,
        daily: {
          dates: cb.daily.map((d) => d.date),
          returns: cb.daily.map((d, i) => d.strategy / (i ? cb.daily[i - 1]!.strategy : 1) - 1),
        },
      },
      production: {
        proba: prod.proba,
        daily: {
          dates: pb.daily.map((d) => d.date),
          returns: pb.daily.map((d, i) => d.strategy / (i ? pb.daily[i - 1]!.strategy : 1) - 1),
        },
      },
      labelHorizon: 5,
      seed: 42,
      alpha: 0.05,
      trials: 25,
    });
    const decision = evaluatePromotion({ candidate: cm, production: pm, criteria: DEFAULT_PIPELINE_CONFIG.criteria, evidence });
    const settings = {
      threshold: 0.5,
      costBps: 5,
      labelHorizon: 5,
      alpha: 0.05,
      policy: 'non-inferior',
      tolerance: 0,
      primaryMetric: 'accuracy',
    };
    const paths = await writeComparisonReport({
      dir,
      version: 'v1.1.0',
      pipelineId: 'train-test',
      generatedAt: '2026-11-22T00:00:00Z',
      candidate: { version: 'v1.1.0', modelType: 'xgb', metrics: { ...cm }, trading: { ...cb.metrics } },
      production: { version: 'v1.0.0', metrics: { ...pm }, trading: { ...pb.metrics } },
      buyHold: { ...cb.buyHold },
      equity: {
        dates: cb.daily.map((d) => d.date),
        candidate: cb.daily.map((d) => d.strategy),
        production: pb.daily.map((d) => d.strategy),
        buyHold: cb.daily.map((d) => d.buyHold),
      },
      roc: { candidate: rocCurve(cand.y, cand.proba), production: rocCurve(prod.y, prod.proba) },
      decision,
      evidence,
      settings,
      dataWindow: { start: '2016-05-01', end: '2026-08-28', trainEnd: '2026-04-22', holdoutStart: '2026-05-01', holdoutEnd: '2026-08-28' },
      dataSource: { name: 'synthetic', synthetic: true, tickers: ['SYN-A', 'SYN-B'] },
    });
    const md = readFileSync(paths.markdown, 'utf8');
    expect(md.startsWith('> **SYNTHETIC DATA**')).toBe(true);
    const acc = evidence.paired!.metrics.accuracy;
    expect(md).toContain(
      `| Accuracy | ${formatInterval(evidence.candidate.metrics.accuracy)} | ${formatInterval(evidence.production!.metrics.accuracy)} | ${formatInterval(acc.difference, 3, { signed: true })} |`,
    );
    expect(evidence.candidate.metrics.accuracy.estimate).toBe(cm.accuracy);
    expect(md).toMatch(/\| Sharpe \(ann\.\) \| -?\d+\.\d{2} \[-?\d+\.\d{2}, -?\d+\.\d{2}\] \|/);
    expect(md).toContain('| Brier score (lower is better) |');
    expect(md).toContain('## Skill against the naive baseline');
    expect(md).toMatch(/\*\*The candidate is (better than|not distinguishable from) the naive baseline\*\*/);
    expect(md).toContain(
      `McNemar cross-check (assumes independent rows, which overlapping labels are not): candidate right and production wrong on ${evidence.paired!.mcnemar.candidateOnly} rows`,
    );
    expect(md).toContain('Probabilistic Sharpe Ratio');
    expect(md).toContain('Deflated Sharpe Ratio');
    expect(md).toContain('after 25 hyperparameter trials');
    expect(md).toContain('## Calibration');
    expect(md).toContain('## How to read this report');
    expect(md).toContain('P(up) > 0.5');
    expect(md).toContain('blocks of 5 consecutive dates, 2000 resamples, seed 42');
    expect(md).toContain('| Naive baseline (majority class) |');
    for (const c of decision.criteria) expect(md).toContain(`| ${c.name} | ${c.passed ? 'PASS' : 'FAIL'} |`);
    expect(md).toContain(`**Recommendation: ${decision.decision}**`);
    const html = readFileSync(paths.html, 'utf8');
    expect(html.match(/<svg/g)?.length).toBe(3);
    // Two inline charts: every id is unique and every url(#…) / class resolves inside its own <svg>.
    const ids = [...html.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length);
    for (const svg of html.match(/<svg[\s\S]*?<\/svg>/g)!) {
      const own = new Set([...svg.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]!));
      for (const [, ref] of svg.matchAll(/url\(#([^)]+)\)/g)) expect(own.has(ref!), ref).toBe(true);
      for (const [, cls] of svg.matchAll(/class="([^"]+)"/g)) expect(svg).toContain(`.${cls}`);
    }
    // The same chart renders to the same bytes, however many charts the process drew before.
    const chart = { title: 't', series: [{ name: 's', color: '#000', data: [1, 2, 3] }], categories: ['a', 'b', 'c'] };
    expect(lineChartSvg(chart)).toBe(lineChartSvg(chart));
    // In page order: the reliability diagram (Calibration section), then equity and ROC (Charts).
    const [reliability, equity, roc] = html.match(/<svg[\s\S]*?<\/svg>/g)!;
    expect(reliability).toContain('observed share up');
    expect(reliability).toContain('perfectly calibrated');
    expect(equity).toContain('equity (× start)');
    expect(roc).toContain('true positive rate');
    expect(html).toContain('SYNTHETIC DATA');
    const json = JSON.parse(readFileSync(paths.json, 'utf8')) as {
      candidate: { metrics: { accuracy: number } };
      production: { version: string };
      evidence: { skill: { p: { greater: number } } };
      settings: { policy: string };
    };
    expect(json.candidate.metrics.accuracy).toBe(cm.accuracy);
    expect(json.production.version).toBe('v1.0.0');
    expect(json.evidence.skill.p.greater).toBe(evidence.skill.p.greater);
    expect(json.settings.policy).toBe('non-inferior');
    for (const png of [paths.equityPng, paths.rocPng, paths.reliabilityPng]) {
      const bytes = readFileSync(png);
      expect(bytes.subarray(1, 4).toString()).toBe('PNG');
      expect(bytes.readUInt32BE(16)).toBeGreaterThan(500); // width from the IHDR chunk
    }
  });

  it('keeps ids apart for the same chart inlined twice when given prefixes, and labels the y axis', () => {
    const chart = {
      title: 't',
      yName: 'accuracy',
      series: [{ name: 's', color: '#000', data: [0.5, 0.6, 0.55] }],
      categories: ['a', 'b', 'c'],
    };
    const svgs = [lineChartSvg({ ...chart, idPrefix: 'first' }), lineChartSvg({ ...chart, idPrefix: 'second' })];
    const page = svgs.join('\n');
    const ids = [...page.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]!);
    expect(ids.length).toBeGreaterThan(1);
    expect(new Set(ids).size).toBe(ids.length);
    svgs.forEach((svg, k) => {
      const own = new Set([...svg.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]!));
      const refs = [...svg.matchAll(/url\(#([^)]+)\)|href="#([^"]+)"/g)].map((m) => m[1] ?? m[2]!);
      expect(refs.length).toBeGreaterThan(0);
      for (const ref of refs) expect(own.has(ref), ref).toBe(true);
      for (const id of own) expect(id.startsWith(k === 0 ? 'first-' : 'second-'), id).toBe(true);
      expect(svg).not.toMatch(/\bzr\d*-/);
      expect(svg).toMatch(/<text[^>]*>accuracy<\/text>/);
    });
    expect(() => lineChartSvg({ ...chart, idPrefix: '1 bad"' })).toThrow(RangeError);
  });
});
