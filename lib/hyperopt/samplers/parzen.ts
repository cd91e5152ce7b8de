import type { Distribution } from '../distributions';
import { roundHalfEven, type RandomState } from '../rng';
import { logGaussMass, ppfBatch } from './truncnorm';

export interface ParzenParameters {
  priorWeight: number;
  considerMagicClip: boolean;
  considerEndpoints: boolean;
}

const EPS = 1e-12;

/** One dimension of the mixture: truncated normals (numeric) or categorical rows (one per kernel). */
type Dimension =
  | {
      kind: 'numeric';
      mus: number[];
      sigmas: number[];
      /** Per kernel: log σ and log of its mass inside the bounds (the truncation normaliser), precomputed. */
      logSigmas: number[];
      logNorms: number[];
      low: number;
      high: number;
      log: boolean;
      step: number | null;
      rawLow: number;
      rawHigh: number;
    }
  | { kind: 'categorical'; rows: number[][] };

/**
 * Optuna 5.0's Parzen estimator: kernel k uses observation k in every dimension (product kernels),
 * plus the prior kernel; mixture weights = weights(n) and the prior weight, normalised.
 */
export class ParzenEstimator {
  readonly weights: number[];
  private dims: { name: string; dim: Dimension }[];

  constructor(observations: Record<string, number[]>, space: Record<string, Distribution>, weights: number[], p: ParzenParameters) {
    const n = weights.length;
    const w = n === 0 ? [1] : [...weights, p.priorWeight];
    const total = w.reduce((a, b) => a + b, 0);
    this.weights = w.map((x) => x / total);
    this.dims = Object.entries(space).map(([name, d]) => ({ name, dim: buildDimension(observations[name] ?? [], d, p) }));
  }

  /**
   * Draw `size` candidates, consuming the generator exactly as Optuna's mixture does: the kernels
   * first, then one uniform per candidate for each categorical dimension, then the quantiles of all
   * numeric dimensions (dimension by dimension) turned into truncated-normal draws.
   */
  sample(rng: RandomState, size: number): Record<string, number[]> {
    const active = rng.choice(this.weights, size);
    const out: Record<string, number[]> = {};
    for (const { name, dim } of this.dims) {
      if (dim.kind !== 'categorical') continue;
      out[name] = active.map((k) => {
        const u = rng.random();
        const row = dim.rows[k]!;
        let acc = 0;
        let count = 0;
        for (let c = 0; c < row.length; c++) {
          acc += row[c]!;
          if ((c === row.length - 1 ? 1 : acc) < u) count++;
        }
        return count;
      });
    }
    const numeric = this.dims.filter((d): d is { name: string; dim: Extract<Dimension, { kind: 'numeric' }> } => d.dim.kind === 'numeric');
    const q: number[] = [];
    const a: number[] = [];
    const b: number[] = [];
    for (const { dim } of numeric) {
      for (const k of active) {
        q.push(rng.random());
        a.push((dim.low - dim.mus[k]!) / dim.sigmas[k]!);
        b.push((dim.high - dim.mus[k]!) / dim.sigmas[k]!);
      }
    }
    const z = ppfBatch(q, a, b);
    numeric.forEach(({ name, dim }, d) => {
      out[name] = active.map((k, s) => {
        let x = z[d * size + s]! * dim.sigmas[k]! + dim.mus[k]!;
        if (dim.log) x = Math.exp(x);
        if (dim.step !== null)
          return Math.min(Math.max(dim.rawLow + roundHalfEven((x - dim.rawLow) / dim.step) * dim.step, dim.rawLow), dim.rawHigh);
        // Guard against rounding just outside the bounds (the draw is inside them mathematically).
        return Math.min(Math.max(x, dim.rawLow), dim.rawHigh);
      });
    });
    return out;
  }

  /**
   * log Σ_k w_k Π_d p_kd(x_d) for each sample (log-sum-exp over kernels), summed in Optuna's
   * order: categorical and stepped dimensions one by one, then the continuous ones together, then
   * the log weight; the kernels' sum is NumPy's pairwise sum.
   */
  logPdf(samples: Record<string, number[]>): number[] {
    const size = samples[this.dims[0]?.name ?? '']?.length ?? 0;
    const logW = this.weights.map((w) => Math.log(w));
    const result: number[] = [];
    const continuous = this.dims.filter(({ dim }) => dim.kind === 'numeric' && dim.step === null);
    const others = this.dims.filter(({ dim }) => !(dim.kind === 'numeric' && dim.step === null));
    for (let s = 0; s < size; s++) {
      const perKernel = logW.map((lw, k) => {
        let acc = 0;
        for (const { name, dim } of others) {
          const x = samples[name]![s]!;
          if (dim.kind === 'categorical') {
            acc += Math.log(dim.rows[k]![Math.round(x)]!);
            continue;
          }
          // Stepped values: the kernel's mass over [x − step/2, x + step/2], in the transformed space.
          const left = dim.log ? Math.log(x - dim.step! / 2) : x - dim.step! / 2;
          const right = dim.log ? Math.log(x + dim.step! / 2) : x + dim.step! / 2;
          acc += logGaussMass((left - dim.mus[k]!) / dim.sigmas[k]!, (right - dim.mus[k]!) / dim.sigmas[k]!);
          acc -= dim.logNorms[k]!;
        }
        if (continuous.length) {
          let sum = 0;
          for (const { name, dim } of continuous) {
            if (dim.kind !== 'numeric') continue;
            const x = samples[name]![s]!;
            const z = ((dim.log ? Math.log(x) : x) - dim.mus[k]!) / dim.sigmas[k]!;
            sum += -(z * z) / 2 - LOG_SQRT_2PI - dim.logNorms[k]! - dim.logSigmas[k]!;
          }
          acc += sum;
        }
        return acc + lw;
      });
      let max = -Infinity;
      for (const v of perKernel) if (v > max) max = v;
      if (max === -Infinity) max = 0;
      result.push(Math.log(pairwiseSum(perKernel.map((v) => Math.exp(v - max)))) + max);
    }
    return result;
  }
}

/** NumPy's pairwise summation (eight accumulators per block of ≤ 128, halves above that). */
export function pairwiseSum(a: number[], start = 0, n = a.length): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += a[start + i]!;
    return res;
  }
  if (n <= 128) {
    const r = a.slice(start, start + 8);
    let i = 8;
    for (; i < n - (n % 8); i += 8) for (let j = 0; j < 8; j++) r[j]! += a[start + i + j]!;
    let res = r[0]! + r[1]! + (r[2]! + r[3]!) + (r[4]! + r[5]! + (r[6]! + r[7]!));
    for (; i < n; i++) res += a[start + i]!;
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwiseSum(a, start, n2) + pairwiseSum(a, start + n2, n - n2);
}

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

function buildDimension(observations: number[], d: Distribution, p: ParzenParameters): Dimension {
  if (d.kind === 'categorical') {
    const m = d.choices.length;
    if (observations.length === 0) return { kind: 'categorical', rows: [new Array<number>(m).fill(1 / m)] };
    const nKernels = observations.length + 1;
    const rows = Array.from({ length: nKernels }, (_, k) => {
      const row = new Array<number>(m).fill(p.priorWeight / nKernels);
      if (k < observations.length) row[Math.round(observations[k]!)]! += 1;
      const sum = row.reduce((a, b) => a + b, 0);
      return row.map((v) => (sum === 0 ? v : v / sum));
    });
    return { kind: 'categorical', rows };
  }
  const step = d.step;
  let low = step !== null ? d.low - step / 2 : d.low;
  let high = step !== null ? d.high + step / 2 : d.high;
  let mus = [...observations];
  if (d.log) {
    mus = mus.map(Math.log);
    low = Math.log(low);
    high = Math.log(high);
  }
  const allMus = [...mus, 0.5 * (low + high)];
  const allSigmas = [...computeSigmas(mus, low, high, p), high - low];
  return {
    kind: 'numeric',
    mus: allMus,
    sigmas: allSigmas,
    logSigmas: allSigmas.map(Math.log),
    logNorms: allMus.map((mu, k) => logGaussMass((low - mu) / allSigmas[k]!, (high - mu) / allSigmas[k]!)),
    low,
    high,
    log: d.log,
    step: d.step,
    rawLow: d.low,
    rawHigh: d.high,
  };
}

/** σ = the larger gap to the neighbours (bounds as outer ends), endpoints and magic clip as in Optuna. */
export function computeSigmas(mus: number[], low: number, high: number, p: ParzenParameters): number[] {
  const order = mus.map((_, i) => i).sort((a, b) => mus[a]! - mus[b]!);
  const ends = [low, ...order.map((i) => mus[i]!), high];
  const sorted = order.map((_, j) => Math.max(ends[j + 1]! - ends[j]!, ends[j + 2]! - ends[j + 1]!));
  if (!p.considerEndpoints && ends.length >= 4) {
    sorted[0] = ends[2]! - ends[1]!;
    sorted[sorted.length - 1] = ends[ends.length - 2]! - ends[ends.length - 3]!;
  }
  const sigmas = new Array<number>(mus.length);
  order.forEach((i, j) => (sigmas[i] = sorted[j]!));
  const maxSigma = high - low;
  const minSigma = p.considerMagicClip ? (high - low) / Math.min(100, 1 + mus.length + 1) : EPS;
  return sigmas.map((s) => Math.min(Math.max(s, minSigma), maxSigma));
}
