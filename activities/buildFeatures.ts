import { buildFeatureSet } from '../lib/features';
import type { PipelineConfig } from '../lib/config/pipeline';
import type { DataRef, FeatureSetRef } from '../workflows/types';
import type { ActivityDeps } from './deps';
import { withHeartbeat } from './heartbeat';

export interface BuildFeaturesInput {
  runId: string;
  data: DataRef;
  config: PipelineConfig;
}

export function buildFeaturesActivity(deps: ActivityDeps) {
  return async function buildFeatures({ runId, data, config }: BuildFeaturesInput): Promise<FeatureSetRef> {
    const set = await withHeartbeat(
      buildFeatureSet({
        inputs: data.tickers.map((t) => ({ ticker: t.ticker, path: t.path, sha256: t.sha256 })),
        config: { labelHorizon: config.labelHorizon, labelThreshold: config.labelThreshold, candlestickPatterns: config.candlestickPatterns },
        storeDir: deps.paths.featureStoreDir,
      }),
    );
    deps.logger.info(
      { module: 'features', runId, rows: set.rows, labelledRows: set.labelledRows, features: set.featureNames.length, cacheHit: set.cacheHit, classBalance: set.classBalance },
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
