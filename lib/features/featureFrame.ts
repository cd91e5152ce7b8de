import pl from 'nodejs-polars';
import { nullableFloat64 } from '../data/polarsColumns';
import type { PriceSeries } from '../data/types';
import type { FeatureConfig } from './config';
import { computeTickerFeatures, FEATURE_WARMUP, priceFeatureNames } from './definitions';
import { computeLabels } from './label';
import { joinSignals } from '../signals/join';
import type { SignalTable } from '../signals/types';

export const KEY_COLUMNS = ['date', 'ticker'] as const;
export const TARGET_COLUMNS = ['label', 'fwd_return', 'next_return'] as const;

/** One ticker's rows after the warm-up, as plain arrays (cheap to build, cheap to concatenate). */
export interface TickerColumns {
  ticker: string;
  dates: string[];
  /** Names of the feature columns, the first `featureNames.length` entries of `values`. */
  featureNames: string[];
  /** The features (FEATURE_NAMES first) then label, fwd_return, next_return; NaN = undefined. */
  values: Float64Array[];
}

/** External signals to join (after the price features), with their publication lag in trading days. */
export interface JoinedSignals {
  table: SignalTable;
  lagDays: number;
}

/** `config.signals`: external signals to join after the price features (lib/signals), already validated. */
export function tickerFeatureColumns(series: PriceSeries, config: FeatureConfig & { signals?: JoinedSignals }): TickerColumns {
  const signals = config.signals;
  const from = Math.min(FEATURE_WARMUP, series.dates.length);
  const labels = computeLabels(series.adjClose, { horizon: config.labelHorizon, threshold: config.labelThreshold });
  const joined = signals ? signalColumns(series, signals) : [];
  const all = [...computeTickerFeatures(series, config), ...joined, labels.label, labels.fwdReturn, labels.nextReturn];
  const featureNames = [...priceFeatureNames(config), ...(signals?.table.names ?? [])];
  return { ticker: series.ticker, dates: series.dates.slice(from), featureNames, values: all.map((a) => a.subarray(from)) };
}

/** A ticker without any signal rows gets missing values, not zeros. */
function signalColumns(series: PriceSeries, signals: JoinedSignals): Float64Array[] {
  const obs = signals.table.byTicker.get(series.ticker) ?? { dates: [], values: signals.table.names.map(() => new Float64Array(0)) };
  return joinSignals({ tradingDates: series.dates, obs, lagDays: signals.lagDays });
}

/**
 * One frame from many tickers: date, ticker, features (null = undefined), label (Int8, null while
 * the forward return is unknown), fwd_return, next_return; rows in input order, or with
 * `sorted` in (date, ticker) order (what `.sort(['date', 'ticker'])` gives, without the sorted
 * copy of the whole frame). Columns are built once over all tickers because each polars Series
 * construction has a fixed cost far above the per-value cost, and the repeated date/ticker strings
 * are created from small dictionaries. With `release`, each part's column is let go as soon as it
 * is copied (the parts are consumed), so a universe's values are held about once, not three times.
 */
export function assembleFeatureFrame(parts: TickerColumns[], o: { sorted?: boolean; release?: boolean } = {}): pl.DataFrame {
  const featureNames = parts[0]?.featureNames ?? priceFeatureNames();
  const other = parts.find((p) => p.featureNames.join() !== featureNames.join());
  if (other) throw new Error(`feature columns of ${other.ticker} differ from those of ${parts[0]!.ticker}`);
  const valueColumns = [...featureNames, ...TARGET_COLUMNS];
  const total = parts.reduce((t, p) => t + p.dates.length, 0);
  const dateCodes = new Int32Array(total);
  const tickerCodes = new Int32Array(total);
  const dateIndex = new Map<string, number>();
  for (const p of parts) for (const d of p.dates) if (!dateIndex.has(d)) dateIndex.set(d, dateIndex.size);
  const dictionary = [...dateIndex.keys()];
  // Row r of the input order lands at dest[r].
  let dest: Int32Array | undefined;
  let tickerOrder = parts.map((_, t) => t);
  if (o.sorted) {
    dictionary.sort();
    dictionary.forEach((d, k) => dateIndex.set(d, k));
    tickerOrder = tickerOrder.sort((a, b) => (parts[a]!.ticker < parts[b]!.ticker ? -1 : parts[a]!.ticker > parts[b]!.ticker ? 1 : 0));
    const start = new Int32Array(dictionary.length + 1);
    for (const p of parts) for (const d of p.dates) start[dateIndex.get(d)! + 1]!++;
    for (let k = 1; k <= dictionary.length; k++) start[k]! += start[k - 1]!;
    const base = new Int32Array(parts.length);
    for (let t = 1; t < parts.length; t++) base[t] = base[t - 1]! + parts[t - 1]!.dates.length;
    dest = new Int32Array(total);
    for (const t of tickerOrder) {
      const p = parts[t]!;
      for (let i = 0; i < p.dates.length; i++) dest[base[t]! + i] = start[dateIndex.get(p.dates[i]!)!]!++;
    }
  }
  let at = 0;
  parts.forEach((p, t) => {
    for (const d of p.dates) {
      const to = dest ? dest[at]! : at;
      dateCodes[to] = dateIndex.get(d)!;
      tickerCodes[to] = t;
      at++;
    }
  });
  const columns = valueColumns.map((name, j) => {
    const big = new Float64Array(total);
    let offset = 0;
    for (const p of parts) {
      const values = p.values[j]!;
      if (dest) for (let i = 0; i < values.length; i++) big[dest[offset + i]!] = values[i]!;
      else big.set(values, offset);
      offset += p.dates.length;
      if (o.release) p.values[j] = EMPTY;
    }
    return name === 'label' ? nullableFloat64(name, big).cast(pl.Int8) : nullableFloat64(name, big);
  });
  const keys = pl.DataFrame([pl.Series('date', dateCodes), pl.Series('ticker', tickerCodes)]).select(
    decode('date', dictionary),
    decode(
      'ticker',
      parts.map((p) => p.ticker),
    ),
  );
  return pl.DataFrame([keys.getColumn('date'), keys.getColumn('ticker'), ...columns]);
}

const EMPTY = new Float64Array(0);

function decode(name: string, dictionary: string[]): pl.Expr {
  if (dictionary.length === 0) return pl.col(name).cast(pl.Utf8);
  return pl
    .col(name)
    .replaceStrict([...dictionary.keys()], dictionary)
    .alias(name);
}

/** Convenience for one ticker (tests, calibration scripts). */
export function tickerFeatureFrame(series: PriceSeries, config: FeatureConfig): pl.DataFrame {
  return assembleFeatureFrame([tickerFeatureColumns(series, config)]);
}
