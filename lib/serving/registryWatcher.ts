import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LocalRegistry, type ModelEntry } from '../registry';
import { loadServingModel, type LoadedModel } from './loadedModel';
import type { ModelSet, ModelSetHolder } from './modelSet';
import type { Store } from '../store';

export interface Refusal {
  version: string;
  role: 'production' | 'candidate';
  sha256: string | null;
  reason: string;
  at: string;
}

export interface RegistryWatcherOptions {
  root: string;
  /**
   * The line's registry in the artefact store (`openStore().scope(registryPrefix(line))`) when it
   * lives in a bucket: registry.json is read from there and model files are fetched, verified by
   * SHA-256, into the store's local cache. Without it, `root` on disk.
   */
  store?: Store;
  holder: ModelSetHolder;
  /** How often registry.json is re-read; its content hash decides whether anything changed. */
  pollMs: number;
  ab: ModelSet['ab'];
  load?: (entry: ModelEntry) => Promise<LoadedModel>;
  onRefusal?: (r: Refusal) => void;
  onSwap?: (set: ModelSet) => void;
  /** Versions no longer live kept loaded for a quick swap back (default 2). */
  keepWarm?: number;
}

/**
 * Keeps the holder in step with the registry by polling registry.json — the registry's single
 * commit point, replaced atomically — so instances on other hosts only need to see the same
 * models directory (NFS, a synced volume); nothing is shared with the worker's process. A version
 * that fails to load (checksum, truncation, schema) is refused and recorded; production stays on
 * the version it served before.
 */
export class RegistryWatcher {
  private readonly models = new Map<string, LoadedModel>();
  /**
   * Versions that stopped being live, newest last, kept loaded so that a rollback (or a promotion
   * back and forth) swaps in milliseconds instead of blocking the event loop on a session load.
   */
  private readonly warm = new Map<string, LoadedModel>();
  private readonly refused = new Map<string, Refusal>();
  private lastHash: string | null = null;
  private running: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  /** What registry.json said at the last check. */
  registry: { production: string | null; staging: string | null; checkedAt: string | null } = {
    production: null,
    staging: null,
    checkedAt: null,
  };
  lastError: string | null = null;
  /** The last swaps (epoch ms, production version after it), newest last: when each version went live here. */
  readonly swaps: { at: number; production: string | null; candidate: string | null }[] = [];

  constructor(private readonly o: RegistryWatcherOptions) {}

  start(): void {
    const tick = () => {
      void this.check().finally(() => {
        if (this.timer) this.timer = setTimeout(tick, this.o.pollMs).unref();
      });
    };
    this.timer = setTimeout(tick, this.o.pollMs).unref();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  refusals(): Refusal[] {
    return [...this.refused.values()];
  }

  loadedVersions(): string[] {
    return [...this.models.keys()];
  }

  /** One check now (serialised with the poller's); resolves when any swap is installed. */
  check(): Promise<void> {
    this.running ??= this.checkOnce().finally(() => (this.running = null));
    return this.running;
  }

  private async checkOnce(): Promise<void> {
    const store = this.o.store;
    const text = store
      ? ((await store.read('registry.json').catch(() => null))?.bytes.toString('utf8') ?? null)
      : await readFile(join(this.o.root, 'registry.json'), 'utf8').catch(() => null);
    const hash = text === null ? 'absent' : createHash('sha256').update(text).digest('hex');
    this.registry.checkedAt = new Date().toISOString();
    if (hash === this.lastHash) return;
    try {
      const registry = new LocalRegistry(store ? { store } : { root: this.o.root });
      const [prod, stg] = text === null ? [null, null] : await Promise.all([registry.production(), registry.staging()]);
      this.registry.production = prod?.version ?? null;
      this.registry.staging = stg?.version ?? null;
      const current = this.o.holder.peek();
      const production = prod ? ((await this.obtain(prod, 'production')) ?? current.production) : null;
      const candidate = stg ? await this.obtain(stg, 'candidate') : null;
      if (production !== current.production || candidate !== current.candidate) {
        const set = this.o.holder.swap({ production, candidate, ab: this.o.ab });
        this.swaps.push({ at: Date.now(), production: production?.version ?? null, candidate: candidate?.version ?? null });
        if (this.swaps.length > 100) this.swaps.shift();
        this.o.onSwap?.(set);
      }
      for (const [version, model] of this.models) {
        if (model !== production && model !== candidate) {
          this.models.delete(version);
          this.keepWarm(version, model);
        }
      }
      this.lastHash = hash;
      this.lastError = null;
    } catch (err) {
      // Registry unreadable mid-change (e.g. a version folder pruned under us): retry next poll.
      this.lastError = (err as Error).message;
    }
  }

  private async obtain(entry: ModelEntry, role: Refusal['role']): Promise<LoadedModel | null> {
    const sha = entry.files['model.onnx']?.sha256 ?? null;
    const have = this.models.get(entry.version);
    if (have && have.sha256 === sha) return have;
    const warm = this.warm.get(entry.version);
    if (warm) {
      this.warm.delete(entry.version);
      if (warm.sha256 === sha) {
        this.models.set(entry.version, warm);
        return warm;
      }
      warm.release();
    }
    try {
      const model = await (this.o.load ?? ((e: ModelEntry) => loadServingModel(e, this.o.store)))(entry);
      this.models.set(entry.version, model);
      this.refused.delete(entry.version);
      return model;
    } catch (err) {
      const refusal: Refusal = { version: entry.version, role, sha256: sha, reason: (err as Error).message, at: new Date().toISOString() };
      this.refused.set(entry.version, refusal);
      this.o.onRefusal?.(refusal);
      return null;
    }
  }

  private keepWarm(version: string, model: LoadedModel): void {
    this.warm.get(version)?.release();
    this.warm.delete(version);
    this.warm.set(version, model);
    for (const [old, m] of this.warm) {
      if (this.warm.size <= (this.o.keepWarm ?? 2)) break;
      this.warm.delete(old);
      m.release();
    }
  }

  close(): void {
    this.stop();
    for (const model of [...this.models.values(), ...this.warm.values()]) model.release();
    this.models.clear();
    this.warm.clear();
  }
}
