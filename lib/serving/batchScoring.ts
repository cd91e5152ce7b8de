import { predictsUp } from '../evaluation/metrics';
import { batchKey, PredictionLogWriter, readPredictions, type PredictionRecord } from '../predictionLog';
import { LocalRegistry } from '../registry';
import { FeatureRowProvider } from './featureRows';
import { loadServingModel, type LoadedModel } from './loadedModel';
import { RequestError } from './requestError';
import type { SeriesLoader } from './seriesLoader';

export interface BatchScoringResult {
  /** Newest trading day scored per ticker. */
  dates: Record<string, string>;
  production: string | null;
  candidate: string | null;
  written: number;
  /** Predictions already in the log (a re-run of the same day). */
  alreadyLogged: number;
  /** Tickers that could not be scored, with the reason. */
  failed: { ticker: string; error: string }[];
}

/**
 * Score the newest trading day of every ticker with production and, when one waits in staging, the
 * candidate, into the prediction log. Idempotent by (model, version, ticker, date): what the log
 * already holds is not written again, so a retried or re-run day adds nothing.
 */
export async function scoreLatestDay(o: {
  /** The line's registry folder, or (a registry in a bucket) the registry itself with files readable locally. */
  registryRoot?: string;
  registry?: Pick<LocalRegistry, 'production' | 'staging'>;
  modelName: string;
  tickers: string[];
  series: SeriesLoader;
  logDir: string;
  threshold: number;
  date?: string;
  now?: () => Date;
}): Promise<BatchScoringResult> {
  const registry = o.registry ?? new LocalRegistry({ root: o.registryRoot });
  const [prod, stg] = await Promise.all([registry.production(), registry.staging()]);
  const result: BatchScoringResult = {
    dates: {},
    production: prod?.version ?? null,
    candidate: stg?.version ?? null,
    written: 0,
    alreadyLogged: 0,
    failed: [],
  };
  if (!prod) return result;
  const models: [LoadedModel, PredictionRecord['role']][] = [[await loadServingModel(prod), 'production']];
  if (stg) models.push([await loadServingModel(stg), 'shadow']);
  try {
    const { records } = await readPredictions(o.logDir);
    const done = new Set(records.filter((r) => r.source === 'batch').map(batchKey));
    const rows = new FeatureRowProvider({ load: o.series });
    const writer = new PredictionLogWriter({ dir: o.logDir, flushMs: 0, clock: o.now });
    const at = (o.now?.() ?? new Date()).toISOString();
    for (const ticker of o.tickers) {
      for (const [model, role] of models) {
        try {
          const row = await rows.row({ ticker, date: o.date, windowStart: model.windowStart, featureNames: model.featureNames });
          result.dates[ticker] = row.date;
          const key = { model: o.modelName, version: model.version, ticker, date: row.date };
          if (done.has(batchKey(key))) {
            result.alreadyLogged++;
            continue;
          }
          const p = (
            await model.onnx.predictProba({
              data: row.values,
              rows: 1,
              cols: row.values.length,
              featureNames: model.featureNames,
            })
          )[0]!;
          writer.append({
            ...key,
            requestId: `batch:${batchKey(key)}`,
            at,
            role,
            source: 'batch',
            probabilityUp: p,
            direction: predictsUp(p, o.threshold) ? 'up' : 'down',
            threshold: o.threshold,
          });
          result.written++;
        } catch (err) {
          if (!(err instanceof RequestError)) throw err;
          result.failed.push({ ticker, error: err.message });
          break;
        }
      }
    }
    await writer.close();
  } finally {
    for (const [m] of models) m.release();
  }
  return result;
}

/** How many shadow predictions of `version` the log holds (shown while a run awaits approval). */
export async function countShadowPredictions(o: {
  logDir: string;
  version: string;
}): Promise<{ total: number; requests: number; batch: number }> {
  const { records } = await readPredictions(o.logDir);
  const shadow = records.filter((r) => r.role === 'shadow' && r.version === o.version);
  const batch = shadow.filter((r) => r.source === 'batch').length;
  return { total: shadow.length, requests: shadow.length - batch, batch };
}
