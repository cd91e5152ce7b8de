import { DataError } from '../util/errors';
import { isBusinessDay, parseDay } from './dates';
import type { PriceSeries } from './types';

export type QualityCheck =
  | 'too_little_data'
  | 'bad_date'
  | 'unsorted_dates'
  | 'duplicate_dates'
  | 'non_positive_price'
  | 'negative_volume'
  | 'ohlc_inconsistent'
  | 'missing_sessions'
  | 'zero_volume_streak'
  | 'suspicious_jump';

export interface QualityIssue {
  check: QualityCheck;
  severity: 'fatal' | 'warning';
  message: string;
  count: number;
  /** A few offending dates, for the report. */
  examples: string[];
}

export interface QualityReport {
  ticker: string;
  rows: number;
  start: string | null;
  end: string | null;
  fatal: boolean;
  issues: QualityIssue[];
}

export interface QualityOptions {
  /** Fewer rows is fatal (default 60: the features need ~50 bars of warm-up). */
  minRows?: number;
  /** A run of missing Mon–Fri sessions longer than this is a warning (default 5; holidays are 1–2). */
  maxGapSessions?: number;
  /** Consecutive zero-volume sessions that make a warning (default 5). */
  zeroVolumeStreak?: number;
  /** |daily adjusted return| above this is a suspicious jump (default 0.4). */
  jumpThreshold?: number;
  /** Share of rows with open/close outside [low, high] tolerated as a warning (default 1%). */
  maxInconsistentShare?: number;
}

const SPLIT_RATIOS = [2, 3, 4, 5, 8, 10, 20, 1.5];

/** Check one series; never throws. */
export function checkSeriesQuality(s: PriceSeries, options: QualityOptions = {}): QualityReport {
  const minRows = options.minRows ?? 60;
  const n = s.dates.length;
  const issues: QualityIssue[] = [];
  const add = (check: QualityCheck, severity: QualityIssue['severity'], message: string, dates: string[]): void => {
    if (dates.length > 0 || check === 'too_little_data') {
      issues.push({ check, severity, message, count: Math.max(dates.length, 1), examples: dates.slice(0, 5) });
    }
  };
  if (n < minRows) add('too_little_data', 'fatal', `${n} rows, at least ${minRows} needed`, []);

  const bad: string[] = [];
  const unsorted: string[] = [];
  const duplicates: string[] = [];
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(parseDay(s.dates[i]!))) bad.push(s.dates[i]!);
    if (i > 0 && s.dates[i] === s.dates[i - 1]) duplicates.push(s.dates[i]!);
    else if (i > 0 && s.dates[i]! < s.dates[i - 1]!) unsorted.push(s.dates[i]!);
  }
  add('bad_date', 'fatal', 'dates that are not YYYY-MM-DD', bad);
  add('unsorted_dates', 'fatal', 'dates out of order', unsorted);
  add('duplicate_dates', 'fatal', 'the same date more than once', duplicates);

  const nonPositive: string[] = [];
  const negativeVolume: string[] = [];
  const crossed: string[] = [];
  const outside: string[] = [];
  for (let i = 0; i < n; i++) {
    const [o, h, l, c, a] = [s.open[i]!, s.high[i]!, s.low[i]!, s.close[i]!, s.adjClose[i]!];
    if (!(o > 0 && h > 0 && l > 0 && c > 0 && a > 0)) nonPositive.push(s.dates[i]!);
    if (!(s.volume[i]! >= 0)) negativeVolume.push(s.dates[i]!);
    if (h < l) crossed.push(s.dates[i]!);
    else if (Math.max(o, c) > h * (1 + 1e-6) || Math.min(o, c) < l * (1 - 1e-6)) outside.push(s.dates[i]!);
  }
  add('non_positive_price', 'fatal', 'prices that are zero, negative or missing', nonPositive);
  add('negative_volume', 'fatal', 'negative or missing volume', negativeVolume);
  add('ohlc_inconsistent', 'fatal', 'high below low', crossed);
  const tolerated = (options.maxInconsistentShare ?? 0.01) * n;
  add('ohlc_inconsistent', outside.length > tolerated ? 'fatal' : 'warning', 'open or close outside the [low, high] range', outside);

  const fatalSoFar = issues.some((i) => i.severity === 'fatal' && i.check !== 'too_little_data');
  if (!fatalSoFar && n > 1) {
    const gaps = missingSessionRuns(s.dates);
    const maxGap = options.maxGapSessions ?? 5;
    const missingTotal = gaps.reduce((t, g) => t + g.sessions, 0);
    const longGaps = gaps.filter((g) => g.sessions > maxGap);
    add(
      'missing_sessions',
      'warning',
      `${missingTotal} Mon–Fri sessions missing (holidays included); ${longGaps.length} gap(s) longer than ${maxGap}`,
      longGaps.length > 0 ? longGaps.map((g) => g.after) : missingTotal > 0.05 * n ? gaps.map((g) => g.after) : [],
    );
    add(
      'zero_volume_streak',
      'warning',
      `runs of ≥ ${options.zeroVolumeStreak ?? 5} zero-volume sessions`,
      zeroVolumeRuns(s, options.zeroVolumeStreak ?? 5),
    );
    const jumps: string[] = [];
    const splits: string[] = [];
    const threshold = options.jumpThreshold ?? 0.4;
    for (let i = 1; i < n; i++) {
      const r = s.adjClose[i]! / s.adjClose[i - 1]!;
      if (Math.abs(r - 1) <= threshold) continue;
      const looksLikeSplit = SPLIT_RATIOS.some((k) => Math.abs(r * k - 1) < 0.03 || Math.abs(r / k - 1) < 0.03);
      (looksLikeSplit ? splits : jumps).push(s.dates[i]!);
    }
    add('suspicious_jump', 'warning', 'price jumps close to a split ratio (unadjusted split?)', splits);
    add('suspicious_jump', 'warning', `daily moves beyond ±${threshold * 100}%`, jumps);
  }
  return {
    ticker: s.ticker,
    rows: n,
    start: s.dates[0] ?? null,
    end: s.dates[n - 1] ?? null,
    fatal: issues.some((i) => i.severity === 'fatal'),
    issues,
  };
}

/** Check and throw a DataError carrying the report when any issue is fatal. */
export function assertSeriesQuality(s: PriceSeries, options: QualityOptions = {}): QualityReport {
  const report = checkSeriesQuality(s, options);
  if (report.fatal) {
    const fatal = report.issues.filter((i) => i.severity === 'fatal');
    throw new DataError(
      `data for ${s.ticker} failed quality checks: ${fatal.map((i) => `${i.message} (${i.count}${i.examples.length ? `, e.g. ${i.examples.slice(0, 3).join(', ')}` : ''})`).join('; ')}`,
      { ticker: s.ticker, report },
    );
  }
  return report;
}

export function qualityWarnings(report: QualityReport): string[] {
  return report.issues
    .filter((i) => i.severity === 'warning')
    .map((i) => `${report.ticker}: ${i.message}${i.examples.length ? ` (e.g. ${i.examples.slice(0, 3).join(', ')})` : ''}`);
}

function missingSessionRuns(dates: string[]): { after: string; sessions: number }[] {
  const runs: { after: string; sessions: number }[] = [];
  for (let i = 1; i < dates.length; i++) {
    let missing = 0;
    for (let d = parseDay(dates[i - 1]!) + 1, last = parseDay(dates[i]!); d < last; d++) if (isBusinessDay(d)) missing++;
    if (missing > 0) runs.push({ after: dates[i - 1]!, sessions: missing });
  }
  return runs;
}

function zeroVolumeRuns(s: PriceSeries, minRun: number): string[] {
  const starts: string[] = [];
  let run = 0;
  for (let i = 0; i < s.dates.length; i++) {
    run = s.volume[i] === 0 ? run + 1 : 0;
    if (run === minRun) starts.push(s.dates[i - minRun + 1]!);
  }
  return starts;
}
