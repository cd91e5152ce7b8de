import { join } from 'node:path';
import { acquireLease, LeaseBusyError } from '../store';
import { LOCK, type Layout } from './layout';
import { acquireLock, RegistryLockedError, type LockHandle } from './lock';

export interface RegistryLockOptions {
  op: string;
  timeoutMs: number;
  /** Local: a lock file older than this is broken even if its pid is alive. */
  staleMs: number;
  /** Remote: how long a holder that stops renewing keeps the lease. */
  leaseTtlMs: number;
}

/**
 * The registry's mutex. Locally the `O_EXCL` lock file of lock.ts, exactly as before (its pid
 * and host let a waiter break a dead holder's lock at once). On a remote store a lease object
 * written with conditional PUTs (lib/store/lease.ts), renewed while held. Either way the commit
 * itself is a compare-and-swap, so a holder whose lock was broken cannot overwrite a newer state.
 */
export async function acquireRegistryLock(layout: Layout, o: RegistryLockOptions): Promise<LockHandle> {
  if (layout.localRoot) return acquireLock({ path: join(layout.localRoot, LOCK), op: o.op, timeoutMs: o.timeoutMs, staleMs: o.staleMs });
  try {
    return wrapLeaseErrors(await acquireLease(layout.store, { key: LOCK, op: o.op, timeoutMs: o.timeoutMs, ttlMs: o.leaseTtlMs }));
  } catch (err) {
    if (err instanceof LeaseBusyError) throw new RegistryLockedError(`model registry is busy: ${err.message}`);
    throw err;
  }
}

/** Lease errors surface as the registry's own retryable error. */
function wrapLeaseErrors(handle: LockHandle): LockHandle {
  return {
    async assertHeld() {
      try {
        await handle.assertHeld();
      } catch (err) {
        if (err instanceof LeaseBusyError) throw new RegistryLockedError(err.message);
        throw err;
      }
    },
    release: () => handle.release(),
  };
}
