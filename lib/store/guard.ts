import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { hostname } from 'node:os';

/** A guard is held for one read-compare-rename; a holder this old has died or hung. */
const STALE_MS = 10_000;
const TIMEOUT_MS = 30_000;

/**
 * Mutual exclusion for one local compare-and-swap: an `O_EXCL`-created `.<name>.cas` file beside
 * the object, holding `pid host token`. A guard whose pid is gone (same host) or that is older
 * than STALE_MS is broken by renaming it aside and checking it was the stale one (the scheme of
 * lib/registry/lock.ts), so two breakers cannot remove each other's fresh guard.
 */
export async function withGuard<R>(path: string, fn: () => Promise<R>): Promise<R> {
  const guard = join(dirname(path), `.${basename(path)}.cas`);
  const token = `${process.pid} ${hostname()} ${randomBytes(6).toString('hex')}`;
  const deadline = Date.now() + TIMEOUT_MS;
  for (let delay = 1; ; delay = Math.min(delay * 2, 50)) {
    if (await tryCreate(guard, token)) break;
    const current = await readGuard(guard);
    if (current && isStale(current)) await breakGuard(guard, current.text);
    else if (Date.now() > deadline)
      throw new Error(`${path}: compare-and-swap guard ${guard} held by ${current?.text ?? '?'} for over ${TIMEOUT_MS} ms`);
    else await new Promise((r) => setTimeout(r, delay * (0.5 + Math.random())));
  }
  try {
    return await fn();
  } finally {
    if ((await readGuard(guard))?.text === token) await unlink(guard).catch(() => undefined);
  }
}

async function tryCreate(guard: string, token: string): Promise<boolean> {
  let fh;
  try {
    fh = await open(guard, 'wx');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code === 'ENOENT') {
      await mkdir(dirname(guard), { recursive: true });
      return false;
    }
    throw err;
  }
  try {
    await fh.writeFile(token);
  } finally {
    await fh.close();
  }
  return true;
}

async function readGuard(guard: string): Promise<{ text: string; mtimeMs: number } | null> {
  try {
    const [text, st] = await Promise.all([readFile(guard, 'utf8'), stat(guard)]);
    return { text, mtimeMs: st.mtimeMs };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

function isStale(current: { text: string; mtimeMs: number }): boolean {
  if (Date.now() - current.mtimeMs > STALE_MS) return true;
  const [pid, host] = current.text.split(' ');
  if (!pid || host !== hostname()) return false;
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'EPERM';
  }
}

async function breakGuard(guard: string, staleText: string): Promise<void> {
  const aside = `${guard}.${randomBytes(4).toString('hex')}.stale`;
  try {
    await rename(guard, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  const moved = await readGuard(aside);
  if (moved && moved.text !== staleText) await link(aside, guard).catch(() => undefined);
  await unlink(aside).catch(() => undefined);
}
