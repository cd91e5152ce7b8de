import { describe, expect, it } from 'vitest';
import { candidateRegistration, CODE_VERSION, registerComparedCandidate } from '../../activities/registerCandidate';
import { registryFor } from '../../activities/registry';
import { compareSettings } from '../../lib/config/stageSettings';
import { decideComparison } from '../../lib/validation';
import { compareInputs } from './compareFixture';

async function registration(opts: { signals?: string } = {}) {
  const f = await compareInputs({ skill: 0.4, config: opts.signals ? { signals: opts.signals } : {} });
  const v = decideComparison({
    detail: f.detail,
    candidate: f.backtest.candidate.metrics,
    production: null,
    paramsSource: f.candidate.paramsSource,
    settings: f.config,
  });
  return {
    f,
    input: {
      pipelineId: 'compare-1',
      settings: compareSettings(f.config),
      trainingConfig: f.config,
      data: f.data,
      features: f.features,
      candidate: f.candidate,
      backtest: f.backtest,
      decision: v.decision,
      evidenceSummary: v.evidenceSummary,
    },
  };
}

describe('registering a compared candidate', () => {
  it('records the run, its data, metrics, decision and every setting (for retrains) in the metadata', async () => {
    const { f, input } = await registration({ signals: 'synthetic' });
    const r = candidateRegistration(input);
    expect(r.runId).toBe('compare-1');
    expect(r.labelDefinition).toEqual({ horizon: f.config.labelHorizon, threshold: f.config.labelThreshold });
    expect(r.metadata).toMatchObject({
      modelType: 'xgb',
      params: { nEstimators: 40, paramsSource: 'default', bestIteration: 39, rounds: 40 },
      dataSource: { source: 'synthetic', tickers: ['SYN-A', 'SYN-B'] },
      metrics: { accuracy: f.backtest.candidate.metrics.accuracy, sharpe: f.backtest.candidate.trading.sharpe },
      codeVersion: CODE_VERSION,
      extra: {
        decision: 'PROMOTE',
        failedCriteria: [],
        features: { signals: 'synthetic', signalLagDays: f.config.signalLagDays },
        trainingConfig: f.config,
      },
    });
    expect(r.metadata.extra).not.toHaveProperty('forced');
    expect(r.metadata.extra).not.toHaveProperty('warmStart');
  });

  it('registers staging in the model line, once per pipeline ID', async () => {
    const { f, input } = await registration();
    const version = await registerComparedCandidate(f.deps, input);
    expect(version).toBe('v1.0.0');
    expect(await registerComparedCandidate(f.deps, input)).toBe('v1.0.0');
    const registry = await registryFor(f.deps, f.config.modelName);
    expect((await registry.staging())?.version).toBe('v1.0.0');
    expect((await registry.list()).map((s) => s.version)).toEqual(['v1.0.0']);
    expect(Object.keys((await registry.get('v1.0.0')).files).sort()).toEqual(['model.json', 'model.onnx', 'reference_profile.json']);
  });
});
