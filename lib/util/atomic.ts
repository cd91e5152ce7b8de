import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, basename } from 'node:path';

/**
 * Write a file so that readers see either the old or the new content, never a mix: write a
 * temp file in the same directory, fsync it, rename over the target, fsync the directory.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await writeFileAtomicWith(path, async (tmp) => {
    const fh = await open(tmp, 'w');
    try {
      await fh.writeFile(data);
    } finally {
      await fh.close();
    }
  });
}

/**
 * The same for content another writer puts in a file (a Parquet writer given a path): `write`
 * creates the temp file, which is then fsynced and renamed over the target.
 */
export async function writeFileAtomicWith(path: string, write: (tmp: string) => Promise<void>): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await write(tmp);
    const fh = await open(tmp, 'r+');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  await fsyncDir(dir);
  await removeOrphanedTemps(dir, basename(path));
}

/**
 * Temp files of this target left by a process that was killed between writing and renaming (a
 * worker SIGKILLed mid-write): the retry that just succeeded removes them. Only temps of processes
 * that no longer exist — a live process may be about to rename its own.
 */
async function removeOrphanedTemps(dir: string, base: string): Promise<void> {
  const prefix = `.${base}.`;
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
    const m = /^(\d+)\.[0-9a-f]{8}\.tmp$/.exec(name.slice(prefix.length));
    if (!m || isAlive(Number(m[1]))) continue;
    await rm(join(dir, name), { force: true });
  }
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}

export async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Plain (non-atomic) helper for scratch files. */
export async function writeScratch(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, data);
}
