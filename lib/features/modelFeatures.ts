import type { PipelineConfig } from '../config/schema';
import { patternsInFeatures } from './definitions';
import type { JoinedSignals } from './featureFrame';
import type { CandlestickPattern } from './patternNames';
import { runSignals } from './runSignals';

/**
 * What a model's features were built from beyond the indicators, kept in its metadata
 * (`extra.features`) so that whoever rebuilds its features later (drift checks, serving) builds the
 * same columns: the candlestick patterns and the signals source with its lag.
 */
export interface ModelFeatureSettings {
  candlestickPatterns?: CandlestickPattern[];
  signals?: string;
  signalLagDays?: number;
}

export function modelFeatureSettings(
  config: Pick<PipelineConfig, 'candlestickPatterns' | 'signals' | 'signalLagDays'>,
): ModelFeatureSettings {
  return {
    ...(config.candlestickPatterns?.length ? { candlestickPatterns: config.candlestickPatterns } : {}),
    ...(config.signals !== undefined ? { signals: config.signals, signalLagDays: config.signalLagDays } : {}),
  };
}

/**
 * The feature options that rebuild a registered model's columns: its patterns (from its feature
 * names, so models registered before settings were recorded work too) and its signals, validated
 * like a run's (errorKind `data`: a signals file gone bad fails the check without retries).
 */
export async function featureOptionsForModel(
  metadata: { featureSchema: unknown; extra?: Record<string, unknown> },
  o: { seed: number; tickers: string[]; asOf: string; now: Date },
): Promise<{ candlestickPatterns?: CandlestickPattern[]; signals?: JoinedSignals }> {
  const names = (metadata.featureSchema as { names?: string[] } | undefined)?.names ?? [];
  const patterns = patternsInFeatures(names);
  const recorded = (metadata.extra?.features ?? {}) as ModelFeatureSettings;
  const signals = recorded.signals
    ? await runSignals(
        { signals: recorded.signals, signalLagDays: recorded.signalLagDays ?? 1, seed: o.seed, tickers: o.tickers, asOf: o.asOf },
        { now: o.now, errorKind: 'data' },
      )
    : undefined;
  return { ...(patterns.length ? { candlestickPatterns: patterns } : {}), ...(signals ? { signals } : {}) };
}
