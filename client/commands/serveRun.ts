import { resolvePaths } from '../../lib/config/paths';
import { parseSource } from '../../lib/data';
import { applyRetention, PredictionLogWriter } from '../../lib/predictionLog';
import { assertModelName, registryPrefix } from '../../lib/registry';
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
  // On a bucket the local log is also shipped there, where the gate and monitoring read it.
  const shipper = o.predictionLog ? await logShipperFor(o.modelName, logDir) : null;
  // A registry in a bucket (TRAINCTL_ARTIFACTS=s3://…) is watched there, as the workers write it;
  // a bucket that cannot be used stops the service now, in one line.
  const { checkStore, openStore, parseArtifactsLocation } = await import('../../lib/store');
  const bucket = parseArtifactsLocation(process.env.TRAINCTL_ARTIFACTS).kind === 's3' ? openStore({ env: process.env }) : null;
  if (bucket) await checkStore(bucket);
  const server = buildServer({
    modelName: o.modelName,
    registryRoot: registryRoot(paths.modelsDir, o.modelName),
    ...(bucket ? { registryStore: bucket.scope(registryPrefix(o.modelName)) } : {}),
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
    `Serving ${o.modelName} on ${url}${bucket ? ` (registry ${bucket.uriOf(registryPrefix(o.modelName))})` : ''} — production ${production ?? 'none yet (503 until one is promoted)'}${o.ab ? `, A/B ${o.ab.fraction} (${o.ab.experimentId})` : ''}${o.predictionLog ? `, log ${logDir}` : ''}`,
  );
  shipper?.start();
  const retention = o.predictionLog ? setInterval(() => void retain(), 3_600_000).unref() : null;
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  if (retention) clearInterval(retention);
  await server.close();
  // After the writer's last flush, so the final batch holds every record.
  await shipper?.stop();
  bucket?.close();
}

/** A shipper of the local log to the artefact store when TRAINCTL_ARTIFACTS is a bucket; null otherwise (today's local log only). */
export async function logShipperFor(
  modelName: string,
  logDir: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ start(): void; stop(): Promise<void> } | null> {
  const { parseArtifactsLocation, openStore } = await import('../../lib/store');
  if (parseArtifactsLocation(env.TRAINCTL_ARTIFACTS).kind !== 's3') return null;
  const { LogShipper, logShipIntervalMs } = await import('../../lib/serving/logShipper');
  const intervalMs = logShipIntervalMs(env);
  const store = openStore({ env });
  console.log(`prediction log shipped to ${store.uri} every ${intervalMs / 1000} s`);
  const shipper = new LogShipper({ store, modelName, logDir, intervalMs });
  return {
    start: () => shipper.start(),
    stop: async () => {
      await shipper.stop();
      store.close();
    },
  };
}
