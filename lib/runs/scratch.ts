import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { MODEL_NAME_RE } from '../config/modelName';

/** One run's scratch folder as found on disk. */
export interface RunScratch {
  pipelineId: string;
  dir: string;
  bytes: number;
  /** The newest modification time of anything inside (ms since the epoch). */
  lastWriteMs: number;
}

/** Every folder under `runsDir` with its size and last write; an absent folder is an empty list. */
export async function listRunScratch(runsDir: string): Promise<RunScratch[]> {
  const entries = await readdir(runsDir, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [];
    throw err;
  });
  const runs: RunScratch[] = [];
  for (const e of entries) {
    if (!e.isDirectory()) continue;
    const dir = join(runsDir, e.name);
    const usage = await diskUsage(dir);
    runs.push({ pipelineId: e.name, dir, ...usage });
  }
  return runs;
}

async function diskUsage(path: string): Promise<{ bytes: number; lastWriteMs: number }> {
  const st = await lstat(path).catch(() => null);
  if (!st) return { bytes: 0, lastWriteMs: 0 };
  let bytes = st.isDirectory() ? 0 : st.size;
  let lastWriteMs = st.mtimeMs;
  if (st.isDirectory()) {
    for (const name of await readdir(path).catch(() => [])) {
      const u = await diskUsage(join(path, name));
      bytes += u.bytes;
      lastWriteMs = Math.max(lastWriteMs, u.lastWriteMs);
    }
  }
  return { bytes, lastWriteMs };
}

// pipelineIdOf (workflows/ids.ts): train-<model>-<12 hex>, or with --allow-concurrent
// train-<model>-<YYYYMMDD>-<HHMMSS>-<4 hex>-<12 hex>; runs from before model lines: train-<…>.
const PIPELINE_ID_RE = /^train-(.+?)(?:-\d{8}-\d{6}-[0-9a-f]{4})?-[0-9a-f]{12}$/;

/**
 * The model line a run belongs to: the registry's record when it registered a version, else
 * read from its pipeline ID; null when neither tells.
 */
export function modelOfRun(pipelineId: string, registered: ReadonlyMap<string, string>): string | null {
  const known = registered.get(pipelineId);
  if (known) return known;
  const m = PIPELINE_ID_RE.exec(pipelineId);
  return m && MODEL_NAME_RE.test(m[1]!) ? m[1]! : null;
}
