import { parseSource, updateCache } from '../lib/data';
import { todayIso } from '../lib/data/dates';
// Not the lib/serving index: the worker has no use for the HTTP server (fastify, prom-client).
import { countShadowPredictions, scoreLatestDay, type BatchScoringResult } from '../lib/serving/batchScoring';
import { predictionLogDir } from '../lib/serving/locations';
import { dataCacheSeriesLoader } from '../lib/serving/seriesLoader';
import { assertModelName, registryRoot } from '../lib/registry';
import { ConfigError } from '../lib/util/errors';
import type { ActivityDeps } from './deps';
import { heartbeat } from './heartbeat';

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
      const logDir = predictionLogDir(deps.paths, input.modelName);
      const result = await scoreLatestDay({
        registryRoot: registryRoot(deps.paths.modelsDir, input.modelName),
        modelName: input.modelName,
        tickers: refreshed.filter((r) => r.ok).map((r) => r.ticker),
        series: dataCacheSeriesLoader({ dataCacheDir: deps.paths.dataCacheDir, sourceKey: source.cacheKey }),
        logDir,
        threshold: input.threshold,
        date: input.date,
        now: deps.now,
      });
      for (const r of refreshed) if (!r.ok) result.failed.push({ ticker: r.ticker, error: r.error.message });
      deps.logger.info({ module: 'scoring', pipelineId: input.pipelineId, ...result }, `daily scoring wrote ${result.written} predictions`);
      return { ...result, logDir };
    },

    /** For the status of a run awaiting approval: shadow predictions of its candidate so far. */
    async countShadowPredictions(input: {
      modelName: string;
      version: string;
    }): Promise<{ total: number; requests: number; batch: number }> {
      return countShadowPredictions({ logDir: predictionLogDir(deps.paths, assertModelName(input.modelName)), version: input.version });
    },
  };
}
