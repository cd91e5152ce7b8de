import { fetchMarketData as fetchData } from '../lib/data';
import { checkStageSettings, type FetchSettings } from '../lib/config/stageSettings';
import type { DataRef } from '../lib/pipeline/types';
import type { ActivityDeps } from './deps';
import { heartbeat } from './heartbeat';
import { publish } from './storeFiles';

export interface FetchMarketDataInput {
  pipelineId: string;
  settings: FetchSettings;
}

export function fetchMarketDataActivity(deps: ActivityDeps) {
  return async function fetchMarketData({ pipelineId, settings }: FetchMarketDataInput): Promise<DataRef> {
    const config = checkStageSettings('fetch', settings);
    const log = deps.logger.child({ module: 'fetch', pipelineId });
    heartbeat({ step: 'fetch' });
    const result = await fetchData({
      source: config.source,
      tickers: config.tickers,
      period: config.period,
      asOf: config.asOf ?? deps.now().toISOString().slice(0, 10),
      seed: config.seed,
      cacheDir: deps.paths.dataCacheDir,
      onProgress: (p) => heartbeat(p),
    });
    // Snapshots are named by their content, so one already in the store is this one.
    const tickers: DataRef['tickers'] = [];
    for (const t of result.tickers) {
      const stored = await publish(deps, t.path, { sha256: t.sha256, immutable: true });
      tickers.push({ ticker: t.ticker, ...stored, rows: t.rows, start: t.start, end: t.end });
      heartbeat({ step: 'snapshot', done: tickers.length, total: result.tickers.length });
    }
    const ref: DataRef = {
      source: result.source,
      synthetic: result.synthetic,
      tickers,
      failed: result.failed.map((f) => ({ ticker: f.ticker, error: f.error })),
      warnings: result.warnings,
      start: result.tickers.map((t) => t.start).sort()[0]!,
      end: result.tickers
        .map((t) => t.end)
        .sort()
        .at(-1)!,
    };
    log.info(
      { tickers: ref.tickers.length, failed: ref.failed.length, start: ref.start, end: ref.end, synthetic: ref.synthetic },
      'market data ready',
    );
    return ref;
  };
}
