export type { PriceSeries, FetchRequest, TickerFetchResult, MarketDataSource } from './types';
export { parseSource, SOURCE_FORMS, type SourceOptions } from './parseSource';
export { createSyntheticSource, SYNTHETIC_SYMBOL } from './syntheticSource';
export {
  generateSyntheticMarket,
  SYNTHETIC_TICKERS,
  SYNTHETIC_ORIGIN,
  SYNTHETIC_DEFAULT_SEED,
  type SyntheticMarket,
  type SyntheticMarketOptions,
} from './syntheticMarket';
export { createYahooSource, type YahooSourceOptions } from './yahooSource';
export { createCsvSource } from './csvSource';
export { parseYahooCsv, CSV_COLUMNS } from './csvFile';
export { periodToRange, PERIOD_CHOICES, type PeriodChoice, type DateRange } from './period';
export { updateCache, cachePaths, type CacheResult } from './cache';
export { fetchMarketData, type FetchMarketDataOptions, type MarketDataResult, type TickerData } from './fetchMarketData';
export {
  checkSeriesQuality,
  assertSeriesQuality,
  qualityWarnings,
  type QualityReport,
  type QualityIssue,
  type QualityOptions,
  type QualityCheck,
} from './quality';
export { countNewTradingDays } from './newTradingDays';
export { readSeriesParquet, writeSeriesParquet, seriesToParquet } from './parquet';
export { sliceByDate, concatSeries } from './series';
export { withRetry, type RetryOptions } from './retry';
export { businessDays, isBusinessDay, parseDay, formatDay } from './dates';
