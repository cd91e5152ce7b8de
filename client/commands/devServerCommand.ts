import { join } from 'node:path';
import { resolvePaths } from '../../lib/config/paths';
import { resolveTemporalSettings, type TemporalSettings } from '../../lib/config/temporal';
import { isPortOpen, parseAddress, startDevServer, type DevServer } from '../devServer';

export interface EnsuredServer {
  settings: TemporalSettings;
  /** Set when this process started the server (and so stops it on exit). */
  server?: DevServer;
}

/**
 * Reuse a server already listening on TEMPORAL_ADDRESS, or start the dev server there with the
 * Web UI and a persistent SQLite file under the state folder.
 */
export async function ensureDevServer(options: { detached?: boolean } = {}): Promise<EnsuredServer> {
  const settings = resolveTemporalSettings();
  const { host, port } = parseAddress(settings.address);
  if (await isPortOpen(host, port)) return { settings };
  const paths = resolvePaths();
  const uiPort = Number(new URL(settings.uiUrl).port || 8233);
  const server = await startDevServer({
    ip: host,
    port,
    uiPort,
    dbFile: join(paths.stateDir, 'temporal.sqlite'),
    logFile: join(paths.logsDir, 'temporal-server.log'),
    detached: options.detached,
  });
  return { settings, server };
}
