import { parseSource, updateCache } from '../lib/data';
import { todayIso } from '../lib/data/dates';
// Not the lib/serving index: the worker has no use for the HTTP server (fastify, prom-client).
import { countShadowPredictions, scoreLatestDay, type BatchScoringResult } from '../lib/serving/batchScoring';
import { predictionLogDir } from '../lib/serving/locations';
import { dataCacheSeriesLoader } from '../lib/serving/seriesLoader';
import { assertModelName } from '../lib/registry';
import { ConfigError } from '../lib/util/errors';
import type { ActivityDeps } from './deps';
import { heartbeat } from './heartbeat';
import { registryFor } from './registry';
import { localEntry, storeOf } from './storeFiles';
import { withPredictionLog } from './predictionLogStore';
import { LocalStore } from '../lib/store';

export interface ScoreDailyInput {
  pipelineId: string;
  modelName: string;
  tickers: string[];
  /** `synthetic`, `yahoo` or `csv:DIR`: the data the models were trained on. */
  source: string;
  seed: number;
  threshold: number;
  /** Day to score (YYYY-MM-DD); default the newest trading day in the refreshed data. */
  date?: string;
}

export interface ScoreDailyResult extends BatchScoringResult {
  logDir: string;
}

/** Batch scoring for the dailyScoring workflow: refresh the price cache, then lib/serving's scoreLatestDay. */
export function scoringActivities(deps: ActivityDeps) {
  return {
    async scoreDailyPredictions(input: ScoreDailyInput): Promise<ScoreDailyResult> {
      assertModelName(input.modelName);
      if (input.tickers.length === 0) throw new ConfigError('daily scoring needs at least one ticker');
      const source = parseSource(input.source, { seed: input.seed, now: deps.now });
      const refreshed = await updateCache({
        source,
        tickers: input.tickers,
        end: input.date ?? todayIso(deps.now()),
        cacheDir: deps.paths.dataCacheDir,
        now: deps.now,
      });
      heartbeat({ step: 'data refreshed' });
      const store = storeOf(deps);
      const logDir =
        store instanceof LocalStore
          ? predictionLogDir(deps.paths, input.modelName)
          : store.uriOf(`.trainctl/predictions/${input.modelName}/`);
      const result = await withPredictionLog(deps, input.modelName, (dir) =>
        scoreLatestDay({
          // The line's registry on the worker's store; model files as verified local copies for onnxruntime.
          registry: {
            production: async () => {
              const e = await (await registryFor(deps, input.modelName)).production();
              return e && localEntry(deps, e);
            },
            staging: async () => {
              const e = await (await registryFor(deps, input.modelName)).staging();
              return e && localEntry(deps, e);
            },
          },
          modelName: input.modelName,
          tickers: refreshed.filter((r) => r.ok).map((r) => r.ticker),
          series: dataCacheSeriesLoader({ dataCacheDir: deps.paths.dataCacheDir, sourceKey: source.cacheKey }),
          logDir: dir,
          threshold: input.threshold,
          date: input.date,
          now: deps.now,
        }),
      );
      for (const r of refreshed) if (!r.ok) result.failed.push({ ticker: r.ticker, error: r.error.message });
      deps.logger.info({ module: 'scoring', pipelineId: input.pipelineId, ...result }, `daily scoring wrote ${result.written} predictions`);
      return { ...result, logDir };
    },

    /** For the status of a run awaiting approval: shadow predictions of its candidate so far. */
    async countShadowPredictions(input: {
      modelName: string;
      version: string;
    }): Promise<{ total: number; requests: number; batch: number }> {
      return withPredictionLog(deps, assertModelName(input.modelName), (logDir) =>
        countShadowPredictions({ logDir, version: input.version }),
      );
    },
  };
}
