import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Context } from '@temporalio/activity';
import type { ActivityExecuteInput, ActivityInboundCallsInterceptor, ActivityInterceptorsFactory, Next } from '@temporalio/worker';

/**
 * Test-only fault hooks for the fault suite (test/faults): with TRAINCTL_FAULT_HOLD set in a
 * worker's environment, chosen activity attempts are held at a chosen moment so that a SIGKILL
 * lands exactly there. Unset (always, outside the fault suite) this adds no interceptor at all.
 *
 * Moments: `before` the activity body runs; `after` it returned but before the result is reported
 * (files written, result not recorded: the retry must be idempotent); mid-body at a boosting
 * `round` of the final training, or while the comparison `report` folder holds `entries` entries.
 * A held attempt heartbeats and honours cancellation; a mid-body moment freezes the whole process
 * (the JavaScript thread stops where the body is), so it waits for a `go` before the body starts
 * and the harness releases it only once every other run of the process is held.
 *
 * Files in `dir`: `<key>.held` (JSON: moment, activity, attempt …) when held or frozen,
 * `<key>.gated` when a mid-body hold waits for `<key>.go`, and `<key>.release` ends a hold.
 */
export const FAULT_HOLD_ENV = 'TRAINCTL_FAULT_HOLD';

export type HoldMoment =
  | { at: 'before' }
  | { at: 'after' }
  /** At this boosting round of the final training (its round heartbeat `{ step: 'train', round }`). */
  | { at: 'round'; round: number }
  | { at: 'report'; dir: string; entries: number };

export interface HoldSpec {
  /** Names the marker files. */
  key: string;
  taskQueue: string;
  activity: string;
  /** Let this many matching executions through first (a later search fold). */
  skip?: number;
  moment: HoldMoment;
}

export interface FaultHoldPlan {
  dir: string;
  holds: HoldSpec[];
  /** A hold nobody releases ends after this long (a harness that died must not leave a worker stuck). */
  maxHoldMs?: number;
}

export interface HeldMarker {
  key: string;
  moment: string;
  activity: string;
  activityId: string;
  attempt: number;
  workflowId: string;
  pid: number;
  atMs: number;
}

/** The interceptors TRAINCTL_FAULT_HOLD asks for: none when it is unset. */
export function faultHoldInterceptors(env: NodeJS.ProcessEnv = process.env): ActivityInterceptorsFactory[] {
  const raw = env[FAULT_HOLD_ENV];
  if (!raw) return [];
  const plan = JSON.parse(raw) as FaultHoldPlan;
  const seen = new Map<string, number>();
  return [(ctx: Context) => ({ inbound: new HoldingInbound(ctx, plan, seen) })];
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

class HoldingInbound implements ActivityInboundCallsInterceptor {
  constructor(
    private readonly ctx: Context,
    private readonly plan: FaultHoldPlan,
    private readonly seen: Map<string, number>,
  ) {}

  async execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    const { taskQueue, activityType } = this.ctx.info;
    const spec = this.plan.holds.find((h) => h.taskQueue === taskQueue && h.activity === activityType);
    if (!spec) return next(input);
    const n = this.seen.get(spec.key) ?? 0;
    this.seen.set(spec.key, n + 1);
    if (n !== (spec.skip ?? 0) || this.released(spec)) return next(input);
    const m = spec.moment;
    if (m.at === 'before') {
      await this.hold(spec, 'before');
      return next(input);
    }
    if (m.at === 'after') {
      const result = await next(input);
      await this.hold(spec, 'after');
      return result;
    }
    // Mid-body: wait for the go, then freeze at the moment; if the body ends first, hold after it.
    this.mark(spec, 'gated', 'waiting for go');
    await this.hold(spec, undefined, () => existsSync(this.file(spec, 'go')));
    let fired = false;
    const freeze = (moment: string) => {
      fired = true;
      this.mark(spec, 'held', moment);
      const until = Date.now() + (this.plan.maxHoldMs ?? 180_000);
      const cell = new Int32Array(new SharedArrayBuffer(4));
      while (Date.now() < until && !this.released(spec)) Atomics.wait(cell, 0, 0, 20);
    };
    let stopWatching = () => {};
    if (m.at === 'round') {
      // Context.heartbeat is a per-attempt instance property: the body's heartbeats go through here.
      const ctx = this.ctx as { heartbeat: Context['heartbeat'] };
      const beat = ctx.heartbeat;
      ctx.heartbeat = (details?: unknown) => {
        const d = details as { step?: string; round?: number } | undefined;
        if (!fired && d?.step === 'train' && (d.round ?? 0) >= m.round) freeze(`boosting round ${d.round}`);
        beat(details);
      };
      stopWatching = () => {
        ctx.heartbeat = beat;
      };
    } else {
      const timer = setInterval(() => {
        const names = existsSync(m.dir) ? readdirSync(m.dir) : [];
        if (!fired && names.length >= m.entries) freeze(`report folder holding ${names.sort().join(', ')}`);
      }, 1);
      stopWatching = () => clearInterval(timer);
    }
    let result: unknown;
    try {
      result = await next(input);
    } finally {
      stopWatching();
    }
    if (!fired) await this.hold(spec, 'after (the body ended before the moment)');
    return result;
  }

  private file(spec: HoldSpec, kind: 'held' | 'gated' | 'go' | 'release'): string {
    return join(this.plan.dir, `${spec.key}.${kind}`);
  }

  private released(spec: HoldSpec): boolean {
    return existsSync(this.file(spec, 'release'));
  }

  private mark(spec: HoldSpec, kind: 'held' | 'gated', moment: string): void {
    const { activityType, activityId, attempt, workflowExecution } = this.ctx.info;
    const marker: HeldMarker = {
      key: spec.key,
      moment,
      activity: activityType,
      activityId,
      attempt,
      workflowId: workflowExecution?.workflowId ?? '',
      pid: process.pid,
      atMs: Date.now(),
    };
    writeFileSync(this.file(spec, kind), JSON.stringify(marker));
  }

  /** Heartbeat until released (or `until` holds); a cancellation ends the hold as it would the body. */
  private async hold(spec: HoldSpec, moment: string | undefined, until: () => boolean = () => false): Promise<void> {
    if (moment) this.mark(spec, 'held', moment);
    const deadline = Date.now() + (this.plan.maxHoldMs ?? 180_000);
    while (!until() && !this.released(spec) && Date.now() < deadline) {
      this.ctx.heartbeat(this.ctx.info.heartbeatDetails);
      await Promise.race([sleep(250), this.ctx.cancelled]);
    }
  }
}
