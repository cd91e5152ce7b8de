import type { Client } from '@temporalio/client';
import type { Command } from 'commander';
import { ConfigError } from '../../lib/util/errors';
import { checkBuildName, DEFAULT_DEPLOYMENT_NAME, type WorkerBuild } from '../../workers/build';

/**
 * The worker builds of trainctl's Worker Deployment, over the server's deployment API: which build
 * is current (new runs start there), which is ramping, and how many open runs each still has
 * pinned. A build that is neither current nor ramping and has no open runs is drained: its workers
 * can be stopped.
 */
export interface BuildState {
  buildId: string;
  state: 'current' | 'ramping' | 'draining' | 'drained';
  /** The ramp's share of new runs, in percent (ramping only). */
  rampPercent?: number;
  /** Open runs pinned to this build (visibility: TemporalWorkerDeploymentVersion). */
  openRuns: number;
  createdAt: string | null;
}

export interface DeploymentState {
  deploymentName: string;
  current: string | null;
  builds: BuildState[];
}

/**
 * The deployment name of this set-up: TRAINCTL_DEPLOYMENT_NAME, else the main task queue's name
 * (`trainctl` by default). One deployment per set-up of queues: a set-up on queues of its own (a
 * second team, a test) has builds and a current build of its own.
 */
export function deploymentNameFrom(env: Record<string, string | undefined>, taskQueue: string): string {
  return env.TRAINCTL_DEPLOYMENT_NAME?.trim() || taskQueue || DEFAULT_DEPLOYMENT_NAME;
}

const isNotFound = (err: unknown) => (err as { code?: number }).code === 5;

export async function describeDeployment(client: Client, deploymentName: string): Promise<DeploymentState> {
  let info;
  try {
    ({ workerDeploymentInfo: info } = await client.workflowService.describeWorkerDeployment({
      namespace: client.options.namespace,
      deploymentName,
    }));
  } catch (err) {
    if (isNotFound(err)) return { deploymentName, current: null, builds: [] };
    throw err;
  }
  const routing = info?.routingConfig;
  const current = routing?.currentDeploymentVersion?.buildId ?? null;
  const ramping = routing?.rampingDeploymentVersion?.buildId ?? null;
  const builds = await Promise.all(
    (info?.versionSummaries ?? []).map(async (v): Promise<BuildState> => {
      const buildId = v.deploymentVersion?.buildId ?? '';
      const openRuns = await openRunsOf(client, { deploymentName, buildId });
      const state = buildId === current ? 'current' : buildId === ramping ? 'ramping' : openRuns > 0 ? 'draining' : 'drained';
      const seconds = Number(v.createTime?.seconds ?? 0);
      return {
        buildId,
        state,
        ...(state === 'ramping' ? { rampPercent: routing?.rampingVersionPercentage ?? 0 } : {}),
        openRuns,
        createdAt: seconds ? new Date(seconds * 1000).toISOString() : null,
      };
    }),
  );
  builds.sort((a, b) => (b.createdAt ?? '').localeCompare(a.createdAt ?? ''));
  return { deploymentName, current, builds };
}

/** Open workflow runs pinned to a build, from visibility (a few seconds behind, like the Web UI). */
export async function openRunsOf(client: Client, build: WorkerBuild): Promise<number> {
  const query = `TemporalWorkerDeploymentVersion = '${build.deploymentName}:${build.buildId}' AND ExecutionStatus = 'Running'`;
  const { count } = await client.workflowService.countWorkflowExecutions({ namespace: client.options.namespace, query });
  return Number(count ?? 0);
}

/**
 * `deployment rollout`: make a build current (every new run starts there; open runs stay on their
 * own build), or ramp it to a percentage of new runs. An unknown build is refused naming the known ones.
 */
export async function rolloutBuild(
  client: Client,
  o: { deploymentName: string; buildId: string; rampPercent?: number; identity?: string },
): Promise<DeploymentState> {
  const before = await describeDeployment(client, o.deploymentName);
  if (!before.builds.some((b) => b.buildId === o.buildId)) throw unknownBuild(before, o.buildId);
  const common = { namespace: client.options.namespace, deploymentName: o.deploymentName, identity: o.identity ?? 'trainctl' };
  if (o.rampPercent === undefined || o.rampPercent >= 100) {
    await client.workflowService.setWorkerDeploymentCurrentVersion({ ...common, buildId: o.buildId });
  } else {
    await client.workflowService.setWorkerDeploymentRampingVersion({ ...common, buildId: o.buildId, percentage: o.rampPercent });
  }
  return describeDeployment(client, o.deploymentName);
}

function unknownBuild(state: DeploymentState, buildId: string): ConfigError {
  const known = state.builds.map((b) => `${b.buildId} (${b.state})`).join(', ') || 'none — start a worker first (`trainctl worker`)';
  return new ConfigError(`build ${buildId} is not a build of deployment ${state.deploymentName}; known builds: ${known}`);
}

/** Before a worker starts: a deployment name or build ID the server would refuse exits 3, naming the known builds. */
export async function checkBuild(client: Client, build: WorkerBuild): Promise<void> {
  checkBuildName('deployment name', build.deploymentName);
  try {
    checkBuildName('build ID', build.buildId);
  } catch (err) {
    const state = await describeDeployment(client, build.deploymentName);
    checkBuildName(
      'build ID',
      build.buildId,
      state.builds.map((b) => b.buildId),
    );
    throw err;
  }
}

/**
 * What `trainctl worker` does once it polls: wait until the server lists its build (a build ID the
 * server refuses never appears: exit 3 naming the known builds), then make it current when the
 * deployment has no current build yet (or always, with `makeCurrent`: `npm start`'s local worker).
 */
export async function registerBuild(
  client: Client,
  build: WorkerBuild,
  o: { makeCurrent?: boolean; waitMs?: number } = {},
): Promise<{ current: boolean; madeCurrent: boolean }> {
  // Generous: on a loaded machine the server's deployment workflow can take a while to list a new build.
  const deadline = Date.now() + (o.waitMs ?? 120_000);
  let state = await describeDeployment(client, build.deploymentName);
  while (!state.builds.some((b) => b.buildId === build.buildId)) {
    if (Date.now() > deadline) {
      const known = state.builds.map((b) => b.buildId).join(', ') || 'none';
      throw new ConfigError(
        `the server did not register build ${build.buildId} of deployment ${build.deploymentName}; known builds: ${known}`,
      );
    }
    await new Promise((r) => setTimeout(r, 250));
    state = await describeDeployment(client, build.deploymentName);
  }
  if (state.current === build.buildId) {
    await routingSettled(client, build.deploymentName, deadline);
    return { current: true, madeCurrent: false };
  }
  if (state.current !== null && !o.makeCurrent) return { current: false, madeCurrent: false };
  await client.workflowService.setWorkerDeploymentCurrentVersion({
    namespace: client.options.namespace,
    deploymentName: build.deploymentName,
    buildId: build.buildId,
    identity: 'trainctl worker',
  });
  await routingSettled(client, build.deploymentName, deadline);
  return { current: true, madeCurrent: true };
}

/**
 * Until the server has propagated the deployment's routing to its task queues: a run started
 * before that (npm start starts one right away) would be queued for unversioned workers, of
 * which there are none. Older servers report no state (UNSPECIFIED): nothing to wait for.
 */
async function routingSettled(client: Client, deploymentName: string, deadline: number): Promise<void> {
  const IN_PROGRESS = 1; // temporal.api.enums.v1.RoutingConfigUpdateState.ROUTING_CONFIG_UPDATE_STATE_IN_PROGRESS
  for (;;) {
    const { workerDeploymentInfo: info } = await client.workflowService.describeWorkerDeployment({
      namespace: client.options.namespace,
      deploymentName,
    });
    if (Number(info?.routingConfigUpdateState ?? 0) !== IN_PROGRESS || Date.now() > deadline) return;
    await new Promise((r) => setTimeout(r, 250));
  }
}

export function formatDeployment(s: DeploymentState): string {
  if (!s.builds.length) return `Deployment ${s.deploymentName}: no builds yet (start one with \`trainctl worker\`).`;
  const rows = s.builds.map(
    (b) =>
      `${b.buildId.padEnd(20)} ${(b.state + (b.rampPercent !== undefined ? ` ${b.rampPercent}%` : '')).padEnd(12)} ${String(b.openRuns).padStart(9)}  ${b.createdAt ?? ''}`,
  );
  const drained = s.builds.filter((b) => b.state === 'drained').map((b) => b.buildId);
  return [
    `Deployment ${s.deploymentName} (current: ${s.current ?? 'none'})`,
    `${'BUILD'.padEnd(20)} ${'STATE'.padEnd(12)} ${'OPEN RUNS'.padStart(9)}  CREATED`,
    ...rows,
    ...(drained.length ? [`Drained (their workers can be stopped): ${drained.join(', ')}`] : []),
  ].join('\n');
}

const parsePercent = (text: string): number => {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0 || n > 100) throw new ConfigError(`--ramp ${text}: expected a percentage above 0 and at most 100`);
  return n;
};

/** `trainctl deployment list|rollout`: the worker builds and their rollout. */
export function addDeploymentCommands(program: Command): void {
  const deployment = program
    .command('deployment')
    .description('worker builds (Worker Deployment Versioning): which build new runs start on, and which can be stopped');
  const withClient = async <T>(fn: (client: Client, deploymentName: string) => Promise<T>): Promise<T> => {
    const { connectClient } = await import('../connection');
    const { client, settings, close } = await connectClient();
    try {
      return await fn(client, deploymentNameFrom(process.env, settings.taskQueue));
    } finally {
      await close();
    }
  };
  deployment
    .command('list')
    .description('every build of the deployment: current, ramping, draining (open runs pinned to it) or drained')
    .option('--json', 'machine-readable output')
    .action(async (o: { json?: boolean }) => {
      const state = await withClient((client, name) => describeDeployment(client, name));
      console.log(o.json ? JSON.stringify(state) : formatDeployment(state));
    });
  deployment
    .command('rollout <buildId>')
    .description('make a build current (new runs start on it; open runs finish on their own build), or ramp it')
    .option('--ramp <percent>', 'send only this percentage of new runs to the build (the rest stay on the current one)')
    .addHelpText(
      'after',
      '\nExamples:\n  trainctl deployment list\n  trainctl deployment rollout wf-3f2a9c1d0b7e\n  trainctl deployment rollout wf-3f2a9c1d0b7e --ramp 10',
    )
    .action(async (buildId: string, o: { ramp?: string }) => {
      const rampPercent = o.ramp === undefined ? undefined : parsePercent(o.ramp);
      const state = await withClient((client, deploymentName) =>
        rolloutBuild(client, { deploymentName, buildId, ...(rampPercent !== undefined ? { rampPercent } : {}) }),
      );
      console.log(formatDeployment(state));
    });
}
