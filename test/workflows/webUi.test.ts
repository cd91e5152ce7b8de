import { SMALL_PIPELINE } from '../support/pipelineConfig';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRun } from '../../client/commands/run';
import { formatRuns, listRuns } from '../../client/commands/runsList';
import { startDevServerOnFreePorts, type DevServer } from '../../client/devServer';
import { ensureSearchAttributes } from '../../client/searchAttributes';
import { resolvePipelineConfig } from '../../lib/config/pipeline';
import { createTrainingWorker, workflowsPath } from '../../workers/worker';
import { pipelineWorkflowId } from '../../workflows/ids';
import { approveSignal } from '../../workflows/trainingPipeline';
import type { PipelineStatus } from '../../workflows/types';
import { tempPaths, testLogger, uniqueTaskQueue } from '../support/temporal';
import { until } from '../support/polling';
import { launchBrowser } from '../support/browser';

/** Screenshots land here (ignored by git), for people and CI to look at. */
const ARTIFACTS = resolve('test-results');

// A dev server of its own, with the Web UI (the suite's server is headless).
let server: DevServer;
let client: Client;
let clientConnection: Connection;
let connection: NativeConnection;
beforeAll(async () => {
  server = await startDevServerOnFreePorts({ ui: true, startTimeoutMs: 90_000 });
  [clientConnection, connection] = await Promise.all([
    Connection.connect({ address: server.address }),
    NativeConnection.connect({ address: server.address }),
  ]);
  client = new Client({ connection: clientConnection });
}, 120_000);
afterAll(async () => {
  await clientConnection?.close();
  await connection?.close();
  await server?.stop();
});

describe('the Web UI tells the story', () => {
  it('finds a run awaiting approval by its search attributes (CLI and Web UI), shows its summary, stage and approval command', async () => {
    expect(await ensureSearchAttributes(client, 'default')).toEqual({ ok: true });
    const taskQueue = uniqueTaskQueue('web-ui');
    const paths = tempPaths();
    const modelName = `webui-${Date.now().toString(36)}`;
    const settings = { address: server.address, namespace: 'default', taskQueue, uiUrl: server.uiUrl! };
    const worker = await createTrainingWorker({
      connection,
      settings: { namespace: 'default', taskQueue },
      workflowBundle: await bundleWorkflowCode({
        workflowsPath,
        logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: console.error },
      }),
      deps: { paths, logger: testLogger(paths), env: {}, now: () => new Date(), fetch },
    });
    await worker.runUntil(async () => {
      const config = resolvePipelineConfig({
        modelName,
        ...SMALL_PIPELINE,
        approvalTimeout: '30m',
      });
      const { workflowId } = await startRun(client, settings, config);
      expect(workflowId).toBe(pipelineWorkflowId(modelName));

      // `trainctl runs list --awaiting-approval`: one visibility query, no worker involved.
      const filter = { modelName, awaitingApproval: true, limit: 20 };
      const [row] = await until('the run in the awaiting-approval filter', async () => {
        const rows = await listRuns(client, settings, filter);
        return rows.length ? rows : undefined;
      });
      expect(row).toMatchObject({
        workflowId,
        model: modelName,
        stage: 'awaiting_approval',
        candidate: 'v1.0.0',
        outcome: 'awaiting_approval',
      });
      expect(formatRuns([row!], filter)).toContain(`npx trainctl approve ${workflowId} --by NAME`);

      const browser = await launchBrowser();
      try {
        const page = await browser.newPage();
        // The list, filtered by the search attributes as a person would type it in the UI's query box.
        const query = `ModelName="${modelName}" AND PipelineStage="awaiting_approval"`;
        await page.goto(`${server.uiUrl}/namespaces/default/workflows?query=${encodeURIComponent(query)}`);
        const link = page.locator(`a[href*="/workflows/${workflowId}/"]`).first();
        await link.waitFor({ timeout: 60_000 });
        mkdirSync(ARTIFACTS, { recursive: true });
        await page.screenshot({ path: join(ARTIFACTS, 'web-ui-list.png') });
        await link.click();
        // The run's page, tab "User Metadata": the summary set at start and the current details the
        // workflow keeps up to date (the UI renders both as Markdown in sandboxed frames).
        await page.getByText('User Metadata').first().click();
        const everything = async () => {
          const texts = await Promise.all(
            page.frames().map((f) =>
              f
                .locator('body')
                .innerText()
                .catch(() => ''),
            ),
          );
          return texts.join('\n');
        };
        const text = await until(
          'the summary and current details in the UI',
          async () => {
            const t = await everything();
            return t.includes(`npx trainctl approve ${workflowId} --by NAME`) && t.includes(`${modelName}: xgb on synthetic`)
              ? t
              : undefined;
          },
          60_000,
        );
        expect(text).toContain(`${modelName} · outcome: awaiting_approval · stage: approval`);
        expect(text).toMatch(/- compare: done \([\d.]+ s\) — v1\.0\.0: PROMOTE/);
        expect(text).toMatch(/holdout accuracy 0\.\d+ \(naive baseline 0\.\d+\)/);
        await page.screenshot({ path: join(ARTIFACTS, 'web-ui-run.png'), fullPage: true });
      } finally {
        await browser.close();
      }

      await client.workflow.getHandle(workflowId).signal(approveSignal, { version: 'v1.0.0', by: 'alice' });
      expect(((await client.workflow.getHandle(workflowId).result()) as PipelineStatus).outcome).toBe('promoted');
      const done = await until('the Outcome attribute', async () => {
        const rows = await listRuns(client, settings, { modelName, outcome: 'promoted', limit: 5 });
        return rows.length ? rows : undefined;
      });
      expect(done[0]).toMatchObject({ workflowId, stage: 'promoted', candidate: 'v1.0.0', outcome: 'promoted' });
      expect(await listRuns(client, settings, filter)).toEqual([]);
    });
  }, 400_000);
});
