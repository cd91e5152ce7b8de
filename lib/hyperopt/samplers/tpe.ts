import { isSingle, toExternal, toInternal, type Distribution } from '../distributions';
import { RandomState, type RandomStateSnapshot } from '../rng';
import { TrialState, type FrozenTrial, type Study } from '../study';
import { ParzenEstimator, type ParzenParameters } from './parzen';
import { sampleUniform } from './random';
import type { Sampler } from './sampler';

export interface TPEOptions {
  seed?: number;
  nStartupTrials?: number;
  nEiCandidates?: number;
  priorWeight?: number;
  considerMagicClip?: boolean;
  considerEndpoints?: boolean;
  multivariate?: boolean;
  constantLiar?: boolean;
  gamma?: (n: number) => number;
  weights?: (n: number) => number[];
}

const RELATIVE_KEY = 'tpe:relative_params';
const RELATIVE_CHUNK = 2045;

/** gamma(n) = min(ceil(0.1·n), 25). */
export const defaultGamma = (n: number) => Math.min(Math.ceil(0.1 * n), 25);

/** All ones below 25; otherwise a linear ramp from 1/n to 1 over the oldest n − 25, then 25 ones. */
export function defaultWeights(n: number): number[] {
  if (n === 0) return [];
  if (n < 25) return new Array<number>(n).fill(1);
  const m = n - 25;
  const ramp = Array.from({ length: m }, (_, i) => (m === 1 ? 1 / n : 1 / n + ((1 - 1 / n) * i) / (m - 1)));
  return [...ramp, ...new Array<number>(25).fill(1)];
}

/** Optuna 5.0's TPESampler defaults: multivariate and constant liar on, 10 startup trials, 24 EI candidates. */
export class TPESampler implements Sampler {
  /** The TPE draws; startup trials draw from `randomRng`, as Optuna's inner RandomSampler (same seed). */
  rng: RandomState;
  randomRng: RandomState;
  private o: Required<Omit<TPEOptions, 'seed'>>;

  constructor(options: TPEOptions = {}) {
    this.rng = new RandomState(options.seed ?? 0);
    this.randomRng = new RandomState(options.seed ?? 0);
    this.o = {
      nStartupTrials: options.nStartupTrials ?? 10,
      nEiCandidates: options.nEiCandidates ?? 24,
      priorWeight: options.priorWeight ?? 1,
      considerMagicClip: options.considerMagicClip ?? true,
      considerEndpoints: options.considerEndpoints ?? false,
      multivariate: options.multivariate ?? true,
      constantLiar: options.constantLiar ?? true,
      gamma: options.gamma ?? defaultGamma,
      weights: options.weights ?? defaultWeights,
    };
  }

  private finished(study: Study) {
    return study.trials.filter((t) => t.state === TrialState.COMPLETE || t.state === TrialState.PRUNED);
  }

  /**
   * Optuna's IntersectionSearchSpace: the parameters every COMPLETE trial has with an identical
   * distribution (PRUNED trials are not considered), single-valued ones dropped, sorted by name.
   */
  relativeSearchSpace(study: Study): Record<string, Distribution> {
    let space: Record<string, Distribution> | undefined;
    for (const t of study.trials) {
      if (t.state !== TrialState.COMPLETE) continue;
      if (!space) {
        space = { ...t.distributions };
        continue;
      }
      for (const [k, d] of Object.entries(space)) if (!t.distributions[k] || !sameDistribution(t.distributions[k], d)) delete space[k];
    }
    return Object.fromEntries(
      Object.entries(space ?? {})
        .filter(([, d]) => !isSingle(d))
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    );
  }

  sampleRelative(study: Study, trial: FrozenTrial): Record<string, number> {
    if (!this.o.multivariate) return {};
    const space = this.relativeSearchSpace(study);
    if (Object.keys(space).length === 0 || this.finished(study).length < this.o.nStartupTrials) return {};
    const params = this.sample(study, trial, space);
    if (this.o.constantLiar) {
      // Published as Optuna does (system attrs `tpe:relative_params:<i>`, JSON of external values in
      // chunks), so other trials asked meanwhile count this one's draw among the "above" trials.
      const json = JSON.stringify(Object.fromEntries(Object.entries(params).map(([k, v]) => [k, toExternal(space[k]!, v)])));
      for (let i = 0; i * RELATIVE_CHUNK < json.length; i++)
        trial.systemAttrs[`${RELATIVE_KEY}:${i}`] = json.slice(i * RELATIVE_CHUNK, (i + 1) * RELATIVE_CHUNK);
    }
    return params;
  }

  sampleIndependent(study: Study, trial: FrozenTrial, name: string, d: Distribution): number {
    if (this.finished(study).length < this.o.nStartupTrials) return sampleUniform(this.randomRng, d);
    return this.sample(study, trial, { [name]: d })[name]!;
  }

  private sample(study: Study, trial: FrozenTrial, space: Record<string, Distribution>): Record<string, number> {
    const states = this.o.constantLiar
      ? [TrialState.COMPLETE, TrialState.PRUNED, TrialState.RUNNING]
      : [TrialState.COMPLETE, TrialState.PRUNED];
    const trials = study.trials.filter((t) => states.includes(t.state) && t.number !== trial.number);
    const n = trials.filter((t) => t.state !== TrialState.RUNNING).length;
    const [below, above] = splitTrials(study, trials, this.o.gamma(n));
    const p: ParzenParameters = {
      priorWeight: this.o.priorWeight,
      considerMagicClip: this.o.considerMagicClip,
      considerEndpoints: this.o.considerEndpoints,
    };
    const build = (ts: FrozenTrial[]) => {
      const params = ts.map((t) => this.paramsOf(t, space));
      const usable = params.filter((p) => Object.keys(space).every((k) => k in p));
      const obs = Object.fromEntries(Object.keys(space).map((k) => [k, usable.map((p) => p[k]!)]));
      return new ParzenEstimator(obs, space, this.o.weights(usable.length), p);
    };
    const l = build(below);
    const g = build(above);
    const candidates = l.sample(this.rng, this.o.nEiCandidates);
    const ll = l.logPdf(candidates);
    const lg = g.logPdf(candidates);
    let best = 0;
    for (let i = 1; i < ll.length; i++) if (ll[i]! - lg[i]! > ll[best]! - lg[best]!) best = i;
    return Object.fromEntries(Object.keys(space).map((k) => [k, candidates[k]![best]!]));
  }

  /** A trial's internal values; a running trial's also include its published relative draw. */
  private paramsOf(t: FrozenTrial, space: Record<string, Distribution>): Record<string, number> {
    if (t.state !== TrialState.RUNNING || !this.o.multivariate) return t.params;
    let json = '';
    for (let i = 0; typeof t.systemAttrs[`${RELATIVE_KEY}:${i}`] === 'string'; i++) json += t.systemAttrs[`${RELATIVE_KEY}:${i}`] as string;
    if (!json) return t.params;
    let relative: Record<string, unknown>;
    try {
      relative = JSON.parse(json) as Record<string, unknown>;
    } catch {
      return t.params;
    }
    const internal: Record<string, number> = {};
    for (const [k, v] of Object.entries(relative)) {
      const d = space[k] ?? t.distributions[k];
      if (d) internal[k] = toInternal(d, v);
    }
    return { ...internal, ...t.params };
  }

  state(): unknown {
    return { rng: this.rng.state(), random: this.randomRng.state() };
  }

  restore(state: unknown): void {
    const s = state as { rng: RandomStateSnapshot; random: RandomStateSnapshot };
    this.rng = new RandomState(s.rng);
    this.randomRng = new RandomState(s.random);
  }
}

/**
 * The best gamma(n) COMPLETE trials (stable order by value) are "below"; if there are too few,
 * PRUNED trials fill in (deeper last step first, then value; NaN worst); all else — including
 * RUNNING trials under constant liar — is "above". Both lists are returned in trial-number order,
 * which the weights (older trials weigh less) rely on.
 */
export function splitTrials(study: Study, trials: FrozenTrial[], nBelow: number): [FrozenTrial[], FrozenTrial[]] {
  const sign = study.direction === 'minimize' ? 1 : -1;
  const complete = trials.filter((t) => t.state === TrialState.COMPLETE).sort((a, b) => sign * (a.value! - b.value!));
  const pruned = trials
    .filter((t) => t.state === TrialState.PRUNED)
    .map((t) => ({ t, key: prunedScore(t, sign) }))
    .sort((a, b) => a.key[0] - b.key[0] || a.key[1] - b.key[1])
    .map((x) => x.t);
  const running = trials.filter((t) => t.state === TrialState.RUNNING);
  const belowComplete = complete.slice(0, nBelow);
  const belowPruned = pruned.slice(0, Math.max(0, nBelow - belowComplete.length));
  const below = [...belowComplete, ...belowPruned];
  const above = [...complete.slice(nBelow), ...pruned.slice(belowPruned.length), ...running];
  const byNumber = (a: FrozenTrial, b: FrozenTrial) => a.number - b.number;
  return [below.sort(byNumber), above.sort(byNumber)];
}

function prunedScore(t: FrozenTrial, sign: number): [number, number] {
  const steps = Object.keys(t.intermediateValues).map(Number);
  if (!steps.length) return [1, 0];
  const step = Math.max(...steps);
  const v = t.intermediateValues[step]!;
  return [-step, Number.isNaN(v) ? Infinity : sign * v];
}

function sameDistribution(a: Distribution, b: Distribution): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'categorical') return JSON.stringify(a.choices) === JSON.stringify((b as typeof a).choices);
  const o = b as typeof a;
  return a.low === o.low && a.high === o.high && a.log === o.log && a.step === o.step;
}
