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
import { createTrainingWorker } from '../../workers/worker';
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
  let connection: NativeConnection;
  try {
    connection = await NativeConnection.connect(connectionOptions);
  } catch (err) {
    throw new ConfigError(
      `Cannot reach Temporal at ${settings.address} (${(err as Error).message.split('\n')[0]}). Start it with \`npx trainctl dev\` or \`npm start\`.`,
    );
  }
  const metrics = metricsPort !== undefined ? new PipelineMetrics() : undefined;
  const deps = { paths, logger, env, now: () => new Date(), fetch, store };
  const workers = await Promise.all(
    polls.map((poll) => createTrainingWorker({ connection, settings, deps, poll, ...(metrics ? { metrics } : {}) })),
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
  const done = (async () => {
    try {
      // One Temporal worker per queue on the shared connection; if one stops with an error, stop the others.
      await Promise.all(
        workers.map((w) =>
          w.run().catch((err: unknown) => {
            for (const other of workers) if (other !== w && other.getState() === 'RUNNING') other.shutdown();
            throw err;
          }),
        ),
      );
    } finally {
      await connection.close();
      await endpoint?.close();
      await sweep.stop();
      await options.onStopped?.();
      logger.info({ module: 'worker' }, 'worker stopped');
    }
  })();
  return { done };
}
