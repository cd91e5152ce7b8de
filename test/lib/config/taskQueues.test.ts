import { describe, expect, it } from 'vitest';
import { planQueues, resolveTaskQueues, routesMemo } from '../../../lib/config/taskQueues';
import { resolveTemporalSettings } from '../../../lib/config/temporal';
import { ConfigError } from '../../../lib/util/errors';
import { ACTIVITY_KINDS } from '../../../workflows/activityKinds';

describe('task queues by kind', () => {
  it('keeps everything on the main queue unless a kind queue is configured', () => {
    const layout = resolveTaskQueues({}, 'trainctl');
    expect(layout).toEqual({ main: 'trainctl', routes: { io: 'trainctl', compute: 'trainctl' }, split: false });
    expect(routesMemo({ queues: layout })).toEqual({});
    expect(planQueues(layout, undefined)).toEqual([
      { name: 'trainctl', workflows: true, kinds: ['io', 'compute'], maxConcurrentActivities: 2 },
    ]);
  });

  it('routes io and compute to their queues, and a worker polls every queue by default', () => {
    const settings = resolveTemporalSettings({ TRAINCTL_IO_QUEUE: 'trainctl-io', TRAINCTL_COMPUTE_QUEUE: 'trainctl-compute' });
    expect(routesMemo(settings)).toEqual({ taskQueues: { io: 'trainctl-io', compute: 'trainctl-compute' } });
    expect(planQueues(settings.queues!, undefined).map((p) => [p.name, p.workflows, p.kinds.join('+'), p.maxConcurrentActivities])).toEqual(
      [
        ['trainctl', true, 'io+compute', 2],
        ['trainctl-io', false, 'io', 8],
        ['trainctl-compute', false, 'compute', 2],
      ],
    );
  });

  it('reads `--queues name[=concurrency],…` and refuses unknown names, bad counts and repeats with one line', () => {
    const layout = resolveTaskQueues({ TRAINCTL_COMPUTE_QUEUE: 'gpu' }, 'trainctl');
    expect(planQueues(layout, 'gpu=1')).toEqual([{ name: 'gpu', workflows: false, kinds: ['compute'], maxConcurrentActivities: 1 }]);
    // Only io stays on the main queue: its worker serves workflows and (routed there) io activities.
    expect(planQueues(layout, 'trainctl=3')[0]).toMatchObject({ name: 'trainctl', workflows: true, maxConcurrentActivities: 3 });
    const refused = (spec: string) => {
      try {
        planQueues(layout, spec);
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        expect((err as Error).message).not.toContain('\n');
        return (err as Error).message;
      }
      throw new Error(`accepted ${spec}`);
    };
    expect(refused('trainctl-io')).toBe(
      '--queues: unknown task queue trainctl-io; this set-up has trainctl, gpu (TRAINCTL_TASK_QUEUE, TRAINCTL_IO_QUEUE, TRAINCTL_COMPUTE_QUEUE)',
    );
    expect(refused('gpu=0')).toContain('whole number from 1 to 256');
    expect(refused('gpu=2.5')).toContain('whole number');
    expect(refused('gpu,gpu')).toContain('listed twice');
    expect(refused('gpu=1=2')).toContain('expected name[=concurrency]');
    expect(refused('')).toContain('expected name[=concurrency]');
    expect(refused('../etc')).toContain('expected a task queue name');
    expect(() => resolveTaskQueues({ TRAINCTL_IO_QUEUE: 'a b' }, 'trainctl')).toThrow(/TRAINCTL_IO_QUEUE="a b"/);
  });

  it('gives every activity a kind', () => {
    const kinds = Object.values(ACTIVITY_KINDS);
    expect(kinds.length).toBeGreaterThan(20);
    expect(new Set(kinds)).toEqual(new Set(['io', 'compute']));
    expect(ACTIVITY_KINDS.trainModel).toBe('compute');
    expect(ACTIVITY_KINDS.promoteModel).toBe('io');
  });
});
