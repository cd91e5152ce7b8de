import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEPLOY_TIMEOUT_ERROR, deployModelActivity, type DeployModelInput } from '../../activities/deployModel';
import type { Paths } from '../../lib/config/paths';
import { tempPaths, testLogger } from '../support/temporal';
import { lineRegistry, prepareMarket, registerTrainedVersion } from './support/modelLine';
import { startServer, type RunningServer } from './support/server';

const MODEL = 'direction-classifier';
let paths: Paths;
let server: RunningServer;
let v1: string;
afterAll(async () => server?.close());

beforeAll(async () => {
  paths = tempPaths('deploy-activity-');
  const market = await prepareMarket(paths);
  v1 = (await registerTrainedVersion({ paths, modelName: MODEL, market, rounds: 10, runId: 'run-1' })).version;
  server = await startServer(paths, MODEL, { pollMs: 20 });
});

const activity = (env: Record<string, string>) =>
  deployModelActivity({ paths, logger: testLogger(paths), env, now: () => new Date(), fetch });

// Called directly (outside an activity context its heartbeats are no-ops): the activity's own logic, real HTTP.
describe('deployModel activity', () => {
  it('waits for the instances to serve the promoted version and measures approval → serving', async () => {
    const decidedAt = new Date().toISOString();
    const deploy = activity({ TRAINCTL_SERVE_INSTANCES: server.url })({
      pipelineId: 'r',
      modelName: MODEL,
      version: v1,
      decidedAt,
      timeoutMs: 10_000,
    });
    await new Promise((r) => setTimeout(r, 200));
    await (await lineRegistry(paths, MODEL)).promote({ version: v1, by: 'alice', reason: 'approved', runId: 'run-1' });
    const result = await deploy;
    expect(result.skipped).toBe(false);
    expect(result.instances.map((i) => [i.url, i.serving])).toEqual([[`${server.url}/`, v1]]);
    expect(result.approvalToServingMs).toBeGreaterThanOrEqual(200);
    expect(result.approvalToServingMs).toBeLessThan(10_000);
  });

  it('is skipped without configured instances, and fails non-retryably naming the instances that did not switch', async () => {
    const input: DeployModelInput = {
      pipelineId: 'r',
      modelName: MODEL,
      version: 'v9.0.0',
      decidedAt: new Date().toISOString(),
      timeoutMs: 300,
    };
    expect(await activity({})(input)).toMatchObject({ skipped: true, approvalToServingMs: null });
    const err = await activity({ TRAINCTL_SERVE_INSTANCES: server.url })(input).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    const failure = err as ApplicationFailure;
    expect(failure.type).toBe(DEPLOY_TIMEOUT_ERROR);
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toBe(`v9.0.0 is not served by 1 of 1 instances after 0 s: ${server.url}/ (still serving ${v1})`);
  });
});
