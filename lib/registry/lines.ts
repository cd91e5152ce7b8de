import { existsSync } from 'node:fs';
import { mkdir, readdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { MODEL_NAME_RE, MODEL_NAME_RULE } from '../config/modelName';
import { ConfigError, fsyncDir } from '../util';
import { LocalStore, type Store } from '../store';
import { acquireLock } from './lock';
import { LocalRegistry, openRegistry, type LocalRegistryOptions } from './localRegistry';

export function assertModelName(modelName: string): string {
  if (!MODEL_NAME_RE.test(modelName)) {
    throw new ConfigError(`model name "${modelName}" must be ${MODEL_NAME_RULE}`);
  }
  return modelName;
}

/** Each model line is a registry of its own: `<modelsDir>/<modelName>/` (registry.json, versions/, audit.jsonl …). */
export function registryRoot(modelsDir: string, modelName: string): string {
  return join(modelsDir, assertModelName(modelName));
}

export interface OpenModelLineOptions extends Omit<LocalRegistryOptions, 'root'> {
  modelsDir: string;
  modelName: string;
  /**
   * The line that inherits a registry written before model lines existed (`<modelsDir>/registry.json`):
   * that registry had no model names, so it moves wholesale to this line (the configured default).
   */
  legacyModelName: string;
  /**
   * The artifact store (lib/store, `TRAINCTL_ARTIFACTS`). A remote one keeps every line under
   * `models/<modelName>/` of the store and `modelsDir` is not used; a LocalStore or none means
   * `<modelsDir>/<modelName>/` on disk, as before.
   */
  artifacts?: Store;
}

/** The key prefix of a model line's registry in a (remote) artifact store. */
export function registryPrefix(modelName: string): string {
  return `models/${assertModelName(modelName)}`;
}

/** The registry of one model line, migrating a pre-model-line registry on first open. */
export async function openModelLine(options: OpenModelLineOptions): Promise<LocalRegistry> {
  const { modelsDir, modelName, legacyModelName, artifacts, ...rest } = options;
  if (artifacts && !(artifacts instanceof LocalStore)) {
    // Registries written before model lines only ever existed on disk: nothing to migrate here.
    return openRegistry({ ...rest, store: artifacts.scope(registryPrefix(modelName)) });
  }
  await migrateLegacyRegistry({ modelsDir, modelName: legacyModelName, lockTimeoutMs: rest.lockTimeoutMs, staleLockMs: rest.staleLockMs });
  return openRegistry({ ...rest, root: registryRoot(modelsDir, modelName) });
}

/** Names of the model lines kept in a remote artifact store (prefixes holding a registry.json). */
export async function listStoredModelLines(artifacts: Store): Promise<string[]> {
  const keys = await artifacts.list('models/');
  return keys
    .map((k) => /^models\/([^/]+)\/registry\.json$/.exec(k)?.[1])
    .filter((name): name is string => name !== undefined && MODEL_NAME_RE.test(name))
    .sort();
}

/** Names of the model lines that exist under `modelsDir` (folders holding a registry.json). */
export async function listModelLines(modelsDir: string): Promise<string[]> {
  const names = await readdir(modelsDir, { withFileTypes: true }).catch(() => []);
  return names
    .filter((d) => d.isDirectory() && MODEL_NAME_RE.test(d.name) && existsSync(join(modelsDir, d.name, 'registry.json')))
    .map((d) => d.name)
    .sort();
}

const LEGACY_ENTRIES = ['versions', 'audit.jsonl'] as const;

/**
 * Moves `<modelsDir>/{registry.json,versions/,audit.jsonl}` into `<modelsDir>/<modelName>/`.
 * Crash-safe and idempotent: the legacy registry is first brought to a committed state by
 * its own recovery, every step is a rename that is skipped once done, and registry.json moves
 * last, so a legacy registry.json means "not finished" and the next open completes the move.
 * Returns whether anything moved.
 */
export async function migrateLegacyRegistry(o: {
  modelsDir: string;
  modelName: string;
  lockTimeoutMs?: number;
  staleLockMs?: number;
}): Promise<boolean> {
  const legacyState = join(o.modelsDir, 'registry.json');
  if (!existsSync(legacyState)) return false;
  const target = registryRoot(o.modelsDir, o.modelName);
  // Finish any crashed commit of the legacy registry under its own lock before moving it.
  await new LocalRegistry({ root: o.modelsDir, lockTimeoutMs: o.lockTimeoutMs, staleLockMs: o.staleLockMs }).verify();
  const lock = await acquireLock({
    path: join(o.modelsDir, 'registry.lock'),
    op: 'migrate',
    timeoutMs: o.lockTimeoutMs ?? 30_000,
    staleMs: o.staleLockMs ?? 600_000,
  });
  try {
    if (!existsSync(legacyState)) return false; // another process finished the move while we waited
    if (existsSync(join(target, 'registry.json'))) {
      throw new ConfigError(
        `cannot migrate ${legacyState} to the model line "${o.modelName}": ${join(target, 'registry.json')} already exists; move one of them away`,
      );
    }
    await mkdir(target, { recursive: true });
    for (const name of LEGACY_ENTRIES) {
      if (existsSync(join(o.modelsDir, name))) await rename(join(o.modelsDir, name), join(target, name));
    }
    await fsyncDir(target);
    await rename(legacyState, join(target, 'registry.json'));
    await fsyncDir(o.modelsDir);
    await fsyncDir(target);
    return true;
  } finally {
    await lock.release();
  }
}
