import type { Paths } from '../../../lib/config/paths';
import { parseSource } from '../../../lib/data';
import { PredictionLogWriter } from '../../../lib/predictionLog';
import { buildServer, dataCacheSeriesLoader, registryRoot, type ServerOptions, type ServingServer } from '../../../lib/serving';

export interface RunningServer extends ServingServer {
  url: string;
  logDir: string;
}

/** A real prediction service on an ephemeral loopback port, over the test's trainctl home. */
export async function startServer(paths: Paths, modelName: string, over: Partial<ServerOptions> = {}): Promise<RunningServer> {
  // One log folder per server: tests read back exactly what this instance wrote.
  const logDir = `${paths.stateDir}/predictions/${modelName}-${Math.random().toString(36).slice(2, 8)}`;
  const server = buildServer({
    modelName,
    registryRoot: registryRoot(paths.modelsDir, modelName),
    series: dataCacheSeriesLoader({ dataCacheDir: paths.dataCacheDir, sourceKey: parseSource('synthetic').cacheKey }),
    log: new PredictionLogWriter({ dir: logDir, flushMs: 10 }),
    threshold: 0.5,
    shadow: true,
    ab: null,
    pollMs: 50,
    bodyLimitBytes: 64 * 1024,
    maxBatchRows: 100,
    ...over,
  });
  await server.watcher.check();
  server.watcher.start();
  const url = await server.app.listen({ host: '127.0.0.1', port: 0 });
  return { ...server, url, logDir };
}
