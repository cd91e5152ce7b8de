import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Store } from './types';

/** Retryable on purpose (a plain Error): a holder that outlasts our patience is transient. */
export class LeaseBusyError extends Error {
  constructor(
    message: string,
    readonly holder: LeaseHolder | null,
  ) {
    super(message);
    this.name = 'LeaseBusyError';
  }
}

export interface LeaseHolder {
  pid: number;
  host: string;
  token: string;
  op: string;
  acquiredAt: string;
  /** The holder's clock; trusted only beyond maxSkewMs. */
  expiresAt: string;
  ttlMs: number;
}

export interface LeaseOptions {
  /** The lock object, e.g. `registry.lock`. */
  key: string;
  /** What the holder is doing, shown to whoever waits. */
  op: string;
  /** How long a holder that stops renewing keeps the lease (renewed every ttl/3 while held). */
  ttlMs?: number;
  /** How long to wait for a busy lease before LeaseBusyError. */
  timeoutMs: number;
  /** Clock difference between hosts that an expiry time written by another host may be off by. */
  maxSkewMs?: number;
}

export interface Lease {
  readonly token: string;
  /** Throws if the lease was lost (not renewed in time and taken over, or deleted). */
  assertHeld(): Promise<void>;
  release(): Promise<void>;
}

/**
 * A lease lock built on the store's conditional writes, so it holds across hosts on S3 as on a
 * local directory. Acquire = create the lock object only if absent (`If-None-Match: *`); renew =
 * replace it only if unchanged (`If-Match: <etag>`); release and break = delete only if unchanged.
 * A holder is presumed dead when its pid is gone (same host), when its expiry is past by more
 * than the allowed clock skew, or when this waiter has watched the same etag, unrenewed, for
 * longer than the holder's ttl by its own clock (which needs no clock agreement at all).
 * Breaking is a conditional delete of the exact version judged dead, so a renewal or a new
 * holder in between is never removed. Callers fence their writes with compare-and-swap too:
 * a lease can be lost, a CAS cannot be won twice.
 */
export async function acquireLease(store: Store, o: LeaseOptions): Promise<Lease> {
  const ttlMs = o.ttlMs ?? 60_000;
  const maxSkewMs = o.maxSkewMs ?? 30_000;
  const token = randomBytes(8).toString('hex');
  const me = (): LeaseHolder => {
    const now = Date.now();
    return {
      pid: process.pid,
      host: hostname(),
      token,
      op: o.op,
      acquiredAt: new Date(now).toISOString(),
      expiresAt: new Date(now + ttlMs).toISOString(),
      ttlMs,
    };
  };
  const firstSeen = new Map<string, number>();
  const deadline = Date.now() + o.timeoutMs;
  let delay = 5;
  for (;;) {
    const etag = await store.putIfAbsent(o.key, JSON.stringify(me()));
    if (etag !== null) return heldLease(store, { key: o.key, token, etag, ttlMs, renew: me });
    const current = await store.read(o.key);
    if (current === null) continue;
    const holder = parseHolder(current.bytes);
    if (!firstSeen.has(current.etag)) firstSeen.set(current.etag, Date.now());
    if (isDead(holder, { watchedMs: Date.now() - firstSeen.get(current.etag)!, ttlMs, maxSkewMs })) {
      await store.deleteIfMatch(o.key, current.etag);
      continue;
    }
    if (Date.now() >= deadline) {
      const who = holder ? `pid ${holder.pid} on ${holder.host} (${holder.op} since ${holder.acquiredAt})` : 'another process';
      throw new LeaseBusyError(`${who} holds ${store.uriOf(o.key)}; gave up after ${o.timeoutMs} ms waiting to ${o.op}`, holder);
    }
    await new Promise((r) => setTimeout(r, Math.min(delay, Math.max(1, deadline - Date.now())) * (0.5 + Math.random())));
    delay = Math.min(delay * 2, 200);
  }
}

function parseHolder(bytes: Buffer): LeaseHolder | null {
  try {
    const h = JSON.parse(bytes.toString('utf8')) as Partial<LeaseHolder>;
    return typeof h.token === 'string' && typeof h.expiresAt === 'string' ? (h as LeaseHolder) : null;
  } catch {
    return null;
  }
}

function isDead(holder: LeaseHolder | null, o: { watchedMs: number; ttlMs: number; maxSkewMs: number }): boolean {
  if (o.watchedMs > (holder?.ttlMs ?? o.ttlMs)) return true;
  if (!holder) return false;
  if (Date.parse(holder.expiresAt) + o.maxSkewMs < Date.now()) return true;
  return holder.host === hostname() && !pidAlive(holder.pid);
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the pid exists but belongs to someone else, so it is alive.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function heldLease(store: Store, s: { key: string; token: string; etag: string; ttlMs: number; renew: () => LeaseHolder }): Lease {
  let etag: string | null = s.etag;
  let inFlight: Promise<void> = Promise.resolve();
  const renew = async (): Promise<void> => {
    if (etag === null) return;
    try {
      etag = await store.putIfMatch(s.key, JSON.stringify(s.renew()), etag);
    } catch {
      // Unreachable for a moment: keep the old etag and try again next tick; if the lease
      // expires meanwhile and is taken, the next renewal's If-Match fails and we know.
    }
  };
  const timer = setInterval(
    () => {
      inFlight = inFlight.then(renew);
    },
    Math.max(10, Math.floor(s.ttlMs / 3)),
  );
  timer.unref();
  return {
    token: s.token,
    async assertHeld() {
      await inFlight;
      const current = etag === null ? null : await store.read(s.key);
      if (etag === null || current?.etag !== etag) {
        throw new LeaseBusyError(`lost the lease ${store.uriOf(s.key)} (not renewed in time and taken over?)`, null);
      }
    },
    async release() {
      clearInterval(timer);
      await inFlight;
      if (etag !== null) await store.deleteIfMatch(s.key, etag);
      etag = null;
    },
  };
}
