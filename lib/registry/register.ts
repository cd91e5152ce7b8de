import { randomBytes } from 'node:crypto';
import { ConfigError, ModelError, stableHash } from '../util';
import { crashPoint } from './crash';
import { METADATA, MODEL_JSON, MODEL_ONNX, TMP, isValidFileName, versionKey, type Layout } from './layout';
import { metadataText } from './metadata';
import { addAudit, setStage, type Tx } from './tx';
import { highestVersion, nextVersion } from './version';
import type { BumpKind, ModelMetadata, RegisterInput, RegisterResult } from './types';

/**
 * Allocate the next version for a run and stage its folder. The folder is built complete under
 * .tmp/ and moved into versions/ only after the commit names it, so versions/ never holds a
 * half-copied model. A runId seen before returns its first result: activity retries and a
 * second worker running the same activity both land here.
 */
export async function registerCandidate(tx: Tx, input: RegisterInput): Promise<RegisterResult> {
  if (typeof input.runId !== 'string' || input.runId.length === 0) {
    throw new ConfigError('registerCandidate: runId is required');
  }
  const previous = tx.state.done[`register:${input.runId}`] as RegisterResult | undefined;
  if (previous) return { ...previous, created: false };

  const sources: Record<string, string> = { [MODEL_JSON]: input.artifacts.modelJson, [MODEL_ONNX]: input.artifacts.onnx };
  for (const [name, path] of Object.entries(input.artifacts.extra ?? {})) {
    if (!isValidFileName(name) || name in sources) throw new ConfigError(`invalid artifact name ${JSON.stringify(name)}`);
    sources[name] = path;
  }

  const labelHash = stableHash(input.labelDefinition ?? null);
  const bump = chooseBump(tx, input.schemaHash, labelHash, input.manual === true);
  const highest = highestVersion([...Object.keys(tx.state.versions), ...tx.state.pruned]);
  const version = nextVersion(highest, bump === 'initial' ? 'major' : bump);
  const at = tx.now.toISOString();
  const by = input.by ?? 'pipeline';

  const staged = `${TMP}/register-${randomBytes(6).toString('hex')}`;
  const files: ModelMetadata['files'] = {};
  for (const [name, source] of Object.entries(sources)) files[name] = await copyDurably(tx.layout, source, `${staged}/${name}`);

  const stageHistory = [{ stage: 'staging' as const, at, by, reason: `registered (${bump})`, runId: input.runId }];
  const metadata: ModelMetadata = {
    ...input.metadata,
    version,
    createdAt: at,
    runId: input.runId,
    schemaHash: input.schemaHash,
    labelDefinition: input.labelDefinition ?? null,
    labelHash,
    bump,
    manual: input.manual === true,
    files,
    stage: 'staging',
    stageHistory,
  };
  await tx.layout.store.put(`${staged}/${METADATA}`, metadataText(metadata));
  crashPoint('version-staged');

  const superseded = tx.state.staging;
  if (superseded) setStage(tx, superseded, 'superseded', { by, reason: `replaced by ${version}`, runId: input.runId });
  tx.state.versions[version] = {
    stage: 'staging',
    createdAt: at,
    runId: input.runId,
    modelType: input.metadata.modelType,
    schemaHash: input.schemaHash,
    labelHash,
    metrics: input.metadata.metrics,
    files: { ...files },
    stageHistory: [...stageHistory],
  };
  tx.state.staging = version;
  tx.state.runs[input.runId] = version;
  const result: RegisterResult = { version, created: true, bump, superseded };
  tx.state.done[`register:${input.runId}`] = result;
  tx.actions.unshift({ kind: 'rename', from: staged, to: versionKey(version) });
  addAudit(tx, {
    action: 'register',
    version,
    fromStage: null,
    toStage: 'staging',
    superseded,
    by,
    reason: input.manual ? 'manual re-registration' : `candidate from run ${input.runId}`,
    runId: input.runId,
  });
  return result;
}

/**
 * Major when the features or the label mean something else than in the model we would compare
 * against (production, else the newest registered); patch for a manual re-registration; minor
 * for an ordinary retrain.
 */
function chooseBump(tx: Tx, schemaHash: string, labelHash: string, manual: boolean): BumpKind | 'initial' {
  const baselineVersion = tx.state.production ?? highestVersion(Object.keys(tx.state.versions));
  if (baselineVersion === null) return tx.state.pruned.length > 0 ? 'major' : 'initial';
  const baseline = tx.state.versions[baselineVersion]!;
  if (baseline.schemaHash !== schemaHash || baseline.labelHash !== labelHash) return 'major';
  return manual ? 'patch' : 'minor';
}

/** Copy into the store (atomic, hashed as written); returns what metadata.json records about the file. */
export async function copyDurably(layout: Layout, source: string, key: string): Promise<{ sha256: string; bytes: number }> {
  try {
    const ref = await layout.store.put(key, { file: source });
    return { sha256: ref.sha256, bytes: ref.size };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new ModelError(`artifact not found: ${source}`);
    throw err;
  }
}
