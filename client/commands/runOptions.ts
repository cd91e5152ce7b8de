import { Option, type Command } from 'commander';
import { MODEL_TYPES, PERIODS, type PipelineConfigInput } from '../../lib/config/pipeline';
import { ConfigError } from '../../lib/util/errors';

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
