import { resolvePaths } from '../../lib/config/paths';
import { parseSource } from '../../lib/data';
import { applyRetention, PredictionLogWriter } from '../../lib/predictionLog';
import { assertModelName } from '../../lib/registry';
import { buildServer, dataCacheSeriesLoader, predictionLogDir, registryRoot, type AbConfig } from '../../lib/serving';

export interface RunServerOptions {
  modelName: string;
  host: string;
  port: number;
  source: string;
  seed: number;
  threshold: number;
  shadow: boolean;
  ab: AbConfig | null;
  pollMs: number;
  bodyLimitBytes: number;
  maxBatchRows: number;
  predictionLog: boolean;
  logDir?: string;
  keepDays: number;
  instanceId?: string;
}

/** Start the service and keep it up until SIGINT/SIGTERM, then drain and flush the log. */
export async function runServer(o: RunServerOptions): Promise<void> {
  const paths = resolvePaths();
  assertModelName(o.modelName);
  const source = parseSource(o.source, { seed: o.seed });
  const logDir = o.logDir ?? predictionLogDir(paths, o.modelName);
  const retain = () =>
    applyRetention({ dir: logDir, keepDays: o.keepDays }).catch((err: Error) =>
      console.error(`prediction log retention failed: ${err.message}`),
    );
  if (o.predictionLog) await retain();
  const server = buildServer({
    modelName: o.modelName,
    registryRoot: registryRoot(paths.modelsDir, o.modelName),
    series: dataCacheSeriesLoader({ dataCacheDir: paths.dataCacheDir, sourceKey: source.cacheKey }),
    log: o.predictionLog ? new PredictionLogWriter({ dir: logDir }) : null,
    threshold: o.threshold,
    shadow: o.shadow,
    ab: o.ab,
    pollMs: o.pollMs,
    bodyLimitBytes: o.bodyLimitBytes,
    maxBatchRows: o.maxBatchRows,
    instanceId: o.instanceId,
  });
  await server.watcher.check();
  server.watcher.start();
  const url = await server.app.listen({ host: o.host, port: o.port });
  const production = server.holder.peek().production?.version;
  console.log(
    `Serving ${o.modelName} on ${url} — production ${production ?? 'none yet (503 until one is promoted)'}${o.ab ? `, A/B ${o.ab.fraction} (${o.ab.experimentId})` : ''}${o.predictionLog ? `, log ${logDir}` : ''}`,
  );
  const retention = o.predictionLog ? setInterval(() => void retain(), 3_600_000).unref() : null;
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  if (retention) clearInterval(retention);
  await server.close();
}
