import { describe, expect, it } from 'vitest';
import { formatProgress, ProgressPrinter, type LiveProgress } from '../../../lib/progress/render';

function recorder(tty: boolean, color = false) {
  const out: string[] = [];
  let now = 0;
  const printer = new ProgressPrinter({ sink: { write: (t) => out.push(t) }, tty, color, plainEveryMs: 10_000, now: () => now });
  return { out, printer, advance: (ms: number) => (now += ms) };
}

const train = (round: number): LiveProgress => ({ stage: 'train', elapsedMs: 187_000 + round * 10, round, rounds: 400 });

describe('formatProgress', () => {
  it('shows stage, elapsed time and boosting rounds or search trials', () => {
    expect(formatProgress(train(160), { color: false })).toBe('train                  3:08  [########............] round 160/400');
    expect(formatProgress({ stage: 'optimize', elapsedMs: 3_723_000, trialsDone: 5, trialsTotal: 20 }, { color: false })).toBe(
      'optimize            1:02:03  [#####...............] trials 5/20',
    );
    expect(formatProgress({ stage: 'backtest', elapsedMs: 9_000, step: 'candidate scored' }, { color: false })).toBe(
      'backtest               0:09  candidate scored',
    );
  });

  it('uses ANSI bold only with colour on', () => {
    expect(formatProgress(train(1), { color: true })).toContain('\x1b[1mtrain\x1b[22m');
    expect(formatProgress(train(1), { color: false })).not.toContain('\x1b[');
  });
});

describe('ProgressPrinter', () => {
  it('rewrites one line in a terminal and keeps stage lines above it', () => {
    const { out, printer } = recorder(true);
    printer.update(train(10));
    printer.update(train(10));
    printer.update(train(20));
    printer.log('✔ features (1.2 s)');
    printer.done();
    expect(out[0]).toMatch(/^\r\x1b\[Ktrain .* round 10\/400$/);
    expect(out).toHaveLength(6);
    expect(out[1]).toMatch(/round 20\/400$/);
    expect(out.slice(2, 5)).toEqual(['\r\x1b[K', '✔ features (1.2 s)\n', out[1]]);
    expect(out[5]).toBe('\r\x1b[K');
  });

  it('prints plain lines without carriage returns when not a terminal: on a stage change and at most every 10 s', () => {
    const { out, printer, advance } = recorder(false);
    printer.update({ stage: 'fetch', elapsedMs: 0 });
    printer.update(train(10));
    advance(3_000);
    printer.update(train(20));
    advance(8_000);
    printer.update(train(30));
    printer.done();
    expect(out.every((l) => !l.includes('\r') && !l.includes('\x1b[') && l.endsWith('\n'))).toBe(true);
    expect(out.map((l) => l.trim().split(/\s+/)[0])).toEqual(['fetch', 'train', 'train']);
    expect(out[2]).toContain('round 30/400');
  });

  it('follows NO_COLOR and the stream being a terminal', () => {
    const lines: string[] = [];
    const stream = { isTTY: true, write: (t: string) => (lines.push(t), true) } as unknown as NodeJS.WriteStream;
    ProgressPrinter.forStream(stream, { NO_COLOR: '1' }).update(train(5));
    ProgressPrinter.forStream(stream, {}).update(train(5));
    expect(lines[0]).not.toContain('\x1b[1m');
    expect(lines[1]).toContain('\x1b[1m');
  });
});
