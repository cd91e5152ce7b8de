import type { Paths } from '../config/paths';
import { scratchRetentionFromEnv } from './policy';
import { pruneRunScratch, type PruneRunScratchResult } from './prune';

interface SweepLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface ScratchSweepOptions {
  paths: Pick<Paths, 'runsDir' | 'modelsDir'>;
  env: Record<string, string | undefined>;
  logger: SweepLogger;
  /** Pipeline IDs of the open runs (from Temporal); a failure skips that sweep, it never guesses. */
  openRuns: () => Promise<Iterable<string>>;
  /** Default one hour. */
  intervalMs?: number;
  now?: () => Date;
}

export interface ScratchSweep {
  /** One sweep now (also what the timer runs); null when it was skipped. */
  sweep(): Promise<PruneRunScratchResult | null>;
  /** Stop the timer and wait for a sweep in progress. */
  stop(): Promise<void>;
}

export const SCRATCH_SWEEP_INTERVAL_MS = 3_600_000;

/**
 * Apply the scratch retention policy (TRAINCTL_RUNS_*) now and then every interval, in the
 * background of a long-lived process (the worker). The timer does not keep the process alive, and
 * sweeps never overlap. A bad setting is reported at once (thrown), not at the first sweep.
 */
export function startScratchSweep(o: ScratchSweepOptions): ScratchSweep {
  const policy = scratchRetentionFromEnv(o.env);
  let running: Promise<PruneRunScratchResult | null> | undefined;
  const once = async (): Promise<PruneRunScratchResult | null> => {
    let open: Iterable<string>;
    try {
      open = await o.openRuns();
    } catch (err) {
      o.logger.warn({ module: 'runs', error: String(err) }, 'run scratch sweep skipped: open runs unknown');
      return null;
    }
    try {
      const result = await pruneRunScratch({ paths: o.paths, policy, openRuns: open, now: o.now?.() });
      if (result.removed.length)
        o.logger.info(
          { module: 'runs', removed: result.removed.length, freedMb: mb(result.freedBytes), keptMb: mb(result.keptBytes), policy },
          'run scratch pruned',
        );
      return result;
    } catch (err) {
      o.logger.warn({ module: 'runs', error: String(err) }, 'run scratch sweep failed');
      return null;
    }
  };
  const sweep = () => (running ??= once().finally(() => (running = undefined)));
  const timer = setInterval(() => void sweep(), o.intervalMs ?? SCRATCH_SWEEP_INTERVAL_MS);
  timer.unref();
  void sweep();
  return {
    sweep,
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}

const mb = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;
