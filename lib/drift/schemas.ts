import { z } from 'zod';

/**
 * Runtime shapes of the drift files: the reference profile saved with each model and the drift
 * history lines. Numbers that were NaN (an all-missing column) arrive as null. Objects are loose,
 * so fields added later (e.g. calibration) survive.
 */
const num = z.number().nullable();
export const columnProfileSchema = z.looseObject({
  edges: z.array(num),
  fractions: z.array(num),
  n: z.number(),
  nan: z.number(),
  mean: num,
  std: num,
  sample: z.array(num),
});

export const referenceProfileSchema = z.looseObject({
  version: z.literal(1, 'unsupported profile version: expected 1'),
  features: z.record(z.string(), columnProfileSchema),
  predictions: columnProfileSchema.optional(),
  positiveRate: z.number().optional(),
});

export const driftHistoryRecordSchema = z.looseObject({
  at: z.string(),
  runId: z.string(),
  productionVersion: z.string().nullable(),
  status: z.string(),
  rows: z.number(),
  window: z.looseObject({ start: z.string(), end: z.string() }).nullable(),
  predictionPsi: num,
  psi: z.record(z.string(), num),
});
