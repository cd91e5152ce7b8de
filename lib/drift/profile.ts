import { calibrateDrift, calibrateDriftYielding, type DriftCalibration } from './calibration';
import { binFractions, quantileEdges } from './psi';

/** One column's reference distribution, saved with the model at training time. */
export interface ColumnProfile {
  edges: number[];
  fractions: number[];
  n: number;
  nan: number;
  mean: number;
  std: number;
  /** Evenly spaced order statistics (≤ sampleSize) kept for the KS test. */
  sample: number[];
}

export interface ReferenceProfile {
  version: 1;
  features: Record<string, ColumnProfile>;
  predictions?: ColumnProfile;
  positiveRate?: number;
  /** Thresholds calibrated on the reference's own rolling windows (absent in older profiles). */
  calibration?: DriftCalibration;
}

/** At most k evenly spaced order statistics of sorted values (all of them when there are ≤ k). */
export function orderStatistics(sorted: ArrayLike<number>, k: number): number[] {
  const m = Math.min(k, sorted.length);
  return Array.from({ length: m }, (_, i) => sorted[Math.round((i * (sorted.length - 1)) / Math.max(1, m - 1))]!);
}

export function profileColumn(values: ArrayLike<number>, nBins = 10, sampleSize = 2000): ColumnProfile {
  const edges = quantileEdges(values, nBins);
  const { fractions, n, nan } = binFractions(values, edges);
  const sorted = Float64Array.from(values)
    .filter((v) => !Number.isNaN(v))
    .sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  const mean = n ? sum / n : NaN;
  let sq = 0;
  for (const v of sorted) sq += (v - mean) ** 2;
  const sample = orderStatistics(sorted, sampleSize);
  return { edges, fractions, n, nan, mean, std: n > 1 ? Math.sqrt(sq / (n - 1)) : NaN, sample };
}

type ProfileInput = {
  featureNames: string[];
  /** One array of values per feature, in `featureNames` order. */
  columns: ArrayLike<number>[];
  predictions?: ArrayLike<number>;
  labels?: ArrayLike<number>;
  nBins?: number;
  /** The rows' dates and the drift check's window length: calibrates the thresholds when given. */
  calibration?: { dates: ArrayLike<string>; windowDays: number };
};

/** The profile around its features' profiles (one per feature, made by the caller, at its own pace). */
function uncalibratedProfile(o: ProfileInput, features: Record<string, ColumnProfile>): ReferenceProfile {
  let positiveRate: number | undefined;
  if (o.labels && o.labels.length) {
    let pos = 0;
    for (let i = 0; i < o.labels.length; i++) pos += o.labels[i] === 1 ? 1 : 0;
    positiveRate = pos / o.labels.length;
  }
  const profile: ReferenceProfile = {
    version: 1,
    features,
    ...(o.predictions ? { predictions: profileColumn(o.predictions, o.nBins) } : {}),
    ...(positiveRate !== undefined ? { positiveRate } : {}),
  };
  return profile;
}

const calibrationOf = (profile: ReferenceProfile, o: ProfileInput, c: NonNullable<ProfileInput['calibration']>) => ({
  profile,
  featureNames: o.featureNames,
  columns: o.columns,
  dates: c.dates,
  windowDays: c.windowDays,
});

export function buildReferenceProfile(o: ProfileInput): ReferenceProfile {
  const features: Record<string, ColumnProfile> = {};
  o.featureNames.forEach((name, j) => (features[name] = profileColumn(o.columns[j]!, o.nBins)));
  const profile = uncalibratedProfile(o, features);
  if (o.calibration) profile.calibration = calibrateDrift(calibrationOf(profile, o, o.calibration));
  return profile;
}

/** The same profile, built and calibrated without holding the event loop for more than one feature at a time (activities). */
export async function buildReferenceProfileYielding(o: ProfileInput): Promise<ReferenceProfile> {
  const features: Record<string, ColumnProfile> = {};
  for (const [j, name] of o.featureNames.entries()) {
    features[name] = profileColumn(o.columns[j]!, o.nBins);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  const profile = uncalibratedProfile(o, features);
  if (o.calibration) profile.calibration = await calibrateDriftYielding(calibrationOf(profile, o, o.calibration));
  return profile;
}

/**
 * Columns of a row-major float matrix (for profiling and drift checks), as float32 like the matrix
 * (the same numbers, half the memory of float64 at a million rows × 27 features).
 */
export function columnsOf(m: { data: Float32Array; rows: number; cols: number }, rows?: ArrayLike<number>): Float32Array[] {
  const n = rows ? rows.length : m.rows;
  const out = Array.from({ length: m.cols }, () => new Float32Array(n));
  for (let i = 0; i < n; i++) {
    const base = (rows ? rows[i]! : i) * m.cols;
    for (let j = 0; j < m.cols; j++) out[j]![i] = m.data[base + j]!;
  }
  return out;
}
