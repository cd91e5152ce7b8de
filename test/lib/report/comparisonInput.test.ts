import { describe, expect, it } from 'vitest';
import { comparisonReportInput } from '../../../lib/report';
import { decideComparison } from '../../../lib/validation';
import { comparisonFixture } from '../validation/comparisonFixture';

function content(o: Parameters<typeof comparisonFixture>[0]) {
  const f = comparisonFixture(o);
  const v = decideComparison({
    detail: f.detail,
    candidate: f.backtest.candidate.metrics,
    production: f.backtest.production?.metrics ?? null,
    paramsSource: 'default',
    settings: f.config,
  });
  const input = comparisonReportInput({
    dir: '/r/v1.1.0',
    version: 'v1.1.0',
    pipelineId: 'p-1',
    generatedAt: '2026-10-30T22:00:00.000Z',
    settings: f.config,
    data: f.data,
    candidate: f.candidate,
    backtest: f.backtest,
    detail: f.detail,
    decision: v.decision,
    evidence: v.evidence,
  });
  return { f, v, input };
}

describe('the comparison report content', () => {
  it('the candidate, the settings that decided, the windows and the curves from the backtest detail', () => {
    const { f, v, input } = content({ skill: 0.4 });
    expect(input.candidate).toEqual({
      version: 'v1.1.0',
      modelType: 'xgb',
      engine: 'xgboost 3.0.0',
      metrics: f.backtest.candidate.metrics,
      trading: f.backtest.candidate.trading,
    });
    expect(input.production).toBeNull();
    expect(input.decision).toBe(v.decision);
    expect(input.settings).toEqual({
      threshold: f.config.backtest.threshold,
      costBps: f.config.backtest.costBps,
      labelHorizon: f.config.labelHorizon,
      alpha: f.config.criteria.alpha,
      policy: f.config.criteria.policy,
      tolerance: f.config.criteria.tolerance,
      primaryMetric: f.config.criteria.primaryMetric,
    });
    expect(input.dataWindow).toEqual({
      start: f.data.start,
      end: f.data.end,
      trainEnd: f.detail.holdout.trainEnd,
      holdoutStart: f.detail.holdout.start,
      holdoutEnd: f.detail.holdout.end,
    });
    expect(input.equity.dates).toEqual(f.detail.candidate.backtest.daily.map((d) => d.date));
    expect(input.equity.production).toBeUndefined();
    expect(input.dataSource).toEqual({ name: 'synthetic', synthetic: true, tickers: ['SYN-A', 'SYN-B'] });
    expect(input).not.toHaveProperty('warmStart');
  });

  it('production side by side when it was scored on the same rows', () => {
    const { f, input } = content({ skill: 0.4, production: 0.2 });
    expect(input.production).toEqual({
      version: 'v1.0.0',
      metrics: f.backtest.production!.metrics,
      trading: f.backtest.production!.trading,
    });
    expect(input.equity.production).toHaveLength(f.detail.candidate.backtest.daily.length);
    expect(input.roc.production).toEqual(f.detail.production!.roc);
  });
});
