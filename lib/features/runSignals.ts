import type { PipelineConfig } from '../config/schema';
import { ConfigError } from '../util/errors';
import { loadSignals, parseSignalSource } from '../signals/load';
import { BUILT_IN_FEATURE_NAMES } from './definitions';
import { KEY_COLUMNS, TARGET_COLUMNS, type JoinedSignals } from './featureFrame';

/** Names a signal may not take: every built-in feature (patterns included, enabled or not) and the frame's other columns. */
export const RESERVED_COLUMN_NAMES: readonly string[] = [...BUILT_IN_FEATURE_NAMES, ...KEY_COLUMNS, ...TARGET_COLUMNS];

/**
 * The signals a run's configuration asks for (`signals`, `signalLagDays`), loaded and validated
 * against its tickers and as-of date; undefined when it asks for none. Called before the run starts
 * (errorKind `config`: exit 3) and by buildFeatures (errorKind `data`: a file that changed under a
 * scheduled run fails it without retries).
 */
export async function runSignals(
  config: Pick<PipelineConfig, 'signals' | 'signalLagDays' | 'seed' | 'tickers' | 'asOf'>,
  o: { now: Date; errorKind: 'config' | 'data' },
): Promise<JoinedSignals | undefined> {
  if (config.signals === undefined) return undefined;
  const source = parseSignalSource(config.signals, config.seed);
  if (!source) throw new ConfigError(`signals = ${JSON.stringify(config.signals)}: expected csv:DIR or synthetic`);
  const asOf = config.asOf ?? o.now.toISOString().slice(0, 10);
  const table = await loadSignals({ source, tickers: config.tickers, asOf, reserved: RESERVED_COLUMN_NAMES, errorKind: o.errorKind });
  return { table, lagDays: config.signalLagDays };
}
