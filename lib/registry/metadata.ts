import { parseJsonText } from '../util/jsonFile';
import { modelMetadataSchema } from './schemas';
import { METADATA, versionKey, type Layout } from './layout';
import { RegistryLockedError } from './lock';
import { where, type VersionRecord } from './state';
import type { ModelMetadata } from './types';

async function readVersioned(layout: Layout, version: string): Promise<{ meta: ModelMetadata; etag: string }> {
  const key = versionKey(version, METADATA);
  const found = await layout.store.read(key);
  if (!found) throw Object.assign(new Error(`ENOENT: ${where(layout, key)} is missing`), { code: 'ENOENT' });
  const meta = parseJsonText({
    text: found.bytes.toString('utf8'),
    file: where(layout, key),
    schema: modelMetadataSchema,
  }) as ModelMetadata;
  return { meta, etag: found.etag };
}

export async function readMetadata(layout: Layout, version: string): Promise<ModelMetadata> {
  return (await readVersioned(layout, version)).meta;
}

export function metadataText(meta: ModelMetadata): string {
  return `${JSON.stringify(meta, null, 2)}\n`;
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

/** Bring a version's metadata.json copy in line with registry.json (no write if already equal; conditional otherwise). */
export async function syncMetadata(layout: Layout, version: string, record: VersionRecord): Promise<void> {
  const { meta, etag } = await readVersioned(layout, version);
  if (metadataMatches(meta, record)) return;
  const key = versionKey(version, METADATA);
  if ((await layout.store.putIfMatch(key, metadataText(withRecord(meta, record)), etag)) === null) {
    throw new RegistryLockedError(`${where(layout, key)} changed under this operation (the registry lock was broken as stale?); retry`);
  }
}
