import { describe, expect, it } from 'vitest';
import { PipelineMetrics } from '../../../lib/metrics/pipelineMetrics';
import { promSamples } from '../../support/polling';

const status = (version: string, accuracy: number) => ({
  pipelineId: 'train-m-1',
  modelName: 'm',
  outcome: 'awaiting_approval',
  candidateVersion: version,
  candidate: { version, metrics: { accuracy, auc: 0.61, logLoss: 0.68, nRows: 250 }, trading: {} },
});

describe('PipelineMetrics', () => {
  it('counts runs by outcome from the terminal notifications and keeps only the latest candidate per model', async () => {
    const m = new PipelineMetrics();
    m.observe({ type: 'notify', seconds: 0.01, ok: true, input: { event: 'started', modelName: 'm', status: { outcome: 'running' } } });
    m.observe({
      type: 'notify',
      seconds: 0.01,
      ok: true,
      input: { event: 'awaiting_approval', modelName: 'm', status: status('v1.1.0', 0.55) },
    });
    m.observe({ type: 'notify', seconds: 0.01, ok: true, input: { event: 'promoted', modelName: 'm', status: status('v1.1.0', 0.55) } });
    m.observe({
      type: 'notify',
      seconds: 0.01,
      ok: true,
      input: { event: 'awaiting_approval', modelName: 'm', status: status('v1.2.0', 0.57) },
    });
    m.observe({ type: 'notify', seconds: 0.01, ok: true, input: { event: 'rejected', modelName: 'm', status: status('v1.2.0', 0.57) } });
    m.observe({ type: 'notify', seconds: 0.01, ok: true, input: { event: 'failed', modelName: 'other', status: { outcome: 'failed' } } });
    const s = promSamples(await m.registry.metrics());
    expect(s['trainctl_runs_total{model="m",outcome="promoted"}']).toBe(1);
    expect(s['trainctl_runs_total{model="m",outcome="rejected"}']).toBe(1);
    expect(s['trainctl_runs_total{model="other",outcome="failed"}']).toBe(1);
    expect(Object.keys(s).filter((k) => k.startsWith('trainctl_runs_total{model="m",outcome="started"'))).toEqual([]);
    expect(s['trainctl_candidate_holdout_metric{model="m",version="v1.2.0",metric="accuracy"}']).toBe(0.57);
    expect(s['trainctl_candidate_holdout_metric{model="m",version="v1.2.0",metric="auc"}']).toBe(0.61);
    expect(Object.keys(s).some((k) => k.includes('version="v1.1.0"'))).toBe(false);
  });

  it('times activities by type and result, and records search trials, drift and performance status', async () => {
    const m = new PipelineMetrics();
    m.observe({ type: 'trainModel', seconds: 3.2, ok: true, input: { config: { modelName: 'm' } } });
    m.observe({ type: 'trainModel', seconds: 0.4, ok: false, input: { config: { modelName: 'm' } } });
    const trials = ['COMPLETE', 'COMPLETE', 'PRUNED', 'FAIL', 'RUNNING'].map((state, number) => ({ number, state }));
    m.observe({ type: 'writeSearchResults', seconds: 0.1, ok: true, input: { modelName: 'm', state: { trials } } });
    m.observe({ type: 'checkDrift', seconds: 1, ok: true, input: { modelName: 'm' }, result: { status: 'critical' } });
    m.observe({
      type: 'measurePerformance',
      seconds: 1,
      ok: true,
      input: { modelName: 'm' },
      result: { drop: { status: 'drop', level: 'warning' } },
    });
    const s = promSamples(await m.registry.metrics());
    expect(s['trainctl_activity_duration_seconds_count{activity="trainModel",result="ok"}']).toBe(1);
    expect(s['trainctl_activity_duration_seconds_sum{activity="trainModel",result="ok"}']).toBeCloseTo(3.2);
    expect(s['trainctl_activity_duration_seconds_count{activity="trainModel",result="error"}']).toBe(1);
    expect(s['trainctl_search_trials{model="m",state="complete"}']).toBe(2);
    expect(s['trainctl_search_trials{model="m",state="pruned"}']).toBe(1);
    expect(s['trainctl_search_trials{model="m",state="fail"}']).toBe(1);
    expect(s['trainctl_drift_status{model="m"}']).toBe(2);
    expect(s['trainctl_performance_status{model="m"}']).toBe(1);
    m.observe({ type: 'checkDrift', seconds: 1, ok: true, input: { modelName: 'm' }, result: { status: 'ok' } });
    expect(promSamples(await m.registry.metrics())['trainctl_drift_status{model="m"}']).toBe(0);
  });
});
