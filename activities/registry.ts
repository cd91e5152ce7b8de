import { DEFAULT_PIPELINE_CONFIG } from '../lib/config/pipeline';
import { openModelLine, type RetentionPolicy } from '../lib/registry';
import { ConfigError } from '../lib/util/errors';
import type { ActivityDeps } from './deps';
import { storeOf } from './storeFiles';

/**
 * The registry of one model line as the worker is configured: TRAINCTL_RETENTION_KEEP (archived versions to keep) and
 * TRAINCTL_RETENTION_MAX_AGE_DAYS apply after each promotion; unset, every version is kept.
 */
export function registryFor(deps: ActivityDeps, modelName: string) {
  return openModelLine({
    modelsDir: deps.paths.modelsDir,
    // The project directory: `<modelsDir>/<line>/` as always; S3: `models/<line>/` of the bucket.
    artifacts: storeOf(deps),
    modelName,
    // The registry's line migration (data on disk or in the bucket): files of the one line before model lines belong to the default line.
    legacyModelName: DEFAULT_PIPELINE_CONFIG.modelName,
    clock: deps.now,
    retention: retentionFromEnv(deps.env),
  });
}

export function retentionFromEnv(env: Record<string, string | undefined>): RetentionPolicy | undefined {
  const int = (name: string) => {
    const v = env[name];
    if (v === undefined || v === '') return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new ConfigError(`${name}="${v}" must be a whole number ≥ 0`);
    return n;
  };
  const keep = int('TRAINCTL_RETENTION_KEEP');
  const maxAgeDays = int('TRAINCTL_RETENTION_MAX_AGE_DAYS');
  return keep === undefined && maxAgeDays === undefined ? undefined : { keep, maxAgeDays };
}
