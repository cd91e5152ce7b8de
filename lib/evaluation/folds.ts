import { ConfigError, ValidationError } from '../util/errors';
import { classificationMetrics, meanMetrics, type ClassificationMetrics, type MetricSummary } from './metrics';

/** Walk-forward folds of the training window: the CV of the train stage and every search trial. */
export const WALK_FORWARD_FOLDS = 4;

export interface Fold {
  trainIdx: number[];
  testIdx: number[];
  trainEnd: string;
  testStart: string;
  testEnd: string;
}

function distinctSorted(dates: string[]): string[] {
  return [...new Set(dates)].sort();
}

/**
 * Expanding-window folds in time order. The distinct dates after an initial training block are
 * cut into `nFolds` consecutive test blocks; each fold trains on every date before its test block
 * except the last `purgeGap` dates, whose forward-looking labels would overlap the test period.
 */
export function walkForwardFolds(o: { dates: string[]; nFolds: number; purgeGap: number; minTrainFraction?: number }): Fold[] {
  const days = distinctSorted(o.dates);
  const firstTest = Math.floor(days.length * (o.minTrainFraction ?? 0.5));
  const testDays = days.length - firstTest;
  if (o.nFolds < 1 || testDays < o.nFolds || firstTest - o.purgeGap < 20) {
    throw new ValidationError(`${days.length} dates are too few for ${o.nFolds} walk-forward folds with a ${o.purgeGap}-day purge gap`);
  }
  const folds: Fold[] = [];
  for (let k = 0; k < o.nFolds; k++) {
    const start = firstTest + Math.floor((k * testDays) / o.nFolds);
    const end = firstTest + Math.floor(((k + 1) * testDays) / o.nFolds) - 1;
    const trainEnd = days[start - o.purgeGap - 1]!;
    const testStart = days[start]!;
    const testEnd = days[end]!;
    const trainIdx: number[] = [];
    const testIdx: number[] = [];
    o.dates.forEach((d, i) => {
      if (d <= trainEnd) trainIdx.push(i);
      else if (d >= testStart && d <= testEnd) testIdx.push(i);
    });
    folds.push({ trainIdx, testIdx, trainEnd, testStart, testEnd });
  }
  return folds;
}

export interface WalkForwardResult {
  folds: (ClassificationMetrics & { testStart: string; testEnd: string })[];
  mean: MetricSummary;
}

export async function walkForward(o: {
  folds: Fold[];
  y: ArrayLike<number>;
  fitPredict: (trainIdx: number[], testIdx: number[]) => Promise<ArrayLike<number>>;
}): Promise<WalkForwardResult> {
  const folds: WalkForwardResult['folds'] = [];
  for (const fold of o.folds) {
    const p = await o.fitPredict(fold.trainIdx, fold.testIdx);
    const y = fold.testIdx.map((i) => o.y[i]!);
    folds.push({ ...classificationMetrics(y, p), testStart: fold.testStart, testEnd: fold.testEnd });
  }
  return { folds, mean: meanMetrics(folds) };
}

export interface HoldoutSplit {
  trainIdx: number[];
  holdoutIdx: number[];
  trainEnd: string;
  holdoutStart: string;
  holdoutEnd: string;
}

/** `6m` → 6 months, `12w`, `90d` → calendar days before the last date. */
export function parseHoldout(text: string): { months?: number; days?: number } {
  const m = /^(\d+)([mwd])$/.exec(text);
  if (!m || Number(m[1]) === 0) throw new ConfigError(`holdout "${text}" must look like 6m, 12w or 90d`);
  const n = Number(m[1]);
  return m[2] === 'm' ? { months: n } : { days: m[2] === 'w' ? n * 7 : n };
}

/** Calendar months back, clamped to the target month's last day (31 May − 3 months = 29 Feb 2024, not 2 March). */
export function subtractMonths(d: Date, months: number): Date {
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() - months;
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return new Date(Date.UTC(y, m, Math.min(d.getUTCDate(), lastDay)));
}

/**
 * The last `holdout` of the data is kept for validation only. Training ends `purgeGap` trading
 * days before it, so no training label (which looks `purgeGap` days ahead) peeks into the holdout.
 */
export function splitHoldout(o: {
  dates: string[];
  holdout: string;
  purgeGap: number;
  y?: ArrayLike<number>;
  minRows?: number;
}): HoldoutSplit {
  const days = distinctSorted(o.dates);
  if (days.length === 0) throw new ValidationError('no labelled rows to split into training and holdout');
  const last = new Date(`${days[days.length - 1]}T00:00:00Z`);
  const span = parseHoldout(o.holdout);
  const cut = span.months ? subtractMonths(last, span.months) : new Date(last.getTime() - span.days! * 86_400_000);
  const cutIso = cut.toISOString().slice(0, 10);
  const firstHoldout = days.findIndex((d) => d > cutIso);
  if (firstHoldout <= o.purgeGap) {
    throw new ValidationError(
      `the holdout ${o.holdout} covers all ${days.length} dates (${days[0]} … ${days.at(-1)}): use a longer --period or a shorter --holdout`,
    );
  }
  const holdoutStart = days[firstHoldout]!;
  const trainEnd = days[firstHoldout - o.purgeGap - 1]!;
  const trainIdx: number[] = [];
  const holdoutIdx: number[] = [];
  o.dates.forEach((d, i) => {
    if (d <= trainEnd) trainIdx.push(i);
    else if (d >= holdoutStart) holdoutIdx.push(i);
  });
  const minRows = o.minRows ?? 50;
  if (holdoutIdx.length < minRows) {
    throw new ValidationError(
      `the holdout has ${holdoutIdx.length} rows; at least ${minRows} are needed for a meaningful validation (longer --holdout or more tickers)`,
    );
  }
  if (o.y) {
    let pos = 0;
    for (const i of holdoutIdx) pos += o.y[i] === 1 ? 1 : 0;
    if (pos === 0 || pos === holdoutIdx.length) {
      throw new ValidationError(
        `the holdout ${holdoutStart} … ${days.at(-1)} has a single class (${pos} up of ${holdoutIdx.length}): precision, recall and AUC are undefined; use a longer --holdout`,
      );
    }
  }
  return { trainIdx, holdoutIdx, trainEnd, holdoutStart, holdoutEnd: days[days.length - 1]! };
}

/**
 * The run's holdout split, identical in every stage that needs it (train, search folds, backtest):
 * the last `holdout` window, purged by the label horizon, at least `minHoldoutRows` rows.
 */
export function runHoldoutSplit(
  m: { dates: string[]; y: ArrayLike<number> },
  c: { holdout: string; labelHorizon: number; minHoldoutRows: number },
): ReturnType<typeof splitHoldout> {
  return splitHoldout({ dates: m.dates, holdout: c.holdout, purgeGap: c.labelHorizon, y: m.y, minRows: c.minHoldoutRows });
}
