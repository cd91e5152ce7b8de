import { rm } from 'node:fs/promises';
import { ConfigError } from '../util/errors';
import { listLogFiles } from './files';

/** Delete day files older than `keepDays` days before `now` (the current day is always kept). */
export async function applyRetention(o: { dir: string; keepDays: number; now?: Date }): Promise<string[]> {
  if (!Number.isInteger(o.keepDays) || o.keepDays < 1)
    throw new ConfigError(`prediction log retention ${o.keepDays} days must be a whole number ≥ 1`);
  const cutoff = new Date((o.now ?? new Date()).getTime() - (o.keepDays - 1) * 86_400_000).toISOString().slice(0, 10);
  const removed: string[] = [];
  for (const f of await listLogFiles(o.dir)) {
    if (f.day < cutoff) {
      await rm(f.path, { force: true });
      removed.push(f.path);
    }
  }
  return removed;
}
