import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { describeDeployment, rolloutBuild } from '../../client/commands/deployment';
import { resolvePipelineConfig } from '../../lib/config/pipeline';
import { approveSignal, statusQuery, trainingPipeline } from '../../workflows/trainingPipeline';
import { TINY_PIPELINE } from '../support/pipelineConfig';
import { until } from '../support/polling';
import { uniqueTaskQueue } from '../support/temporal';

/**
 * Worker Deployment Versioning against the real dev server, with real `trainctl worker` processes:
 * a run waiting at the approval gate on build A stays on build A after build B became current and
 * is approved there; new runs start on B; A drains and its worker stops once none of its runs is open.
 */
const PINNED = temporal.api.enums.v1.VersioningBehavior.VERSIONING_BEHAVIOR_PINNED;
const bin = fileURLToPath(new URL('../../bin/trainctl.mjs', import.meta.url));
const deploymentName = `vtest-${Date.now().toString(36)}`;
const taskQueue = uniqueTaskQueue('versioning');
const home = mkdtempSync(join(tmpdir(), 'versioning-home-'));
const children: { child: ChildProcess; out: string[] }[] = [];
let connection: Connection;
let client: Client;

function trainctl(args: string[], env: Record<string, string> = {}) {
  const base: Record<string, string | undefined> = { ...process.env };
  for (const k of Object.keys(base)) if (k.startsWith('TRAINCTL_')) delete base[k];
  const child = spawn(process.execPath, [bin, ...args], {
    env: {
      ...base,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
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
  connection = await Connection.connect({ address: inject('temporalAddress') });
  client = new Client({ connection });
});
afterAll(async () => {
  for (const c of children) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
  await connection?.close();
});

describe('Worker Versioning', () => {
  it('keeps a run at the gate on its build while a new build takes new runs, then drains the old one', async () => {
    const a = await startWorker('build-a');
    // The first build of a deployment becomes current on its own.
    expect((await describeDeployment(client, deploymentName)).current).toBe('build-a');
    const first = await startRun('vers-first');
    await atGate(first);
    expect(await pinnedBuild(first)).toEqual({ behavior: PINNED, buildId: 'build-a' });

    const b = await startWorker('build-b');
    let state = await describeDeployment(client, deploymentName);
    expect(state.current, 'a second build is registered, not made current').toBe('build-a');
    state = await rolloutBuild(client, { deploymentName, buildId: 'build-b' });
    expect(state.current).toBe('build-b');
    // What the Web UI's deployment page reads: both builds of the deployment.
    expect(state.builds.map((x) => x.buildId).sort()).toEqual(['build-a', 'build-b']);

    const second = await startRun('vers-second');
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
