import { NativeConnection, Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import type { LevelWithSilent } from 'pino';
import { effectiveEnv } from '../../lib/config/load';
import { resolvePaths } from '../../lib/config/paths';
import { resolveTemporalSettings } from '../../lib/config/temporal';
import { planQueues, resolveTaskQueues } from '../../lib/config/taskQueues';
import { createLogger, temporalLoggerFromPino } from '../../lib/log';
import { checkMlflowEnv } from '../../lib/mlflow';
import { ConfigError } from '../../lib/util/errors';
import { describeConnection, temporalConnectionOptions } from '../../lib/config/temporalConnection';
import { createTrainingWorker, workflowsPath } from '../../workers/worker';
import { workflowBuild, type WorkerBuild } from '../../workers/build';
import { PipelineMetrics, serveMetrics } from '../../workers/metrics';
import { startScratchRetention } from '../../workers/scratchRetention';
import { freePort } from '../devServer';

/** TRAINCTL_METRICS_PORT: where the worker serves Prometheus metrics (unset: none). */
export function metricsPortFrom(env: Record<string, string | undefined>): number | undefined {
  const raw = env.TRAINCTL_METRICS_PORT?.trim();
  if (!raw) return undefined;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new ConfigError(`TRAINCTL_METRICS_PORT=${raw}: expected a port number (0–65535)`);
  return port;
}

export interface RunningWorker {
  /** Resolves when the worker has shut down (after Ctrl-C / SIGTERM). */
  done: Promise<void>;
}

/**
 * Start the worker with pino as the Temporal runtime logger and run it until SIGINT/SIGTERM,
 * then shut down gracefully (in-flight activities finish or are cancelled by the SDK).
 */
export async function runWorkerUntilSignal(
  options: {
    logLevel?: LevelWithSilent;
    onStopped?: () => Promise<void> | void;
    metricsPort?: number;
    /** `--queues`: what this worker polls (lib/config/taskQueues.ts planQueues); default every queue of the set-up. */
    queues?: string;
    /** `--build-id`: this worker's build (default: derived from the workflow bundle, workers/build.ts). */
    buildId?: string;
    /** Make this build current even if another is (`npm start`'s local worker); otherwise only when none is. */
    makeCurrent?: boolean;
  } = {},
): Promise<RunningWorker> {
  const paths = resolvePaths();
  // The config file's service settings (webhooks, retention, MLflow, Temporal) under the environment.
  const env = effectiveEnv();
  const settings = resolveTemporalSettings(env);
  // A malformed tracking URI is a configuration error at start-up, not a warning in every run.
  checkMlflowEnv(env);
  // TLS / mTLS / API key from the temporal CLI's variables; a bad setting stops here (exit 3).
  const connectionOptions = temporalConnectionOptions(settings.address, env);
  // Which queues, with which activity kinds and concurrency; an unknown name stops here (exit 3).
  const polls = planQueues(settings.queues ?? resolveTaskQueues(env, settings.taskQueue), options.queues);
  const metricsPort = options.metricsPort ?? metricsPortFrom(env);
  // The SDK's own Prometheus exporter on a loopback port of its own; /metrics on metricsPort serves both.
  const sdkMetricsAddress = metricsPort !== undefined ? `127.0.0.1:${await freePort()}` : undefined;
  const logger = createLogger({ level: options.logLevel ?? 'info', logsDir: paths.logsDir });
  Runtime.install({
    logger: temporalLoggerFromPino(logger),
    telemetryOptions: {
      logging: { filter: makeTelemetryFilterString({ core: 'WARN', other: 'ERROR' }), forward: {} },
      ...(sdkMetricsAddress ? { metrics: { prometheus: { bindAddress: sdkMetricsAddress } } } : {}),
    },
  });
  // Every stage publishes its files to, and reads its inputs from, this store (TRAINCTL_ARTIFACTS;
  // default the project directory). One in S3 that cannot be used stops the worker now, in one line.
  const { checkStore, openStore } = await import('../../lib/store');
  const store = openStore({ env });
  if (store.kind === 's3') await checkStore(store);
  // Worker Versioning: one build for every queue of this process; a build ID the server would refuse stops here.
  const { bundle, build } = await workflowBuild({
    workflowsPath,
    deploymentName: (await import('./deployment')).deploymentNameFrom(env, settings.taskQueue),
    ...(options.buildId !== undefined ? { buildId: options.buildId } : env.TRAINCTL_BUILD_ID ? { buildId: env.TRAINCTL_BUILD_ID } : {}),
  });
  const unreachable = (err: unknown) =>
    new ConfigError(
      `Cannot reach Temporal at ${settings.address} (${(err as Error).message.split('\n')[0]}). Start it with \`npx trainctl dev\` or \`npm start\`.`,
    );
  const deploymentApi = await connectDeploymentApi(connectionOptions, settings.namespace).catch((err: unknown) => {
    throw unreachable(err);
  });
  try {
    await deploymentApi.checkBuild(build);
  } catch (err) {
    await deploymentApi.close();
    throw err;
  }
  let connection: NativeConnection;
  try {
    connection = await NativeConnection.connect(connectionOptions);
  } catch (err) {
    await deploymentApi.close();
    throw unreachable(err);
  }
  const metrics = metricsPort !== undefined ? new PipelineMetrics() : undefined;
  const deps = { paths, logger, env, now: () => new Date(), fetch, store };
  const workers = await Promise.all(
    polls.map((poll) =>
      createTrainingWorker({ connection, settings, deps, poll, build, workflowBundle: bundle, ...(metrics ? { metrics } : {}) }),
    ),
  );
  // Run scratch retention (lib/runs): at start and every hour, never touching open or live runs.
  const sweep = startScratchRetention({
    connection,
    namespace: settings.namespace,
    deps: { paths, logger, env, now: () => new Date(), fetch, store },
  });
  const endpoint = metrics
    ? await serveMetrics({ host: env.TRAINCTL_METRICS_HOST ?? '127.0.0.1', port: metricsPort!, metrics, sdkAddress: sdkMetricsAddress })
    : undefined;
  if (endpoint) logger.info({ module: 'worker', metrics: endpoint.url }, `Prometheus metrics on ${endpoint.url}`);
  logger.info(
    {
      module: 'worker',
      temporal: describeConnection(connectionOptions),
      queues: polls.map((p) => ({ name: p.name, workflows: p.workflows, kinds: p.kinds, concurrency: p.maxConcurrentActivities })),
    },
    `worker connected; polling ${polls.map((p) => `${p.name} (${p.workflows ? 'workflows + ' : ''}${p.kinds.join(' + ')} activities, ${p.maxConcurrentActivities} at a time)`).join(', ')}`,
  );
  const stopAll = () => {
    for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
  };
  // One Temporal worker per queue on the shared connection; if one stops with an error, stop the others.
  const running = Promise.all(
    workers.map((w) =>
      w.run().catch((err: unknown) => {
        stopAll();
        throw err;
      }),
    ),
  );
  // Handled in `done`; marked here so a worker that fails while the build registers is no unhandled rejection.
  running.catch(() => undefined);
  // Once polling, the build is registered; the first build of a deployment (or `makeCurrent`) becomes
  // current. Awaited before returning: a run started right after (npm start) finds its build current.
  const registered = await deploymentApi
    .register(build, { makeCurrent: options.makeCurrent })
    .then(
      (r) => {
        logger.info(
          { module: 'worker', deployment: build.deploymentName, buildId: build.buildId, current: r.current },
          `worker build ${build.deploymentName}/${build.buildId}${r.madeCurrent ? ' is now current' : r.current ? ' (current)' : ' registered; not current: roll it out with `trainctl deployment rollout ' + build.buildId + '`'}`,
        );
        return undefined;
      },
      (err: unknown) => {
        stopAll();
        return err as Error;
      },
    )
    .finally(() => deploymentApi.close());
  const stopped = async () => {
    await connection.close();
    await endpoint?.close();
    await sweep.stop();
  };
  if (registered) {
    // The workers stop (they would poll for a build no run is routed to): the caller hears why now.
    await running.catch(() => undefined);
    await stopped();
    throw registered;
  }
  const done = (async () => {
    try {
      await running;
    } finally {
      await stopped();
      await options.onStopped?.();
      logger.info({ module: 'worker' }, 'worker stopped');
    }
  })();
  return { done };
}

/** The server's deployment API on its own client connection (the worker's is a NativeConnection). */
async function connectDeploymentApi(connectionOptions: ReturnType<typeof temporalConnectionOptions>, namespace: string) {
  const [{ Client, Connection }, deployment] = await Promise.all([import('@temporalio/client'), import('./deployment')]);
  const connection = await Connection.connect(connectionOptions);
  const client = new Client({ connection, namespace });
  return {
    checkBuild: (build: WorkerBuild) => deployment.checkBuild(client, build),
    register: (build: WorkerBuild, o: { makeCurrent?: boolean }) => deployment.registerBuild(client, build, o),
    close: () => connection.close(),
  };
}
