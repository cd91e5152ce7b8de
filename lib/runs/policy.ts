import { ConfigError } from '../util/errors';

/**
 * How much run scratch (`.trainctl/runs/<pipelineId>/`: the candidate's model, ONNX export,
 * reference profile and the backtest detail) to keep. A rule set to 0 is off. The registry holds
 * its own copies of a registered version's files, so scratch is only needed while its run is open.
 */
export interface ScratchRetentionPolicy {
  /** Keep the newest N runs of each model line. */
  keep: number;
  /** Remove runs whose newest file is older than this. */
  maxAgeDays: number;
  /** Then remove the oldest runs until the whole folder is under this size. */
  maxSizeMb: number;
}

export const DEFAULT_SCRATCH_RETENTION: Readonly<ScratchRetentionPolicy> = { keep: 10, maxAgeDays: 14, maxSizeMb: 2048 };

/** The environment variable of each rule (the config file's `runs` section maps onto them). */
export const SCRATCH_RETENTION_ENV = {
  keep: 'TRAINCTL_RUNS_KEEP',
  maxAgeDays: 'TRAINCTL_RUNS_MAX_AGE_DAYS',
  maxSizeMb: 'TRAINCTL_RUNS_MAX_SIZE_MB',
} as const satisfies Record<keyof ScratchRetentionPolicy, string>;

/** The policy from TRAINCTL_RUNS_KEEP, TRAINCTL_RUNS_MAX_AGE_DAYS and TRAINCTL_RUNS_MAX_SIZE_MB over the defaults. */
export function scratchRetentionFromEnv(env: Record<string, string | undefined>): ScratchRetentionPolicy {
  const policy = { ...DEFAULT_SCRATCH_RETENTION };
  for (const [key, name] of Object.entries(SCRATCH_RETENTION_ENV) as [keyof ScratchRetentionPolicy, string][]) {
    const text = env[name];
    if (text === undefined || text === '') continue;
    const n = Number(text);
    if (!Number.isInteger(n) || n < 0) throw new ConfigError(`${name}="${text}" must be a whole number ≥ 0 (0 turns the rule off)`);
    policy[key] = n;
  }
  return policy;
}
