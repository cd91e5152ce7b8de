/** What a person waiting on a run wants to see: where it is, for how long, and how far into the long steps. */
export interface LiveProgress {
  stage: string;
  /** Since the run started. */
  elapsedMs: number;
  /** Boosting rounds of the training in progress. */
  round?: number;
  rounds?: number;
  /** Search trials finished (complete, pruned or failed) out of the budget. */
  trialsDone?: number;
  trialsTotal?: number;
  /** Free text of the activity in progress (e.g. `cv`, `candidate scored`). */
  step?: string;
  /** The activity in progress is a retry: its attempt, of how many, and why the last one ended. */
  retry?: { attempt: number; maximumAttempts?: number; lastFailure?: string };
}

export interface ProgressStyle {
  color: boolean;
}

function clock(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

function bar(done: number, total: number, width = 20): string {
  const filled = total > 0 ? Math.min(width, Math.round((done / total) * width)) : 0;
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}

/** One line: `train  3:07  [########............] round 160/400`. */
export function formatProgress(p: LiveProgress, style: ProgressStyle): string {
  const stage = style.color ? `\x1b[1m${p.stage}\x1b[22m` : p.stage;
  const parts = [stage.padEnd(style.color ? 18 + 9 : 18), clock(p.elapsedMs).padStart(7)];
  if (p.trialsTotal !== undefined && p.trialsDone !== undefined)
    parts.push(`${bar(p.trialsDone, p.trialsTotal)} trials ${p.trialsDone}/${p.trialsTotal}`);
  else if (p.round !== undefined && p.rounds !== undefined) parts.push(`${bar(p.round, p.rounds)} round ${p.round}/${p.rounds}`);
  else if (p.round !== undefined) parts.push(`round ${p.round}`);
  if (p.step && p.round === undefined && p.trialsDone === undefined) parts.push(p.step);
  if (p.retry)
    parts.push(
      `attempt ${p.retry.attempt}${p.retry.maximumAttempts ? `/${p.retry.maximumAttempts}` : ''}${p.retry.lastFailure ? ` (last: ${p.retry.lastFailure})` : ''}`,
    );
  return parts.join('  ').trimEnd();
}

export interface ProgressSink {
  write(text: string): void;
}

/**
 * Live progress in a terminal: one line rewritten in place (`\r`, erase to end of line). Not a
 * terminal (CI logs, pipes) or `--json`: plain lines, one when the stage changes and at most one
 * every `plainEveryMs` in between, so a log never fills with carriage returns. `NO_COLOR` turns
 * colour off (https://no-color.org).
 */
export class ProgressPrinter {
  private last = '';
  private lastStage = '';
  private lastPlainAt = -Infinity;
  private drawn = false;

  constructor(private readonly o: { sink: ProgressSink; tty: boolean; color: boolean; plainEveryMs?: number; now?: () => number }) {}

  static forStream(stream: NodeJS.WriteStream, env: Record<string, string | undefined> = process.env): ProgressPrinter {
    const tty = Boolean(stream.isTTY) && env.TERM !== 'dumb';
    const color = tty && env.NO_COLOR === undefined && env.FORCE_COLOR !== '0';
    return new ProgressPrinter({ sink: { write: (t) => stream.write(t) }, tty, color });
  }

  update(p: LiveProgress): void {
    const line = formatProgress(p, { color: this.o.color });
    const now = (this.o.now ?? Date.now)();
    if (this.o.tty) {
      if (line === this.last) return;
      this.o.sink.write(`\r\x1b[K${line}`);
      this.drawn = true;
    } else {
      const changedStage = p.stage !== this.lastStage;
      if (!changedStage && now - this.lastPlainAt < (this.o.plainEveryMs ?? 10_000)) return;
      if (line === this.last) return;
      this.o.sink.write(`${line}\n`);
      this.lastPlainAt = now;
    }
    this.last = line;
    this.lastStage = p.stage;
  }

  /** A permanent line (a stage finished) above the live one. */
  log(text: string): void {
    if (this.o.tty && this.drawn) this.o.sink.write('\r\x1b[K');
    this.o.sink.write(`${text}\n`);
    if (this.o.tty && this.drawn && this.last) this.o.sink.write(`\r\x1b[K${this.last}`);
  }

  /** Clear the live line before the final output. */
  done(): void {
    if (this.o.tty && this.drawn) this.o.sink.write('\r\x1b[K');
    this.drawn = false;
  }
}
