import { randomBytes } from 'node:crypto';
import { link, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';

/**
 * Retryable on purpose (a plain Error, not a TrainctlError): another worker holding the lock for
 * longer than we wait is transient, so a Temporal activity should retry rather than fail the run.
 */
export class RegistryLockedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RegistryLockedError';
  }
}

export interface LockOptions {
  path: string;
  /** What the holder is doing, shown to whoever waits. */
  op: string;
  timeoutMs: number;
  /** A holder older than this is presumed dead even if its pid is alive (pid reuse, other host). */
  staleMs: number;
}

export interface LockHandle {
  /** Throws if the lock file is no longer ours (someone broke it as stale). */
  assertHeld(): Promise<void>;
  release(): Promise<void>;
}

interface Holder {
  pid: number;
  host: string;
  token: string;
  op: string;
  acquiredAt: string;
}

/** A file that is created but still empty is normal for a few microseconds, not for seconds. */
const UNWRITTEN_GRACE_MS = 2_000;

/**
 * A cross-process mutex: an `O_EXCL`-created lock file naming its holder. A holder that died
 * (SIGKILL, power loss) never unlinks it, so waiters break it once its pid is gone.
 */
export async function acquireLock(options: LockOptions): Promise<LockHandle> {
  const me: Holder = {
    pid: process.pid,
    host: hostname(),
    token: randomBytes(8).toString('hex'),
    op: options.op,
    acquiredAt: '',
  };
  const deadline = Date.now() + options.timeoutMs;
  let delay = 5;
  for (;;) {
    me.acquiredAt = new Date().toISOString();
    if (await tryCreate(options.path, me)) return handle(options.path, me.token);
    const current = await readHolder(options.path);
    if (current && isStale(current, options.staleMs)) {
      await breakLock(options.path, current.holder?.token ?? null);
      continue;
    }
    if (Date.now() >= deadline) {
      const who = current?.holder
        ? `pid ${current.holder.pid} on ${current.holder.host} (${current.holder.op} since ${current.holder.acquiredAt})`
        : 'another process';
      throw new RegistryLockedError(
        `model registry is busy: ${who} holds ${options.path}; gave up after ${options.timeoutMs} ms waiting to ${options.op}`,
      );
    }
    await sleep(Math.min(delay, Math.max(1, deadline - Date.now())) * (0.5 + Math.random()));
    delay = Math.min(delay * 2, 100);
  }
}

async function tryCreate(path: string, me: Holder): Promise<boolean> {
  let fh;
  try {
    fh = await open(path, 'wx');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    await fh.writeFile(JSON.stringify(me));
    await fh.sync();
  } finally {
    await fh.close();
  }
  return true;
}

async function readHolder(path: string): Promise<{ holder: Holder | null; mtimeMs: number } | null> {
  try {
    const [text, st] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
    let holder: Holder | null = null;
    try {
      holder = JSON.parse(text) as Holder;
    } catch {
      holder = null;
    }
    return { holder, mtimeMs: st.mtimeMs };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

function isStale(current: { holder: Holder | null; mtimeMs: number }, staleMs: number): boolean {
  const age = Date.now() - current.mtimeMs;
  if (!current.holder) return age > UNWRITTEN_GRACE_MS;
  if (age > staleMs) return true;
  if (current.holder.host !== hostname()) return false;
  return !pidAlive(current.holder.pid);
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

/**
 * Two waiters may both judge the same lock stale. Renaming it aside (atomic) and checking we moved
 * the stale holder's file — not a fresh lock created in between — keeps one from deleting the
 * other's new lock; if we grabbed a fresh one we put it back with link(), which never overwrites.
 */
async function breakLock(path: string, staleToken: string | null): Promise<void> {
  const aside = `${path}.${randomBytes(4).toString('hex')}.stale`;
  try {
    await rename(path, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  const moved = await readHolder(aside);
  if (moved && (moved.holder?.token ?? null) !== staleToken) {
    await link(aside, path).catch(() => undefined);
  }
  await unlink(aside).catch(() => undefined);
}

function handle(path: string, token: string): LockHandle {
  const owned = async (): Promise<boolean> => (await readHolder(path))?.holder?.token === token;
  return {
    async assertHeld() {
      if (!(await owned())) throw new RegistryLockedError(`lost the model registry lock ${path} (broken as stale?)`);
    },
    async release() {
      if (await owned()) await unlink(path).catch(() => undefined);
    },
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
