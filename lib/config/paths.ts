import { resolve } from 'node:path';
import { MODEL_NAME_RE } from './modelName';

/**
 * Where trainctl keeps its files. Everything is relative to the project root (or
 * TRAINCTL_HOME) unless overridden, so a checkout is self-contained and git-ignores its state.
 */
export interface Paths {
  root: string;
  /** Temporal dev-server database, pids, caches, run scratch space. */
  stateDir: string;
  dataCacheDir: string;
  featureStoreDir: string;
  runsDir: string;
  modelsDir: string;
  reportsDir: string;
  logsDir: string;
}

export function resolvePaths(env: NodeJS.ProcessEnv = process.env, root = env.TRAINCTL_HOME ?? process.cwd()): Paths {
  const stateDir = resolve(root, env.TRAINCTL_STATE_DIR ?? '.trainctl');
  return {
    root: resolve(root),
    stateDir,
    dataCacheDir: resolve(stateDir, 'data'),
    featureStoreDir: resolve(stateDir, 'features'),
    runsDir: resolve(stateDir, 'runs'),
    modelsDir: resolve(root, env.TRAINCTL_MODELS_DIR ?? 'models'),
    reportsDir: resolve(root, env.TRAINCTL_REPORTS_DIR ?? 'reports'),
    logsDir: resolve(root, env.TRAINCTL_LOGS_DIR ?? 'logs'),
  };
}

/** Files that belong to one model line (see lib/registry/lines.ts for the registry itself). */
export interface ModelLinePaths {
  registryRoot: string;
  /** The best parameters of the line's last search (`--use-best`). */
  bestHyperparams: string;
  /** Optuna-format journals of the line's searches. */
  studiesDir: string;
  driftHistory: string;
  driftReportsDir: string;
  /** Comparison reports, one folder per version. */
  reportsDir: string;
}

export function modelLinePaths(paths: Paths, modelName: string): ModelLinePaths {
  if (!MODEL_NAME_RE.test(modelName)) throw new RangeError(`model name "${modelName}" is not a valid folder name`);
  const registryRoot = resolve(paths.modelsDir, modelName);
  return {
    registryRoot,
    bestHyperparams: resolve(registryRoot, 'best_hyperparameters.json'),
    studiesDir: resolve(paths.stateDir, 'studies', modelName),
    driftHistory: resolve(paths.stateDir, 'drift', modelName, 'drift_history.jsonl'),
    driftReportsDir: resolve(paths.reportsDir, modelName, 'drift'),
    reportsDir: resolve(paths.reportsDir, modelName),
  };
}
