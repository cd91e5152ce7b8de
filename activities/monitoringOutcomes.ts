import { labelDefinitionOf, loadOutcomes } from '../lib/monitoring';
import type { ModelEntry } from '../lib/registry';
import type { ActivityDeps } from './deps';
import { heartbeat } from './heartbeat';

/**
 * Outcomes of the production model's tickers, fetched through the normal fetch and feature stages
 * so labels are defined exactly as at training (shared by measurePerformance and shadowEvidence).
 */
export function outcomesFor(
  deps: ActivityDeps,
  production: ModelEntry,
  o: { source?: string; asOf?: string; seed: number },
): ReturnType<typeof loadOutcomes> {
  return loadOutcomes({
    source: o.source ?? production.metadata.dataSource.source,
    tickers: production.metadata.dataSource.tickers ?? [],
    asOf: o.asOf ?? deps.now().toISOString().slice(0, 10),
    seed: o.seed,
    label: labelDefinitionOf(production.metadata.labelDefinition),
    cacheDir: deps.paths.dataCacheDir,
    featureStoreDir: deps.paths.featureStoreDir,
    onProgress: (p) => heartbeat(p),
  });
}
