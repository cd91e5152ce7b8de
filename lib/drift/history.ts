import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { parseJsonText } from '../util/jsonFile';
import { driftHistoryRecordSchema } from './schemas';

export interface DriftHistoryRecord {
  at: string;
  runId: string;
  productionVersion: string | null;
  status: string;
  rows: number;
  window: { start: string; end: string } | null;
  predictionPsi: number | null;
  psi: Record<string, number | null>;
}

/** One JSON line per check, appended in a single write (O_APPEND), so lines never interleave. */
/** One line per check; a check already recorded (same time and run: a retried activity) is not added again. */
export async function appendDriftHistory(path: string, record: DriftHistoryRecord): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const existing = await readDriftHistory(path).catch(() => []);
  if (existing.some((r) => r.at === record.at && r.runId === record.runId)) return;
  await appendFile(path, `${JSON.stringify(record)}\n`, { flag: 'a' });
}

export async function readDriftHistory(path: string): Promise<DriftHistoryRecord[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return [];
  }
  // Every line checked: a damaged or foreign one is one error naming the file and the line.
  return text
    .split('\n')
    .flatMap((line, i) =>
      line.trim()
        ? [parseJsonText({ text: line, file: `${path}: line ${i + 1}`, schema: driftHistoryRecordSchema }) as DriftHistoryRecord]
        : [],
    );
}
