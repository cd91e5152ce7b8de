import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatFaultTable, type FaultRow } from '../support/faultHarness';
import type { RunRecord } from './workerKills';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const tableFiles = [join(root, 'test-results', 'faults.md'), join(root, '.trainctl', 'faults-table.md')];

/** Where the kills of a scenario landed, e.g. "before ×2, after ×3" or "boosting rounds 3, 7 …". */
function moments(list: string[]): string {
  const rounds = list.filter((m) => m.startsWith('boosting round ')).map((m) => m.slice('boosting round '.length));
  const report = list.filter((m) => m.startsWith('report folder holding ')).map((m) => m.split(', ').length);
  const counts = new Map<string, number>();
  for (const m of list.filter((x) => !/^(boosting round |report folder holding )/.test(x))) counts.set(m, (counts.get(m) ?? 0) + 1);
  return [
    ...(rounds.length ? [`boosting rounds ${rounds.join(', ')}`] : []),
    ...(report.length ? [`report folder at ${report.join(', ')} of 9 files (temps included)`] : []),
    ...[...counts].map(([m, n]) => `${m} ×${n}`),
  ].join('; ');
}

const frozen = (s: number[]) => (s.length ? `frozen ${Math.min(...s).toFixed(1)}–${Math.max(...s).toFixed(1)} s before the kill` : '');

/** One row per kill scenario; a run's outcome counts for every scenario it was disturbed in. */
export function killRows(runs: RunRecord[], baseline: string, expectVersions: number): FaultRow[] {
  const scenarios = [...new Set(runs.flatMap((r) => r.kills.map((k) => k.scenario)))];
  return scenarios.map((scenario) => {
    const hit = runs.filter((r) => r.kills.some((k) => k.scenario === scenario));
    const kills = hit.flatMap((r) => r.kills.filter((k) => k.scenario === scenario));
    const stalls = kills.flatMap((k) => (k.stall === undefined ? [] : [k.stall]));
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
      hits: [stalls.length, kills.length],
      note: [moments(kills.map((k) => k.moment)), frozen(kills.flatMap((k) => (k.frozenS === undefined ? [] : [k.frozenS])))]
        .filter(Boolean)
        .join('; '),
    };
  });
}

/** Print the table and write it to test-results/faults.md (and .trainctl/faults-table.md). */
export function publishFaultTable(rows: FaultRow[], header: string): string {
  const table = formatFaultTable(rows);
  const text = `${header}\n\n${table}\n`;
  for (const f of tableFiles) {
    mkdirSync(dirname(f), { recursive: true });
    writeFileSync(f, text);
  }
  console.log(`\n${text}\n(written to ${tableFiles[0]})`);
  return table;
}
