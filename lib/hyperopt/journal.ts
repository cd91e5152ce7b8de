import type { Distribution } from './distributions';
import { TrialState, type Direction, type FrozenTrial } from './study';

/**
 * Optuna's journal file format (one compact JSON object per line), written and read without Node
 * imports. Python writes NaN/Infinity as bare tokens and floats as floats, so both are kept here.
 */
export class PyFloat {
  constructor(readonly value: number) {}
}
const f = (v: number) => new PyFloat(v);

export const OP = {
  CREATE_STUDY: 0,
  DELETE_STUDY: 1,
  SET_STUDY_USER_ATTR: 2,
  SET_STUDY_SYSTEM_ATTR: 3,
  CREATE_TRIAL: 4,
  SET_TRIAL_PARAM: 5,
  SET_TRIAL_STATE_VALUES: 6,
  SET_TRIAL_INTERMEDIATE_VALUE: 7,
  SET_TRIAL_USER_ATTR: 8,
  SET_TRIAL_SYSTEM_ATTR: 9,
  DISCARD_TRIALS: 10,
} as const;

function pyNumber(v: number, float: boolean): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  const s = JSON.stringify(v);
  return float && Number.isInteger(v) && !/e/i.test(s) ? `${s}.0` : s;
}

/** json.dumps(value, separators=(",", ":")) as Python writes it (PyFloat marks floats). */
export function dumpPython(value: unknown): string {
  if (value instanceof PyFloat) return pyNumber(value.value, true);
  if (typeof value === 'number') return pyNumber(value, false);
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(dumpPython).join(',')}]`;
  return `{${Object.entries(value as Record<string, unknown>)
    .map(([k, v]) => `${JSON.stringify(k)}:${dumpPython(v)}`)
    .join(',')}}`;
}

/** JSON.parse that also accepts Python's bare NaN / Infinity / -Infinity tokens. */
export function parsePython(text: string): unknown {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      out += c;
      if (c === '\\') out += text[++i] ?? '';
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') {
      inString = true;
      out += c;
    } else if (text.startsWith('NaN', i)) {
      out += '"\\u0000NaN"';
      i += 2;
    } else if (text.startsWith('-Infinity', i)) {
      out += '"\\u0000-Infinity"';
      i += 8;
    } else if (text.startsWith('Infinity', i)) {
      out += '"\\u0000Infinity"';
      i += 7;
    } else out += c;
  }
  return JSON.parse(out, (_k, v: unknown) => (typeof v === 'string' && v.startsWith('\u0000') ? Number(v.slice(1)) : v)) as unknown;
}

/** Optuna's distribution_to_json: the class name and exactly its attribute names. */
export function distributionToJson(d: Distribution): string {
  const body =
    d.kind === 'categorical'
      ? { name: 'CategoricalDistribution', attributes: { choices: d.choices } }
      : d.kind === 'float'
        ? {
            name: 'FloatDistribution',
            attributes: { step: d.step === null ? null : f(d.step), low: f(d.low), high: f(d.high), log: d.log },
          }
        : { name: 'IntDistribution', attributes: { log: d.log, step: d.step, low: d.low, high: d.high } };
  return dumpPython(body).replace(/,"/g, ', "').replace(/":/g, '": ');
}

export function distributionFromJson(text: string): Distribution {
  const { name, attributes: a } = parsePython(text) as { name: string; attributes: Record<string, unknown> };
  if (name === 'CategoricalDistribution') return { kind: 'categorical', choices: a.choices as never };
  if (name === 'FloatDistribution')
    return { kind: 'float', low: a.low as number, high: a.high as number, log: Boolean(a.log), step: (a.step as number | null) ?? null };
  if (name === 'IntDistribution')
    return { kind: 'int', low: a.low as number, high: a.high as number, log: Boolean(a.log), step: (a.step as number) ?? 1 };
  if (name === 'UniformDistribution' || name === 'LogUniformDistribution' || name === 'DiscreteUniformDistribution') {
    return {
      kind: 'float',
      low: a.low as number,
      high: a.high as number,
      log: name === 'LogUniformDistribution',
      step: (a.q as number | undefined) ?? null,
    };
  }
  if (name === 'IntUniformDistribution' || name === 'IntLogUniformDistribution') {
    return {
      kind: 'int',
      low: a.low as number,
      high: a.high as number,
      log: name === 'IntLogUniformDistribution',
      step: (a.step as number | undefined) ?? 1,
    };
  }
  throw new Error(`unknown distribution ${name}`);
}

/** ISO time with 6-digit microseconds and an explicit +00:00 offset (never "Z", never naive). */
export function isoMicros(d: Date): string {
  return `${d.toISOString().slice(0, 23)}000+00:00`;
}

/** The op lines that write a whole study, in Optuna's order, for one worker. */
export function studyToJournal(o: {
  studyName: string;
  direction: Direction;
  trials: FrozenTrial[];
  workerId: string;
  studyId?: number;
  firstTrialId?: number;
  now?: () => Date;
  studyExists?: boolean;
}): string[] {
  const now = o.now ?? (() => new Date());
  const lines: string[] = [];
  const op = (code: number, fields: Record<string, unknown>) => lines.push(dumpPython({ op_code: code, worker_id: o.workerId, ...fields }));
  const studyId = o.studyId ?? 0;
  if (!o.studyExists) op(OP.CREATE_STUDY, { study_name: o.studyName, directions: [o.direction === 'minimize' ? 1 : 2] });
  o.trials.forEach((t, k) => {
    const trialId = (o.firstTrialId ?? 0) + k;
    const start = isoMicros(now());
    op(OP.CREATE_TRIAL, { study_id: studyId, datetime_start: start });
    for (const [name, value] of Object.entries(t.params)) {
      op(OP.SET_TRIAL_PARAM, {
        trial_id: trialId,
        param_name: name,
        param_value_internal: f(value),
        distribution: distributionToJson(t.distributions[name]!),
      });
    }
    for (const [step, value] of Object.entries(t.intermediateValues)) {
      op(OP.SET_TRIAL_INTERMEDIATE_VALUE, { trial_id: trialId, step: Number(step), intermediate_value: f(value) });
    }
    if (t.state !== TrialState.RUNNING) {
      op(OP.SET_TRIAL_STATE_VALUES, {
        trial_id: trialId,
        state: t.state,
        values: t.state === TrialState.COMPLETE || (t.state === TrialState.PRUNED && t.value !== null) ? [f(t.value!)] : null,
        datetime_complete: isoMicros(now()),
      });
    }
  });
  return lines;
}

export interface JournalStudy {
  studyId: number;
  name: string;
  direction: Direction;
  trials: (FrozenTrial & { trialId: number })[];
}

/**
 * Replay a journal: the last line without a newline is being written and is skipped; a malformed
 * line followed by more lines is an error naming the line. Writes to finished trials are ignored.
 */
export function parseJournal(text: string): JournalStudy[] {
  const raw = text.split('\n');
  // The element after the last newline is empty, or a line still being written: either way, skip it.
  const complete = raw.slice(0, -1);
  const studies: (JournalStudy | null)[] = [];
  const trials: { study: JournalStudy; trial: JournalStudy['trials'][number] }[] = [];
  complete.forEach((line, i) => {
    let log: Record<string, unknown>;
    try {
      log = parsePython(line) as Record<string, unknown>;
    } catch (err) {
      throw new Error(`journal line ${i + 1} is not valid JSON: ${(err as Error).message}`);
    }
    const trialOf = (id: unknown) => {
      const t = trials[id as number];
      return t && t.trial.state === TrialState.RUNNING ? t.trial : undefined;
    };
    switch (log.op_code) {
      case OP.CREATE_STUDY:
        studies.push({
          studyId: studies.length,
          name: log.study_name as string,
          direction: (log.directions as number[])[0] === 2 ? 'maximize' : 'minimize',
          trials: [],
        });
        break;
      case OP.DELETE_STUDY:
        studies[log.study_id as number] = null;
        break;
      case OP.CREATE_TRIAL: {
        const study = studies[log.study_id as number];
        if (!study) break;
        const dists = Object.fromEntries(
          Object.entries((log.distributions as Record<string, string>) ?? {}).map(([k, v]) => [k, distributionFromJson(v)]),
        );
        const trial = {
          trialId: trials.length,
          number: study.trials.length,
          state: (log.state as TrialState | undefined) ?? TrialState.RUNNING,
          params: { ...((log.params as Record<string, number>) ?? {}) },
          distributions: dists,
          value: (log.values as number[] | null | undefined)?.[0] ?? (log.value as number | null | undefined) ?? null,
          intermediateValues: Object.fromEntries(
            Object.entries((log.intermediate_values as Record<string, number>) ?? {}).map(([k, v]) => [Number(k), v]),
          ),
          systemAttrs: (log.system_attrs as Record<string, unknown>) ?? {},
          userAttrs: (log.user_attrs as Record<string, unknown>) ?? {},
        };
        study.trials.push(trial);
        trials.push({ study, trial });
        break;
      }
      case OP.SET_TRIAL_PARAM: {
        const t = trialOf(log.trial_id);
        if (!t) break;
        const d = distributionFromJson(log.distribution as string);
        const name = log.param_name as string;
        if (t.distributions[name] && t.distributions[name].kind !== d.kind) break; // Optuna drops incompatible re-sets
        t.params[name] = log.param_value_internal as number;
        t.distributions[name] = d;
        break;
      }
      case OP.SET_TRIAL_STATE_VALUES: {
        const t = trialOf(log.trial_id);
        if (!t) break;
        t.state = log.state as TrialState;
        const values = log.values as number[] | null;
        if (values) t.value = values[0]!;
        break;
      }
      case OP.SET_TRIAL_INTERMEDIATE_VALUE: {
        const t = trialOf(log.trial_id);
        if (t) t.intermediateValues[log.step as number] = log.intermediate_value as number;
        break;
      }
      case OP.SET_TRIAL_USER_ATTR:
      case OP.SET_TRIAL_SYSTEM_ATTR: {
        const t = trialOf(log.trial_id);
        if (t)
          Object.assign(log.op_code === OP.SET_TRIAL_USER_ATTR ? t.userAttrs : t.systemAttrs, (log.user_attr ?? log.system_attr) as object);
        break;
      }
      default:
        break; // study attrs, discard (5.0) and unknown future ops: nothing we keep
    }
  });
  return studies.filter((s): s is JournalStudy => s !== null);
}
