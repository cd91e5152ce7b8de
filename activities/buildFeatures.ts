import { buildFeatureSet } from '../lib/features';
import { runSignals } from '../lib/features/runSignals';
import type { PipelineConfig } from '../lib/config/pipeline';
import type { DataRef, FeatureSetRef } from '../workflows/types';
import type { ActivityDeps } from './deps';
import { withHeartbeat } from './heartbeat';

export interface BuildFeaturesInput {
  pipelineId: string;
  data: DataRef;
  config: PipelineConfig;
}

export function buildFeaturesActivity(deps: ActivityDeps) {
  return async function buildFeatures({ pipelineId, data, config }: BuildFeaturesInput): Promise<FeatureSetRef> {
    // Validated again here: a signals file may have changed since the run (or its schedule) started.
    const signals = await runSignals(config, { now: deps.now(), errorKind: 'data' });
    const set = await withHeartbeat(
      buildFeatureSet({
        signals,
        inputs: data.tickers.map((t) => ({ ticker: t.ticker, path: t.path, sha256: t.sha256 })),
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
    return {
      path: set.path,
      sha256: set.sha256,
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
