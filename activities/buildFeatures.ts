import { buildFeatureSet } from '../lib/features';
import { runSignals } from '../lib/features/runSignals';
import { checkStageSettings, type FeatureSettings } from '../lib/config/stageSettings';
import type { DataRef, FeatureSetRef } from '../lib/pipeline/types';
import type { ActivityDeps } from './deps';
import { withHeartbeat } from './heartbeat';
import { localFile, publish } from './storeFiles';

export interface BuildFeaturesInput {
  pipelineId: string;
  data: DataRef;
  settings: FeatureSettings;
}

export function buildFeaturesActivity(deps: ActivityDeps) {
  return async function buildFeatures({ pipelineId, data, settings }: BuildFeaturesInput): Promise<FeatureSetRef> {
    const config = checkStageSettings('features', settings);
    // Validated again here: a signals file may have changed since the run (or its schedule) started.
    const signals = await runSignals(config, { now: deps.now(), errorKind: 'data' });
    const set = await withHeartbeat(
      buildFeatureSet({
        signals,
        inputs: await Promise.all(data.tickers.map(async (t) => ({ ticker: t.ticker, path: await localFile(deps, t), sha256: t.sha256 }))),
        config: {
          labelHorizon: config.labelHorizon,
          labelThreshold: config.labelThreshold,
          candlestickPatterns: config.candlestickPatterns,
        },
        storeDir: deps.paths.featureStoreDir,
      }),
    );
    deps.logger.info(
      {
        module: 'features',
        pipelineId,
        rows: set.rows,
        labelledRows: set.labelledRows,
        features: set.featureNames.length,
        cacheHit: set.cacheHit,
        classBalance: set.classBalance,
      },
      set.cacheHit ? 'feature set cache hit' : 'feature set built',
    );
    // Keyed by its inputs: a set another worker stored first stays the one every run references.
    const stored = await publish(deps, set.path, { sha256: set.sha256, firstWins: true });
    return {
      ...stored,
      rows: set.rows,
      labelledRows: set.labelledRows,
      featureNames: set.featureNames,
      schemaHash: set.schemaHash,
      cacheHit: set.cacheHit,
      classBalance: set.classBalance,
      start: set.start,
      end: set.end,
    };
  };
}
