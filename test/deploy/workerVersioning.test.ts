import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeDeployment, rolloutBuild } from '../../client/commands/deployment';
import { startDevServerOnFreePorts, type DevServer } from '../../client/devServer';
import { resolvePipelineConfig } from '../../lib/config/pipeline';
import { approveSignal, statusQuery, trainingPipeline } from '../../workflows/trainingPipeline';
import { hasChromium, launchBrowser, screenshot } from '../support/browser';
import { TINY_PIPELINE } from '../support/pipelineConfig';
import { until } from '../support/polling';
import { uniqueTaskQueue } from '../support/temporal';

/**
 * Worker Deployment Versioning against the real dev server, with real `trainctl worker` processes:
 * a run waiting at the approval gate on build A stays on build A after build B became current and
 * is approved there; new runs start on B; A drains and its worker stops once none of its runs is open;
 * the Web UI (chromium through playwright-core) shows both builds and which run is pinned to which.
 * The file starts a dev server of its own, with the Web UI (the suite's server is headless).
 */
const PINNED = temporal.api.enums.v1.VersioningBehavior.VERSIONING_BEHAVIOR_PINNED;
const bin = fileURLToPath(new URL('../../bin/trainctl.mjs', import.meta.url));
const deploymentName = `vtest-${Date.now().toString(36)}`;
const taskQueue = uniqueTaskQueue('versioning');
const home = mkdtempSync(join(tmpdir(), 'versioning-home-'));
const children: { child: ChildProcess; out: string[] }[] = [];
let server: DevServer;
let connection: Connection;
let client: Client;

function trainctl(args: string[], env: Record<string, string> = {}) {
  const base: Record<string, string | undefined> = { ...process.env };
  for (const k of Object.keys(base)) if (k.startsWith('TRAINCTL_')) delete base[k];
  const child = spawn(process.execPath, [bin, ...args], {
    env: {
      ...base,
      TEMPORAL_ADDRESS: server.address,
      TRAINCTL_TASK_QUEUE: taskQueue,
      TRAINCTL_HOME: home,
      TRAINCTL_DEPLOYMENT_NAME: deploymentName,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const run = { child, out: [] as string[] };
  child.stdout.on('data', (d: Buffer) => run.out.push(d.toString()));
  child.stderr.on('data', (d: Buffer) => run.out.push(d.toString()));
  children.push(run);
  return run;
}

async function startWorker(buildId: string) {
  const w = trainctl(['worker', '--log-level', 'info'], { TRAINCTL_BUILD_ID: buildId });
  await until(
    `worker ${buildId} registered`,
    async () => {
      if (w.child.exitCode !== null) throw new Error(`worker ${buildId} exited ${w.child.exitCode}: ${w.out.join('').slice(-1500)}`);
      return w.out.join('').includes(`worker build ${deploymentName}/${buildId}`) ? true : undefined;
    },
    120_000,
  );
  return w;
}

const exited = (c: ChildProcess) =>
  new Promise<number | null>((resolve) => (c.exitCode !== null ? resolve(c.exitCode) : c.once('exit', (code) => resolve(code))));

async function pinnedBuild(handle: WorkflowHandle): Promise<{ behavior: unknown; buildId: unknown }> {
  const info = (await handle.describe()).raw.workflowExecutionInfo?.versioningInfo;
  return { behavior: info?.behavior, buildId: info?.deploymentVersion?.buildId };
}

function startRun(modelName: string) {
  return client.workflow.start(trainingPipeline, {
    taskQueue,
    workflowId: `train-${modelName}-${Date.now().toString(36)}`,
    args: [{ config: resolvePipelineConfig({ ...TINY_PIPELINE, modelName, seed: 7 }) }],
  });
}

const atGate = (handle: WorkflowHandle) =>
  until(`${handle.workflowId} at the gate`, async () => {
    const s = await handle.query(statusQuery);
    if (s.stage === 'done') throw new Error(`${handle.workflowId} ended ${s.outcome}: ${s.reason ?? JSON.stringify(s.error)}`);
    return s.outcome === 'awaiting_approval' ? s : undefined;
  });

beforeAll(async () => {
  server = await startDevServerOnFreePorts({ ui: true, startTimeoutMs: 90_000 });
  connection = await Connection.connect({ address: server.address });
  client = new Client({ connection });
}, 120_000);
afterAll(async () => {
  for (const c of children) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
  await connection?.close();
  await server?.stop();
});

/** The scenario runs in steps (so the Web UI step can skip without chromium); each step needs the ones before. */
const scenario: {
  a?: ReturnType<typeof trainctl>;
  b?: ReturnType<typeof trainctl>;
  first?: WorkflowHandle<typeof trainingPipeline>;
  second?: WorkflowHandle<typeof trainingPipeline>;
} = {};
function earlier<T>(v: T | undefined): T {
  if (v === undefined) throw new Error('an earlier step of the scenario did not get here');
  return v;
}

/**
 * The deployment's page in the Web UI (Workers › Deployments › <deployment>, at
 * /namespaces/default/workers/deployments/<deployment>), as it shows now: one table row per build,
 * build ID → the row's other text, its lifecycle first ("Current", "Draining" …).
 */
async function deploymentRows(page: Page): Promise<Record<string, string>> {
  await page.getByRole('heading', { name: deploymentName, exact: true }).waitFor({ timeout: 60_000 });
  const rows = page.locator('tbody tr');
  await rows.first().waitFor({ timeout: 60_000 });
  const texts = await rows.allInnerTexts();
  return Object.fromEntries(
    texts.map((t) => {
      const [buildId, ...rest] = t.split(/\s+/).filter(Boolean);
      return [buildId!, rest.join(' ')];
    }),
  );
}

/** A field of the header of a run's page in the Web UI. */
const runField = (page: Page, label: string) => page.locator(`dl[aria-label="workflow details"] dt:text-is("${label}") + dd`);

/** A run's page in the Web UI: the versioning fields of its header. */
async function runVersioning(page: Page, handle: WorkflowHandle): Promise<Record<string, string>> {
  const runId = (await handle.describe()).runId;
  await page.goto(`${server.uiUrl}/namespaces/default/workflows/${handle.workflowId}/${runId}`);
  const field = (label: string) => runField(page, label);
  await field('Versioning Behavior').waitFor({ timeout: 60_000 });
  const labels = ['Deployment', 'Build ID', 'Versioning Behavior'];
  const values = await Promise.all(labels.map(async (l) => (await field(l).innerText()).trim()));
  return Object.fromEntries(labels.map((l, i) => [l, values[i]!]));
}

describe('Worker Versioning', () => {
  it('keeps a run at the gate on its build while a new build takes new runs', async () => {
    scenario.a = await startWorker('build-a');
    // The first build of a deployment becomes current on its own.
    expect((await describeDeployment(client, deploymentName)).current).toBe('build-a');
    const first = (scenario.first = await startRun('vers-first'));
    await atGate(first);
    expect(await pinnedBuild(first)).toEqual({ behavior: PINNED, buildId: 'build-a' });

    scenario.b = await startWorker('build-b');
    let state = await describeDeployment(client, deploymentName);
    expect(state.current, 'a second build is registered, not made current').toBe('build-a');
    state = await rolloutBuild(client, { deploymentName, buildId: 'build-b' });
    expect(state.current).toBe('build-b');
    // What the Web UI's deployment page reads: both builds of the deployment.
    expect(state.builds.map((x) => x.buildId).sort()).toEqual(['build-a', 'build-b']);

    const second = (scenario.second = await startRun('vers-second'));
    await atGate(second);
    expect(await pinnedBuild(second)).toEqual({ behavior: PINNED, buildId: 'build-b' });
    // Build A still has an open run pinned to it.
    await until(
      'build-a draining',
      async () => {
        const s = await describeDeployment(client, deploymentName);
        return s.builds.find((x) => x.buildId === 'build-a')?.state === 'draining' ? true : undefined;
      },
      30_000,
    );
  }, 400_000);

  it.skipIf(!hasChromium)(
    'the Web UI shows the gate run pinned to A, and both builds on the deployment page, B current and A draining [needs chromium]',
    async () => {
      const first = earlier(scenario.first);
      const browser = await launchBrowser();
      try {
        const page = await browser.newPage();
        // The run waiting at the gate: its page names its deployment, its build and PINNED.
        expect(await runVersioning(page, first)).toEqual({
          Deployment: deploymentName,
          'Build ID': 'build-a',
          'Versioning Behavior': 'Pinned',
        });
        await screenshot(page, 'web-ui-gate-run-pinned');

        // Its deployment link leads to the deployment's page (navigation inside the UI, no reload).
        await runField(page, 'Deployment').getByRole('link').click();
        await page.waitForURL(`**/namespaces/default/workers/deployments/${deploymentName}`, { timeout: 60_000 });
        let rows: Record<string, string> = {};
        await until(
          'both builds with their lifecycle on the deployment page',
          async () => {
            rows = await deploymentRows(page);
            if (/^Current\b/.test(rows['build-b'] ?? '') && /^Draining\b/.test(rows['build-a'] ?? '')) return true;
            await page.reload();
            return undefined;
          },
          90_000,
        ).catch((e: Error) => {
          throw new Error(`${e.message}; the page showed ${JSON.stringify(rows)}`);
        });
        expect(Object.keys(rows).sort()).toEqual(['build-a', 'build-b']);
        await screenshot(page, 'web-ui-deployment-versions');
      } finally {
        await browser.close();
      }
    },
    240_000,
  );

  it('approves the old run on its own build, then drains A and stops its worker', async () => {
    const [a, b, first, second] = [earlier(scenario.a), earlier(scenario.b), earlier(scenario.first), earlier(scenario.second)];
    // The old run is approved on its own build and finishes there.
    const s1 = await first.query(statusQuery);
    await first.signal(approveSignal, { version: s1.candidateVersion!, by: 'reviewer' });
    expect((await first.result()).outcome).toBe('promoted');
    expect(await pinnedBuild(first)).toMatchObject({ buildId: 'build-a' });
    const events = (await first.fetchHistory()).events ?? [];
    const completedBy = new Set(
      events
        .map((e) => e.workflowTaskCompletedEventAttributes)
        .filter(Boolean)
        .map((x) => x!.deploymentVersion?.buildId),
    );
    expect([...completedBy]).toEqual(['build-a']);

    // No open run left on A: drained, and its worker can be stopped.
    await until(
      'build-a drained',
      async () => {
        const s = await describeDeployment(client, deploymentName);
        return s.builds.find((x) => x.buildId === 'build-a')?.state === 'drained' ? true : undefined;
      },
      60_000,
    );
    a.child.kill('SIGTERM');
    expect(await exited(a.child)).toBe(0);

    const s2 = await second.query(statusQuery);
    await second.signal(approveSignal, { version: s2.candidateVersion!, by: 'reviewer' });
    expect((await second.result()).outcome).toBe('promoted');
    b.child.kill('SIGTERM');
    expect(await exited(b.child)).toBe(0);
  }, 600_000);

  it('refuses a build ID the server would refuse, and a rollout of an unknown build, naming the known builds', async () => {
    const bad = trainctl(['worker'], { TRAINCTL_BUILD_ID: 'bad.build:id' });
    expect(await exited(bad.child)).toBe(3);
    const out = bad.out.join('').trim();
    expect(out).toMatch(/build ID "bad\.build:id" is not accepted.*known builds: build-[ab], build-[ab]$/);
    expect(out.split('\n')).toHaveLength(1);

    const rollout = trainctl(['deployment', 'rollout', 'build-zzz']);
    expect(await exited(rollout.child)).toBe(3);
    expect(rollout.out.join('').trim()).toMatch(
      /^trainctl: build build-zzz is not a build of deployment vtest-\S+; known builds: build-[ab] \(\w+\), build-[ab] \(\w+\)$/,
    );
  }, 120_000);
});
