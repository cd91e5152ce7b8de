import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RESERVED_COLUMN_NAMES, runSignals } from '../../../lib/features/runSignals';
import { joinSignals, loadSignals } from '../../../lib/signals';
import { ConfigError, DataError } from '../../../lib/util/errors';

const root = mkdtempSync(join(tmpdir(), 'signals-'));
let dirs = 0;
function signalsDir(files: Record<string, string>): string {
  const dir = join(root, `d${dirs++}`);
  mkdirSync(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}
const load = (dir: string, errorKind: 'config' | 'data' = 'config') =>
  loadSignals({ source: { kind: 'csv', dir }, tickers: ['AAA', 'BBB'], asOf: '2024-03-08', reserved: RESERVED_COLUMN_NAMES, errorKind });

describe('signals files', () => {
  it('reads several files into one table per ticker; empty cells are missing values', async () => {
    const dir = signalsDir({
      'b_news.csv': 'date,ticker,news_volume\n2024-03-04,AAA,12\n2024-03-05,AAA,\n',
      'a_sentiment.csv': 'date,ticker,sentiment,buzz\n2024-03-05,AAA,0.5,1e-3\n2024-03-04,AAA,-0.25,NA\n2024-03-04,BBB,1,2\n',
    });
    const t = await load(dir);
    expect(t.names).toEqual(['sentiment', 'buzz', 'news_volume']);
    const a = t.byTicker.get('AAA')!;
    expect(a.dates).toEqual(['2024-03-04', '2024-03-05']);
    expect(a.values.map((v) => Array.from(v))).toEqual([
      [-0.25, 0.5],
      [Number.NaN, 0.001],
      [12, Number.NaN],
    ]);
    expect(t.byTicker.get('BBB')!.values.map((v) => Array.from(v))).toEqual([[1], [2], [Number.NaN]]);
  });

  const BAD: [string, Record<string, string>, RegExp][] = [
    ['an unknown ticker', { 's.csv': 'date,ticker,sentiment\n2024-03-04,AAA,1\n2024-03-05,ZZZ,1\n' }, /s\.csv:3:2: unknown ticker "ZZZ"/],
    [
      'a duplicate date',
      { 's.csv': 'date,ticker,sentiment\n2024-03-04,AAA,1\n2024-03-05,AAA,1\n2024-03-04,AAA,2\n' },
      /s\.csv:4:1: duplicate date 2024-03-04 for AAA \(first on line 2\)/,
    ],
    [
      'a non-numeric value',
      { 's.csv': 'date,ticker,sentiment,buzz\n2024-03-04,AAA,1,high\n' },
      /s\.csv:2:4: "high" in column buzz is not a number/,
    ],
    [
      'a value that only looks numeric',
      { 's.csv': 'date,ticker,sentiment\n2024-03-04,AAA,0x10\n' },
      /s\.csv:2:3: "0x10" in column sentiment is not a number/,
    ],
    [
      'a date after the as-of date',
      { 's.csv': 'date,ticker,sentiment\n2024-03-11,AAA,1\n' },
      /s\.csv:2:1: date 2024-03-11 is after the run's as-of date 2024-03-08/,
    ],
    ['a malformed date', { 's.csv': 'date,ticker,sentiment\n2024-02-30,AAA,1\n' }, /s\.csv:2:1: "2024-02-30" is not a date/],
    [
      'a built-in feature name',
      { 's.csv': 'date,ticker,sentiment,rsi_14\n2024-03-04,AAA,1,2\n' },
      /s\.csv:1:4: signal "rsi_14" collides with a built-in feature/,
    ],
    ['a pattern feature name, even when patterns are off', { 's.csv': 'date,ticker,cdl_doji\n' }, /s\.csv:1:3: signal "cdl_doji" collides/],
    ['a target column name', { 's.csv': 'date,ticker,label\n' }, /s\.csv:1:3: signal "label" collides/],
    [
      'a name defined in two files',
      { 'a.csv': 'date,ticker,sentiment\n', 'b.csv': 'date,ticker,buzz,sentiment\n' },
      /b\.csv:1:4: signal "sentiment" is also defined in .*a\.csv/,
    ],
    ['a wrong header', { 's.csv': 'day,ticker,sentiment\n' }, /s\.csv:1:1: expected a header starting "date,ticker,"/],
    ['a short row', { 's.csv': 'date,ticker,a,b\n2024-03-04,AAA,1\n' }, /s\.csv:2:4: expected 4 cells, found 3/],
  ];
  for (const [what, files, message] of BAD) {
    it(`refuses ${what} with one line naming file, line and column`, async () => {
      const err = await load(signalsDir(files)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as Error).message).toMatch(message);
      expect((err as Error).message).not.toContain('\n');
    });
  }

  it('inside a run the same problem is a DataError (non-retryable), not a configuration error', async () => {
    const err = await load(signalsDir({ 's.csv': 'date,ticker,sentiment\n2024-03-04,AAA,x\n' }), 'data').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataError);
    expect((err as Error).message).toMatch(/s\.csv:2:3:/);
  });

  it('a missing or empty directory is named', async () => {
    await expect(load(join(root, 'nope'))).rejects.toThrow(/signals: cannot read directory .*nope \(ENOENT\)/);
    await expect(load(signalsDir({}))).rejects.toThrow(/holds no \.csv file/);
  });

  it('runSignals reads csv:DIR from the configuration with the lag, and nothing without signals', async () => {
    const dir = signalsDir({ 's.csv': 'date,ticker,sentiment\n2024-03-04,AAA,1\n' });
    const base = { seed: 1, tickers: ['AAA'], asOf: '2024-03-08', signalLagDays: 2 };
    const joined = await runSignals({ ...base, signals: `csv:${dir}` }, { now: new Date(), errorKind: 'config' });
    expect(joined?.lagDays).toBe(2);
    expect(joined?.table.names).toEqual(['sentiment']);
    expect(await runSignals({ ...base, signals: undefined }, { now: new Date(), errorKind: 'config' })).toBeUndefined();
  });
});

describe('as-of join with a publication lag', () => {
  // Mon 4 … Fri 8 March, Mon 11, Tue 12.
  const days = ['2024-03-04', '2024-03-05', '2024-03-06', '2024-03-07', '2024-03-08', '2024-03-11', '2024-03-12'];
  const obs = {
    dates: ['2024-03-04', '2024-03-05', '2024-03-07', '2024-03-09', '2024-03-10', '2024-03-12'],
    values: [Float64Array.from([1, 2, Number.NaN, 4, 5, 6])],
  };
  const at = (lag: number) => Array.from(joinSignals({ tradingDates: days, obs, lagDays: lag })[0]!);

  it('lag 1: a value published after the close of day t is a feature from t+1; weekends land on Monday; missing days stay missing', () => {
    // Mon→Tue, Tue→Wed, Thu's missing value → Fri missing, Sat and Sun → Mon (Sunday's, the newer), Tue 12 → after the data.
    expect(at(1)).toEqual([Number.NaN, 1, 2, Number.NaN, Number.NaN, 5, Number.NaN]);
  });
  it('lag 0: usable on its own date; lag 2: one more trading day', () => {
    expect(at(0)).toEqual([1, 2, Number.NaN, Number.NaN, Number.NaN, 5, 6]);
    expect(at(2)).toEqual([Number.NaN, Number.NaN, 1, 2, Number.NaN, Number.NaN, 5]);
  });
  it('never uses a value on or before its publication day when the lag is ≥ 1 (random property)', () => {
    const dates = Array.from({ length: 300 }, (_, i) => new Date(Date.UTC(2020, 0, 1) + i * 86_400_000).toISOString().slice(0, 10));
    const trading = dates.filter((_, i) => i % 7 !== 5 && i % 7 !== 6);
    const published = dates.filter((_, i) => (i * 7919) % 5 !== 0);
    const values = Float64Array.from(published, (_, i) => i);
    for (const lag of [1, 2, 3]) {
      const joined = joinSignals({ tradingDates: trading, obs: { dates: published, values: [values] }, lagDays: lag })[0]!;
      joined.forEach((v, k) => {
        if (Number.isNaN(v)) return;
        const d = published[v]!;
        // Strictly before the day it is used, and exactly `lag` trading days after its publication.
        expect(d < trading[k]!).toBe(true);
        expect(trading.filter((t) => t > d && t <= trading[k]!).length).toBe(lag);
      });
      // Prefix property: cutting the trading calendar never changes earlier values.
      const cut = joinSignals({ tradingDates: trading.slice(0, 150), obs: { dates: published, values: [values] }, lagDays: lag })[0]!;
      expect(Array.from(cut)).toEqual(Array.from(joined.subarray(0, 150)));
    }
  });
});
