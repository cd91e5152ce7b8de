import { readFile } from 'node:fs/promises';
import pl from 'nodejs-polars';
import { listLogFiles } from './files';
import { unframeLine } from './framing';
import type { PredictionRecord } from './record';

export interface ReadPredictionsResult {
  records: PredictionRecord[];
  /** Lines skipped, with file and reason: a torn last line, or one whose frame does not check. */
  skipped: { path: string; line: number; reason: string }[];
}

/** Every intact record of the days in [from, to] (inclusive, YYYY-MM-DD), in file order. */
export async function readPredictions(dir: string, range: { from?: string; to?: string } = {}): Promise<ReadPredictionsResult> {
  const records: PredictionRecord[] = [];
  const skipped: ReadPredictionsResult['skipped'] = [];
  for (const { day, path } of await listLogFiles(dir)) {
    if ((range.from && day < range.from) || (range.to && day > range.to)) continue;
    const text = await readFile(path, 'utf8');
    const lines = text.split('\n');
    const last = lines.pop()!;
    lines.forEach((line, i) => {
      const u = unframeLine(line);
      if (!u.ok) return skipped.push({ path, line: i + 1, reason: u.reason });
      try {
        records.push(JSON.parse(u.json) as PredictionRecord);
      } catch {
        skipped.push({ path, line: i + 1, reason: 'not JSON' });
      }
    });
    if (last !== '') skipped.push({ path, line: lines.length + 1, reason: 'torn last line (no newline)' });
  }
  return { records, skipped };
}

const COLUMNS = [
  'requestId',
  'at',
  'model',
  'version',
  'role',
  'source',
  'ticker',
  'date',
  'probabilityUp',
  'direction',
  'threshold',
  'arm',
] as const;

/** The log as a polars DataFrame (one column per record field; `arm` null outside A/B). */
export async function readPredictionFrame(dir: string, range: { from?: string; to?: string } = {}): Promise<pl.DataFrame> {
  const { records } = await readPredictions(dir, range);
  const columns: Record<string, unknown[]> = {};
  for (const c of COLUMNS) columns[c] = records.map((r) => r[c] ?? null);
  return pl
    .DataFrame([
      ...COLUMNS.filter((c) => c !== 'probabilityUp' && c !== 'threshold').map((c) => pl.Series(c, columns[c]!, pl.Utf8)),
      pl.Series('probabilityUp', columns.probabilityUp!, pl.Float64),
      pl.Series('threshold', columns.threshold!, pl.Float64),
    ])
    .select(...COLUMNS);
}
