import { isIsoDate } from '../data/dates';
import { sliceByDate } from '../data/series';
import { DEFAULT_FEATURE_CONFIG, tickerFeatureColumns, type TickerColumns } from '../features';
import { patternsInFeatures } from '../features/definitions';
import type { CandlestickPattern } from '../features/patternNames';
import { RequestError } from './requestError';
import type { SeriesLoader } from './seriesLoader';

const TICKER_RE = /^[A-Za-z0-9][A-Za-z0-9.^=_-]{0,19}$/;

interface Entry {
  token: string;
  checkedAt: number;
  columns: TickerColumns;
  rowOf: Map<string, number>;
  /** The columns of a model's features, in its order (keyed by the model's feature-name list). */
  byModel: WeakMap<readonly string[], Float64Array[]>;
}

interface EntryKey {
  key: string;
  ticker: string;
  windowStart: string;
  patterns: CandlestickPattern[];
  now: number;
}

/** What a model's feature list asks of the cache; computed once per list, not per request. */
interface FeatureRequest {
  patterns: CandlestickPattern[];
  patternKey: string;
}

/**
 * Feature rows for (ticker, date) computed by the training code path: the cached bars from the
 * model's first training day on, through lib/features' `tickerFeatureColumns` (what buildFeatures
 * stores), then rounded to Float32 exactly as loadFeatureMatrix does. Computed once per ticker and
 * data version; a changed cache file is picked up in the background (see `entry`).
 */
export class FeatureRowProvider {
  private readonly cache = new Map<string, Entry>();
  private readonly loading = new Map<string, Promise<Entry>>();
  private readonly revalidating = new Map<string, Promise<void>>();
  private readonly requests = new WeakMap<readonly string[], FeatureRequest>();

  constructor(
    private readonly o: { load: SeriesLoader; stat?: (ticker: string) => Promise<string | null>; recheckMs?: number; now?: () => number },
  ) {}

  async row(q: {
    ticker: unknown;
    date?: unknown;
    windowStart: string;
    featureNames: string[];
  }): Promise<{ ticker: string; date: string; values: Float32Array }> {
    if (typeof q.ticker !== 'string' || !TICKER_RE.test(q.ticker))
      throw new RequestError(400, 'field "ticker" must be a ticker symbol such as "SYN-A"', 'bad_ticker');
    if (q.date !== undefined && (typeof q.date !== 'string' || !isIsoDate(q.date))) {
      throw new RequestError(400, 'field "date" must be a YYYY-MM-DD date', 'bad_date');
    }
    const entry = await this.entry(q.ticker, q.windowStart, this.featureRequest(q.featureNames));
    const dates = entry.columns.dates;
    if (dates.length === 0)
      throw new RequestError(400, `field "ticker": no feature rows for ${q.ticker} yet (history shorter than the warm-up)`, 'bad_ticker');
    const date = q.date ?? dates.at(-1)!;
    const i = entry.rowOf.get(date);
    if (i === undefined) {
      const where =
        date < dates[0]! || date > dates.at(-1)! ? `outside the data (${dates[0]} … ${dates.at(-1)})` : 'not a trading day in the data';
      throw new RequestError(400, `field "date": ${date} is ${where} for ${q.ticker}`, 'bad_date');
    }
    const columns = this.columnsOf(entry, q.featureNames);
    const values = new Float32Array(columns.length);
    for (let j = 0; j < columns.length; j++) values[j] = columns[j]![i]!;
    return { ticker: q.ticker, date, values };
  }

  private featureRequest(featureNames: readonly string[]): FeatureRequest {
    let r = this.requests.get(featureNames);
    if (!r) {
      const patterns = patternsInFeatures(featureNames);
      r = { patterns, patternKey: patterns.join(',') };
      this.requests.set(featureNames, r);
    }
    return r;
  }

  private columnsOf(entry: Entry, featureNames: readonly string[]): Float64Array[] {
    let columns = entry.byModel.get(featureNames);
    if (!columns) {
      columns = featureNames.map((name) => entry.columns.values[entry.columns.featureNames.indexOf(name)]!);
      entry.byModel.set(featureNames, columns);
    }
    return columns;
  }

  /** Resolves when background re-checks of the price cache started so far are done (tests). */
  async settled(): Promise<void> {
    await Promise.all(this.revalidating.values());
  }

  /**
   * Stale-while-revalidate: a request never waits for the file system once a ticker is cached.
   * Every `recheckMs` one request starts a background check of the cache file; if it changed, the
   * rows are recomputed and later requests see them.
   */
  private async entry(ticker: string, windowStart: string, { patterns, patternKey }: FeatureRequest): Promise<Entry> {
    // Models with other candlestick patterns need other columns: the pattern set is part of the key.
    const key = `${ticker}|${windowStart}|${patternKey}`;
    const now = (this.o.now ?? Date.now)();
    const cached = this.cache.get(key);
    if (cached) {
      if (now - cached.checkedAt >= (this.o.recheckMs ?? 1000) && !this.revalidating.has(key)) {
        cached.checkedAt = now;
        const check = this.revalidate({ key, ticker, windowStart, patterns, now }, cached).finally(() => this.revalidating.delete(key));
        this.revalidating.set(key, check);
      }
      return cached;
    }
    let pending = this.loading.get(key);
    if (!pending) {
      pending = this.compute({ key, ticker, windowStart, patterns, now }).finally(() => this.loading.delete(key));
      this.loading.set(key, pending);
    }
    return pending;
  }

  private async revalidate(k: EntryKey, cached: Entry): Promise<void> {
    try {
      if (this.o.stat && (await this.o.stat(k.ticker)) === cached.token) return;
      await this.compute(k);
    } catch {
      // The file is being replaced or went away: keep serving what we have, check again later.
    }
  }

  private async compute(k: EntryKey): Promise<Entry> {
    const loaded = await this.o.load(k.ticker);
    if (!loaded) throw new RequestError(400, `field "ticker": unknown ticker ${k.ticker} (not in the data)`, 'bad_ticker');
    const series = sliceByDate(loaded.series, k.windowStart);
    // Features do not depend on the label settings; the default config only shapes the label columns.
    const columns = tickerFeatureColumns(series, { ...DEFAULT_FEATURE_CONFIG, candlestickPatterns: k.patterns });
    const entry: Entry = {
      token: loaded.token,
      checkedAt: k.now,
      columns,
      rowOf: new Map(columns.dates.map((d, i) => [d, i])),
      byModel: new WeakMap(),
    };
    this.cache.set(k.key, entry);
    return entry;
  }
}
