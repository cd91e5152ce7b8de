import { mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createActivities } from '../../activities';
import { pipelineConfigSchema } from '../../lib/config/schema';
import { resolvePaths } from '../../lib/config/paths';
import { fetchMarketData } from '../../lib/data/fetchMarketData';
import { featureSettings } from '../../lib/config/stageSettings';

const root = mkdtempSync(join(tmpdir(), 'build-features-signals-'));
const paths = resolvePaths({}, root);
const activities = createActivities({
  paths,
  logger: pino({ level: 'silent' }),
  env: {},
  now: () => new Date('2024-07-01T00:00:00Z'),
  fetch,
});
const tickers = ['SYN-A', 'SYN-B'];
const market = await fetchMarketData({ source: 'synthetic', tickers, period: '2y', asOf: '2024-06-28', cacheDir: join(root, 'cache') });
const data = {
  source: 'synthetic',
  synthetic: true,
  // References into the default store (the project directory), as fetchMarketData passes them.
  tickers: market.tickers.map((t) => ({
    ticker: t.ticker,
    uri: pathToFileURL(t.path).href,
    sha256: t.sha256,
    size: statSync(t.path).size,
    rows: t.rows,
    start: t.start,
    end: t.end,
  })),
  failed: [],
  warnings: [],
  start: market.tickers[0]!.start,
  end: market.tickers[0]!.end,
};
const dir = join(root, 'signals');
mkdirSync(dir);
const config = pipelineConfigSchema.parse({ tickers, asOf: '2024-06-28', signals: `csv:${dir}`, candlestickPatterns: ['engulfing'] });

// Called directly: the activity's heartbeat helpers work outside an activity context, and
// createActivities wraps it in the same user-error → non-retryable failure mapping the worker uses.
describe('buildFeatures with signals', () => {
  it('joins the signals and the patterns into the feature set', async () => {
    writeFileSync(join(dir, 'mood.csv'), 'date,ticker,mood\n2024-06-20,SYN-A,0.7\n2024-06-21,SYN-B,-0.2\n');
    const ref = await activities.buildFeatures({ pipelineId: 'r1', data, settings: featureSettings(config) });
    expect(ref.featureNames.slice(-2)).toEqual(['cdl_engulfing', 'mood']);
  });

  it('a signals file that went bad under a scheduled run fails it as a non-retryable DataError naming file, line and column', async () => {
    writeFileSync(join(dir, 'mood.csv'), 'date,ticker,mood\n2024-06-20,SYN-A,0.7\n2024-06-21,SYN-B,n/a\n');
    const err = await activities.buildFeatures({ pipelineId: 'r2', data, settings: featureSettings(config) }).catch((e: unknown) => e);
    expect(err).toMatchObject({ type: 'DataError', nonRetryable: true });
    expect((err as Error).message).toBe(
      `${join(dir, 'mood.csv')}:3:3: "n/a" in column mood is not a number (leave the cell empty for a missing value)`,
    );
  });
});
