import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { businessDays } from '../../../lib/data/dates';
import { fetchMarketData } from '../../../lib/data/fetchMarketData';
import { createYahooSource } from '../../../lib/data/yahooSource';
import { DataError } from '../../../lib/util/errors';
import { chartJson, NOT_FOUND_JSON, startYahooServer, type Bar } from './yahooServer';

function bars(start: string, end: string, base: number): Bar[] {
  return businessDays(start, end).map((date, i) => {
    const close = base + Math.sin(i / 5) * 3 + i * 0.05;
    return { date, open: close - 0.2, high: close + 1, low: close - 1, close, adjclose: close * 0.98, volume: 1e6 + i };
  });
}

/** Serves bars filtered by period1/period2 like Yahoo does. */
function window(all: Bar[], q: URLSearchParams): Bar[] {
  const from = Number(q.get('period1')) * 1000;
  const to = Number(q.get('period2')) * 1000;
  return all.filter((b) => Date.parse(b.date) >= from - 86_400_000 + 1 && Date.parse(b.date) < to);
}

const history: Record<string, Bar[]> = { GOOD: bars('2023-01-02', '2024-06-28', 100), FLAKY: bars('2023-01-02', '2024-06-28', 50) };
let server: Awaited<ReturnType<typeof startYahooServer>>;

beforeAll(async () => {
  server = await startYahooServer((symbol, q, attempt) => {
    if (symbol === 'FLAKY' && attempt === 1) return { status: 429, body: 'Too Many Requests' };
    if (symbol === 'BROKEN') return { status: 500, body: 'Internal Server Error' };
    const all = history[symbol];
    if (!all) return { status: 404, body: NOT_FOUND_JSON };
    return { status: 200, body: chartJson(symbol, window(all, q)) };
  });
});
afterAll(() => server.close());

const fastRetry = { attempts: 3, baseDelayMs: 1, maxDelayMs: 2 };

describe('yahoo source against a local Yahoo-format server', () => {
  it('parses chart JSON through yahoo-finance2, keyed by exchange-local dates, using adjusted close', async () => {
    const source = createYahooSource({ baseUrl: server.url, retry: fastRetry });
    const [r] = await source.fetch({ tickers: ['GOOD'], start: '2024-01-01', end: '2024-01-31' });
    expect(r!.ok).toBe(true);
    if (!r!.ok) return;
    const expected = history.GOOD!.filter((b) => b.date >= '2024-01-01' && b.date <= '2024-01-31');
    expect(r!.series.dates).toEqual(expected.map((b) => b.date));
    expect([...r!.series.adjClose]).toEqual(expected.map((b) => b.adjclose));
    expect([...r!.series.close]).toEqual(expected.map((b) => b.close));
    expect(server.requests.some((u) => u.startsWith('/v8/finance/chart/GOOD?'))).toBe(true);
  });

  it('retries 429 with backoff, reports 404 as an unknown ticker and 500 after retries', async () => {
    const source = createYahooSource({ baseUrl: server.url, retry: fastRetry });
    const results = await source.fetch({ tickers: ['FLAKY', 'NOPE', 'BROKEN'], start: '2024-01-01', end: '2024-03-01' });
    const [flaky, nope, broken] = results;
    expect(flaky!.ok).toBe(true);
    expect(nope!.ok).toBe(false);
    if (!nope!.ok) {
      expect(nope!.error).toBeInstanceOf(DataError);
      expect(nope!.error.message).toMatch(/unknown ticker NOPE/);
      expect(nope!.error.message).toMatch(/No data found, symbol may be delisted/);
    }
    expect(broken!.ok).toBe(false);
    if (!broken!.ok) expect(broken!.error.message).toMatch(/BROKEN.*HTTP 500/);
    expect(server.requests.filter((u) => u.startsWith('/v8/finance/chart/BROKEN')).length).toBe(3);
    expect(server.requests.filter((u) => u.startsWith('/v8/finance/chart/NOPE')).length).toBe(1);
  });

  it('fetchMarketData succeeds when the share of good tickers is met, fails below it', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'yahoo-cache-'));
    const yahoo = { baseUrl: server.url, retry: fastRetry };
    const ok = await fetchMarketData({
      source: 'yahoo',
      sourceOptions: { yahoo },
      tickers: ['GOOD', 'NOPE'],
      period: '1y',
      asOf: '2024-06-28',
      cacheDir,
    });
    expect(ok.synthetic).toBe(false);
    expect(ok.tickers.map((t) => t.ticker)).toEqual(['GOOD']);
    expect(ok.failed).toEqual([expect.objectContaining({ ticker: 'NOPE', type: 'DataError' })]);
    await expect(
      fetchMarketData({
        source: 'yahoo',
        sourceOptions: { yahoo },
        tickers: ['GOOD', 'NOPE', 'BROKEN'],
        period: '1y',
        asOf: '2024-06-28',
        cacheDir,
        minTickerShare: 0.5,
      }),
    ).rejects.toThrow(/only 1 of 3 tickers/);
  });
});
