import { z } from 'zod';
import { STAGES } from './types';

/**
 * Runtime shapes of the registry's files. Readers check them, so a hand-edited or damaged
 * registry.json, metadata.json or audit line is one error naming the file and the field, never a
 * TypeError deep in a transition. Objects are loose: fields added by newer code survive a read.
 */
const stage = z.enum(STAGES);
const version = z.string().regex(/^v\d+\.\d+\.\d+$/, 'expected vMAJOR.MINOR.PATCH');
const fileSums = z.record(
  z.string(),
  z.looseObject({ sha256: z.string().regex(/^[0-9a-f]{64}$/, 'expected a SHA-256 hex digest'), bytes: z.number().int().min(0) }),
);
const stageChange = z.looseObject({ stage, at: z.string(), by: z.string(), reason: z.string(), runId: z.string().nullable() });

export const versionRecordSchema = z.looseObject({
  stage,
  createdAt: z.string(),
  runId: z.string(),
  modelType: z.string(),
  schemaHash: z.string(),
  labelHash: z.string(),
  metrics: z.record(z.string(), z.number().nullable()),
  files: fileSums,
  stageHistory: z.array(stageChange),
});

export const pendingActionSchema = z.union([
  z.looseObject({ kind: z.literal('audit'), entry: z.looseObject({}) }),
  z.looseObject({ kind: z.literal('metadata'), version }),
  z.looseObject({ kind: z.literal('rename'), from: z.string(), to: z.string() }),
  z.looseObject({ kind: z.literal('remove'), version }),
]);

export const registryStateSchema = z.looseObject({
  format: z.literal(1, 'unsupported format: expected 1'),
  production: version.nullable(),
  staging: version.nullable(),
  productionHistory: z.array(version),
  versions: z.record(version, versionRecordSchema),
  pruned: z.array(version),
  runs: z.record(z.string(), version),
  done: z.record(z.string(), z.unknown()),
  auditSeq: z.number().int().min(0),
  pending: z.array(pendingActionSchema),
});

export const modelMetadataSchema = z.looseObject({
  version,
  createdAt: z.string(),
  runId: z.string(),
  modelType: z.string(),
  params: z.record(z.string(), z.unknown()),
  featureSchema: z.unknown(),
  dataSource: z.looseObject({
    source: z.string(),
    window: z.looseObject({ start: z.string(), end: z.string() }),
    tickers: z.array(z.string()).optional(),
  }),
  rawDataHash: z.string(),
  featureSetHash: z.string(),
  metrics: z.record(z.string(), z.number().nullable()),
  codeVersion: z.string(),
  schemaHash: z.string(),
  labelDefinition: z.unknown(),
  labelHash: z.string(),
  bump: z.enum(['major', 'minor', 'patch', 'initial']),
  manual: z.boolean(),
  files: fileSums,
  stage,
  stageHistory: z.array(stageChange),
});

export const auditEntrySchema = z.looseObject({
  seq: z.number().int().min(1),
  at: z.string(),
  action: z.enum(['register', 'promote', 'reject', 'expire', 'rollback', 'prune']),
  version: z.string(),
  fromStage: stage.nullable(),
  toStage: stage.nullable(),
  by: z.string(),
  reason: z.string(),
  runId: z.string().nullable(),
});
