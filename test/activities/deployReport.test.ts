import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deployModelActivity } from '../../activities/deployModel';
import { modelLinePaths, type Paths } from '../../lib/config/paths';
import type { DeploymentRecord } from '../../lib/report/deploymentSection';
import { lineRegistry, prepareMarket, registerTrainedVersion } from '../serving/support/modelLine';
import { startServer, type RunningServer } from '../serving/support/server';
import { tempPaths, testLogger } from '../support/temporal';

const MODEL = 'direction-classifier';
let paths: Paths;
let server: RunningServer;
let v1: string;
afterAll(async () => server?.close());

beforeAll(async () => {
  paths = tempPaths('deploy-report-');
  const market = await prepareMarket(paths);
  v1 = (await registerTrainedVersion({ paths, modelName: MODEL, market, rounds: 10, runId: 'run-1' })).version;
  server = await startServer(paths, MODEL, { pollMs: 20 });
});

// The deploy step against a real service: what it measured is what the version's report says.
describe('deployModel activity and the report', () => {
  it('records approval → serving and the instances in the comparison report of the deployed version', async () => {
    const dir = join(modelLinePaths(paths, MODEL).reportsDir, v1);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'model_comparison.md'), `# Model comparison — candidate ${v1}\n`);
    writeFileSync(join(dir, 'model_comparison.html'), '<html><body><h1>Model comparison</h1></body></html>');
    writeFileSync(join(dir, 'model_comparison.json'), JSON.stringify({ version: v1 }));
    const deploy = deployModelActivity({
      paths,
      logger: testLogger(paths),
      env: { TRAINCTL_SERVE_INSTANCES: server.url },
      now: () => new Date(),
      fetch,
    })({
      pipelineId: 'train-direction-classifier-abc',
      modelName: MODEL,
      version: v1,
      decidedAt: new Date().toISOString(),
      timeoutMs: 10_000,
    });
    await new Promise((r) => setTimeout(r, 150));
    await (await lineRegistry(paths, MODEL)).promote({ version: v1, by: 'alice', reason: 'approved', runId: 'run-1' });
    const result = await deploy;
    const json = JSON.parse(readFileSync(join(dir, 'model_comparison.json'), 'utf8')) as { deployments: DeploymentRecord[] };
    expect(json.deployments).toHaveLength(1);
    expect(json.deployments[0]).toMatchObject({
      pipelineId: 'train-direction-classifier-abc',
      outcome: 'serving',
      approvalToServingMs: result.approvalToServingMs,
      instances: [{ url: `${server.url}/`, problem: null }],
    });
    const md = readFileSync(join(dir, 'model_comparison.md'), 'utf8');
    expect(md).toContain(`${((result.approvalToServingMs ?? NaN) / 1000).toFixed(1)} s | all 1 instance(s) serve it`);
    expect(readFileSync(join(dir, 'model_comparison.html'), 'utf8')).toContain('<h2>Deployment</h2>');
  });
});
