/** Optuna's distributions: validation, internal (float) and external representations. */
export type CategoricalChoice = null | boolean | number | string;

export interface FloatDistribution {
  kind: 'float';
  low: number;
  high: number;
  log: boolean;
  step: number | null;
}
export interface IntDistribution {
  kind: 'int';
  low: number;
  high: number;
  log: boolean;
  step: number;
}
export interface CategoricalDistribution {
  kind: 'categorical';
  choices: CategoricalChoice[];
}
export type Distribution = FloatDistribution | IntDistribution | CategoricalDistribution;

export class SearchSpaceError extends Error {
  override name = 'SearchSpaceError';
}

/** Optuna lowers `high` to the last grid point when (high − low) is not a multiple of step; `strict` refuses instead. */
function adjustHigh(low: number, high: number, step: number, strict: boolean, what: string): number {
  const n = Math.floor((high - low) / step + 1e-9);
  const adjusted = low + n * step;
  if (Math.abs(adjusted - high) > 1e-9 * Math.max(1, Math.abs(high))) {
    if (strict) throw new SearchSpaceError(`${what}: step ${step} does not divide the range [${low}, ${high}]`);
    return adjusted;
  }
  return high;
}

export function floatDistribution(
  low: number,
  high: number,
  o: { log?: boolean; step?: number | null; strict?: boolean } = {},
): FloatDistribution {
  const log = o.log ?? false;
  const step = o.step ?? null;
  if (!(Number.isFinite(low) && Number.isFinite(high))) throw new SearchSpaceError(`float bounds must be finite, got [${low}, ${high}]`);
  if (log && step !== null) throw new SearchSpaceError('float: log and step cannot be used together');
  if (low > high) throw new SearchSpaceError(`float: low ${low} must be ≤ high ${high}`);
  if (log && low <= 0) throw new SearchSpaceError(`float: log scale needs low > 0, got ${low}`);
  if (step !== null && !(step > 0)) throw new SearchSpaceError(`float: step must be > 0, got ${step}`);
  return { kind: 'float', low, high: step !== null ? adjustHigh(low, high, step, o.strict ?? false, 'float') : high, log, step };
}

export function intDistribution(low: number, high: number, o: { log?: boolean; step?: number; strict?: boolean } = {}): IntDistribution {
  const log = o.log ?? false;
  const step = o.step ?? 1;
  if (!Number.isInteger(low) || !Number.isInteger(high)) throw new SearchSpaceError(`int bounds must be integers, got [${low}, ${high}]`);
  if (low > high) throw new SearchSpaceError(`int: low ${low} must be ≤ high ${high}`);
  if (log && step !== 1) throw new SearchSpaceError('int: log scale needs step 1');
  if (log && low < 1) throw new SearchSpaceError(`int: log scale needs low ≥ 1, got ${low}`);
  if (!Number.isInteger(step) || step < 1) throw new SearchSpaceError(`int: step must be a positive integer, got ${step}`);
  return { kind: 'int', low, high: adjustHigh(low, high, step, o.strict ?? false, 'int'), log, step };
}

export function categoricalDistribution(choices: CategoricalChoice[]): CategoricalDistribution {
  if (choices.length === 0) throw new SearchSpaceError('categorical: at least one choice is needed');
  for (const c of choices) {
    if (!(c === null || ['boolean', 'number', 'string'].includes(typeof c)))
      throw new SearchSpaceError(`categorical: choice ${String(c)} is not null/bool/number/string`);
  }
  return { kind: 'categorical', choices: [...choices] };
}

export function isSingle(d: Distribution): boolean {
  if (d.kind === 'categorical') return d.choices.length === 1;
  if (d.low === d.high) return true;
  return d.step !== null && d.high - d.low < d.step;
}

export function toInternal(d: Distribution, value: unknown): number {
  if (d.kind === 'categorical') {
    const i = d.choices.findIndex(
      (c) => c === value || (typeof c === 'number' && typeof value === 'number' && Number.isNaN(c) && Number.isNaN(value)),
    );
    if (i < 0) throw new SearchSpaceError(`${JSON.stringify(value)} is not one of the choices ${JSON.stringify(d.choices)}`);
    return i;
  }
  return Number(value);
}

export function toExternal(d: Distribution, internal: number): CategoricalChoice {
  if (d.kind === 'categorical') return d.choices[Math.round(internal)]!;
  if (d.kind === 'int') return Math.round(internal);
  return internal;
}

export function contains(d: Distribution, internal: number): boolean {
  if (d.kind === 'categorical') return Number.isInteger(internal) && internal >= 0 && internal < d.choices.length;
  if (internal < d.low || internal > d.high) return false;
  if (d.step === null) return true;
  const k = (internal - d.low) / d.step;
  return Math.abs(k - Math.round(k)) < 1e-8;
}

/** Same kind, same log flag and same choices: a name may be re-suggested with it. */
export function compatible(a: Distribution, b: Distribution): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'categorical') return JSON.stringify(a.choices) === JSON.stringify((b as CategoricalDistribution).choices);
  return a.log === (b as FloatDistribution | IntDistribution).log;
}

/** A validated search space: parameter name → distribution, in suggestion order. */
export type SearchSpace = Record<string, Distribution>;

/** A parameter as written in a search-space definition (e.g. a JSON file). */
export type ParamSpec =
  | { type: 'float'; low: number; high: number; log?: boolean; step?: number | null }
  | { type: 'int'; low: number; high: number; log?: boolean; step?: number }
  | { type: 'categorical'; choices: CategoricalChoice[] };

/**
 * Validate a whole search space before any trial runs, reporting every problem at once: low ≥ high
 * (a fixed value needs low = high), log with low ≤ 0, a step that does not divide the range, an
 * empty categorical, a parameter name given twice (pass entries to detect that; an object cannot
 * hold a name twice).
 */
export function defineSearchSpace(spec: Record<string, ParamSpec> | [string, ParamSpec][]): SearchSpace {
  const entries = Array.isArray(spec) ? spec : Object.entries(spec);
  const problems: string[] = [];
  const space: SearchSpace = {};
  for (const [name, p] of entries) {
    if (name in space || problems.some((m) => m.startsWith(`"${name}":`))) {
      problems.push(`"${name}": defined twice (a parameter name needs one distribution)`);
      continue;
    }
    try {
      space[name] = toDistribution(p);
    } catch (err) {
      problems.push(`"${name}": ${(err as Error).message}`);
    }
  }
  if (problems.length) throw new SearchSpaceError(`invalid search space: ${problems.join('; ')}`);
  return space;
}

function toDistribution(p: ParamSpec): Distribution {
  if (p === null || typeof p !== 'object') throw new SearchSpaceError('expected an object like {"type": "float", "low": 0, "high": 1}');
  if (p.type === 'categorical') {
    if (!Array.isArray(p.choices)) throw new SearchSpaceError('categorical: "choices" must be a list');
    return categoricalDistribution(p.choices);
  }
  if (p.type !== 'float' && p.type !== 'int')
    throw new SearchSpaceError(`type must be float, int or categorical, got ${JSON.stringify((p as { type: unknown }).type)}`);
  if (typeof p.low !== 'number' || typeof p.high !== 'number') throw new SearchSpaceError(`${p.type}: "low" and "high" must be numbers`);
  if (p.low > p.high) throw new SearchSpaceError(`${p.type}: low ${p.low} must be < high ${p.high} (or equal, to fix the value)`);
  if (p.log && p.low <= 0) throw new SearchSpaceError(`${p.type}: log scale needs low > 0, got ${p.low}`);
  if (p.type === 'float') return floatDistribution(p.low, p.high, { log: p.log ?? false, step: p.step ?? null, strict: true });
  return intDistribution(p.low, p.high, { log: p.log ?? false, step: p.step ?? 1, strict: true });
}
