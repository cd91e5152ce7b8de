import type { Command } from 'commander';
import { modelLinePaths, resolvePaths, type Paths } from '../../lib/config/paths';
import type { LocalRegistry } from '../../lib/registry';
import { ConfigError } from '../../lib/util/errors';
import { MODEL_NAME_HELP, MODEL_NAME_OPTION, resolveModelName } from '../modelLine';

/** Everything the dashboard shows, read from the registry, the monitor history and the drift history (local or in the bucket). */
export async function buildDashboardPage(o: { paths: Paths; modelName: string; now: Date }): Promise<string> {
  const { openModelLine } = await import('../../lib/registry');
  const { openStore, parseArtifactsLocation } = await import('../../lib/store');
  // With TRAINCTL_ARTIFACTS=s3://… the registry is the bucket's.
  const artifacts = parseArtifactsLocation(process.env.TRAINCTL_ARTIFACTS).kind === 's3' ? openStore() : undefined;
  try {
    return await renderPage({
      ...o,
      registry: await openModelLine({ modelsDir: o.paths.modelsDir, modelName: o.modelName, legacyModelName: o.modelName, artifacts }),
    });
  } finally {
    artifacts?.close();
  }
}

async function renderPage(o: { paths: Paths; modelName: string; now: Date; registry: LocalRegistry }): Promise<string> {
  const { readMonitorHistory, monitorLocations, renderDashboard } = await import('../../lib/monitoring');
  const { readDriftHistory } = await import('../../lib/drift/history');
  const registry = o.registry;
  const versions = [];
  let synthetic = false;
  for (const s of await registry.list()) {
    // A version removed by retention is listed but cannot be opened: shown without its history.
    const entry = await registry.get(s.version).catch(() => null);
    const history = entry?.metadata.stageHistory ?? [];
    synthetic ||= (entry?.metadata.extra as { synthetic?: boolean } | undefined)?.synthetic === true;
    versions.push({
      version: s.version,
      stage: s.stage,
      createdAt: s.createdAt,
      holdoutAccuracy: s.metrics.accuracy ?? null,
      promotedAt: history.filter((h) => h.stage === 'production').map((h) => h.at),
    });
  }
  // Both histories are the activities' (in the bucket with TRAINCTL_ARTIFACTS=s3://…).
  const { withStoredFiles } = await import('../storedFiles');
  const histories = [monitorLocations(o.paths, o.modelName).history, modelLinePaths(o.paths, o.modelName).driftHistory];
  const { snapshots, drift } = await withStoredFiles(o.paths, histories, async ([monitor, drift]) => ({
    snapshots: (await readMonitorHistory(monitor!)).snapshots,
    drift: await readDriftHistory(drift!).catch(() => []),
  }));
  return renderDashboard({ model: o.modelName, generatedAt: o.now.toISOString(), versions, monitor: snapshots, drift, synthetic });
}

export function addDashboardCommand(program: Command): void {
  program
    .command('dashboard')
    .description('one self-contained HTML page: production timeline, shadow vs production, drift heat map, run outcomes, alerts')
    .option(MODEL_NAME_OPTION, MODEL_NAME_HELP)
    .option('--out <file>', 'where to write it (default: reports/<model>/dashboard.html)')
    .option('--serve', 'serve it on 127.0.0.1 (rebuilt on every request) until Ctrl-C')
    .option('--port <n>', 'port for --serve', '8787')
    .action(async (o: { modelName?: string; out?: string; serve?: boolean; port: string }) => {
      const paths = resolvePaths();
      const modelName = resolveModelName(o.modelName);
      const { writeFileAtomic } = await import('../../lib/util/atomic');
      const out = o.out ?? `${modelLinePaths(paths, modelName).reportsDir}/dashboard.html`;
      await writeFileAtomic(out, await buildDashboardPage({ paths, modelName, now: new Date() }));
      console.log(`dashboard: ${out}`);
      if (!o.serve) return;
      const port = Number(o.port);
      if (!Number.isInteger(port) || port < 1 || port > 65535) throw new ConfigError(`--port expects 1–65535, got "${o.port}"`);
      const { createServer } = await import('node:http');
      const server = createServer((req, res) => {
        buildDashboardPage({ paths, modelName, now: new Date() })
          .then((html) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html))
          .catch((err: unknown) => res.writeHead(500).end(String(err)));
      });
      await new Promise<void>((done) => server.listen(port, '127.0.0.1', done));
      console.log(`serving on http://127.0.0.1:${port}/ (Ctrl-C to stop)`);
    });
}
