/**
 * Feature-set throughput on ~1M rows (many tickers × ~10 years) against two references run on the
 * same data in the same invocation: TA-Lib (C, via .venv) and a plain-pandas implementation.
 * Timed: per-ticker features + labels + assembling one frame (IO excluded in every column).
 * Run: node --import tsx bench/features/index.ts [rows]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateSyntheticMarket } from '../../lib/data/syntheticMarket';
import type { PriceSeries } from '../../lib/data/types';
import { assembleFeatureFrame, tickerFeatureColumns } from '../../lib/features/featureFrame';
import { CANDLESTICK_PATTERNS, PATTERN_NAMES } from '../../lib/features/patterns';
import { venvPython } from '../../test/support/python';

const targetRows = Number(process.argv[2] ?? 1_000_000);
const ROWS_PER_TICKER = 2500;
const tickerCount = Math.ceil(targetRows / ROWS_PER_TICKER);
// The whole candlestick pattern set is part of the timed work on both sides (reference.py calls
// TA-Lib's CDL* functions for it, in the pandas reference too: pandas has no pattern recogniser).
const config = { labelHorizon: 5, labelThreshold: 0, candlestickPatterns: [...PATTERN_NAMES] };
const TALIB_PATTERNS = PATTERN_NAMES.map((p) => `${CANDLESTICK_PATTERNS[p].talib}:cdl_${p}`).join(',');

function generate(): PriceSeries[] {
  const tickers = Array.from({ length: tickerCount }, (_, i) => `SYN-B${String(i).padStart(4, '0')}`);
  // 2500 business days from the synthetic origin (2000-01-03) end in late 2009.
  const market = generateSyntheticMarket({ seed: 1, tickers, start: '2000-01-03', end: '2009-07-31' });
  return market.series.map((s) => ({ ...s, dates: s.dates.slice(0, ROWS_PER_TICKER), ...trim(s) }));
}

function trim(s: PriceSeries): Omit<PriceSeries, 'ticker' | 'dates'> {
  const cut = (a: Float64Array): Float64Array => a.subarray(0, ROWS_PER_TICKER);
  return { open: cut(s.open), high: cut(s.high), low: cut(s.low), close: cut(s.close), adjClose: cut(s.adjClose), volume: cut(s.volume) };
}

function ours(series: PriceSeries[]): { seconds: number; rows: number } {
  const t0 = performance.now();
  const df = assembleFeatureFrame(series.map((s) => tickerFeatureColumns(s, config)));
  return { seconds: (performance.now() - t0) / 1000, rows: df.height };
}

function writeInputs(series: PriceSeries[], dir: string): { data: string; offsets: string } {
  const n = series.reduce((t, s) => t + s.dates.length, 0);
  const fields = ['open', 'high', 'low', 'close', 'adjClose', 'volume'] as const;
  const data = new Float64Array(6 * n);
  const offsets = new BigInt64Array(series.length + 1);
  let at = 0;
  series.forEach((s, i) => {
    offsets[i] = BigInt(at);
    fields.forEach((f, j) => data.set(s[f], j * n + at));
    at += s.dates.length;
  });
  offsets[series.length] = BigInt(at);
  const paths = { data: join(dir, 'bars.f64'), offsets: join(dir, 'offsets.i64') };
  writeFileSync(paths.data, new Uint8Array(data.buffer));
  writeFileSync(paths.offsets, new Uint8Array(offsets.buffer));
  return paths;
}

function reference(mode: 'talib' | 'pandas', files: { data: string; offsets: string }) {
  const script = fileURLToPath(new URL('./reference.py', import.meta.url));
  const run = spawnSync(venvPython, [script, files.data, files.offsets, mode, TALIB_PATTERNS], { encoding: 'utf8', timeout: 900_000 });
  if (run.status !== 0) throw new Error(`${mode} reference failed: ${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { seconds: number; rows: number; maxrss_kb: number };
}

const series = generate();
const dir = mkdtempSync(join(tmpdir(), 'bench-features-'));
try {
  const files = writeInputs(series, dir);
  const rssBefore = process.memoryUsage().rss;
  ours(series); // warm-up (JIT)
  const runs = [ours(series), ours(series), ours(series)];
  const best = runs.reduce((a, b) => (a.seconds <= b.seconds ? a : b));
  const peakRss = process.resourceUsage().maxRSS * 1024;
  const talib = reference('talib', files);
  const pandas = reference('pandas', files);
  const inputRows = series.reduce((t, s) => t + s.dates.length, 0);
  const mb = (bytes: number): string => (bytes / 2 ** 20).toFixed(0);
  const row = (name: string, seconds: number, rows: number, rss: string): string =>
    `${name.padEnd(28)} ${seconds.toFixed(3).padStart(8)} s ${Math.round(inputRows / seconds)
      .toLocaleString('en-US')
      .padStart(12)} rows/s ${String(rows).padStart(9)} out ${rss.padStart(6)} MB peak RSS`;
  console.log(
    `features: ${series.length} tickers × ${ROWS_PER_TICKER} rows = ${inputRows.toLocaleString('en-US')} input rows, 27 features + ${PATTERN_NAMES.length} candlestick patterns + labels`,
  );
  console.log(row('trainctl (TS kernels+polars)', best.seconds, best.rows, mb(peakRss)));
  console.log(row('TA-Lib 0.8.2 (+numpy/pandas)', talib.seconds, talib.rows, mb(talib.maxrss_kb * 1024)));
  console.log(row('pandas 3.1 (rolling/ewm)', pandas.seconds, pandas.rows, mb(pandas.maxrss_kb * 1024)));
  console.log(
    `(trainctl: best of ${runs.length} after a warm-up; runs ${runs.map((r) => r.seconds.toFixed(3)).join(', ')} s; RSS before timing ${mb(rssBefore)} MB)`,
  );
  console.log(
    `RESULT features talib_ratio=${(best.seconds / talib.seconds).toFixed(3)} pandas_ratio=${(best.seconds / pandas.seconds).toFixed(3)} rows_per_s=${Math.round(inputRows / best.seconds)}`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
