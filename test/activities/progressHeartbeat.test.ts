import { asyncLocalStorage, type Context } from '@temporalio/activity';
import { describe, expect, it } from 'vitest';
import { heartbeat, progressHeartbeat } from '../../activities/heartbeat';

/** An activity context as the SDK gives one (only what lib code reads of it): its heartbeats are recorded. */
function fakeActivity() {
  const sent: unknown[] = [];
  const ctx = { info: { heartbeatDetails: undefined }, heartbeat: (d?: unknown) => void sent.push(d) } as unknown as Context;
  return { sent, run: <T>(fn: () => T) => asyncLocalStorage.run(ctx, fn) };
}

describe('progressHeartbeat (a search fold reports every boosting round through it)', () => {
  it('sends at most one heartbeat per interval, keeps the latest details for the keep-alive beat, and sends again after the interval', async () => {
    const a = fakeActivity();
    await a.run(async () => {
      for (let round = 1; round <= 500; round++) progressHeartbeat({ fold: 2, round }, 200);
      expect(a.sent).toEqual([{ fold: 2, round: 1 }]);
      // The keep-alive beat (activities/heartbeat keepAlive) repeats the newest details, not the sent ones.
      heartbeat();
      expect(a.sent.at(-1)).toEqual({ fold: 2, round: 500 });
      await new Promise((r) => setTimeout(r, 250));
      progressHeartbeat({ fold: 3, round: 1 }, 200);
      expect(a.sent.at(-1)).toEqual({ fold: 3, round: 1 });
      expect(a.sent).toHaveLength(3);
    });
  });

  it('keeps a separate clock per activity, and is a no-op outside one', () => {
    const a = fakeActivity();
    const b = fakeActivity();
    a.run(() => progressHeartbeat({ round: 1 }, 60_000));
    b.run(() => progressHeartbeat({ round: 1 }, 60_000));
    a.run(() => progressHeartbeat({ round: 2 }, 60_000));
    expect(a.sent).toEqual([{ round: 1 }]);
    expect(b.sent).toEqual([{ round: 1 }]);
    expect(() => progressHeartbeat({ round: 3 })).not.toThrow();
  });
});
