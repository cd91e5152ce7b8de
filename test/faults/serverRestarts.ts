import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { startDevServer, startDevServerOnFreePorts, type DevServer } from '../../client/devServer';
import { SeededRandom } from '../../lib/data/random';
import type { FaultHoldPlan, HoldSpec } from '../../workers/faultHooks';
import type { FaultRow } from '../support/faultHarness';
import { sleep, spawnWorker, withTimeout, type WorkerProcess } from '../support/faultHarness';
import {
  approveIfWaiting,
  checkPipelineHome,
  faultHome,
  memoStatus,
  pipelineFingerprint,
  scratchDir,
  searchFingerprint,
  startPipeline,
  startSearch,
  type RunCheck,
} from './pipelineRuns';

export type Situation = 'stage' | 'approval' | 'search trial';

export interface ServerRestartResult {
  restarts: number;
  /** Seconds the server was down, per restart (kill → listening again). */
  downS: number[];
  /** Per run: what it was doing at each restart. */
  runs: {
    name: string;
    kind: 'pipeline' | 'search';
    hitIn: Situation[];
    completed: boolean;
    fingerprint?: string;
    check?: RunCheck;
    error?: string;
  }[];
  workersRespawned: number;
}

const WAIT_MS = 150_000;

/**
 * A dev server of its own on a SQLite file, SIGKILLed and restarted on the same file twice, each
 * time with a pipeline held in a stage, a pipeline at its approval gate and searches held in a
 * trial (workers/faultHooks.ts): restart 1 hits p0 in features, p1 at its gate (approved after
 * the restart) and both searches; restart 2 hits p1 in promote, p0 at its gate (approved after)
 * and the second search again. Every run must then complete with the reference result.
 */
export async function restartServerDuringRuns(o: { bundlePath: string }): Promise<ServerRestartResult> {
  const rng = new SeededRandom('faults-server-restarts');
  const dbFile = join(scratchDir('trainctl-faults-db-'), 'temporal.db');
  const holdDir = scratchDir('trainctl-faults-server-holds-');
  // The first start may move to other ports (client/devServer.ts); restarts keep its address.
  let server: DevServer = await startDevServerOnFreePorts({ dbFile, startTimeoutMs: 120_000 });
  const port = Number(server.address.split(':').pop());
  const start = () => startDevServer({ port, dbFile, startTimeoutMs: 120_000 });
  const address = server.address;
  const connection = await Connection.connect({ address });
  const client = new Client({ connection });
  const result: ServerRestartResult = { restarts: 0, downS: [], runs: [], workersRespawned: 0 };
  const names = ['p0', 'p1', 's0', 's1'] as const;
  const homes = Object.fromEntries(names.map((n) => [n, faultHome(`server-${n}`)]));
  const queues = Object.fromEntries(names.map((n) => [n, `faults-server-${n}-${Date.now().toString(36)}`]));
  const holds: HoldSpec[] = [
    { key: 'p0-features', taskQueue: queues.p0!, activity: 'buildFeatures', moment: { at: 'before' } },
    { key: 'p1-promote', taskQueue: queues.p1!, activity: 'promoteModel', moment: { at: 'before' } },
    { key: 's0-trial', taskQueue: queues.s0!, activity: 'evaluateTrial', skip: Math.floor(rng.next() * 2), moment: { at: 'before' } },
    { key: 's1-trial', taskQueue: queues.s1!, activity: 'evaluateTrial', skip: Math.floor(rng.next() * 2), moment: { at: 'after' } },
  ];
  const plan: FaultHoldPlan = { dir: holdDir, holds, maxHoldMs: 300_000 };
  const spawn = () =>
    spawnWorker({
      address,
      bundlePath: o.bundlePath,
      queues: names.map((n) => ({ taskQueue: queues[n]!, home: homes[n]!.root })),
      identity: 'server-restarts',
      env: { TRAINCTL_FAULT_HOLD: JSON.stringify(plan) },
    });
  let worker: WorkerProcess = await spawn();
  const handles: Record<string, WorkflowHandle> = {};
  for (const n of names) {
    handles[n] = n.startsWith('p')
      ? await startPipeline(client, queues[n]!, `faults-server-${n}`)
      : await startSearch(client, queues[n]!, `faults-server-${n}`);
    result.runs.push({ name: n, kind: n.startsWith('p') ? 'pipeline' : 'search', hitIn: [], completed: false });
  }
  const run = (n: string) => result.runs.find((r) => r.name === n)!;
  const held = (key: string) => existsSync(join(holdDir, `${key}.held`));
  const atGate = async (n: string) => (await memoStatus(handles[n]!).catch(() => undefined))?.status?.outcome === 'awaiting_approval';
  const waitUntil = async (what: string, check: () => Promise<boolean>) => {
    const deadline = Date.now() + WAIT_MS;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`server restarts: timed out after ${WAIT_MS / 1000} s waiting for ${what}`);
      await sleep(200);
    }
  };
  const restart = async (hits: [string, Situation][]) => {
    await sleep(rng.next() * 1000);
    const killAt = Date.now();
    server.process.kill('SIGKILL');
    await new Promise((r) => server.process.once('exit', r));
    for (const [n, s] of hits) run(n).hitIn.push(s);
    server = await start();
    result.restarts++;
    result.downS.push((Date.now() - killAt) / 1000);
    // A worker that lost the server for good is replaced (its held attempt is retried and held again).
    await sleep(500);
    if (worker.exited()) {
      worker = await spawn();
      result.workersRespawned++;
    }
  };
  const release = (key: string) => writeFileSync(join(holdDir, `${key}.release`), '');
  try {
    await waitUntil('p0 held in features, p1 at its gate, both searches held in a trial', async () => {
      return held('p0-features') && held('s0-trial') && held('s1-trial') && (await atGate('p1'));
    });
    await restart([
      ['p0', 'stage'],
      ['p1', 'approval'],
      ['s0', 'search trial'],
      ['s1', 'search trial'],
    ]);
    release('p0-features');
    release('s0-trial');
    await waitUntil('p1 approved after the restart', () => approveIfWaiting(handles.p1!));
    await waitUntil('p1 held in promote, p0 at its gate', async () => held('p1-promote') && (await atGate('p0')));
    await restart([
      ['p1', 'stage'],
      ['p0', 'approval'],
      ['s1', 'search trial'],
    ]);
    release('p1-promote');
    release('s1-trial');
    await waitUntil('p0 approved after the restart', () => approveIfWaiting(handles.p0!));
    await Promise.all(
      names.map(async (n) => {
        const r = run(n);
        try {
          if (r.kind === 'search')
            r.fingerprint = await withTimeout(searchFingerprint(handles[n] as never), WAIT_MS, `server-restart run ${n} to finish`);
          else {
            const status = await withTimeout(handles[n]!.result(), WAIT_MS, `server-restart run ${n} to complete`);
            r.fingerprint = pipelineFingerprint(status);
            r.check = await checkPipelineHome(homes[n]!, status);
          }
          r.completed = true;
        } catch (err) {
          r.error = String(err);
        }
      }),
    );
  } finally {
    await worker.kill();
    await connection.close();
    await server.stop();
  }
  return result;
}

export function serverRows(r: ServerRestartResult, refs: { pipeline: string; search: string }): FaultRow[] {
  const downs = r.downS.length ? `server down ${Math.min(...r.downS).toFixed(1)}–${Math.max(...r.downS).toFixed(1)} s per restart` : '';
  return (['stage', 'approval', 'search trial'] as const).map((situation) => {
    const hit = r.runs.filter((x) => x.hitIn.includes(situation));
    const ref = situation === 'search trial' ? refs.search : refs.pipeline;
    const versions = [...new Set(hit.map((x) => x.check?.versions ?? 0))];
    return {
      scenario: `dev server killed and restarted during ${situation === 'stage' ? 'a stage (features, promote)' : situation === 'approval' ? 'the approval wait (approved after)' : 'a search trial'}`,
      runs: hit.length,
      completed: hit.filter((x) => x.completed).length,
      correct: hit.filter((x) => x.fingerprint === ref).length,
      versions: versions.length === 1 ? `${versions[0]} each` : versions.join(', '),
      tempFiles: hit.reduce((n, x) => n + (x.check?.tempFiles.length ?? 0), 0),
      dataLost: hit.reduce((n, x) => n + (x.check?.lost.length ?? 0), 0),
      stalls: [],
      hits: [hit.reduce((n, x) => n + x.hitIn.filter((s) => s === situation).length, 0), r.restarts],
      note: `${downs}${r.workersRespawned ? `; ${r.workersRespawned} worker restarts` : ''}`,
    };
  });
}
