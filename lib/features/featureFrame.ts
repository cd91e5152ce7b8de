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
 * the forward return is unknown), fwd_return, next_return; rows in input order. Columns are built
 * once over all tickers because each polars Series construction has a fixed cost far above the
 * per-value cost, and the repeated date/ticker strings are created from small dictionaries.
 */
export function assembleFeatureFrame(parts: TickerColumns[]): pl.DataFrame {
  const featureNames = parts[0]?.featureNames ?? priceFeatureNames();
  const other = parts.find((p) => p.featureNames.join() !== featureNames.join());
  if (other) throw new Error(`feature columns of ${other.ticker} differ from those of ${parts[0]!.ticker}`);
  const valueColumns = [...featureNames, ...TARGET_COLUMNS];
  const total = parts.reduce((t, p) => t + p.dates.length, 0);
  const dateCodes = new Int32Array(total);
  const tickerCodes = new Int32Array(total);
  const dateIndex = new Map<string, number>();
  let at = 0;
  parts.forEach((p, t) => {
    for (const d of p.dates) {
      let code = dateIndex.get(d);
      if (code === undefined) dateIndex.set(d, (code = dateIndex.size));
      dateCodes[at] = code;
      tickerCodes[at++] = t;
    }
  });
  const columns = valueColumns.map((name, j) => {
    const big = new Float64Array(total);
    let offset = 0;
    for (const p of parts) {
      big.set(p.values[j]!, offset);
      offset += p.dates.length;
    }
    return name === 'label' ? nullableFloat64(name, big).cast(pl.Int8) : nullableFloat64(name, big);
  });
  const keys = pl.DataFrame([pl.Series('date', dateCodes), pl.Series('ticker', tickerCodes)]).select(
    decode('date', [...dateIndex.keys()]),
    decode(
      'ticker',
      parts.map((p) => p.ticker),
    ),
  );
  return pl.DataFrame([keys.getColumn('date'), keys.getColumn('ticker'), ...columns]);
}

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
