import {
  compatible,
  contains,
  floatDistribution,
  intDistribution,
  categoricalDistribution,
  isSingle,
  SearchSpaceError,
  toExternal,
  toInternal,
  type CategoricalChoice,
  type Distribution,
  type SearchSpace,
} from './distributions';
import type { Pruner } from './pruners/pruner';
import type { Sampler } from './samplers/sampler';

export enum TrialState {
  RUNNING = 0,
  COMPLETE = 1,
  PRUNED = 2,
  FAIL = 3,
  WAITING = 4,
}

export type Direction = 'minimize' | 'maximize';

/** A trial as stored: plain data, serialisable (e.g. across Temporal's continue-as-new). */
export interface FrozenTrial {
  number: number;
  state: TrialState;
  /** Internal representation (floats; categorical = index). */
  params: Record<string, number>;
  distributions: Record<string, Distribution>;
  value: number | null;
  intermediateValues: Record<number, number>;
  systemAttrs: Record<string, unknown>;
  userAttrs: Record<string, unknown>;
  failReason?: string;
}

export interface StudyState {
  direction: Direction;
  trials: FrozenTrial[];
  samplerState?: unknown;
}

/** ask/tell with Optuna's semantics; randomness only through the sampler's seeded generator. */
export class Study {
  readonly trials: FrozenTrial[];

  constructor(
    readonly direction: Direction,
    readonly sampler: Sampler,
    readonly pruner?: Pruner,
    state?: StudyState,
    readonly studyName = 'no-name',
  ) {
    if (direction !== 'minimize' && direction !== 'maximize')
      throw new Error(`direction must be "minimize" or "maximize", got ${JSON.stringify(direction)}`);
    if (state && state.direction !== direction) throw new Error(`the saved study is ${state.direction}d, not ${direction}d`);
    this.trials = state ? cloneTrials(state.trials) : [];
    if (state?.samplerState !== undefined) sampler.restore(state.samplerState);
  }

  ask(): Trial {
    const frozen: FrozenTrial = {
      number: this.trials.length,
      state: TrialState.RUNNING,
      params: {},
      distributions: {},
      value: null,
      intermediateValues: {},
      systemAttrs: {},
      userAttrs: {},
    };
    this.trials.push(frozen);
    return new Trial(this, frozen);
  }

  /** Finish a trial: a number → COMPLETE (NaN → FAIL with the reason), or an explicit state. */
  tell(trial: Trial | number, result: number | { state: TrialState.PRUNED | TrialState.FAIL; reason?: string }): FrozenTrial {
    const t = this.trials[typeof trial === 'number' ? trial : trial.number];
    if (!t) throw new Error(`no trial ${String(typeof trial === 'number' ? trial : trial.number)}`);
    if (t.state !== TrialState.RUNNING) throw new Error(`trial ${t.number} is already finished (${TrialState[t.state]})`);
    if (result === null || (typeof result !== 'number' && typeof result !== 'object')) {
      t.state = TrialState.FAIL;
      t.failReason = `the objective returned ${JSON.stringify(result) ?? String(result)}, not a number`;
    } else if (typeof result === 'number') {
      if (Number.isNaN(result)) {
        t.state = TrialState.FAIL;
        t.failReason = 'the objective returned NaN';
      } else {
        t.state = TrialState.COMPLETE;
        t.value = result;
      }
    } else {
      t.state = result.state;
      t.failReason = result.reason;
      if (result.state === TrialState.PRUNED) {
        // A pruned trial's value is its last reported value (null if NaN).
        const steps = Object.keys(t.intermediateValues).map(Number);
        const last = steps.length ? t.intermediateValues[Math.max(...steps)]! : null;
        t.value = last === null || Number.isNaN(last) ? null : last;
      }
    }
    return t;
  }

  get bestTrial(): FrozenTrial {
    const done = this.trials.filter((t) => t.state === TrialState.COMPLETE);
    if (!done.length) throw new Error('no completed trials yet');
    return done.reduce((best, t) => ((this.direction === 'minimize' ? t.value! < best.value! : t.value! > best.value!) ? t : best));
  }

  get bestValue(): number {
    return this.bestTrial.value!;
  }

  get directions(): Direction[] {
    return [this.direction];
  }

  get bestParams(): Record<string, CategoricalChoice> {
    return externalParams(this.bestTrial);
  }

  async optimize(objective: (trial: Trial) => number | Promise<number>, options: { nTrials: number }): Promise<void> {
    for (let i = 0; i < options.nTrials; i++) {
      const trial = this.ask();
      try {
        this.tell(trial, await objective(trial));
      } catch (err) {
        if (err instanceof TrialPruned) this.tell(trial, { state: TrialState.PRUNED });
        else this.tell(trial, { state: TrialState.FAIL, reason: (err as Error).message });
      }
    }
  }

  toJSON(): StudyState {
    return { direction: this.direction, trials: cloneTrials(this.trials), samplerState: this.sampler.state() };
  }
}

/** Deep copy without structuredClone (not available inside Temporal's workflow sandbox). */
function cloneTrials(trials: FrozenTrial[]): FrozenTrial[] {
  return trials.map((t) => ({
    ...t,
    params: { ...t.params },
    distributions: Object.fromEntries(
      Object.entries(t.distributions).map(([k, d]) => [k, d.kind === 'categorical' ? { ...d, choices: [...d.choices] } : { ...d }]),
    ),
    intermediateValues: { ...t.intermediateValues },
    systemAttrs: { ...t.systemAttrs },
    userAttrs: { ...t.userAttrs },
  }));
}

export class TrialPruned extends Error {
  override name = 'TrialPruned';
}

export function externalParams(t: FrozenTrial): Record<string, CategoricalChoice> {
  return Object.fromEntries(Object.entries(t.params).map(([k, v]) => [k, toExternal(t.distributions[k]!, v)]));
}

export class Trial {
  private relativeParams: Record<string, number> | undefined;

  constructor(
    private readonly study: Study,
    readonly frozen: FrozenTrial,
  ) {}

  get number(): number {
    return this.frozen.number;
  }

  /**
   * Jointly sampled values (multivariate TPE), drawn lazily at the first suggestion that needs a
   * sampler — as Optuna does, so trials asked together see each other's draws under constant liar.
   */
  get relative(): Record<string, number> {
    this.relativeParams ??= this.study.sampler.sampleRelative(this.study, this.frozen);
    return this.relativeParams;
  }

  suggestFloat(name: string, low: number, high: number, o: { log?: boolean; step?: number | null } = {}): number {
    return this.suggestDistribution(name, floatDistribution(low, high, o)) as number;
  }

  suggestInt(name: string, low: number, high: number, o: { log?: boolean; step?: number } = {}): number {
    return this.suggestDistribution(name, intDistribution(low, high, o)) as number;
  }

  suggestCategorical<T extends CategoricalChoice>(name: string, choices: T[]): T {
    return this.suggestDistribution(name, categoricalDistribution(choices)) as T;
  }

  /** Suggest from an already validated distribution (see `defineSearchSpace`). */
  suggest(name: string, d: Distribution): CategoricalChoice {
    return this.suggestDistribution(name, d);
  }

  /** Suggest every parameter of a search space, in its order. */
  suggestAll(space: SearchSpace): Record<string, CategoricalChoice> {
    return Object.fromEntries(Object.entries(space).map(([name, d]) => [name, this.suggestDistribution(name, d)]));
  }

  report(step: number, value: number): void {
    // A second report at the same step is ignored, as in Optuna.
    if (!(step in this.frozen.intermediateValues)) this.frozen.intermediateValues[step] = value;
  }

  shouldPrune(): boolean {
    return this.study.pruner?.prune(this.study, this.frozen) ?? false;
  }

  private suggestDistribution(name: string, d: Distribution): CategoricalChoice {
    const existing = this.frozen.distributions[name];
    if (existing) {
      if (!compatible(existing, d)) throw new SearchSpaceError(`parameter "${name}" was already suggested with another distribution`);
      return toExternal(existing, this.frozen.params[name]!);
    }
    let internal: number;
    if (isSingle(d)) internal = d.kind === 'categorical' ? 0 : d.low;
    else if (name in this.relative && contains(d, this.relative[name]!)) internal = this.relative[name]!;
    else internal = this.study.sampler.sampleIndependent(this.study, this.frozen, name, d);
    this.frozen.params[name] = internal;
    this.frozen.distributions[name] = d;
    return toExternal(d, internal);
  }
}

export { toInternal };
