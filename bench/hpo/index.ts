/**
 * bench/hpo: what durability costs a search. A TRIALS-trial search on the embedded synthetic market
 * through the hyperparameterSearch workflow (real dev server, a worker process), and the same trials
 * in one Python process (scripts/python/hpo_reference.py: Optuna's TPESampler + Python xgboost) on
 * exactly our training window and walk-forward fold rows, same seed, same parallelism, same XGBoost
 * threads (each side's default, every core, unless PY_NTHREAD is set).
 *   npm run bench -- hpo   (TRIALS=20 PARALLEL=2 WARMUP=1 REPS=3 PY_NTHREAD=0 WORKER_UV_THREADPOOL_SIZE=1 to change)
 * To look inside: WORKER_NODE_ARGS='--cpu-prof --cpu-prof-dir=DIR' profiles the worker's threads;
 * DUMP_PY_INPUT=FILE writes the reference's input, to run scripts/python/hpo_reference.py < FILE alone.
 * Python runs the trials the workflow ran (enqueued in trial order, so both sides train the same
 * models; its MedianPruner decides on its own). The two sides alternate, search by search: WARMUP
 * searches of each are run and dropped, then REPS of each are timed and the medians compared.
 * bench/hpo/profileFold.ts times the parts of one fold on both sides, without Temporal.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import pino from 'pino';
import { buildFeaturesActivity } from '../../activities/buildFeatures';
import { fetchMarketDataActivity } from '../../activities/fetchMarketData';
import { localFile } from '../../activities/storeFiles';
import { startDevServerOnFreePorts, stopProcess } from '../../client/devServer';
import { resolvePaths } from '../../lib/config/paths';
import { resolvePipelineConfig } from '../../lib/config/pipeline';
import { runHoldoutSplit, walkForwardFolds, WALK_FORWARD_FOLDS } from '../../lib/evaluation';
import { loadFeatureMatrix, selectLabelledRows } from '../../lib/features';
import { runPython } from '../../test/support/python';
import { RELEASE_QUIET_MS } from '../../lib/runs/memory';
import { boostingPlan, defaultHyperparams } from '../../lib/xgboost';
import { hpoStatusQuery, hyperparameterSearch } from '../../workflows/hyperparameterSearch';
import { featureSettings, fetchSettings } from '../../lib/config/stageSettings';

const TRIALS = Number(process.env.TRIALS ?? 20);
const PARALLEL = Number(process.env.PARALLEL ?? 2);
const WARMUP = Number(process.env.WARMUP ?? 1);
const REPS = Number(process.env.REPS ?? 3);
/** XGBoost threads per Python trial; 0: its default, every core (like our worker's boosters). */
const PY_NTHREAD = Number(process.env.PY_NTHREAD ?? 0);
/**
 * The worker's libuv pool: 1, as `trainctl worker` sets it. Boosting rounds no longer run there
 * (each training has a thread of its own, lib/xgboost/boostingThread.ts); when they did, the two
 * parallel trials' rounds took turns on this one thread.
 */
const WORKER_POOL = process.env.WORKER_UV_THREADPOOL_SIZE ?? '1';
const root = resolve(import.meta.dirname, '../..');
const home = mkdtempSync(join(tmpdir(), 'bench-hpo-'));
const paths = resolvePaths({}, home);
const taskQueue = 'bench-hpo';
const config = resolvePipelineConfig({ modelName: 'bench-hpo', trials: TRIALS, hpoParallel: PARALLEL, asOf: '2026-06-30' });
const deps = { paths, logger: pino({ level: 'silent' }), env: {}, now: () => new Date(), fetch };

// The feature set, built once before either side is timed (the workflow receives it as a reference).
const data = await fetchMarketDataActivity(deps)({ pipelineId: 'bench-hpo', settings: fetchSettings(config) });
const features = await buildFeaturesActivity(deps)({ pipelineId: 'bench-hpo', data, settings: featureSettings(config) });

// The rows every trial sees, exported as hyperparameterSearch's folds cut them: the training
// window (holdout removed) and its walk-forward folds, as indices into that window.
const all = await loadFeatureMatrix(await localFile(deps, features), { labelledOnly: true });
const train = selectLabelledRows(all, runHoldoutSplit(all, config).trainIdx);
const folds = walkForwardFolds({ dates: train.dates, nFolds: WALK_FORWARD_FOLDS, purgeGap: config.labelHorizon });
writeFileSync(join(home, 'X.f32'), Buffer.from(train.X.data.buffer, train.X.data.byteOffset, train.X.data.byteLength));
writeFileSync(join(home, 'y.f32'), Buffer.from(train.y.buffer, train.y.byteOffset, train.y.byteLength));
writeFileSync(join(home, 'folds.json'), JSON.stringify(folds.map((f) => ({ train: f.trainIdx, test: f.testIdx }))));
console.log(
  `data: ${train.X.rows} training rows × ${train.X.cols} features, ${folds.length} folds (${folds.map((f) => f.trainIdx.length).join('/')} rows)`,
);

console.log(
  `load average (1 min) at the start: ${loadavg()[0]!.toFixed(2)} on ${cpus().length} cores; worker UV_THREADPOOL_SIZE=${WORKER_POOL}`,
);

const server = await startDevServerOnFreePorts({ startTimeoutMs: 90_000 });
const connection = await Connection.connect({ address: server.address });
const client = new Client({ connection });
const worker = await new Promise<ChildProcess>((ok, fail) => {
  const child = fork(join(import.meta.dirname, 'worker.ts'), [], {
    cwd: root,
    execArgv: ['--import', 'tsx', ...(process.env.WORKER_NODE_ARGS ?? '').split(' ').filter(Boolean)],
    env: {
      ...process.env,
      UV_THREADPOOL_SIZE: WORKER_POOL,
      TEMPORAL_ADDRESS: server.address,
      TRAINCTL_TASK_QUEUE: taskQueue,
      TRAINCTL_HOME: home,
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  child.once('message', () => ok(child));
  child.once('exit', (code) => fail(new Error(`worker exited with ${code}`)));
});

interface PythonSearch {
  seconds: number;
  foldSeconds: number;
  folds: number;
  optuna: string;
  xgboost: string;
  trials: { state: string; value: number | null }[];
}

/** The search's activities: one per fold (searches before trial activities) or one per trial. */
const SEARCH_ACTIVITIES = new Set(['evaluateFold', 'evaluateTrial']);

interface Timing {
  /** Search activities run (trials or folds) and the folds they evaluated. */
  activities: number;
  folds: number;
  /** Started → completed, as the server recorded it. */
  runS: number;
  /** Scheduled → started. */
  queueS: number;
  /** From the completion that let the workflow go on to scheduling the next search activity (a workflow task). */
  scheduleS: number;
  /** Of that: completion → workflow task started (the server's and the poll's part). */
  wftWaitS: number;
  /** Of that: workflow task started → completed (the worker's part: activation, workflow code incl. TPE's ask). */
  wftRunS: number;
  /** Those workflow tasks, ms each. */
  wftMs: number[];
}

/** Search activities in the history: their run time, the time they waited to start, and the workflow's turn in between. */
async function searchTimings(workflowId: string): Promise<Timing> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const ms = (t: unknown) => {
    const ts = t as { seconds?: { toNumber(): number } | number; nanos?: number };
    return Number(typeof ts.seconds === 'object' ? ts.seconds.toNumber() : (ts.seconds ?? 0)) * 1000 + (ts.nanos ?? 0) / 1e6;
  };
  const scheduled = new Map<string, number>();
  const started = new Map<string, number>();
  const out: Timing = { activities: 0, folds: 0, runS: 0, queueS: 0, scheduleS: 0, wftWaitS: 0, wftRunS: 0, wftMs: [] };
  let lastCompleted: number | undefined;
  let wftStarted: number | undefined;
  /** The activity completion the next workflow task answers (cleared when that task completes). */
  let pending: number | undefined;
  let lastWft: number | undefined;
  for (const e of history.events ?? []) {
    const at = ms(e.eventTime);
    if (e.workflowTaskStartedEventAttributes) {
      wftStarted = at;
      if (pending !== undefined) out.wftWaitS += (at - pending) / 1000;
    }
    if (e.workflowTaskCompletedEventAttributes && wftStarted !== undefined && pending !== undefined) {
      out.wftRunS += (at - wftStarted) / 1000;
      lastWft = at - wftStarted;
    }
    if (SEARCH_ACTIVITIES.has(e.activityTaskScheduledEventAttributes?.activityType?.name ?? '')) {
      scheduled.set(String(e.eventId), at);
      if (lastWft !== undefined) out.wftMs.push(lastWft);
      lastWft = undefined;
      if (lastCompleted !== undefined) out.scheduleS += (at - lastCompleted) / 1000;
    }
    const st = e.activityTaskStartedEventAttributes;
    if (st && scheduled.has(String(st.scheduledEventId))) {
      started.set(String(st.scheduledEventId), at);
      out.queueS += (at - scheduled.get(String(st.scheduledEventId))!) / 1000;
    }
    const done = e.activityTaskCompletedEventAttributes;
    if (done) lastCompleted = pending = at;
    if (e.workflowTaskCompletedEventAttributes) pending = undefined;
    if (done && started.has(String(done.scheduledEventId))) {
      const data = done.result?.payloads?.[0]?.data;
      const result = data ? (JSON.parse(Buffer.from(data).toString()) as { folds?: unknown[] }) : {};
      out.activities++;
      out.folds += Array.isArray(result.folds) ? result.folds.length : 1;
      out.runS += (at - started.get(String(done.scheduledEventId))!) / 1000;
    }
  }
  return out;
}

/** One search through the workflow: wall time, its trials and where the time went. */
async function searchThroughWorkflow(rep: number) {
  const workflowId = `bench-hpo-search-${rep}`;
  const t0 = performance.now();
  const result = await client.workflow.execute(hyperparameterSearch, { taskQueue, workflowId, args: [{ config, features }] });
  const seconds = (performance.now() - t0) / 1000;
  const status = await client.workflow.getHandle(workflowId).query(hpoStatusQuery);
  return { seconds, result, trials: status.trials, timing: await searchTimings(workflowId), inWorker: await foldsInWorker() };
}

/** The search activities' executions the worker timed (inside the activity) since the last ask. */
function foldsInWorker(): Promise<number[]> {
  return new Promise((ok) => {
    worker.once('message', (msg: { folds: number[] }) => ok(msg.folds));
    worker.send({ cmd: 'folds' });
  });
}

// XGBoost's parameters besides the searched ones, as our binding sets them (seed, tree method …).
const SEARCHED = new Set(['max_depth', 'eta', 'min_child_weight', 'subsample', 'colsample_bytree']);
const fixedParams = Object.fromEntries(
  Object.entries(boostingPlan('xgb', defaultHyperparams, { seed: config.seed }).params).filter(([k]) => !SEARCHED.has(k)),
);

// The OpenMP wait policy our binding sets before loading libxgboost (lib/xgboost/library.ts): the
// reference gets it too. libgomp's default spin-wait is up to 50× slower on a busy 2-core machine.
process.env.OMP_WAIT_POLICY ??= 'passive';

/** The same trials (params in trial order) in one Python process. */
function searchInProcess(trials: { params: Record<string, unknown> }[]): PythonSearch {
  const script = readFileSync(join(root, 'scripts/python/hpo_reference.py'), 'utf8');
  const input = {
    fixedParams,
    dir: home,
    cols: train.X.cols,
    trials: TRIALS,
    parallel: PARALLEL,
    seed: config.seed,
    nthread: PY_NTHREAD,
    enqueue: trials.map((t) => t.params),
  };
  if (process.env.DUMP_PY_INPUT) writeFileSync(process.env.DUMP_PY_INPUT, JSON.stringify(input));
  return JSON.parse(runPython(script, JSON.stringify(input), { timeoutMs: 3_600_000 })) as PythonSearch;
}

const median = (xs: number[]) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]! : NaN);
const states = (ts: { state: string }[]) =>
  ['COMPLETE', 'PRUNED', 'FAIL'].map((s) => `${ts.filter((t) => t.state === s).length} ${s.toLowerCase()}`).join(', ');

try {
  const ours: number[] = [];
  const theirs: number[] = [];
  // Folds each side evaluated: Python's pruner decides on the trials complete at each report (so
  // the count varies between its runs), ours on those complete at the trial's start.
  const ourFolds: number[] = [];
  const theirFolds: number[] = [];
  // Alternating, so a busy moment of the machine does not fall on one side only.
  for (let rep = 0; rep < WARMUP + REPS; rep++) {
    const w = await searchThroughWorkflow(rep);
    // The worker gives its memory back RELEASE_QUIET_MS after its last fold (a full GC and
    // malloc_trim, lib/runs/memory): not while the Python side is being timed.
    await new Promise((r) => setTimeout(r, RELEASE_QUIET_MS + 1500));
    const py = searchInProcess(w.trials);
    const warm = rep < WARMUP;
    if (!warm) {
      ours.push(w.seconds);
      theirs.push(py.seconds);
      ourFolds.push(w.timing.folds);
      theirFolds.push(py.folds);
    }
    const best = (ts: { state: string; value: number | null }[]) =>
      Math.min(...ts.filter((t) => t.state === 'COMPLETE').map((t) => t.value!)).toFixed(5);
    const same = w.trials.filter(
      (t, i) => t.state === py.trials[i]?.state && t.value !== null && Math.abs(t.value - py.trials[i].value!) < 1e-9,
    ).length;
    const n = Math.max(1, w.timing.folds);
    const a = Math.max(1, w.timing.activities);
    const inWorkerS = w.inWorker.reduce((x, y) => x + y, 0);
    console.log(
      `${warm ? `warm-up ${rep + 1}` : `rep ${rep + 1 - WARMUP}`}: workflow ${w.seconds.toFixed(1)} s (${states(w.trials)}; best ${best(w.trials)}; ` +
        `${w.timing.activities} search activities evaluating ${w.timing.folds} folds, ${w.timing.runS.toFixed(1)} s running in total (${inWorkerS.toFixed(1)} s of it inside the activity), ` +
        `per fold ${((1000 * w.timing.runS) / n).toFixed(0)} ms running; per activity ${((1000 * (w.timing.runS - inWorkerS)) / a).toFixed(0)} ms dispatch, ` +
        `${((1000 * w.timing.queueS) / a).toFixed(0)} ms wait to start, ${((1000 * w.timing.scheduleS) / a).toFixed(0)} ms for the workflow to schedule it ` +
        `(${((1000 * w.timing.wftWaitS) / a).toFixed(0)} ms to its task's start, median ${median(w.timing.wftMs).toFixed(0)} ms in the task)) · ` +
        `python ${py.seconds.toFixed(1)} s (${states(py.trials)}; best ${best(py.trials)}; ${py.folds} folds, ${py.foldSeconds.toFixed(1)} s training and scoring in total, ${((1000 * py.foldSeconds) / Math.max(1, py.folds)).toFixed(0)} ms per fold) · ` +
        `${same}/${w.trials.length} trials with the same state and value`,
    );
    if (rep === 0) console.log(`python: optuna ${py.optuna}, xgboost ${py.xgboost}${PY_NTHREAD ? `, nthread ${PY_NTHREAD}` : ''}`);
  }
  console.log(
    `each side: ${WARMUP} warm-up search(es) dropped, median of ${REPS}: workflow [${ours.map((s) => s.toFixed(1)).join(', ')}] s, python [${theirs.map((s) => s.toFixed(1)).join(', ')}] s`,
  );
  console.log(`load average (1 min) at the end: ${loadavg()[0]!.toFixed(2)} on ${cpus().length} cores`);
  const wallS = median(ours);
  const inprocessS = median(theirs);
  // Per fold too, so a side that pruned more is not the faster one for it.
  const perFold = wallS / median(ourFolds) / (inprocessS / median(theirFolds));
  console.log(
    `RESULT hpo wall_s=${wallS.toFixed(1)} inprocess_s=${inprocessS.toFixed(1)} ratio=${(wallS / inprocessS).toFixed(2)} ` +
      `folds=${median(ourFolds)} inprocess_folds=${median(theirFolds)} ratio_per_fold=${perFold.toFixed(2)}`,
  );
} finally {
  await stopProcess(worker);
  await connection.close();
  await server.stop();
}
