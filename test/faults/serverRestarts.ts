import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { freePort, startDevServer, type DevServer } from '../../client/devServer';
import { SeededRandom } from '../../lib/data/random';
import { statusQuery } from '../../workflows/trainingPipeline';
import type { FaultRow } from '../support/faultHarness';
import { pendingActivities, sleep, spawnWorker, type WorkerProcess } from '../support/faultHarness';
import {
  approveAtGate,
  checkPipelineHome,
  faultHome,
  pipelineFingerprint,
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
  runs: { kind: 'pipeline' | 'search'; hitIn: Situation[]; completed: boolean; fingerprint?: string; check?: RunCheck; error?: string }[];
  workersRespawned: number;
}

/**
 * A dev server of its own on a SQLite file, SIGKILLed and restarted on the same file at seeded
 * moments while `reps` pipelines and `reps` searches run on it: until every pipeline has been hit
 * in a stage and at its approval gate and every search during a trial (or has finished), then the
 * pipelines are approved after the last restart and must promote with the reference result.
 */
export async function restartServerDuringRuns(o: { bundlePath: string; reps: number; maxRestarts?: number }): Promise<ServerRestartResult> {
  const rng = new SeededRandom('faults-server-restarts');
  const dbFile = join(mkdtempSync(join(tmpdir(), 'trainctl-faults-db-')), 'temporal.db');
  const port = await freePort();
  const start = () => startDevServer({ port, dbFile, startTimeoutMs: 120_000 });
  let server: DevServer = await start();
  const address = server.address;
  const connection = await Connection.connect({ address });
  const client = new Client({ connection });
  const result: ServerRestartResult = { restarts: 0, downS: [], runs: [], workersRespawned: 0 };
  const workers: { w: WorkerProcess; spawn: () => Promise<WorkerProcess> }[] = [];
  const pipelines: { handle: WorkflowHandle; paths: ReturnType<typeof faultHome>; run: ServerRestartResult['runs'][number] }[] = [];
  const searches: { handle: WorkflowHandle; run: ServerRestartResult['runs'][number] }[] = [];
  try {
    for (let i = 0; i < o.reps; i++) {
      for (const kind of ['pipeline', 'search'] as const) {
        const paths = faultHome(`server-${kind}${i}`);
        const taskQueue = `faults-server-${kind}-${i}-${Date.now().toString(36)}`;
        const spawn = () => spawnWorker({ address, taskQueue, home: paths.root, bundlePath: o.bundlePath, identity: `server-${kind}${i}` });
        workers.push({ w: await spawn(), spawn });
        const run = { kind, hitIn: [] as Situation[], completed: false };
        result.runs.push(run);
        if (kind === 'pipeline') pipelines.push({ handle: await startPipeline(client, taskQueue, `faults-server-p${i}`), paths, run });
        else searches.push({ handle: await startSearch(client, taskQueue, `faults-server-s${i}`), run });
      }
    }
    const situation = async (handle: WorkflowHandle, kind: 'pipeline' | 'search'): Promise<Situation | 'done' | undefined> => {
      const d = await handle.describe();
      if (d.status.name !== 'RUNNING') return 'done';
      const running = (await pendingActivities(handle)).some((a) => a.state === 2);
      if (kind === 'search') return running ? 'search trial' : undefined;
      if (running) return 'stage';
      const s = await handle.query(statusQuery).catch(() => undefined);
      return s?.outcome === 'awaiting_approval' ? 'approval' : undefined;
    };
    // A pipeline waiting at its gate can no longer be hit in a stage: only the gate is still to hit.
    const needs = (r: ServerRestartResult['runs'][number], now: Situation | 'done' | undefined): Situation[] => {
      if (now === 'done') return [];
      if (r.kind === 'search') return ['search trial'];
      return now === 'approval' ? ['approval'] : ['stage', 'approval'];
    };
    const deadline = Date.now() + 15 * 60_000;
    while (result.restarts < (o.maxRestarts ?? 12) && Date.now() < deadline) {
      await sleep(1000 + rng.next() * 3000);
      const now = await Promise.all([
        ...pipelines.map((p) => situation(p.handle, 'pipeline')),
        ...searches.map((s) => situation(s.handle, 'search')),
      ]);
      const all = [...pipelines.map((p) => p.run), ...searches.map((s) => s.run)];
      const missing = all.map((r, k) => needs(r, now[k]).filter((s) => !r.hitIn.includes(s)));
      if (missing.every((m) => m.length === 0)) break;
      // Restart only when it hits something still needed, so every restart counts.
      if (!all.some((_, k) => missing[k]!.includes(now[k] as Situation))) continue;
      const killAt = Date.now();
      server.process.kill('SIGKILL');
      await new Promise((r) => server.process.once('exit', r));
      all.forEach((r, k) => now[k] && now[k] !== 'done' && r.hitIn.push(now[k]));
      server = await start();
      result.restarts++;
      result.downS.push((Date.now() - killAt) / 1000);
      for (const w of workers) {
        if (w.w.exited()) {
          w.w = await w.spawn();
          result.workersRespawned++;
        }
      }
    }
    // The approvals arrive after the last restart.
    await Promise.all(
      pipelines.map(async (p) => {
        try {
          await approveAtGate(p.handle);
          const status = await p.handle.result();
          p.run.completed = true;
          p.run.fingerprint = pipelineFingerprint(status);
          p.run.check = await checkPipelineHome(p.paths, status);
        } catch (err) {
          p.run.error = String(err);
        }
      }),
    );
    await Promise.all(
      searches.map(async (s) => {
        try {
          s.run.fingerprint = await searchFingerprint(s.handle as never);
          s.run.completed = true;
        } catch (err) {
          s.run.error = String(err);
        }
      }),
    );
  } finally {
    await Promise.all(workers.map((w) => w.w.kill()));
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
      scenario: `dev server killed and restarted during ${situation === 'stage' ? 'a stage' : situation === 'approval' ? 'the approval wait (approved after)' : 'a search trial'}`,
      runs: hit.length,
      completed: hit.filter((x) => x.completed).length,
      correct: hit.filter((x) => x.fingerprint === ref).length,
      versions: versions.length === 1 ? `${versions[0]} each` : versions.join(', '),
      tempFiles: hit.reduce((n, x) => n + (x.check?.tempFiles.length ?? 0), 0),
      dataLost: hit.reduce((n, x) => n + (x.check?.lost.length ?? 0), 0),
      stalls: [],
      hits: [hit.reduce((n, x) => n + x.hitIn.filter((s) => s === situation).length, 0), r.restarts],
      note: `${downs}${r.workersRespawned ? `; ${r.workersRespawned} workers restarted` : ''}`,
    };
  });
}
