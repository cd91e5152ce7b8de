import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { logFileFor } from './files';
import { frameLine } from './framing';
import type { PredictionRecord } from './record';

export interface PredictionLogWriterOptions {
  dir: string;
  /** Buffered records are written (and fsynced) at least this often; 0 = on every append. */
  flushMs?: number;
  clock?: () => Date;
}

/**
 * Append-only writer. Appends are buffered and written by one chained flush, so the request path
 * never waits for the disk and concurrent appends never interleave within a line. Each flush is
 * one write + fsync; a crash loses at most the last `flushMs` of records and can tear only the
 * last line, which the reader detects.
 */
export class PredictionLogWriter {
  /** Framed lines not yet written: framing at append spreads the work instead of bunching it at each flush. */
  private buffer: string[] = [];
  private chain: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
  private handle: { path: string; fh: FileHandle } | null = null;
  private readonly flushMs: number;
  private readonly clock: () => Date;
  written = 0;

  constructor(private readonly options: PredictionLogWriterOptions) {
    this.flushMs = options.flushMs ?? 50;
    this.clock = options.clock ?? (() => new Date());
  }

  append(...records: PredictionRecord[]): void {
    for (const r of records) this.buffer.push(frameLine(JSON.stringify(r)));
    if (this.flushMs === 0) void this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.flushMs);
      this.timer.unref();
    }
  }

  /** Resolves once everything appended so far is on disk. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.buffer;
    this.buffer = [];
    if (batch.length === 0) return this.chain;
    this.chain = this.chain
      .then(() => this.write(batch))
      .catch((err: unknown) => {
        // A failed write must not poison later ones; the loss is visible in the written count.
        process.emitWarning(`prediction log write failed: ${(err as Error).message}`);
      });
    return this.chain;
  }

  async close(): Promise<void> {
    await this.flush();
    await this.handle?.fh.close();
    this.handle = null;
  }

  /** After a crash mid-append, end the torn line so the next record starts on a line of its own. */
  private async terminateTornTail(fh: FileHandle): Promise<void> {
    const { size } = await fh.stat();
    if (size === 0) return;
    const last = Buffer.alloc(1);
    await fh.read(last, 0, 1, size - 1);
    if (last[0] !== 0x0a) await fh.write('\n');
  }

  private async write(batch: string[]): Promise<void> {
    const path = logFileFor(this.options.dir, this.clock());
    if (this.handle?.path !== path) {
      await this.handle?.fh.close();
      await mkdir(this.options.dir, { recursive: true });
      this.handle = { path, fh: await open(path, 'a+') };
      await this.terminateTornTail(this.handle.fh);
    }
    await this.handle.fh.write(batch.join(''));
    await this.handle.fh.sync();
    this.written += batch.length;
  }
}
