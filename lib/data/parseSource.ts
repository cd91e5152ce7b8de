import { ConfigError } from '../util/errors';
import { createCsvSource } from './csvSource';
import { createSyntheticSource } from './syntheticSource';
import type { MarketDataSource } from './types';
import { createYahooSource, type YahooSourceOptions } from './yahooSource';

export const SOURCE_FORMS = ['synthetic', 'yahoo', 'csv:DIR'] as const;

export interface SourceOptions {
  /** Seed of the synthetic market. */
  seed?: number;
  yahoo?: YahooSourceOptions;
  now?: () => Date;
}

/** `synthetic` | `yahoo` | `csv:DIR` → a source; anything else is a ConfigError listing the forms. */
export function parseSource(spec: string, options: SourceOptions = {}): MarketDataSource {
  const trimmed = spec.trim();
  if (trimmed === 'synthetic') return createSyntheticSource({ seed: options.seed, now: options.now });
  if (trimmed === 'yahoo') return createYahooSource({ now: options.now, ...options.yahoo });
  if (trimmed.startsWith('csv:') && trimmed.length > 4) return createCsvSource(trimmed.slice(4));
  throw new ConfigError(`data source "${spec}" is not one of: ${SOURCE_FORMS.join(', ')}`, {
    source: spec,
    valid: [...SOURCE_FORMS],
  });
}
