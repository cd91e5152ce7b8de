import { describe, expect, it } from 'vitest';
import { candidateRun } from '../../../lib/mlflow';
import { decideComparison } from '../../../lib/validation';
import { comparisonFixture } from '../validation/comparisonFixture';

const files = {
  model: '/m/model.json',
  onnx: '/m/model.onnx',
  featureSchema: '/m/feature_schema.json',
  report: { markdown: '/r/model_comparison.md', html: '/r/model_comparison.html', json: '/r/model_comparison.json' },
};

function run(config: Parameters<typeof comparisonFixture>[0]['config'] = {}) {
  const f = comparisonFixture({ skill: 0.4, config });
  const v = decideComparison({
    detail: f.detail,
    candidate: f.backtest.candidate.metrics,
    production: null,
    paramsSource: 'default',
    settings: f.config,
  });
  return {
    f,
    run: candidateRun({
      pipelineId: 'p-1',
      version: 'v1.0.0',
      decision: v.decision.decision,
      settings: f.config,
      data: f.data,
      features: f.features,
      candidate: f.candidate,
      backtest: f.backtest,
      evidence: v.evidence,
      files,
    }),
  };
}

describe('what MLflow records about a compared candidate', () => {
  it('params, prefixed metrics, tags and the six artifacts', () => {
    const { f, run: r } = run();
    expect(r).toMatchObject({ modelName: 'fixture', workflowId: 'p-1', version: 'v1.0.0' });
    expect(r.params).toEqual({
      model_type: 'xgb',
      nEstimators: 40,
      maxDepth: 4,
      learningRate: 0.1,
      minChildWeight: 2,
      subsample: 0.8,
      colsampleBytree: 0.8,
      holdout: f.config.holdout,
      label_horizon: f.config.labelHorizon,
      tickers: 'SYN-A,SYN-B',
      source: 'synthetic',
    });
    expect(r.metrics).toMatchObject({
      n_samples: 750,
      n_features: 3,
      cv_folds: 5,
      holdout_accuracy: f.backtest.candidate.metrics.accuracy,
      trading_totalReturn: f.backtest.candidate.trading.totalReturn,
    });
    expect(Object.keys(r.metrics).some((k) => k.startsWith('holdout_accuracy_ci_'))).toBe(true);
    expect(r.tags).toEqual({
      'trainctl.engine': 'xgboost 3.0.0',
      'trainctl.data_start': f.data.start,
      'trainctl.data_end': f.data.end,
      'trainctl.synthetic': 'true',
      'trainctl.decision': 'PROMOTE',
    });
    expect(r.artifacts.map((a) => a.artifactPath)).toEqual([
      'model/model.json',
      'model/model.onnx',
      'model/feature_schema.json',
      'report/model_comparison.md',
      'report/model_comparison.html',
      'report/model_comparison.json',
    ]);
  });

  it('tags a forced run', () => {
    expect(run({ force: true }).run.tags['trainctl.forced']).toBe('true');
    expect(run({ skipValidation: true }).run.tags['trainctl.forced']).toBe('true');
  });
});
