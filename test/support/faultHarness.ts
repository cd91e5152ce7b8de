import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WorkflowHandle } from '@temporalio/client';
import { tsToMs } from '@temporalio/common/lib/time';
import { bundleWorkflowCode } from '@temporalio/worker';
import { workflowsPath } from '../../workers/worker';

/**
 * The fault suite's moving parts: worker processes to SIGKILL, and reading recovery figures back
 * from a run's pending activities and its workflow history.
 */

const workerScript = fileURLToPath(new URL('./faultWorker.ts', import.meta.url));
const noop = () => {};

/** Bundle the workflow code once and leave it on disk for every worker process of the suite. */
export async function bundleToFile(): Promise<string> {
  const bundle = await bundleWorkflowCode({
    workflowsPath,
    logger: { trace: noop, debug: noop, info: noop, warn: noop, error: console.error, log: noop },
  });
  const path = join(mkdtempSync(join(tmpdir(), 'trainctl-bundle-')), 'workflows.js');
  writeFileSync(path, bundle.code);
  return path;
}

export interface WorkerProcess {
  child: ChildProcess;
  identity: string;
  /** SIGKILL; resolves with the time of the kill (ms since the epoch) once the process is gone. */
  kill(): Promise<number>;
  exited(): boolean;
  /** When the process ended (ms since the epoch), if it has. */
  exitedAt(): number | undefined;
}

export interface SpawnWorkerOptions {
  address: string;
  /** One queue (with `home`) or several (`queues`): one worker per queue in the one process. */
  taskQueue?: string;
  home?: string;
  queues?: { taskQueue: string; home: string }[];
  bundlePath: string;
  identity: string;
  /** Extra environment, e.g. TRAINCTL_FAULT_HOLD (workers/faultHooks.ts). */
  env?: Record<string, string>;
  /** How long the process may take to poll (default 90 s). */
  readyTimeoutMs?: number;
}

/** Start a process of trainctl workers and wait until it polls. */
export async function spawnWorker(o: SpawnWorkerOptions): Promise<WorkerProcess> {
  const queues = o.queues ?? [{ taskQueue: o.taskQueue!, home: o.home! }];
  const child = spawn(process.execPath, ['--import', 'tsx', workerScript], {
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: o.address,
      TRAINCTL_FAULT_QUEUES: JSON.stringify(queues),
      TRAINCTL_WORKFLOW_BUNDLE: o.bundlePath,
      TRAINCTL_WORKER_IDENTITY: o.identity,
      ...o.env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const readyTimeoutMs = o.readyTimeoutMs ?? 90_000;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`worker ${o.identity} did not poll within ${readyTimeoutMs} ms`));
    }, readyTimeoutMs);
    child.stdout.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`worker ${o.identity} exited before ready (${code ?? signal})`));
    });
  });
  let exitedAt: number | undefined;
  const gone = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exitedAt = Date.now();
      resolve();
    }),
  );
  return {
    child,
    identity: o.identity,
    exited: () => child.exitCode !== null || child.signalCode !== null,
    exitedAt: () => exitedAt,
    kill: async () => {
      const at = Date.now();
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await gone;
      return at;
    },
  };
}

export interface PendingActivity {
  activityId: string;
  activityType: string;
  /** 1 scheduled, 2 started, 3 cancel requested. */
  state: number;
  attempt: number;
  startedAtMs?: number;
  worker?: string;
}

const STARTED = 2; // PENDING_ACTIVITY_STATE_STARTED

/** The run's pending activities (from DescribeWorkflowExecution). */
export async function pendingActivities(handle: WorkflowHandle): Promise<PendingActivity[]> {
  const d = await handle.describe();
  return (d.raw.pendingActivities ?? []).map((a) => ({
    activityId: a.activityId ?? '',
    activityType: a.activityType?.name ?? '',
    state: Number(a.state),
    attempt: a.attempt ?? 1,
    startedAtMs: a.lastStartedTime ? tsToMs(a.lastStartedTime) : undefined,
    worker: a.lastWorkerIdentity ?? undefined,
  }));
}

/**
 * After a kill: wait until the activity that was running is started again (seconds from the kill,
 * from its pending info) or has closed (then from the history). undefined when the kill missed:
 * the activity had already finished. `what` names the run in the timeout's message.
 */
export async function waitForRetry(
  handle: WorkflowHandle,
  activityId: string,
  killAtMs: number,
  { timeoutMs = 120_000, what = handle.workflowId }: { timeoutMs?: number; what?: string } = {},
): Promise<number | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const a = (await withTimeout(pendingActivities(handle), 20_000, `describing ${what}`)).find((x) => x.activityId === activityId);
    if (a?.state === STARTED && a.startedAtMs !== undefined && a.startedAtMs >= killAtMs) return (a.startedAtMs - killAtMs) / 1000;
    if (!a) {
      const closed = (await withTimeout(activityAttempts(handle), 20_000, `the history of ${what}`)).find(
        (x) => x.activityId === activityId,
      );
      if (closed) return closed.startedAtMs >= killAtMs ? (closed.startedAtMs - killAtMs) / 1000 : undefined;
    }
    if (Date.now() > deadline)
      throw new Error(
        `${what}: activity ${activityId} was not retried within ${timeoutMs / 1000} s of the kill (pending: ${JSON.stringify(a)})`,
      );
    await sleep(250);
  }
}

/** `p`, or a rejection naming what was waited for once `ms` pass. */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms / 1000} s waiting for ${what}`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

export interface AttemptRecord {
  activityId: string;
  activityType: string;
  attempt: number;
  startedAtMs: number;
}

/**
 * Every activity's last attempt as the history recorded it. Temporal writes ActivityTaskStarted
 * once, when the activity closes, with the attempt number and the start time of that attempt:
 * for a retried activity this is the time the retry started.
 */
export async function activityAttempts(handle: WorkflowHandle): Promise<AttemptRecord[]> {
  const history = await handle.fetchHistory();
  const scheduled = new Map<number, { activityId: string; activityType: string }>();
  const out: AttemptRecord[] = [];
  for (const e of history.events ?? []) {
    const s = e.activityTaskScheduledEventAttributes;
    if (s) scheduled.set(Number(e.eventId), { activityId: s.activityId ?? '', activityType: s.activityType?.name ?? '' });
    const st = e.activityTaskStartedEventAttributes;
    if (st && e.eventTime) {
      const of = scheduled.get(Number(st.scheduledEventId)) ?? { activityId: '', activityType: '' };
      out.push({ ...of, attempt: st.attempt ?? 1, startedAtMs: tsToMs(e.eventTime) });
    }
  }
  return out;
}

/** Temp files a crash may leave: `*.tmp` anywhere, and anything inside a `.tmp` folder. */
export function tempFilesIn(dirs: string[]): string[] {
  const found: string[] = [];
  const walk = (dir: string, inTmp: boolean): void => {
    if (!existsSync(dir)) return;
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      const isDir = statSync(p).isDirectory();
      if (isDir) walk(p, inTmp || name === '.tmp');
      else if (inTmp || name.endsWith('.tmp') || name.includes('.tmp.')) found.push(p);
    }
  };
  for (const d of dirs) walk(d, false);
  return found;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface FaultRow {
  scenario: string;
  /** Numbers; "—" in a row that cites a test of the default suite. */
  runs: number | string;
  completed: number | string;
  correct: number | string;
  /** Versions registered per run, e.g. "1 each". */
  versions: string;
  tempFiles: number | string;
  dataLost: number | string;
  /** Kill → retry started, seconds, one per kill whose retry was seen. */
  stalls: number[];
  /** Kills whose retry was seen / kills. */
  hits?: [number, number];
  note?: string;
}

function stallCell(r: FaultRow): string {
  if (r.stalls.length === 0) return '—';
  const s = [...r.stalls].sort((a, b) => a - b);
  const median = s[Math.floor((s.length - 1) / 2)]!;
  return `${median.toFixed(1)} (max ${s.at(-1)!.toFixed(1)})`;
}

/** The fault table, as Markdown. */
export function formatFaultTable(rows: FaultRow[]): string {
  const head = [
    'scenario',
    'runs',
    'completed',
    'correct outcome',
    'versions registered',
    'temp files left',
    'data lost',
    'stall s, median (max)',
    'retries seen / kills',
    'note',
  ];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const r of rows) {
    const cells = [
      r.scenario,
      r.runs,
      r.completed,
      r.correct,
      r.versions,
      r.tempFiles,
      r.dataLost,
      stallCell(r),
      r.hits ? `${r.hits[0]}/${r.hits[1]}` : '—',
      r.note ?? '',
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}
