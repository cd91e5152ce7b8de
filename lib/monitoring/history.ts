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

/** The auto-rollback log: one JSON line per rollback the monitor made. */
export async function appendAutoRollback(path: string, record: import('./rollbackPolicy').AutoRollbackRecord): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await appendFile(path, `${JSON.stringify(record)}\n`, { flag: 'a' });
}

export async function readAutoRollbacks(path: string): Promise<import('./rollbackPolicy').AutoRollbackRecord[]> {
  const text = await readFile(path, 'utf8').catch(() => '');
  return text.split('\n').flatMap((line) => {
    try {
      const v = JSON.parse(line) as { at?: unknown; from?: unknown; to?: unknown };
      return typeof v.at === 'string' && typeof v.from === 'string' && typeof v.to === 'string'
        ? [v as import('./rollbackPolicy').AutoRollbackRecord]
        : [];
    } catch {
      return [];
    }
  });
}
