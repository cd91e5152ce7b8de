import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { ShadowQueue } from '../../lib/serving/shadowQueue';

describe('ShadowQueue', () => {
  it('holds shadow jobs while requests are in flight, then starts them all in one turn', async () => {
    const queue = new ShadowQueue({ maxDelayMs: 10_000 });
    const ran: string[] = [];
    const job = (name: string) => async () => void ran.push(name);
    queue.begin();
    queue.begin();
    queue.push(job('a'));
    queue.end();
    queue.push(job('b'));
    await nextTurn();
    await nextTurn();
    expect(ran).toEqual([]); // one request still in flight
    queue.end();
    expect(ran).toEqual([]); // not before that request's response is written
    await nextTurn();
    expect(ran).toEqual(['a', 'b']);
  });

  it('does not let a sustained burst starve them: the oldest job waits at most maxDelayMs', async () => {
    const queue = new ShadowQueue({ maxDelayMs: 30 });
    let done = 0;
    queue.begin(); // never ends
    const t0 = performance.now();
    queue.push(async () => void done++);
    while (done === 0 && performance.now() - t0 < 2000) await new Promise((r) => setTimeout(r, 5));
    expect(done).toBe(1);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(29);
  });

  it('settles at shutdown: starts what waits and resolves when every job is done', async () => {
    const queue = new ShadowQueue({ maxDelayMs: 10_000 });
    let finished = false;
    queue.begin();
    queue.push(async () => {
      await new Promise((r) => setTimeout(r, 20));
      finished = true;
    });
    await queue.settle();
    expect(finished).toBe(true);
  });
});
