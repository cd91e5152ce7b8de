import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { MonitorSnapshot } from './snapshot';

/** One JSON line per monitoring pass, appended in one write (O_APPEND), so lines never interleave. */
export async function appendMonitorHistory(path: string, snapshot: MonitorSnapshot): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await appendFile(path, `${JSON.stringify(snapshot)}\n`, { flag: 'a' });
}

/** Every readable pass; a torn or hand-mangled line is skipped and counted, never fatal. */
export async function readMonitorHistory(path: string): Promise<{ snapshots: MonitorSnapshot[]; skipped: number }> {
  const text = await readFile(path, 'utf8').catch(() => '');
  const snapshots: MonitorSnapshot[] = [];
  let skipped = 0;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const v = JSON.parse(line) as Partial<MonitorSnapshot>;
      if (typeof v.at === 'string' && typeof v.model === 'string' && Array.isArray(v.cohorts)) snapshots.push(v as MonitorSnapshot);
      else skipped++;
    } catch {
      skipped++;
    }
  }
  return { snapshots, skipped };
}
