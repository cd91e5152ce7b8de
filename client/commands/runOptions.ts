import { Option, type Command } from 'commander';
import { MODEL_TYPES, PERIODS, type PipelineConfigInput } from '../../lib/config/pipeline';
import { readFileSync } from 'node:fs';
import { ConfigError } from '../../lib/util/errors';
import type { SearchSpaceConfig } from '../../lib/xgboost/searchSpace';

export interface RunFlags {
  modelName?: string;
  tickers?: string;
  source?: string;
  period?: string;
  modelType?: string;
  holdout?: string;
  minHoldoutRows?: string;
  minAccuracy?: string;
  minPrecision?: string;
  minRecall?: string;
  minF1?: string;
  tolerance?: string;
  costBps?: string;
  approvalTimeout?: string;
  asOf?: string;
  seed?: string;
  force?: boolean;
  dryRun?: boolean;
  useBest?: boolean;
  optimize?: boolean;
  trials?: string;
  searchSpace?: string;
  parallel?: string;
  trialTimeout?: string;
}

/** The flags of the existing training-script convention, shared by `run` and `start`. */
export function addRunOptions(cmd: Command): Command {
  return cmd
    .option('--tickers <list>', 'comma-separated symbols (default: the synthetic universe SYN-A…SYN-E)')
    .option('--source <source>', 'synthetic | yahoo | csv:DIR', 'synthetic')
    .addOption(new Option('--period <period>', 'history to use').choices([...PERIODS]).default('10y'))
    .addOption(new Option('--model-type <type>', 'xgb (boosted trees) | rf (random forest) | linear').choices([...MODEL_TYPES]).default('xgb'))
    .option('--model-name <name>', 'model line in the registry', 'direction-classifier')
    .option('--holdout <window>', 'validation window at the end of the data, never trained on (e.g. 6m, 12w, 90d)', '6m')
    .option('--min-holdout-rows <n>', 'fewer holdout rows than this fails validation (default 50)')
    .option('--min-accuracy <x>', 'promotion threshold on holdout accuracy (default 0.60)')
    .option('--min-precision <x>', 'promotion threshold on precision (default 0.55)')
    .option('--min-recall <x>', 'promotion threshold on recall (default 0.50)')
    .option('--min-f1 <x>', 'promotion threshold on F1 (default 0.52)')
    .option('--tolerance <x>', 'how much worse than production the candidate may be (default 0.01)')
    .option('--cost-bps <n>', 'transaction cost per unit turnover in the backtest (default 5)')
    .option('--approval-timeout <duration>', 'how long the approval gate waits (e.g. 7d, 12h, 30m)', '7d')
    .option('--as-of <date>', 'last date of data to use (YYYY-MM-DD; default today)')
    .option('--seed <n>', 'seed for the synthetic market and training', '42')
    .option('--use-best', 'train with best_hyperparameters.json from the last search, when present')
    .option('--optimize', 'run a hyperparameter search (TPE, --trials) before training')
    .option('--trials <n>', 'trials for --optimize', '30')
    .option('--parallel <k>', 'search trials evaluated at once (default 2)')
    .option('--trial-timeout <duration>', 'time limit of one search trial, all its folds included; over it the trial is FAIL (default 1h)')
    .option('--search-space <file.json>', 'ranges for the search, e.g. {"max_depth": {"low": 2, "high": 6}} (see README)')
    .option('--force', 'run even when there is not enough new data')
    .option('--dry-run', 'stop after the comparison: no approval gate, no promotion');
}

export function configFromFlags(f: RunFlags): PipelineConfigInput {
  return {
    modelName: f.modelName,
    tickers: f.tickers ? f.tickers.split(',').map((t) => t.trim()).filter(Boolean) : undefined,
    source: f.source,
    period: f.period as PipelineConfigInput['period'],
    modelType: f.modelType as PipelineConfigInput['modelType'],
    holdout: f.holdout,
    minHoldoutRows: intFlag('--min-holdout-rows', f.minHoldoutRows),
    approvalTimeout: f.approvalTimeout,
    asOf: f.asOf,
    seed: intFlag('--seed', f.seed),
    trials: intFlag('--trials', f.trials),
    force: f.force ?? false,
    dryRun: f.dryRun ?? false,
    useBest: f.useBest ?? false,
    optimize: f.optimize ?? false,
    hpoParallel: intFlag('--parallel', f.parallel),
    trialTimeout: f.trialTimeout,
    searchSpace: f.searchSpace === undefined ? undefined : readSearchSpace(f.searchSpace),
    criteria: {
      minAccuracy: numFlag('--min-accuracy', f.minAccuracy),
      minPrecision: numFlag('--min-precision', f.minPrecision),
      minRecall: numFlag('--min-recall', f.minRecall),
      minF1: numFlag('--min-f1', f.minF1),
      tolerance: numFlag('--tolerance', f.tolerance),
    },
    backtest: { costBps: numFlag('--cost-bps', f.costBps) },
  };
}

function numFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new ConfigError(`${name} expects a number, got "${value}"`);
  return n;
}

function intFlag(name: string, value: string | undefined): number | undefined {
  const n = numFlag(name, value);
  if (n !== undefined && !Number.isInteger(n)) throw new ConfigError(`${name} expects a whole number, got "${value}"`);
  return n;
}

/** The --search-space file: JSON of parameter → {low, high, log?, step?}; validated with the config. */
function readSearchSpace(path: string): SearchSpaceConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`--search-space: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`--search-space: ${path} is not valid JSON (${(err as Error).message})`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new ConfigError(`--search-space: ${path} must hold an object like {"max_depth": {"low": 2, "high": 6}}`);
  const twice = duplicateTopLevelKeys(text);
  if (twice.length) throw new ConfigError(`--search-space: ${path} defines ${twice.map((k) => `"${k}"`).join(', ')} more than once (a parameter needs one range)`);
  return parsed as SearchSpaceConfig;
}

/** Keys that appear more than once in a JSON object's top level (JSON.parse would keep the last silently). */
function duplicateTopLevelKeys(json: string): string[] {
  const seen = new Set<string>();
  const twice = new Set<string>();
  let depth = 0;
  let expectKey = false;
  for (let i = 0; i < json.length; i++) {
    const ch = json[i]!;
    if (ch === '"') {
      let j = i + 1;
      while (j < json.length && json[j] !== '"') j += json[j] === '\\' ? 2 : 1;
      if (depth === 1 && expectKey) {
        const key = JSON.parse(json.slice(i, j + 1)) as string;
        (seen.has(key) ? twice : seen).add(key);
        expectKey = false;
      }
      i = j;
    } else if (ch === '{' || ch === '[') {
      depth++;
      if (depth === 1) expectKey = true;
    } else if (ch === '}' || ch === ']') depth--;
    else if (ch === ',' && depth === 1) expectKey = true;
  }
  return [...twice];
}
