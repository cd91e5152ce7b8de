import { createHash, randomBytes } from 'node:crypto';
import { open, readFile, rm, stat, utimes } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { listLogFiles } from '../predictionLog/files';
import { storeLogBatchKey } from '../predictionLog/storeLog';
import type { Store } from '../store/types';
import { writeJsonAtomic } from '../util/atomic';
import { ConfigError } from '../util/errors';

export const DEFAULT_SHIP_INTERVAL_MS = 10_000;
/** A service cut off from the bucket for hours catches up in batches of at most this much. */
const MAX_BATCH_BYTES = 32 * 1024 * 1024;
const STATE_FILE = '.shipped.json';
const LOCK_FILE = '.shipper.lock';

/** `TRAINCTL_LOG_SHIP_INTERVAL_MS` (default 10 s). */
export function logShipIntervalMs(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.TRAINCTL_LOG_SHIP_INTERVAL_MS?.trim();
  if (!raw) return DEFAULT_SHIP_INTERVAL_MS;
  const ms = Number(raw);
  if (!Number.isInteger(ms) || ms < 100) throw new ConfigError(`TRAINCTL_LOG_SHIP_INTERVAL_MS=${raw}: expected a whole number of ms ≥ 100`);
  return ms;
}

export interface LogShipperOptions {
  store: Store;
  modelName: string;
  /** The service's local log folder (day files written by PredictionLogWriter). */
  logDir: string;
  intervalMs?: number;
  /** Names this folder's batches; default: the host name and a hash of the folder's absolute path. */
  sourceId?: string;
  warn?: (message: string) => void;
}

/** What has been shipped of each day file: its byte offset. */
interface ShipState {
  source: string;
  offsets: Record<string, number>;
}

/**
 * Ships a `trainctl serve` instance's local prediction log to the artefact store, where the
 * activities (shadow evidence at the gate, realised performance) and the CLI read it. Each pass
 * uploads the whole framed lines appended to each day file since the last pass as one batch object
 * (lib/predictionLog/storeLog.ts), then records the shipped offset in `<logDir>/.shipped.json`,
 * written atomically after the upload. The batch is named by the source and its start offset, so a
 * crash between the two re-ships the same key — overwritten with the same lines, possibly more —
 * and readers never see a record twice. The local log stays as it is; the bucket unreachable is a
 * warning and the next pass retries. One shipper per log folder (a lock, see own()): instances
 * sharing a folder would otherwise cut it at different offsets.
 */
export class LogShipper {
  private readonly intervalMs: number;
  private readonly source: string;
  private readonly warn: (message: string) => void;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<string[]> | null = null;
  private failing = false;
  private owner = false;
  private readonly token = randomBytes(4).toString('hex');

  constructor(private readonly o: LogShipperOptions) {
    this.intervalMs = o.intervalMs ?? DEFAULT_SHIP_INTERVAL_MS;
    this.source = o.sourceId ?? defaultSourceId(o.logDir);
    this.warn = o.warn ?? ((m) => console.error(m));
    if (!/^[A-Za-z0-9._-]+$/.test(this.source)) throw new ConfigError(`log shipper source "${this.source}": letters, digits, . _ - only`);
  }

  start(): void {
    this.timer ??= setInterval(() => void this.ship(), this.intervalMs).unref();
  }

  /** One pass (or the one in flight): the keys uploaded. Never throws. */
  ship(): Promise<string[]> {
    this.running ??= this.pass()
      .then((keys) => {
        if (this.failing) this.warn(`prediction log shipping to ${this.o.store.uri} resumed`);
        this.failing = false;
        return keys;
      })
      .catch((err: unknown) => {
        if (!this.failing)
          this.warn(`prediction log shipping to ${this.o.store.uri} failed (kept locally, retrying): ${(err as Error).message}`);
        this.failing = true;
        return [];
      })
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }

  /** Stop the timer and ship what is left (call after the log writer's last flush). */
  async stop(): Promise<string[]> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
    const keys = await this.ship();
    const lock = join(this.o.logDir, LOCK_FILE);
    if (this.owner && (await readFile(lock, 'utf8').catch(() => '')).endsWith(`\t${this.token}`)) await rm(lock, { force: true });
    this.owner = false;
    return keys;
  }

  private async pass(): Promise<string[]> {
    if (!(await this.own())) return [];
    const statePath = join(this.o.logDir, STATE_FILE);
    const state = await readState(statePath, this.source);
    const shipped: string[] = [];
    const days = await listLogFiles(this.o.logDir);
    for (const { day, path } of days) {
      const size = (await stat(path).catch(() => null))?.size; // removed by retention meanwhile
      if (size === undefined) continue;
      // A day file shorter than what was shipped was replaced (deleted by hand and rewritten): start over.
      let from = (state.offsets[day] ?? 0) <= size ? (state.offsets[day] ?? 0) : 0;
      while (from < size) {
        const chunk = await wholeLines(path, from, Math.min(size, from + MAX_BATCH_BYTES));
        if (chunk.length === 0) break;
        const key = storeLogBatchKey({ modelName: this.o.modelName, day, batch: `${state.source}-${String(from).padStart(12, '0')}` });
        await this.o.store.put(key, chunk);
        from += chunk.length;
        state.offsets[day] = from;
        await writeJsonAtomic(statePath, state);
        shipped.push(key);
      }
    }
    const present = new Set(days.map((d) => d.day));
    if (Object.keys(state.offsets).some((d) => !present.has(d))) {
      // Day files removed by retention: their offsets are no longer needed.
      state.offsets = Object.fromEntries(Object.entries(state.offsets).filter(([d]) => present.has(d)));
      await writeJsonAtomic(statePath, state);
    }
    return shipped;
  }

  /**
   * Take (or keep) the folder's shipping lock: `<host>\t<pid>\t<token>`, its mtime refreshed on
   * every pass. A lock whose process is gone (same host) or that nobody refreshed for
   * max(6 intervals, 1 min) (a container that died with the folder mounted) is taken over.
   */
  private async own(): Promise<boolean> {
    const path = join(this.o.logDir, LOCK_FILE);
    const mine = `${hostname()}\t${process.pid}\t${this.token}`;
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fh = await open(path, 'wx');
        await fh.writeFile(mine);
        await fh.close();
        this.owner = true;
        return true;
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') return false; // no log folder yet: nothing to ship
        if (code !== 'EEXIST') throw err;
        const held = await readFile(path, 'utf8').catch(() => '');
        if (held === mine) {
          const now = new Date();
          await utimes(path, now, now);
          return (this.owner = true);
        }
        this.owner = false;
        const [host, pid] = held.split('\t');
        const age = Date.now() - ((await stat(path).catch(() => null))?.mtimeMs ?? 0);
        const gone = host === hostname() && !alive(Number(pid));
        if (!gone && age < Math.max(6 * this.intervalMs, 60_000)) return false;
        await rm(path, { force: true });
      }
    }
    return false;
  }
}

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function defaultSourceId(logDir: string): string {
  const host = hostname().replace(/[^A-Za-z0-9.-]/g, '-') || 'host';
  return `${host}-${createHash('sha256').update(resolve(logDir)).digest('hex').slice(0, 8)}`;
}

/** The bytes of [from, to) up to the last newline: a line still being written is left for the next pass. */
async function wholeLines(path: string, from: number, to: number): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(to - from);
    const { bytesRead } = await fh.read(buf, 0, buf.length, from);
    return buf.subarray(0, buf.subarray(0, bytesRead).lastIndexOf(0x0a) + 1);
  } finally {
    await fh.close();
  }
}

async function readState(path: string, source: string): Promise<ShipState> {
  const text = await readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    throw err;
  });
  if (text === null) return { source, offsets: {} };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ConfigError(`${path}: not JSON (delete it to re-ship the local log from the start)`);
  }
  const p = parsed as Partial<ShipState> | null;
  const offsets = p?.offsets;
  if (
    typeof p?.source !== 'string' ||
    !/^[A-Za-z0-9._-]+$/.test(p.source) ||
    typeof offsets !== 'object' ||
    offsets === null ||
    !Object.entries(offsets).every(([d, n]) => /^\d{4}-\d{2}-\d{2}$/.test(d) && Number.isInteger(n) && n >= 0)
  )
    throw new ConfigError(`${path}: expected {"source": string, "offsets": {"YYYY-MM-DD": bytes}}`);
  // The source recorded at the first pass keeps naming the batches (the folder may have moved since):
  // a re-ship must hit the same keys.
  return { source: p.source, offsets: { ...offsets } };
}
