import { fetchMarketData } from '../data';
import { buildFeatureSet, loadFeatureMatrix } from '../features';
import type { Outcome } from './join';

/**
 * Outcomes (label, next-day return) per `ticker|date`, through the normal fetch and feature stages:
 * labels are defined exactly as at training, and new data lands in the same cache.
 */
export async function loadOutcomes(o: {
  source: string;
  tickers: string[];
  asOf: string;
  seed: number;
  label: { horizon: number; threshold: number };
  cacheDir: string;
  featureStoreDir: string;
  onProgress?: (p: unknown) => void;
}): Promise<{ outcomes: Map<string, Outcome>; synthetic: boolean }> {
  const data = await fetchMarketData({
    source: o.source,
    tickers: o.tickers,
    period: '2y',
    asOf: o.asOf,
    seed: o.seed,
    cacheDir: o.cacheDir,
    ...(o.onProgress ? { onProgress: o.onProgress } : {}),
  });
  const set = await buildFeatureSet({
    inputs: data.tickers.map((t) => ({ ticker: t.ticker, path: t.path, sha256: t.sha256 })),
    config: { labelHorizon: o.label.horizon, labelThreshold: o.label.threshold },
    storeDir: o.featureStoreDir,
  });
  const m = await loadFeatureMatrix(set.path);
  const outcomes = new Map<string, Outcome>();
  m.dates.forEach((d, i) => outcomes.set(`${m.tickers[i]}|${d}`, { label: m.y[i]!, nextReturn: m.nextReturn[i]! }));
  return { outcomes, synthetic: data.synthetic };
}

/** The label definition stored with a model (horizon 5, threshold 0 when absent). */
export function labelDefinitionOf(d: unknown): { horizon: number; threshold: number } {
  const v = d as { horizon?: unknown; threshold?: unknown } | undefined;
  return { horizon: typeof v?.horizon === 'number' ? v.horizon : 5, threshold: typeof v?.threshold === 'number' ? v.threshold : 0 };
}
