import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MlflowClient, trackSearch, type SearchTracking } from '../../../lib/mlflow';
import { startMlflowServer, type MlflowServer } from '../../support/mlflowServer';

let server: MlflowServer;
let client: MlflowClient;

beforeAll(async () => {
  server = await startMlflowServer();
  client = new MlflowClient(server.uri);
}, 150_000);
afterAll(async () => server?.stop());

const search: SearchTracking = {
  modelName: 'search-tracking',
  searchId: 'hpo-search-tracking-1',
  studyName: 'search-tracking-hpo-1',
  objective: 'walk-forward log loss',
  direction: 'minimize',
  dataWindow: { start: '2021-11-01', end: '2026-10-30' },
  best: { number: 0, value: 0.6812 },
  trials: [
    {
      number: 0,
      state: 'COMPLETE',
      value: 0.6812,
      params: { max_depth: 4, learning_rate: 0.05 },
      foldValues: [0.69, 0.685, 0.682, 0.6812],
    },
    { number: 1, state: 'PRUNED', value: null, params: { max_depth: 9, learning_rate: 0.3 }, foldValues: [0.72, 0.71] },
    {
      number: 2,
      state: 'FAIL',
      value: null,
      params: { max_depth: 3, learning_rate: 0.01 },
      foldValues: [],
      failReason: 'trial exceeded its time limit of 60 s',
    },
  ],
};

describe('a hyperparameter search in MLflow (real server on loopback)', () => {
  it('is a parent run with one nested run per trial: params, fold values, state', async () => {
    const r = await trackSearch(client, search);
    expect(r.ok, r.error).toBe(true);
    const { parentRunId, trialRunIds } = r.value!;
    expect(trialRunIds).toHaveLength(3);
    const parent = await client.getRun(parentRunId);
    expect(parent.info.status).toBe('FINISHED');
    expect(parent.data.metrics?.find((m) => m.key === 'best_value')?.value).toBe(0.6812);
    expect(parent.data.params).toEqual(
      expect.arrayContaining([
        { key: 'n_trials', value: '3' },
        { key: 'objective', value: 'walk-forward log loss' },
      ]),
    );

    const [complete, pruned, failed] = (await Promise.all(trialRunIds.map((id) => client.getRun(id)))) as [
      Awaited<ReturnType<typeof client.getRun>>,
      Awaited<ReturnType<typeof client.getRun>>,
      Awaited<ReturnType<typeof client.getRun>>,
    ];
    for (const t of [complete, pruned, failed])
      expect(t.data.tags).toEqual(expect.arrayContaining([{ key: 'mlflow.parentRunId', value: parentRunId }]));
    expect(complete.data.params).toEqual(
      expect.arrayContaining([
        { key: 'max_depth', value: '4' },
        { key: 'learning_rate', value: '0.05' },
      ]),
    );
    expect(complete.data.metrics?.find((m) => m.key === 'value')?.value).toBe(0.6812);
    expect(complete.data.tags).toEqual(expect.arrayContaining([{ key: 'state', value: 'COMPLETE' }]));
    expect(pruned.data.tags).toEqual(expect.arrayContaining([{ key: 'state', value: 'PRUNED' }]));
    expect(failed.info.status).toBe('FAILED');
    expect(failed.data.tags).toEqual(expect.arrayContaining([{ key: 'fail_reason', value: 'trial exceeded its time limit of 60 s' }]));

    // Every fold's value, step by step (the latest per key is what get-run returns; the history endpoint has all).
    const history = (await (
      await fetch(`${server.uri}/api/2.0/mlflow/metrics/get-history?run_id=${trialRunIds[0]}&metric_key=fold_value`)
    ).json()) as { metrics: { value: number; step: number }[] };
    expect(history.metrics.sort((a, b) => a.step - b.step).map((m) => m.value)).toEqual([0.69, 0.685, 0.682, 0.6812]);
  });

  it('a retried activity logs nothing twice', async () => {
    const again = await trackSearch(client, search);
    expect(again.ok).toBe(true);
    const history = (await (
      await fetch(`${server.uri}/api/2.0/mlflow/metrics/get-history?run_id=${again.value!.trialRunIds[1]}&metric_key=fold_value`)
    ).json()) as { metrics: unknown[] };
    expect(history.metrics).toHaveLength(2);
  });
});
