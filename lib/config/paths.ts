import { resolve } from 'node:path';

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
