import { z } from 'zod';
import type { PredictionRecord } from '../predictionLog';

/**
 * The prediction log's framing rejects torn lines, but an intact frame can still hold a record
 * written by something else (an older writer, a hand edit): each one is checked here, and the
 * ones that do not fit are counted as foreign instead of being trusted.
 */
const recordSchema = z.object({
  requestId: z.string(),
  at: z.string(),
  model: z.string(),
  version: z.string(),
  role: z.enum(['production', 'shadow', 'ab']),
  source: z.enum(['request', 'batch']),
  ticker: z.string().nullable(),
  date: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .nullable(),
  probabilityUp: z.number().min(0).max(1),
  direction: z.enum(['up', 'down']),
  threshold: z.number().min(0).max(1),
  arm: z.enum(['control', 'candidate']).optional(),
});

export function validRecords(records: unknown[]): { records: PredictionRecord[]; foreign: number } {
  const out: PredictionRecord[] = [];
  let foreign = 0;
  for (const r of records) {
    const parsed = recordSchema.safeParse(r);
    if (parsed.success) out.push(parsed.data);
    else foreign++;
  }
  return { records: out, foreign };
}
