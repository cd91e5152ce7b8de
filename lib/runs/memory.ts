import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import koffi from 'koffi';

/**
 * What a finished activity leaves in the worker's memory is garbage, not a leak: typed arrays of
 * feature matrices and the native memory behind polars frames and dropped DMatrix/booster/session
 * wrappers, freed only when V8 collects their JS owners. An idle worker allocates nothing, so V8
 * never collects, and glibc keeps the freed pages of its per-thread arenas (polars, OpenMP and
 * onnxruntime threads) mapped. bench/load measures it: after a 60-ticker run the idle worker held
 * 723 MB, 443 MB after this release.
 */

let gc: (() => void) | null | undefined;
let trim: ((pad: number) => number) | null | undefined;

/** V8's full collection without --expose-gc: the flag can be set at run time for a new context. */
function fullGc(): (() => void) | null {
  if (gc !== undefined) return gc;
  try {
    const exposed = (globalThis as { gc?: () => void }).gc;
    if (!exposed) setFlagsFromString('--expose-gc');
    gc = exposed ?? (runInNewContext('gc') as () => void);
  } catch {
    gc = null;
  }
  return gc;
}

/** glibc's malloc_trim (returns the free pages of every arena to the OS); null elsewhere (musl, macOS). */
function mallocTrim(): ((pad: number) => number) | null {
  if (trim !== undefined) return trim;
  try {
    trim = process.platform === 'linux' ? (koffi.load('libc.so.6').func('int malloc_trim(size_t pad)') as (pad: number) => number) : null;
  } catch {
    trim = null;
  }
  return trim;
}

function rssMb(): number {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) / 1024;
  } catch {
    return process.memoryUsage().rss / 1048576;
  }
}

/** A full GC, a turn of the event loop for the finalizers of native handles, another GC, then malloc_trim. */
export async function releaseMemory(): Promise<{ rssBeforeMb: number; rssAfterMb: number }> {
  const rssBeforeMb = rssMb();
  fullGc()?.();
  await new Promise((r) => setImmediate(r));
  fullGc()?.();
  mallocTrim()?.(0);
  return { rssBeforeMb, rssAfterMb: rssMb() };
}

let timer: NodeJS.Timeout | undefined;
/** How long the process must have been without a new call before the release runs. */
export const RELEASE_QUIET_MS = 5_000;

/**
 * Release memory once no other heavy step has ended for RELEASE_QUIET_MS (debounced): called at
 * the end of memory-heavy activities, so a busy worker is not paused after every step and an idle
 * one gives its memory back within seconds.
 */
export function releaseMemoryWhenQuiet(onReleased?: (r: { rssBeforeMb: number; rssAfterMb: number }) => void): void {
  clearTimeout(timer);
  timer = setTimeout(() => void releaseMemory().then((r) => onReleased?.(r)), RELEASE_QUIET_MS);
  timer.unref();
}
