import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fetchMarketData } from '../../../lib/data/fetchMarketData';
import { resolveFeatureConfig } from '../../../lib/features/config';
import { FEATURE_NAMES } from '../../../lib/features/definitions';
import { loadFeatureMatrix } from '../../../lib/features/matrix';
import { buildFeatureSet } from '../../../lib/features/store';
import { ConfigError } from '../../../lib/util/errors';

const root = mkdtempSync(join(tmpdir(), 'feature-patterns-'));
const data = await fetchMarketData({
  source: 'synthetic',
  tickers: ['SYN-A', 'SYN-B'],
  period: '2y',
  asOf: '2024-06-28',
  cacheDir: join(root, 'data'),
});
const inputs = data.tickers.map(({ ticker, path, sha256 }) => ({ ticker, path, sha256 }));
const storeDir = join(root, 'features');

describe('candlestick patterns in the feature set', () => {
  it('adds cdl_<pattern> columns after the indicators, in the configured order, into the schema and its hash', async () => {
    const plain = await buildFeatureSet({ inputs, config: {}, storeDir });
    const withPatterns = await buildFeatureSet({ inputs, config: { candlestickPatterns: ['harami', 'doji', 'engulfing'] }, storeDir });
    expect(withPatterns.featureNames).toEqual([...FEATURE_NAMES, 'cdl_harami', 'cdl_doji', 'cdl_engulfing']);
    expect(withPatterns.schema.names).toEqual(['date', 'ticker', ...withPatterns.featureNames, 'label', 'fwd_return', 'next_return']);
    expect(withPatterns.schemaHash).not.toBe(plain.schemaHash);
    expect(withPatterns.key).not.toBe(plain.key);
    // The indicators are untouched by the extra columns.
    const a = await loadFeatureMatrix(plain.path);
    const b = await loadFeatureMatrix(withPatterns.path, { featureNames: [...FEATURE_NAMES] });
    expect(Buffer.from(b.X.data.buffer).equals(Buffer.from(a.X.data.buffer))).toBe(true);
    const doji = await loadFeatureMatrix(withPatterns.path, { featureNames: ['cdl_doji'] });
    const values = new Set(doji.X.data);
    expect(values).toEqual(new Set([0, 100]));
  });

  it('an empty pattern list is the default configuration (same store key)', () => {
    expect(resolveFeatureConfig({ candlestickPatterns: [] })).toEqual(resolveFeatureConfig({}));
  });

  it('refuses unknown and repeated patterns with the list of known ones', () => {
    expect(() => resolveFeatureConfig({ candlestickPatterns: ['hammer', 'kicker' as never] })).toThrow(ConfigError);
    expect(() => resolveFeatureConfig({ candlestickPatterns: ['hammer', 'kicker' as never] })).toThrow(
      /unknown candlestick pattern\(s\) kicker; expected some of engulfing, hammer/,
    );
    expect(() => resolveFeatureConfig({ candlestickPatterns: ['doji', 'doji'] })).toThrow(/doji given more than once/);
  });
});

describe("rebuilding a registered model's columns", () => {
  it('takes the patterns from its feature names and the signals from its recorded settings', async () => {
    const { featureOptionsForModel, modelFeatureSettings } = await import('../../../lib/features/modelFeatures');
    const settings = modelFeatureSettings({ candlestickPatterns: ['doji', 'hammer'], signals: 'synthetic', signalLagDays: 2 });
    expect(settings).toEqual({ candlestickPatterns: ['doji', 'hammer'], signals: 'synthetic', signalLagDays: 2 });
    expect(modelFeatureSettings({ candlestickPatterns: [], signals: undefined, signalLagDays: 1 })).toEqual({});
    const options = await featureOptionsForModel(
      { featureSchema: { names: [...FEATURE_NAMES, 'cdl_hammer', 'cdl_doji', 'sentiment'] }, extra: { features: settings } },
      { seed: 42, tickers: ['SYN-A'], asOf: '2024-06-28', now: new Date() },
    );
    // In the model's column order: features are matched by position.
    expect(options.candlestickPatterns).toEqual(['hammer', 'doji']);
    expect(options.signals?.lagDays).toBe(2);
    expect(options.signals?.table.names).toEqual(['sentiment']);
    expect(
      await featureOptionsForModel(
        { featureSchema: { names: [...FEATURE_NAMES] } },
        { seed: 42, tickers: ['SYN-A'], asOf: '2024-06-28', now: new Date() },
      ),
    ).toEqual({});
  });
});
