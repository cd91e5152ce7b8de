import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ConfigError } from '../util';
import { resolvePaths } from '../config/paths';
import { LocalStore, type Store } from '../store';
import { attachFiles } from './attach';
import { readAudit } from './audit';
import { crashPoint } from './crash';
import { recover } from './journal';
import { layoutOf, type Layout } from './layout';
import { acquireRegistryLock } from './registryLock';
import { prune } from './prune';
import { registerCandidate } from './register';
import { readState, type RegistryState } from './state';
import { promote, reject, rollback } from './transitions';
import { beginTx, commitTx, type Tx } from './tx';
import { verifyRegistry } from './verify';
import { entryOf, summariesOf } from './views';
import { assertVersion } from './version';
import type * as T from './types';

export interface LocalRegistryOptions {
  /** Registry folder; default `models/` (TRAINCTL_MODELS_DIR, see lib/config/paths). Ignored with `store`. */
  root?: string;
  /**
   * Keep the registry in this store instead (e.g. an S3 bucket: `openStore().scope('models/<line>')`);
   * a LocalStore behaves exactly like `root`.
   */
  store?: Store;
  /** How long an operation waits for another process's lock before RegistryLockedError. */
  lockTimeoutMs?: number;
  /** A lock older than this is broken even if its pid is alive (pid reuse, other host). */
  staleLockMs?: number;
  /** Remote stores: how long a lock holder that stops renewing its lease keeps it (default 60 s). */
  leaseTtlMs?: number;
  /** Applied after every promotion; default keep everything. */
  retention?: T.RetentionPolicy;
  /** Injected in tests (age-based retention). */
  clock?: () => Date;
}

/**
 * The registry: registry.json + versions/ + audit.jsonl under one root of a store (see README.md)
 * — a local folder by default (the name says where it started), or an S3 prefix.
 */
export class LocalRegistry implements T.ModelRegistry {
  /** The folder on the local backend; the store URI (`s3://bucket/prefix/models/<line>`) otherwise. */
  readonly root: string;
  readonly store: Store;
  private readonly layout: Layout;
  private readonly lockTimeoutMs: number;
  private readonly staleLockMs: number;
  private readonly leaseTtlMs: number;
  private readonly retention?: T.RetentionPolicy;
  private readonly clock: () => Date;

  constructor(options: LocalRegistryOptions = {}) {
    this.store = options.store ?? new LocalStore({ root: resolve(options.root ?? resolvePaths().modelsDir) });
    this.layout = layoutOf(this.store);
    this.root = this.layout.localRoot ?? this.store.uri;
    this.lockTimeoutMs = options.lockTimeoutMs ?? 30_000;
    this.staleLockMs = options.staleLockMs ?? 10 * 60_000;
    this.leaseTtlMs = options.leaseTtlMs ?? 60_000;
    this.retention = options.retention;
    this.clock = options.clock ?? (() => new Date());
  }

  registerCandidate(input: T.RegisterInput): Promise<T.RegisterResult> {
    return this.transact('register', (tx) => registerCandidate(tx, input));
  }

  async attachFiles(version: string, files: Record<string, string>): Promise<T.ModelEntry> {
    await this.transact('attach', (tx) => attachFiles(tx, version, files));
    return this.get(version);
  }

  async promote(input: T.PromoteInput): Promise<T.PromoteResult> {
    const result = await this.transact('promote', (tx) => promote(tx, input));
    if (this.retention) await this.prune(this.retention);
    return result;
  }

  reject(input: T.RejectInput): Promise<{ version: string; stage: T.Stage }> {
    return this.transact('reject', async (tx) => reject(tx, input));
  }

  async rollback(input: T.RollbackInput): Promise<T.RollbackResult> {
    const t0 = performance.now();
    const result = await this.transact('rollback', (tx) => rollback(tx, input));
    return { ...result, ms: performance.now() - t0 };
  }

  async list(): Promise<T.ModelSummary[]> {
    return summariesOf(await this.snapshot());
  }

  async get(version: string): Promise<T.ModelEntry> {
    assertVersion(version);
    const state = await this.snapshot();
    if (!state.versions[version]) throw new ConfigError(`unknown model version ${version}`, { version });
    return entryOf(this.layout, state, version);
  }

  async production(): Promise<T.ModelEntry | null> {
    const state = await this.snapshot();
    return state.production ? entryOf(this.layout, state, state.production) : null;
  }

  async staging(): Promise<T.ModelEntry | null> {
    const state = await this.snapshot();
    return state.staging ? entryOf(this.layout, state, state.staging) : null;
  }

  /** Takes the lock (and so first completes any crashed commit), then checks everything. */
  verify(version?: string): Promise<T.VerifyReport> {
    if (version !== undefined) assertVersion(version);
    return this.transact('verify', (tx) => verifyRegistry(this.layout, tx.state, version));
  }

  async prune(policy: T.RetentionPolicy = this.retention ?? {}): Promise<T.PruneResult> {
    const removed = await this.transact('prune', async (tx) => prune(tx, policy, 'retention'));
    return { removed };
  }

  async audit(): Promise<T.AuditEntry[]> {
    await this.snapshot();
    return readAudit(this.layout);
  }

  /**
   * Lock-free read. A state with pending actions belongs to a commit whose follow-ups may not
   * have run (e.g. the version folder is not renamed in yet): take the lock, which finishes it.
   */
  private async snapshot(): Promise<RegistryState> {
    const { state } = await readState(this.layout);
    if (state.pending.length === 0) return state;
    return this.transact('recover', async (tx) => tx.state);
  }

  private async transact<R>(op: string, fn: (tx: Tx) => Promise<R>): Promise<R> {
    if (this.layout.localRoot) await mkdir(this.layout.localRoot, { recursive: true });
    const lock = await acquireRegistryLock(this.layout, {
      op,
      timeoutMs: this.lockTimeoutMs,
      staleMs: this.staleLockMs,
      leaseTtlMs: this.leaseTtlMs,
    });
    let result: R;
    try {
      crashPoint('lock-acquired');
      const tx = beginTx(this.layout, await readState(this.layout), this.clock());
      await recover(tx);
      crashPoint('recovered');
      result = await fn(tx);
      await commitTx(tx, () => lock.assertHeld());
    } finally {
      await lock.release();
    }
    crashPoint('lock-released');
    return result;
  }
}

export async function openRegistry(options: LocalRegistryOptions = {}): Promise<LocalRegistry> {
  const registry = new LocalRegistry(options);
  const layout = layoutOf(registry.store);
  if (layout.localRoot) await mkdir(layout.localRoot, { recursive: true });
  // Fail fast on a damaged index (or an unreachable store) rather than at the first operation.
  await readState(layout);
  return registry;
}
