import { locationOf, MODEL_JSON, MODEL_ONNX, type Layout } from './layout';
import { readMetadata, withRecord } from './metadata';
import type { RegistryState } from './state';
import { compareVersions } from './version';
import type { ModelEntry, ModelFile, ModelSummary } from './types';

export async function entryOf(layout: Layout, state: RegistryState, version: string): Promise<ModelEntry> {
  const record = state.versions[version]!;
  const metadata = withRecord(await readMetadata(layout, version), record);
  const files: Record<string, ModelFile> = {};
  for (const [name, f] of Object.entries(record.files)) files[name] = { name, location: locationOf(layout, version, name), ...f };
  return {
    version,
    stage: record.stage,
    metadata,
    files,
    modelJson: locationOf(layout, version, MODEL_JSON),
    onnx: locationOf(layout, version, MODEL_ONNX),
  };
}

export function summariesOf(state: RegistryState): ModelSummary[] {
  return Object.entries(state.versions)
    .sort(([a], [b]) => compareVersions(a, b))
    .map(([version, r]) => ({
      version,
      stage: r.stage,
      createdAt: r.createdAt,
      modelType: r.modelType,
      runId: r.runId,
      metrics: r.metrics,
    }));
}
