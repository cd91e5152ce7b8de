import type { ColumnProfile, ReferenceProfile } from './profile';
import { rollingShifts } from './shift';
import { rollingWindowStats } from './windowStats';

/** The drift check's default window (trading days); reference profiles are calibrated for it. */
export const DEFAULT_DRIFT_WINDOW_DAYS = 20;

/** The specification's floors: a calibrated threshold is never below them. */
export const SPEC_PSI_WARNING = 0.1;
export const SPEC_PSI_CRITICAL = 0.25;

/**
 * Every statistic of every feature is first put on one scale: its value over this feature's own
 * `quantile` of the training data's rolling windows (for the signed within-window shift, its
 * distance from the median over the quantile's). A check judges 27 features × (PSI and KS over the
 * window and its last `recentDays`, and the shift of the last 1, 2, 3 and 5 days), so instead of a
 * Bonferroni guess the family is calibrated as a whole: `familyFactor` = the `familyQuantile` of
 * the training days' *largest* normalised statistic (a max-statistic threshold: adding tests raises
 * it, not the false alarms). The margin allows for the next year's windows, which were not part
 * of the reference (a volatility regime beyond anything in training). Warning and critical
 * coincide by default: with a 1 % false-alarm budget per *check* there is no room for a softer
 * level. Chosen on the embedded market (seed 42) and checked on held-out seeds (bench/drift).
 */
export const DEFAULT_CALIBRATION = {
  quantile: 0.999,
  familyQuantile: 0.998,
  warningMargin: 1.2,
  criticalMargin: 1.2,
  recentDays: 5,
  shiftDays: [1, 2, 3, 5],
};

export interface WindowCalibration {
  psiWarning: number;
  psiCritical: number;
  ksWarning: number;
  ksCritical: number;
  /** The quantile of the historical windows the thresholds start from. */
  psiQuantile: number;
  ksQuantile: number;
  windows: number;
}

/** Bands for the within-window shift of the last `days` days (see shift.ts). */
export interface ShiftCalibration {
  days: number;
  median: number;
  /** The (1 − quantile) and quantile of the training windows' shifts. */
  lowQuantile: number;
  highQuantile: number;
  warning: [number, number];
  critical: [number, number];
}

export interface ColumnCalibration extends WindowCalibration {
  /** The same for the last `recentDays` of the window, which see a sudden change sooner. */
  recent?: WindowCalibration;
  shift?: ShiftCalibration[];
}

/** Per-feature thresholds for checks of `windowDays` trading days, saved in the reference profile. */
export interface DriftCalibration {
  windowDays: number;
  quantile: number;
  warningMargin: number;
  criticalMargin: number;
  /** Length of the recent sub-window (absent: none calibrated). */
  recentDays?: number;
  /** Absent in profiles calibrated before the family-wise step (their thresholds are final as saved). */
  familyQuantile?: number;
  familyFactor?: number;
  shiftDays?: number[];
  features: Record<string, ColumnCalibration>;
}

type Settings = typeof DEFAULT_CALIBRATION;

interface RawColumn {
  name: string;
  main: { psi: Float64Array; ks: Float64Array };
  recent?: { psi: Float64Array; ks: Float64Array };
  shifts: { days: number; values: Float64Array; median: number; low: number; high: number }[];
  psiQ: number;
  ksQ: number;
  recentPsiQ: number;
  recentKsQ: number;
}

/**
 * Short windows of autocorrelated indicators differ from a ten-year reference even when nothing
 * changed (a 20-day window of ret_std_20 sees one volatility regime, the reference all of them).
 * The null distribution of each statistic for a window of the check's length is therefore measured
 * on the reference's own rolling windows, and a check alerts only beyond a high quantile of it,
 * scaled by the family-wise factor. Only the training rows passed in are used.
 */
export type CalibrationInput = {
  profile: ReferenceProfile;
  featureNames: string[];
  columns: ArrayLike<number>[];
  dates: ArrayLike<string>;
  windowDays: number;
} & Partial<Settings>;

export function calibrateDrift(o: CalibrationInput): DriftCalibration {
  const steps = calibrationSteps(o);
  let r = steps.next();
  while (!r.done) r = steps.next();
  return r.value;
}

/**
 * The same calibration, giving the event loop back after each feature: a worker keeps
 * heartbeating while it calibrates a large training set (seconds per feature on a busy machine).
 */
export async function calibrateDriftYielding(o: CalibrationInput): Promise<DriftCalibration> {
  const steps = calibrationSteps(o);
  let r = steps.next();
  while (!r.done) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    r = steps.next();
  }
  return r.value;
}

function* calibrationSteps(o: CalibrationInput): Generator<void, DriftCalibration> {
  const s: Settings = { ...DEFAULT_CALIBRATION, ...definedOnly(o) };
  const withRecent = s.recentDays < o.windowDays;
  const shiftDays = s.shiftDays.filter((d) => d < o.windowDays);
  const raw: RawColumn[] = [];
  for (const [j, name] of o.featureNames.entries()) {
    const profile = o.profile.features[name];
    if (!profile) continue;
    raw.push(rawColumn({ name, profile, values: o.columns[j]!, dates: o.dates, o, s, withRecent, shiftDays }));
    yield;
  }
  const familyFactor = familyFactorOf(raw, o.windowDays - s.recentDays, s);
  const features: Record<string, ColumnCalibration> = {};
  for (const c of raw) {
    features[c.name] = {
      ...windowThresholds(c.psiQ, c.ksQ, c.main.psi.length, familyFactor, s),
      ...(c.recent ? { recent: windowThresholds(c.recentPsiQ, c.recentKsQ, c.recent.psi.length, familyFactor, s) } : {}),
      ...(shiftDays.length ? { shift: c.shifts.flatMap((x) => shiftBands(x, familyFactor, s)) } : {}),
    };
  }
  return {
    windowDays: o.windowDays,
    quantile: s.quantile,
    warningMargin: s.warningMargin,
    criticalMargin: s.criticalMargin,
    ...(withRecent ? { recentDays: s.recentDays } : {}),
    familyQuantile: s.familyQuantile,
    familyFactor,
    shiftDays,
    features,
  };
}

function rawColumn(a: {
  name: string;
  profile: ColumnProfile;
  values: ArrayLike<number>;
  dates: ArrayLike<string>;
  o: { windowDays: number };
  s: Settings;
  withRecent: boolean;
  shiftDays: number[];
}): RawColumn {
  const common = { profile: a.profile, values: a.values, dates: a.dates };
  const main = rollingWindowStats({ ...common, windowDays: a.o.windowDays });
  const recent = a.withRecent ? rollingWindowStats({ ...common, windowDays: a.s.recentDays }) : undefined;
  const rolled = rollingShifts({ values: a.values, dates: a.dates, windowDays: a.o.windowDays, shiftDays: a.shiftDays });
  return {
    name: a.name,
    main,
    ...(recent ? { recent } : {}),
    shifts: a.shiftDays.map((days, k) => {
      const values = rolled.shifts[k]!;
      return {
        days,
        values,
        median: quantileOf(values, 0.5),
        low: quantileOf(values, 1 - a.s.quantile),
        high: quantileOf(values, a.s.quantile),
      };
    }),
    psiQ: quantileOf(main.psi, a.s.quantile),
    ksQ: quantileOf(main.ks, a.s.quantile),
    recentPsiQ: recent ? quantileOf(recent.psi, a.s.quantile) : NaN,
    recentKsQ: recent ? quantileOf(recent.ks, a.s.quantile) : NaN,
  };
}

/**
 * The `familyQuantile` of the largest normalised statistic per training window (all features,
 * all tests), never below 1 (one test alone keeps its own quantile). `recentOffset` aligns the
 * recent sub-windows, which start earlier, with the windows they end.
 */
function familyFactorOf(raw: RawColumn[], recentOffset: number, s: Settings): number {
  const count = raw[0]?.main.psi.length ?? 0;
  const dayMax = new Float64Array(count);
  const add = (w: number, score: number) => {
    if (score > dayMax[w]!) dayMax[w] = score;
  };
  for (const c of raw) {
    for (let w = 0; w < count; w++) {
      add(w, ratio(c.main.psi[w]!, c.psiQ));
      add(w, ratio(c.main.ks[w]!, c.ksQ));
      if (c.recent) {
        add(w, ratio(c.recent.psi[w + recentOffset]!, c.recentPsiQ));
        add(w, ratio(c.recent.ks[w + recentOffset]!, c.recentKsQ));
      }
      for (const x of c.shifts) add(w, bandScore(x.values[w]!, x));
    }
  }
  const q = quantileOf(dayMax, s.familyQuantile);
  return Number.isFinite(q) ? Math.max(1, q) : 1;
}

/** How far beyond its quantile a nonnegative statistic is (1 = at the quantile); NaN when undefined. */
function ratio(value: number, q: number): number {
  return q > 0 ? value / q : NaN;
}

/** The same for a signed statistic, on the side it deviates to from the median. */
function bandScore(value: number, b: { median: number; low: number; high: number }): number {
  if (value >= b.median) return b.high > b.median ? (value - b.median) / (b.high - b.median) : NaN;
  return b.median > b.low ? (b.median - value) / (b.median - b.low) : NaN;
}

function windowThresholds(psiQ: number, ksQ: number, windows: number, factor: number, s: Settings): WindowCalibration {
  const [w, c] = [factor * s.warningMargin, factor * s.criticalMargin];
  // Too little history for one window: the fixed thresholds (KS capped at its maximum, 1).
  const psiWarning = Math.max(SPEC_PSI_WARNING, Number.isFinite(psiQ) ? psiQ * w : SPEC_PSI_WARNING);
  const psiCritical = Math.max(SPEC_PSI_CRITICAL, psiWarning, Number.isFinite(psiQ) ? psiQ * c : SPEC_PSI_CRITICAL);
  const ksWarning = Number.isFinite(ksQ) ? Math.min(1, ksQ * w) : 1;
  const ksCritical = Number.isFinite(ksQ) ? Math.min(1, Math.max(ksWarning, ksQ * c)) : 1;
  return { psiWarning, psiCritical, ksWarning, ksCritical, psiQuantile: psiQ, ksQuantile: ksQ, windows };
}

function shiftBands(x: RawColumn['shifts'][number], factor: number, s: Settings): ShiftCalibration[] {
  if (!(x.high > x.median && x.median > x.low)) return [];
  const band = (m: number): [number, number] => [x.median - m * (x.median - x.low), x.median + m * (x.high - x.median)];
  const warning = band(factor * s.warningMargin);
  const critical = band(factor * Math.max(s.warningMargin, s.criticalMargin));
  return [{ days: x.days, median: x.median, lowQuantile: x.low, highQuantile: x.high, warning, critical }];
}

/** Linear-interpolation quantile (NumPy's default) of the finite values; NaN when there are none. */
export function quantileOf(values: ArrayLike<number>, q: number): number {
  const v = Float64Array.from(values)
    .filter((x) => Number.isFinite(x))
    .sort();
  if (v.length === 0) return NaN;
  const pos = q * (v.length - 1);
  const lo = Math.floor(pos);
  return v[lo]! + (v[Math.min(lo + 1, v.length - 1)]! - v[lo]!) * (pos - lo);
}

function definedOnly(o: Partial<Settings>): Partial<Settings> {
  const keys = Object.keys(DEFAULT_CALIBRATION) as (keyof Settings)[];
  return Object.fromEntries(keys.flatMap((k) => (o[k] !== undefined ? [[k, o[k]]] : [])));
}
