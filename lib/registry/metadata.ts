import { join } from 'node:path';
import { writeJsonAtomic } from '../util';
import { readJsonFile } from '../util/jsonFile';
import { modelMetadataSchema } from './schemas';
import { METADATA, versionDir, type Layout } from './layout';
import type { VersionRecord } from './state';
import type { ModelMetadata } from './types';

export async function readMetadata(layout: Layout, version: string): Promise<ModelMetadata> {
  return (await readJsonFile({ path: join(versionDir(layout, version), METADATA), schema: modelMetadataSchema })) as ModelMetadata;
}

/** The fields of metadata.json that registry.json owns and that change after registration. */
export function withRecord(meta: ModelMetadata, record: VersionRecord): ModelMetadata {
  return { ...meta, stage: record.stage, stageHistory: record.stageHistory, files: record.files };
}

export function metadataMatches(meta: ModelMetadata, record: VersionRecord): boolean {
  return (
    meta.stage === record.stage &&
    JSON.stringify(meta.stageHistory) === JSON.stringify(record.stageHistory) &&
    JSON.stringify(meta.files) === JSON.stringify(record.files)
  );
}

/** Bring a version's metadata.json copy in line with registry.json (no write if already equal). */
export async function syncMetadata(layout: Layout, version: string, record: VersionRecord): Promise<void> {
  const meta = await readMetadata(layout, version);
  if (metadataMatches(meta, record)) return;
  await writeJsonAtomic(join(versionDir(layout, version), METADATA), withRecord(meta, record));
}
