import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { DataError } from '../util/errors';
import type { WarmStartReport } from './fullRetrainComparison';

/** Beside the candidate's model: written by trainModel on a warm start, read for the report. */
export const WARM_START_FILE = 'warm_start.json';

const side = z.object({
  seconds: z.number(),
  rounds: z.number(),
  totalRounds: z.number(),
  holdout: z.object({ rows: z.number(), accuracy: z.number(), f1: z.number(), rocAuc: z.number(), logLoss: z.number() }),
});
const schema = z.object({ from: z.string(), warm: side, full: side.optional() });

/** The warm-start comparison of a candidate folder, or undefined when it was trained from scratch. */
export async function readWarmStartReport(candidateDir: string): Promise<WarmStartReport | undefined> {
  const path = join(candidateDir, WARM_START_FILE);
  if (!existsSync(path)) return undefined;
  const parsed = schema.safeParse(JSON.parse(await readFile(path, 'utf8')));
  if (!parsed.success) throw new DataError(`${path} is not a warm-start report: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}
