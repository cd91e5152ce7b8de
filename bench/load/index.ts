/**
 * bench/load: N concurrent training pipelines of different model lines on one worker process (a
 * child, so its memory is its own), against a reference run of the same configuration alone.
 *   npm run bench -- load          (RUNS=20 TICKERS=3 PERIOD=2y to change)
 * Every run is approved at the gate and must end `promoted` with exactly one version whose holdout
 * metrics equal the lone run's. The worker's RSS is sampled from /proc every 100 ms; 10 s after the
 * runs the bench reads its idle RSS, then asks it for lib/runs' memory release and reads it again.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { startDevServerOnFreePorts, stopProcess } from '../../client/devServer';
import { resolvePipelineConfig, type PipelineConfig } from '../../lib/config/pipeline';
import { resolvePaths } from '../../lib/config/paths';
import { approveSignal, statusQuery, trainingPipeline } from '../../workflows/trainingPipeline';
import type { PipelineStatus } from '../../workflows/types';

const RUNS = Number(process.env.RUNS ?? 20);
const TICKERS = Number(process.env.TICKERS ?? 3);
const PERIOD = (process.env.PERIOD ?? '2y') as PipelineConfig['period'];
const root = resolve(import.meta.dirname, '../..');
const home = mkdtempSync(join(tmpdir(), 'bench-load-'));
const paths = resolvePaths({}, home);
const taskQueue = 'bench-load';
const tickers = Array.from({ length: TICKERS }, (_, i) => `SYN-L${i}`);
// Same data, seed and parameters for every run: only the model line differs.
const configOf = (modelName: string) =>
  resolvePipelineConfig({ modelName, tickers, period: PERIOD, asOf: '2026-06-30', force: true, approvalTimeout: '1h' });

const server = await startDevServerOnFreePorts({ startTimeoutMs: 90_000 });
const connection = await Connection.connect({ address: server.address });
const client = new Client({ connection });

function startWorker(): Promise<ChildProcess> {
  const child = fork(join(import.meta.dirname, 'worker.ts'), [], {
    cwd: root,
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, UV_THREADPOOL_SIZE: '1', TEMPORAL_ADDRESS: server.address, TRAINCTL_TASK_QUEUE: taskQueue, TRAINCTL_HOME: home },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((ok, fail) => {
    child.once('message', () => ok(child));
    child.once('exit', (code) => fail(new Error(`worker exited with ${code}`)));
  });
}

const statusKb = (pid: number, key: string) =>
  Number(new RegExp(`${key}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);

/** Start a run, approve it at the gate, wait for its end. */
async function runOne(modelName: string): Promise<{ modelName: string; status?: PipelineStatus; error?: string; s: number }> {
  const t0 = performance.now();
  try {
    const handle: WorkflowHandle<typeof trainingPipeline> = await client.workflow.start(trainingPipeline, {
      taskQueue,
      workflowId: `train-${modelName}`,
      args: [{ config: configOf(modelName) }],
    });
    for (;;) {
      await new Promise((r) => setTimeout(r, 2000));
      const desc = await handle.describe();
      if (desc.status.name !== 'RUNNING') break;
      // A query waits for the worker's workflow thread: under load it may time out; ask again later.
      const s = await handle.query(statusQuery).catch(() => null);
      if (s?.outcome === 'awaiting_approval') {
        await handle.signal(approveSignal, { version: s.candidateVersion!, by: 'bench', comment: 'load bench' });
        break;
      }
    }
    return { modelName, status: await handle.result(), s: (performance.now() - t0) / 1000 };
  } catch (err) {
    const causes: string[] = [];
    for (let e: unknown = err; e instanceof Error; e = e.cause) causes.push(e.message);
    return { modelName, error: causes.join(' ← '), s: (performance.now() - t0) / 1000 };
  }
}

interface RegistryFile {
  versions: Record<string, { stage: string; metrics: Record<string, number> }>;
}
const versionsOf = (modelName: string): RegistryFile['versions'] =>
  (JSON.parse(readFileSync(join(paths.modelsDir, modelName, 'registry.json'), 'utf8')) as RegistryFile).versions;

const worker = await startWorker();
let peakKb = 0;
const sampler = setInterval(() => (peakKb = Math.max(peakKb, statusKb(worker.pid!, 'VmRSS'))), 100);
try {
  // The reference: the same configuration alone on the same worker (also warms the data cache).
  const ref = await runOne('load-ref');
  if (ref.status?.outcome !== 'promoted') throw new Error(`reference run did not promote: ${ref.error ?? ref.status?.outcome}`);
  const refMetrics = Object.values(versionsOf('load-ref'))[0]!.metrics;
  console.log(
    `reference run alone: ${ref.s.toFixed(1)} s, accuracy ${refMetrics.accuracy!.toFixed(4)}, worker RSS ${(peakKb / 1024).toFixed(0)} MB so far`,
  );
  const idleBeforeKb = statusKb(worker.pid!, 'VmRSS');
  peakKb = idleBeforeKb;

  const t0 = performance.now();
  const results = await Promise.all(Array.from({ length: RUNS }, (_, i) => runOne(`load-${String(i + 1).padStart(2, '0')}`)));
  const wallS = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  const hwmMb = statusKb(worker.pid!, 'VmHWM') / 1024;

  let completed = 0;
  for (const r of results) {
    const versions = r.status ? versionsOf(r.modelName) : {};
    const list = Object.values(versions);
    const same = list.length === 1 && Object.entries(refMetrics).every(([k, v]) => Object.is(list[0]!.metrics[k], v));
    const ok = r.status?.outcome === 'promoted' && list.length === 1 && list[0]!.stage === 'production' && same;
    if (ok) completed++;
    else
      console.log(
        `${r.modelName}: ${r.error ?? r.status?.outcome} — ${list.length} version(s)${list.length && !same ? ', metrics differ from the lone run' : ''}`,
      );
  }
  const slowest = Math.max(...results.map((r) => r.s));
  // Idle long enough for the release the activities schedule when the worker goes quiet (5 s).
  await new Promise((r) => setTimeout(r, 10_000));
  const mem = await new Promise<{ idleKb: number; releasedKb: number; heapUsed: number; external: number }>((ok) => {
    worker.once('message', (m) => ok(m as never));
    worker.send({ cmd: 'release' });
  });
  console.log(`load average (1 min) at the end: ${loadavg()[0]!.toFixed(2)} on ${cpus().length} cores`);
  console.log(`${RUNS} concurrent runs (${TICKERS} tickers, ${PERIOD}): wall ${wallS.toFixed(1)} s, slowest run ${slowest.toFixed(1)} s`);
  console.log(
    `worker RSS: idle after the reference ${(idleBeforeKb / 1024).toFixed(0)} MB, peak ${(peakKb / 1024).toFixed(0)} MB (VmHWM ${hwmMb.toFixed(0)} MB), ` +
      `idle 10 s after the runs ${(mem.idleKb / 1024).toFixed(0)} MB, after an explicit release (full GC + malloc_trim) ${(mem.releasedKb / 1024).toFixed(0)} MB ` +
      `(JS heap ${(mem.heapUsed / 1048576).toFixed(0)} MB, external ${(mem.external / 1048576).toFixed(0)} MB)`,
  );
  console.log(
    `RESULT load runs=${RUNS} completed=${completed} failed=${RUNS - completed} wall_s=${wallS.toFixed(1)} peak_rss_mb=${(peakKb / 1024).toFixed(0)} idle_rss_mb=${(mem.idleKb / 1024).toFixed(0)} released_rss_mb=${(mem.releasedKb / 1024).toFixed(0)}`,
  );
} finally {
  clearInterval(sampler);
  await stopProcess(worker);
  await connection.close();
  await server.stop();
}
