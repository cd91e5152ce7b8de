import { resolve } from 'node:path';
import type { Paths } from '../config/paths';

/** Where the performance monitor keeps its files for one model line. */
export function monitorLocations(paths: Paths, modelName: string) {
  const dir = resolve(paths.stateDir, 'monitor', modelName);
  return {
    history: resolve(dir, 'performance_history.jsonl'),
    autoRollbacks: resolve(dir, 'auto_rollbacks.jsonl'),
    reportsDir: resolve(paths.reportsDir, modelName, 'performance'),
  };
}
