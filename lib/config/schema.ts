import { estimateWorkerMemoryMb } from './universe';
import { z } from 'zod';
import { SearchSpaceError } from '../hyperopt/distributions';
import { searchSpaceFor, type EngineSearchSpaceConfig } from '../engine/searchSpace';
import { parseDurationMs } from './duration';
import { MODEL_NAME_RE, MODEL_NAME_RULE } from './modelName';
import { PATTERN_NAMES } from '../features/patternNames';

/**
 * The one definition of the pipeline's configuration: every setting's type, default, range and
 * help text. The CLI's options, `--help`, the config file, the environment overrides and
 * `trainctl config show` are derived from SETTINGS; workflows receive a parsed, complete
 * PipelineConfig and have no defaults of their own. Pure (zod only), so workflows may import it.
 */

const MAX_HOLDOUT = { m: 120, w: 520, d: 3650 } as const;

const isoDate = z.string().refine(isRealDate, { message: 'expected a calendar date YYYY-MM-DD' });
const duration = (example: string) =>
  z
    .string()
    .refine((s) => parseDurationMs(s) !== undefined, { message: `expected a duration such as ${example} (units ms, s, m, h, d, w)` });
const share = z.number().min(0, 'expected a number from 0 to 1').max(1, 'expected a number from 0 to 1');
const holdout = z.string().refine(
  (s) => {
    const m = /^(\d+)([mdw])$/.exec(s);
    return !!m && Number(m[1]) >= 1 && Number(m[1]) <= MAX_HOLDOUT[m[2] as keyof typeof MAX_HOLDOUT];
  },
  { message: 'expected a window such as 6m, 12w or 90d (at least 1; at most 120m, 520w or 3650d)' },
);
const source = z
  .string()
  .refine((s) => s === 'synthetic' || s === 'yahoo' || /^csv:.+/.test(s), { message: 'expected synthetic, yahoo or csv:DIR' });
const ticker = z.string().regex(/^[A-Za-z0-9.^=-]{1,20}$/, 'expected a symbol of 1–20 letters, digits or . ^ = -');

/** CLI binding and help of one setting, kept on its schema (zod metadata). */
export interface SettingMeta {
  /** The CLI flag without dashes, e.g. `min-accuracy`; the environment variable is TRAINCTL_MIN_ACCURACY. */
  flag: string;
  /** Placeholder in --help, e.g. `<x>`; absent for boolean switches. */
  arg?: string;
  help: string;
  /** Text (flag or environment) → value before the schema checks it. */
  fromText?: 'number' | 'int' | 'list' | 'bool';
}

/** One setting as the CLI, the environment and `config show` see it (derived from the schema). */
export interface Setting extends SettingMeta {
  /** Dotted path in PipelineConfig, e.g. `criteria.minAccuracy`. */
  key: string;
  default: unknown;
  choices?: readonly string[];
}

const meta = <T extends z.ZodType>(schema: T, m: SettingMeta): T => schema.meta(m as unknown as Record<string, unknown>);
const int = (lo: number, hi: number) =>
  z.number().int('expected a whole number').min(lo, `expected ${lo} to ${hi}`).max(hi, `expected ${lo} to ${hi}`);
const flagBool = (flag: string, help: string) => meta(z.boolean().default(false), { flag, help, fromText: 'bool' });

export const MODEL_TYPES = ['xgb', 'rf', 'linear', 'lgb'] as const;
export type ModelType = (typeof MODEL_TYPES)[number];
export const PERIODS = ['1y', '2y', '3y', '5y', '10y', 'max'] as const;
export type Period = (typeof PERIODS)[number];
export const TRIGGERS = ['manual', 'schedule', 'drift'] as const;
export type Trigger = (typeof TRIGGERS)[number];
export const PROMOTION_POLICIES = ['non-inferior', 'significant'] as const;
export type PromotionPolicy = (typeof PROMOTION_POLICIES)[number];
export const PRIMARY_METRICS = ['accuracy', 'f1', 'rocAuc', 'balancedAccuracy'] as const;

const criteria = z
  .object({
    minAccuracy: meta(share.default(0.6), {
      flag: 'min-accuracy',
      arg: '<x>',
      help: 'promotion threshold on holdout accuracy',
      fromText: 'number',
    }),
    minPrecision: meta(share.default(0.55), {
      flag: 'min-precision',
      arg: '<x>',
      help: 'promotion threshold on holdout precision',
      fromText: 'number',
    }),
    minRecall: meta(share.default(0.5), {
      flag: 'min-recall',
      arg: '<x>',
      help: 'promotion threshold on holdout recall',
      fromText: 'number',
    }),
    minF1: meta(share.default(0.52), { flag: 'min-f1', arg: '<x>', help: 'promotion threshold on holdout F1', fromText: 'number' }),
    tolerance: meta(share.default(0), {
      flag: 'tolerance',
      arg: '<x>',
      help: 'how much worse than production (primary metric, point estimate) the candidate may be',
      fromText: 'number',
    }),
    primaryMetric: meta(z.enum(PRIMARY_METRICS).default('accuracy'), {
      flag: 'primary-metric',
      arg: '<metric>',
      help: 'metric compared with production',
    }),
    alpha: meta(z.number().gt(0, 'expected a level in (0, 0.5]').max(0.5, 'expected a level in (0, 0.5]').default(0.05), {
      flag: 'alpha',
      arg: '<level>',
      help: 'significance level of the skill test against the baseline and of the paired test against production',
      fromText: 'number',
    }),
    policy: meta(z.enum(PROMOTION_POLICIES).default('non-inferior'), {
      flag: 'promotion-policy',
      arg: '<policy>',
      help: 'non-inferior: not worse than production and not significantly worse; significant: also significantly better',
    }),
  })
  .strict();

const backtest = z
  .object({
    threshold: meta(z.number().gt(0, 'expected a probability in (0, 1)').lt(1, 'expected a probability in (0, 1)').default(0.5), {
      flag: 'threshold',
      arg: '<p>',
      help: 'long when P(up) is above this, flat otherwise (backtest and metrics)',
      fromText: 'number',
    }),
    costBps: meta(z.number().min(0, 'expected 0 to 1000').max(1000, 'expected 0 to 1000').default(5), {
      flag: 'cost-bps',
      arg: '<n>',
      help: 'transaction cost per unit turnover in the backtest, basis points',
      fromText: 'number',
    }),
  })
  .strict();

const pipelineObject = z
  .object({
    modelName: meta(z.string().regex(MODEL_NAME_RE, `expected ${MODEL_NAME_RULE}`).default('direction-classifier'), {
      flag: 'model-name',
      arg: '<name>',
      help: 'model line: its own versions, stages, pointers, schedules and MLflow model',
    }),
    tickers: meta(
      z.array(ticker).min(1, 'expected at least one ticker, e.g. AAPL,MSFT').default(['SYN-A', 'SYN-B', 'SYN-C', 'SYN-D', 'SYN-E']),
      {
        flag: 'tickers',
        arg: '<list>',
        help: 'comma-separated symbols',
        fromText: 'list',
      },
    ),
    maxTickers: meta(int(1, 10_000).default(1000), {
      flag: 'max-tickers',
      arg: '<n>',
      help: 'the largest universe a run accepts (a longer --tickers list is refused before the run starts)',
      fromText: 'int',
    }),
    workerMemoryMb: meta(int(256, 1_048_576).default(8192), {
      flag: 'worker-memory-mb',
      arg: '<MB>',
      help: "memory a training worker may use: a universe whose estimated peak (tickers × period's trading days) exceeds it is refused before the run starts",
      fromText: 'int',
    }),
    source: meta(source.default('synthetic'), { flag: 'source', arg: '<source>', help: 'synthetic (embedded, offline) | yahoo | csv:DIR' }),
    period: meta(z.enum(PERIODS).default('5y'), { flag: 'period', arg: '<period>', help: 'history to use' }),
    modelType: meta(z.enum(MODEL_TYPES).default('xgb'), {
      flag: 'model-type',
      arg: '<type>',
      help: 'xgb (boosted trees) | rf (random forest) | linear | lgb (LightGBM)',
    }),
    holdout: meta(holdout.default('6m'), {
      flag: 'holdout',
      arg: '<window>',
      help: 'validation window at the end of the data, never trained on (e.g. 6m, 12w, 90d)',
    }),
    minHoldoutRows: meta(z.number().int('expected a whole number').min(10, 'expected at least 10').default(50), {
      flag: 'min-holdout-rows',
      arg: '<n>',
      help: 'fewer holdout rows than this fails validation (exit 2)',
      fromText: 'int',
    }),
    labelHorizon: meta(int(1, 60).default(5), {
      flag: 'label-horizon',
      arg: '<days>',
      help: 'trading days ahead the label looks',
      fromText: 'int',
    }),
    labelThreshold: meta(z.number().min(-0.5, 'expected -0.5 to 0.5').max(0.5, 'expected -0.5 to 0.5').default(0), {
      flag: 'label-threshold',
      arg: '<x>',
      help: 'return over the horizon above which the label is "up"',
      fromText: 'number',
    }),
    criteria: criteria.prefault({}),
    backtest: backtest.prefault({}),
    approvalTimeout: meta(duration('7d, 12h or 30m').default('7d'), {
      flag: 'approval-timeout',
      arg: '<duration>',
      help: 'how long the approval gate waits (e.g. 7d, 12h, 30m)',
    }),
    approvalReminder: meta(duration('1d or 2h').default('1d'), {
      flag: 'approval-reminder',
      arg: '<duration>',
      help: 'send a reminder this long before the approval gate expires',
    }),
    approvers: meta(
      z
        .array(z.string().regex(/^\S(?:[^,]{0,98}\S)?$/, 'expected names of 1–100 characters, without commas or surrounding spaces'))
        .max(100, 'expected at most 100 approvers')
        .default([]),
      {
        flag: 'approvers',
        arg: '<list>',
        help: 'comma-separated names allowed to approve or reject at the gate (empty: anyone who names themselves with --by)',
        fromText: 'list',
      },
    ),
    minShadowDays: meta(z.number().int('expected a whole number').min(0, 'expected 0 to 250').max(250, 'expected 0 to 250').default(0), {
      flag: 'min-shadow-days',
      arg: '<n>',
      help: 'ask for approval only after this many trading days of matured shadow predictions of the candidate (0: at once)',
      fromText: 'int',
    }),
    deployTimeout: meta(duration('5m or 30s').default('5m'), {
      flag: 'deploy-timeout',
      arg: '<duration>',
      help: 'after promotion (or rollback), how long every serving instance may take to serve the new version before the run fails and production is rolled back',
    }),
    minNewDays: meta(z.number().int('expected a whole number').min(0, 'expected 0 or more').default(5), {
      flag: 'min-new-days',
      arg: '<n>',
      help: "scheduled runs: minimum new trading days since the production model's data end",
      fromText: 'int',
    }),
    asOf: meta(isoDate.optional(), {
      flag: 'as-of',
      arg: '<date>',
      help: 'last date of data to use (YYYY-MM-DD, not in the future; default today)',
    }),
    seed: meta(int(0, 2 ** 31 - 1).default(42), {
      flag: 'seed',
      arg: '<n>',
      help: 'seed for the synthetic market, training, search and bootstrap',
      fromText: 'int',
    }),
    useBest: flagBool('use-best', "train with the model line's best_hyperparameters.json from its last search, when present"),
    optimize: flagBool('optimize', 'run a hyperparameter search (TPE, --trials) before training'),
    trials: meta(int(1, 10_000).default(20), { flag: 'trials', arg: '<n>', help: 'trials of the hyperparameter search', fromText: 'int' }),
    hpoParallel: meta(int(1, 32).default(2), {
      flag: 'parallel',
      arg: '<k>',
      help: 'search trials evaluated at once (constant liar keeps them apart)',
      fromText: 'int',
    }),
    trialTimeout: meta(duration('90s, 10m or 1h').default('1h'), {
      flag: 'trial-timeout',
      arg: '<duration>',
      help: 'time limit of one search trial, all its folds and retries; over it the trial is FAIL',
    }),
    // 20m of search leaves a default --optimize run 10m for training, backtest and compare inside the 30m budget.
    searchTimeout: meta(duration('30m or 2h').default('20m'), {
      flag: 'search-timeout',
      arg: '<duration>',
      help: 'stop starting new search trials after this long',
    }),
    pipelineBudget: meta(duration('30m or 1h').default('30m'), {
      flag: 'budget',
      arg: '<duration>',
      help: 'time budget from the start of the run to the approval gate; an overrun notifies and shows in the status and report',
    }),
    force: flagBool(
      'force',
      'force promotion: skip the comparison with production and let a candidate that failed the criteria reach the approval gate, marked FORCED',
    ),
    skipValidation: flagBool(
      'skip-validation',
      'backtest for the report only: failed criteria do not stop the run before the approval gate (marked FORCED)',
    ),
    ignoreNewData: flagBool('ignore-new-data', 'scheduled and drift runs: run even when there is not enough new data'),
    dryRun: flagBool('dry-run', 'stop after the comparison: no approval gate, no promotion'),
    candlestickPatterns: meta(
      z
        .array(z.enum(PATTERN_NAMES, { message: `expected candlestick patterns among ${PATTERN_NAMES.join(', ')}` }))
        .refine((a) => new Set(a).size === a.length, 'expected each pattern once')
        .optional(),
      {
        flag: 'candlestick-patterns',
        arg: '<list>',
        help: `TA-Lib candlestick patterns to add as cdl_<name> features (none by default): ${PATTERN_NAMES.join(',')}`,
        fromText: 'list',
      },
    ),
    signals: meta(
      z
        .string()
        .regex(/^(csv:.+|synthetic)$/, 'expected csv:DIR or synthetic')
        .optional(),
      {
        flag: 'signals',
        arg: '<csv:DIR>',
        help: 'external daily signals joined as features: DIR/*.csv with columns date,ticker,<series…>, or synthetic (the embedded sentiment; see docs/pipeline.md)',
      },
    ),
    signalLagDays: meta(int(0, 30).default(1), {
      flag: 'signal-lag-days',
      arg: '<n>',
      help: 'trading days after its date a signal value becomes usable (1: published after the close of day t, usable from t+1)',
      fromText: 'int',
    }),
    warmStart: flagBool(
      'warm-start',
      'continue boosting from the production model on the new data window instead of training from scratch',
    ),
    compareFull: flagBool('compare-full', 'with --warm-start, also train from scratch on the same data and report both side by side'),
    /** Ranges for the search over the engine's defaults (lib/engine/searchSpace.ts), from `--search-space FILE`. */
    searchSpace: z
      .custom<EngineSearchSpaceConfig>(
        (v) => v !== null && typeof v === 'object' && !Array.isArray(v),
        'expected an object of parameter → {low, high, log?, step?}',
      )
      .optional(),
    /** Set by what starts the run (CLI, schedule, drift monitor), never by a flag. */
    trigger: z.enum(TRIGGERS).default('manual'),
    reason: z.string().max(2000).optional(),
  })
  .strict();

/** Cross-field rules, each reported with the key path it concerns. */
function crossChecks(c: z.output<typeof pipelineObject>, ctx: z.RefinementCtx): void {
  if (c.tickers.length > c.maxTickers)
    ctx.addIssue({
      code: 'custom',
      path: ['tickers'],
      message: `${c.tickers.length} tickers exceed the limit of ${c.maxTickers} (raise it with --max-tickers)`,
      input: c.tickers,
    });
  // Signal columns are known only once their files are read: the estimate counts the patterns.
  const extraFeatures = c.candlestickPatterns?.length ?? 0;
  const estimate = estimateWorkerMemoryMb({ tickers: c.tickers.length, period: c.period, extraFeatures });
  if (c.tickers.length <= c.maxTickers && estimate > c.workerMemoryMb)
    ctx.addIssue({
      code: 'custom',
      path: ['tickers'],
      message: `${c.tickers.length} tickers × ${c.period} need an estimated ${estimate} MB on the training worker, more than the ${c.workerMemoryMb} MB it may use (fewer tickers, a shorter --period, or --worker-memory-mb on a larger worker)`,
      input: c.tickers,
    });
  // A reminder longer than the approval timeout is sent at the start of the wait (the workflow takes the smaller).
  if (c.searchSpace !== undefined) {
    try {
      searchSpaceFor(c.modelType, c.searchSpace);
    } catch (err) {
      if (!(err instanceof SearchSpaceError)) throw err;
      ctx.addIssue({ code: 'custom', path: ['searchSpace'], message: err.message, input: c.searchSpace });
    }
  }
}

export const pipelineConfigSchema = pipelineObject.superRefine(crossChecks);

/** The complete, validated configuration a workflow receives. */
export type PipelineConfig = z.output<typeof pipelineConfigSchema>;
export type PromotionCriteria = PipelineConfig['criteria'];
/** What a caller may give: any subset, nested sections partial too. */
export type PipelineConfigInput = z.input<typeof pipelineConfigSchema>;

/** Every flag-bound setting, in schema order, with its default: the CLI, env and `config show` use this. */
export const SETTINGS: readonly Setting[] = collectSettings(pipelineObject, '');

function collectSettings(obj: z.ZodObject, prefix: string): Setting[] {
  const out: Setting[] = [];
  const defaults = pipelineObject.parse({}) as Record<string, unknown>;
  for (const [name, field] of Object.entries(obj.shape) as [string, z.ZodType][]) {
    const key = prefix ? `${prefix}.${name}` : name;
    const inner = unwrap(field);
    if (inner instanceof z.ZodObject) {
      out.push(...collectSettings(inner, key));
      continue;
    }
    const m = z.globalRegistry.get(field) as SettingMeta | undefined;
    if (!m?.flag) continue;
    out.push({ ...m, key, default: getPath(defaults, key), choices: inner instanceof z.ZodEnum ? (inner.options as string[]) : undefined });
  }
  return out;
}

function unwrap(t: z.ZodType): z.ZodType {
  let cur = t;
  for (;;) {
    const def = cur._zod.def as { innerType?: z.ZodType };
    if (!def.innerType) return cur;
    cur = def.innerType;
  }
}

/** A problem with one setting: its key path, the value given and what was expected. */
export interface ConfigProblem {
  path: string;
  value: unknown;
  message: string;
}

export function problemsOf(error: z.ZodError, input: unknown): ConfigProblem[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    let value: unknown = input;
    for (const p of issue.path)
      value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[p as string] : undefined;
    if (issue.code === 'unrecognized_keys') {
      return {
        path: path || '(top level)',
        value: issue.keys,
        // A file of a million keys must still give one readable line: the first few, then a count.
        message: `unknown setting${issue.keys.length > 1 ? 's' : ''} ${issue.keys
          .slice(0, 5)
          .map((k) => JSON.stringify(k.slice(0, 40)))
          .join(', ')}${issue.keys.length > 5 ? ` (+${issue.keys.length - 5} more)` : ''}`,
      };
    }
    return { path: path || '(top level)', value, message: issue.message };
  });
}

export function formatProblem(p: ConfigProblem, origin?: string): string {
  // A whole object (the search space) would drown the message: name the path only.
  const given =
    p.value === undefined || (typeof p.value === 'object' && p.value !== null && !Array.isArray(p.value))
      ? ''
      : ` = ${typeof p.value === 'number' && !Number.isFinite(p.value) ? String(p.value) : JSON.stringify(p.value)?.slice(0, 80)}`;
  return `${p.path}${given}${origin ? ` (from ${origin})` : ''}: ${p.message}`;
}

/** "YYYY-MM-DD" that names a real day (2024-02-30 does not). */
export function isRealDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
}

export function getPath(obj: unknown, key: string): unknown {
  return key
    .split('.')
    .reduce<unknown>((o, k) => (o !== null && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), obj);
}

export function setPath(obj: Record<string, unknown>, key: string, value: unknown): void {
  const parts = key.split('.');
  let o = obj;
  for (const p of parts.slice(0, -1)) o = (o[p] ??= {}) as Record<string, unknown>;
  o[parts.at(-1)!] = value;
}

/** A setting's value as text (help, tables, environment): scalars as they are, anything else as JSON. */
export function scalarText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return JSON.stringify(v) ?? '';
}
