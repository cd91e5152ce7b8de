import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatFaultTable, type FaultRow } from '../support/faultHarness';
import type { RunRecord } from './workerKills';

const tableFile = join(resolve(dirname(fileURLToPath(import.meta.url)), '..', '..'), '.trainctl', 'faults-table.md');

/**
 * One row per kill scenario from runs that each took one kill (or several, one per scenario):
 * a run's outcome counts for every scenario it was disturbed in.
 */
export function killRows(runs: RunRecord[], baseline: string, expectVersions: number): FaultRow[] {
  const scenarios = [...new Set(runs.flatMap((r) => r.kills.map((k) => k.scenario)))];
  return scenarios.map((scenario) => {
    const hit = runs.filter((r) => r.kills.some((k) => k.scenario === scenario));
    const stalls = hit.flatMap((r) => r.kills.filter((k) => k.scenario === scenario && k.stall !== undefined).map((k) => k.stall!));
    const versions = [...new Set(hit.map((r) => r.check?.versions ?? -1))];
    return {
      scenario,
      runs: hit.length,
      completed: hit.filter((r) => r.completed).length,
      correct: hit.filter((r) => r.fingerprint === baseline).length,
      versions: versions.length === 1 && versions[0] === expectVersions ? `${expectVersions} each` : versions.join(', '),
      tempFiles: hit.reduce((n, r) => n + (r.check?.tempFiles.length ?? 0), 0),
      dataLost: hit.reduce((n, r) => n + (r.check?.lost.length ?? 0), 0),
      stalls,
      hits: [stalls.length, hit.reduce((n, r) => n + r.kills.filter((k) => k.scenario === scenario).length, 0)],
    };
  });
}

/** Print the table and keep it in .trainctl/faults-table.md for the README. */
export function publishFaultTable(rows: FaultRow[], header: string): string {
  const table = formatFaultTable(rows);
  const text = `${header}\n\n${table}\n`;
  mkdirSync(dirname(tableFile), { recursive: true });
  writeFileSync(tableFile, text);
  console.log(`\n${text}\n(written to ${tableFile})`);
  return table;
}
