import { NativeConnection, Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import type { LevelWithSilent } from 'pino';
import { effectiveEnv } from '../../lib/config/load';
import { resolvePaths } from '../../lib/config/paths';
import { resolveTemporalSettings } from '../../lib/config/temporal';
import { createLogger, temporalLoggerFromPino } from '../../lib/log';
import { checkMlflowEnv } from '../../lib/mlflow';
import { ConfigError } from '../../lib/util/errors';
import { createTrainingWorker } from '../../workers/worker';

export interface RunningWorker {
  /** Resolves when the worker has shut down (after Ctrl-C / SIGTERM). */
  done: Promise<void>;
}

/**
 * Start the worker with pino as the Temporal runtime logger and run it until SIGINT/SIGTERM,
 * then shut down gracefully (in-flight activities finish or are cancelled by the SDK).
 */
export async function runWorkerUntilSignal(
  options: { logLevel?: LevelWithSilent; onStopped?: () => Promise<void> | void } = {},
): Promise<RunningWorker> {
  const paths = resolvePaths();
  // The config file's service settings (webhooks, retention, MLflow, Temporal) under the environment.
  const env = effectiveEnv();
  const settings = resolveTemporalSettings(env);
  // A malformed tracking URI is a configuration error at start-up, not a warning in every run.
  checkMlflowEnv(env);
  const logger = createLogger({ level: options.logLevel ?? 'info', logsDir: paths.logsDir });
  Runtime.install({
    logger: temporalLoggerFromPino(logger),
    telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'WARN', other: 'ERROR' }), forward: {} } },
  });
  let connection: NativeConnection;
  try {
    connection = await NativeConnection.connect({ address: settings.address });
  } catch (err) {
    throw new ConfigError(
      `Cannot reach Temporal at ${settings.address} (${(err as Error).message.split('\n')[0]}). Start it with \`npx trainctl dev\` or \`npm start\`.`,
    );
  }
  const worker = await createTrainingWorker({
    connection,
    settings,
    deps: { paths, logger, env, now: () => new Date(), fetch },
  });
  const done = (async () => {
    try {
      await worker.run();
    } finally {
      await connection.close();
      await options.onStopped?.();
      logger.info({ module: 'worker' }, 'worker stopped');
    }
  })();
  return { done };
}
