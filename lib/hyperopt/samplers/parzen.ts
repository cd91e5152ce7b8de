import type { Distribution } from '../distributions';
import type { SeededRng } from '../rng';
import { logGaussMass, sampleTruncNorm } from './truncnorm';

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

  sample(rng: SeededRng, size: number): Record<string, number[]> {
    const out: Record<string, number[]> = Object.fromEntries(this.dims.map((d) => [d.name, [] as number[]]));
    for (let s = 0; s < size; s++) {
      const k = rng.choice(this.weights);
      for (const { name, dim } of this.dims) {
        if (dim.kind === 'categorical') {
          out[name]!.push(rng.choice(dim.rows[k]!));
          continue;
        }
        let x = sampleTruncNorm(rng.random(), dim.mus[k]!, dim.sigmas[k]!, dim.low, dim.high);
        if (dim.log) x = Math.exp(x);
        if (dim.step !== null) x = Math.min(Math.max(dim.rawLow + Math.round((x - dim.rawLow) / dim.step) * dim.step, dim.rawLow), dim.rawHigh);
        out[name]!.push(x);
      }
    }
    return out;
  }

  /** log Σ_k w_k Π_d p_kd(x_d) for each sample (log-sum-exp over kernels). */
  logPdf(samples: Record<string, number[]>): number[] {
    const size = samples[this.dims[0]?.name ?? '']?.length ?? 0;
    const result: number[] = [];
    for (let s = 0; s < size; s++) {
      const perKernel = this.weights.map((w) => Math.log(w));
      for (const { name, dim } of this.dims) {
        const x = samples[name]![s]!;
        for (let k = 0; k < perKernel.length; k++) perKernel[k]! += logKernel(dim, k, x);
      }
      const max = Math.max(...perKernel);
      result.push(max === -Infinity ? -Infinity : max + Math.log(perKernel.reduce((a, v) => a + Math.exp(v - max), 0)));
    }
    return result;
  }
}

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

function logKernel(dim: Dimension, k: number, x: number): number {
  if (dim.kind === 'categorical') return Math.log(dim.rows[k]![Math.round(x)]!);
  const mu = dim.mus[k]!;
  const sigma = dim.sigmas[k]!;
  const norm = dim.logNorms[k]!;
  if (dim.step === null) {
    const z = ((dim.log ? Math.log(x) : x) - mu) / sigma;
    return -0.5 * z * z - LOG_SQRT_2PI - dim.logSigmas[k]! - norm;
  }
  // Stepped values: the kernel's mass over [x − step/2, x + step/2], in the transformed space.
  const left = dim.log ? Math.log(x - dim.step / 2) : x - dim.step / 2;
  const right = dim.log ? Math.log(x + dim.step / 2) : x + dim.step / 2;
  return logGaussMass((left - mu) / sigma, (right - mu) / sigma) - norm;
}

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
