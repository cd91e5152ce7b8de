import type { ColumnProfile, ReferenceProfile } from './profile';
import { rollingWindowStats } from './windowStats';

/** The drift check's default window (trading days); reference profiles are calibrated for it. */
export const DEFAULT_DRIFT_WINDOW_DAYS = 20;

/** The specification's floors: a calibrated threshold is never below them. */
export const SPEC_PSI_WARNING = 0.1;
export const SPEC_PSI_CRITICAL = 0.25;

/**
 * How far beyond the reference's own variation a window must be: margin × the quantile of the
 * training data's rolling windows. The margin allows for the next year's windows, which were not
 * part of the reference (their maximum exceeds the in-sample maximum by up to ~10 % for a few
 * features). 27 features × 2 windows × 2 statistics are judged each day, hence the 99.9 %
 * quantile. Warning and critical coincide by default: with a 1 % false-alarm budget per *check*
 * there is no room for a softer level (a warning still comes from a stray out-of-range value).
 * Chosen on the embedded market (seed 42) from a small grid and checked on seed 1 (bench/drift).
 */
export const DEFAULT_CALIBRATION = { quantile: 0.999, warningMargin: 1.25, criticalMargin: 1.25, recentDays: 5 };

export interface ColumnCalibration {
  psiWarning: number;
  psiCritical: number;
  ksWarning: number;
  ksCritical: number;
  /** The quantile of the historical windows the thresholds start from. */
  psiQuantile: number;
  ksQuantile: number;
  windows: number;
  /** The same for the last `recentDays` of the window, which see a sudden change sooner. */
  recent?: Omit<ColumnCalibration, 'recent'>;
}

/** Per-feature thresholds for checks of `windowDays` trading days, saved in the reference profile. */
export interface DriftCalibration {
  windowDays: number;
  quantile: number;
  warningMargin: number;
  criticalMargin: number;
  /** Length of the recent sub-window (absent: none calibrated). */
  recentDays?: number;
  features: Record<string, ColumnCalibration>;
}

/**
 * Short windows of autocorrelated indicators differ from a ten-year reference even when nothing
 * changed (a 20-day window of ret_std_20 sees one volatility regime, the reference all of them).
 * The null distribution of PSI and KS for a window of the check's length is therefore measured on
 * the reference's own rolling windows, and a check alerts only beyond a high quantile of it.
 */
export function calibrateDrift(o: {
  profile: ReferenceProfile;
  featureNames: string[];
  columns: ArrayLike<number>[];
  dates: ArrayLike<string>;
  windowDays: number;
  quantile?: number;
  warningMargin?: number;
  criticalMargin?: number;
  recentDays?: number;
}): DriftCalibration {
  const { quantile, warningMargin, criticalMargin, recentDays } = { ...DEFAULT_CALIBRATION, ...definedOnly(o) };
  const withRecent = recentDays < o.windowDays;
  const features: Record<string, ColumnCalibration> = {};
  o.featureNames.forEach((name, j) => {
    const profile = o.profile.features[name];
    if (!profile) return;
    const common = { profile, values: o.columns[j]!, dates: o.dates, quantile, warningMargin, criticalMargin };
    features[name] = {
      ...calibrateColumn({ ...common, windowDays: o.windowDays }),
      ...(withRecent ? { recent: calibrateColumn({ ...common, windowDays: recentDays }) } : {}),
    };
  });
  return { windowDays: o.windowDays, quantile, warningMargin, criticalMargin, ...(withRecent ? { recentDays } : {}), features };
}

function calibrateColumn(o: {
  profile: ColumnProfile;
  values: ArrayLike<number>;
  dates: ArrayLike<string>;
  windowDays: number;
  quantile: number;
  warningMargin: number;
  criticalMargin: number;
}): ColumnCalibration {
  const w = rollingWindowStats(o);
  const psiQ = quantileOf(w.psi, o.quantile);
  const ksQ = quantileOf(w.ks, o.quantile);
  // Too little history for one window: the fixed thresholds (KS capped at its maximum, 1).
  const psiWarning = Math.max(SPEC_PSI_WARNING, Number.isFinite(psiQ) ? psiQ * o.warningMargin : SPEC_PSI_WARNING);
  const psiCritical = Math.max(SPEC_PSI_CRITICAL, psiWarning, Number.isFinite(psiQ) ? psiQ * o.criticalMargin : SPEC_PSI_CRITICAL);
  const ksWarning = Number.isFinite(ksQ) ? Math.min(1, ksQ * o.warningMargin) : 1;
  const ksCritical = Number.isFinite(ksQ) ? Math.min(1, Math.max(ksWarning, ksQ * o.criticalMargin)) : 1;
  return { psiWarning, psiCritical, ksWarning, ksCritical, psiQuantile: psiQ, ksQuantile: ksQ, windows: w.psi.length };
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

function definedOnly(o: { quantile?: number; warningMargin?: number; criticalMargin?: number; recentDays?: number }) {
  return Object.fromEntries(
    Object.entries({
      quantile: o.quantile,
      warningMargin: o.warningMargin,
      criticalMargin: o.criticalMargin,
      recentDays: o.recentDays,
    }).filter(([, v]) => v !== undefined),
  );
}
