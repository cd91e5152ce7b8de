import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkMlflowEnv, MlflowClient, mlflowFromEnv, moveChampion, trackCandidate } from '../../../lib/mlflow';
import { ConfigError } from '../../../lib/util/errors';
import { startMlflowServer, type MlflowServer } from '../../support/mlflowServer';

let server: MlflowServer;
let client: MlflowClient;
const dir = mkdtempSync(join(tmpdir(), 'mlflow-artifacts-'));

beforeAll(async () => {
  server = await startMlflowServer();
  client = new MlflowClient(server.uri);
}, 150_000);
afterAll(async () => server?.stop());

function candidate(version: string, workflowId: string) {
  writeFileSync(join(dir, 'model.json'), `{"model":"${version}"}`);
  writeFileSync(join(dir, 'report.md'), `# report ${version}`);
  return {
    modelName: 'direction-classifier',
    workflowId,
    version,
    params: { model_type: 'xgb', max_depth: 6 },
    metrics: { holdout_accuracy: 0.61, cv_accuracy: 0.6 },
    tags: { 'trainctl.data_end': '2026-10-30' },
    artifacts: [
      { path: join(dir, 'model.json'), artifactPath: 'model/model.json' },
      { path: join(dir, 'report.md'), artifactPath: 'report/model_comparison.md' },
    ],
  };
}

describe('MLflow tracking and registry (real server on loopback)', () => {
  it('records a run with params, metrics, tags and artifacts, and a model version with the challenger alias', async () => {
    const r = await trackCandidate(client, candidate('v1.0.0', 'train-a'));
    expect(r.ok, r.error).toBe(true);
    const run = await client.getRun(r.value!.runId);
    expect(run.info.status).toBe('FINISHED');
    expect(run.data.params).toEqual(expect.arrayContaining([{ key: 'max_depth', value: '6' }]));
    expect(run.data.metrics?.find((m) => m.key === 'holdout_accuracy')?.value).toBe(0.61);
    expect(run.data.tags).toEqual(
      expect.arrayContaining([
        { key: 'trainctl.workflow_id', value: 'train-a' },
        { key: 'trainctl.version', value: 'v1.0.0' },
      ]),
    );
    expect(await client.listArtifacts(r.value!.runId, 'model')).toEqual(['model/model.json']);
    expect(await client.listArtifacts(r.value!.runId, 'report')).toEqual(['report/model_comparison.md']);
    const challenger = await client.getAlias('direction-classifier', 'challenger');
    expect(challenger?.tags.trainctl_version).toBe('v1.0.0');
  });

  it('is idempotent for a retried activity: same run, same model version', async () => {
    const first = await trackCandidate(client, candidate('v1.1.0', 'train-b'));
    const again = await trackCandidate(client, candidate('v1.1.0', 'train-b'));
    expect(again.value).toEqual(first.value);
    const versions = await client.searchVersions('direction-classifier');
    expect(versions.filter((v) => v.tags.trainctl_version === 'v1.1.0')).toHaveLength(1);
  });

  it('moves champion on promotion and back on rollback', async () => {
    expect((await moveChampion(client, 'direction-classifier', 'v1.0.0')).ok).toBe(true);
    expect((await moveChampion(client, 'direction-classifier', 'v1.1.0')).ok).toBe(true);
    expect((await client.getAlias('direction-classifier', 'champion'))?.tags.trainctl_version).toBe('v1.1.0');
    expect((await moveChampion(client, 'direction-classifier', 'v1.0.0')).ok).toBe(true);
    expect((await client.getAlias('direction-classifier', 'champion'))?.tags.trainctl_version).toBe('v1.0.0');
    const missing = await moveChampion(client, 'direction-classifier', 'v9.0.0');
    expect(missing.ok).toBe(false);
    expect(missing.error).toContain('v9.0.0');
  });

  it('refuses a malformed tracking URI at start-up with the reason', () => {
    expect(() => checkMlflowEnv({})).not.toThrow();
    expect(() => checkMlflowEnv({ MLFLOW_TRACKING_URI: 'http://127.0.0.1:5000' })).not.toThrow();
    expect(() => checkMlflowEnv({ MLFLOW_TRACKING_URI: '127.0.0.1:5000/' })).toThrow(/is not a URL: use the tracking server's address/);
    expect(() => checkMlflowEnv({ MLFLOW_TRACKING_URI: 'file:///tmp/mlruns' })).toThrow(
      /uses file: trainctl talks to an MLflow tracking server over http\(s\)/,
    );
    expect(() => checkMlflowEnv({ MLFLOW_TRACKING_URI: 'databricks' })).toThrow(ConfigError);
  });

  it('reports an unreachable server instead of throwing, and is off without MLFLOW_TRACKING_URI', async () => {
    expect(mlflowFromEnv({})).toBeNull();
    const down = mlflowFromEnv({ MLFLOW_TRACKING_URI: 'http://127.0.0.1:1' })!;
    const r = await trackCandidate(down, candidate('v2.0.0', 'train-c'));
    expect(r.ok).toBe(false);
    expect(r.error).toContain('unreachable');
  });
});
