import type { LoadedModel } from './loadedModel';
import type { ModelSet } from './modelSet';
import type { RegistryWatcher } from './registryWatcher';

const describe = (m: LoadedModel | null) =>
  m && { version: m.version, sha256: m.sha256, loadedAt: m.loadedAt, schemaHash: m.schemaHash, features: m.featureNames.length };

/** GET /v1/models: what this instance serves, what the registry says, and what it refused. */
export function describeModels(o: { modelName: string; instanceId: string; set: ModelSet; watcher: RegistryWatcher; shadow: boolean }) {
  const { set, watcher } = o;
  return {
    model: o.modelName,
    instance: o.instanceId,
    generation: set.generation,
    production: describe(set.production),
    staging: describe(set.candidate),
    shadow: o.shadow && set.candidate !== null,
    ab: set.ab && { ...set.ab, candidate: set.candidate?.version ?? null, active: set.candidate !== null },
    versionsLoaded: watcher.loadedVersions(),
    registry: watcher.registry,
    registryError: watcher.lastError,
    refusals: watcher.refusals(),
  };
}
