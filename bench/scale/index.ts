/**
 * bench/scale (issue 26): how the pipeline's cost grows with the universe, and what a second worker
 * buys. Everything runs as a user would run it: a dev server, `trainctl worker` processes and
 * `trainctl run … --dry-run --wait --json` on the embedded synthetic market, 10 years of daily bars.
 *   npm run bench -- scale
 *   SIZES=100,250,500,1000 SEARCH_TICKERS=1000 SEARCH_TRIALS=20 SPEEDUP_TICKERS=100 SPEEDUP_TRIALS=20 PARALLEL=2
 * 1. Per size (tickers): fetch, features, train, backtest, compare on a fresh worker (and a fresh
 *    home: nothing cached). Reported: each stage's wall time, the worker's peak RSS (VmHWM of the
 *    worker process, read from /proc), the largest payload each activity passed (inputs and
 *    results in the run's history), and the exponent b of total ≈ a · rows^b (least squares on
 *    logs).
 * 2. A SEARCH_TICKERS-ticker run with a SEARCH_TRIALS-trial search (--optimize): its wall time to
 *    the end of the comparison, against the specification's 30 minutes.
 * 3. The same SPEEDUP_TRIALS-trial search (same seed, PARALLEL trials at once) with one worker
 *    pinned to one core (taskset -c 0), then two workers pinned to one core each (-c 0, -c 1):
 *    the optimize stage's wall time on each side, and the speedup.
 * Ends with `RESULT scale exponent=… rss_mb_1000=… wall_s_1000=… search_wall_s_1000=… speedup_2w=…`
 * (the figures at the largest size measured, named after 1000).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { startDevServerOnFreePorts, stopProcess } from '../../client/devServer';

const list = (v: string | undefined, d: string) => (v ?? d).split(',').map(Number);
const SIZES = list(process.env.SIZES, '100,250,500,1000');
const SEARCH_TICKERS = Number(process.env.SEARCH_TICKERS ?? 1000);
const SEARCH_TRIALS = Number(process.env.SEARCH_TRIALS ?? 20);
const SPEEDUP_TICKERS = Number(process.env.SPEEDUP_TICKERS ?? 100);
const SPEEDUP_TRIALS = Number(process.env.SPEEDUP_TRIALS ?? 20);
const PARALLEL = Number(process.env.PARALLEL ?? 2);
const AS_OF = '2026-10-30';
const STAGES = ['fetch', 'features', 'optimize', 'train', 'backtest', 'compare'] as const;
const root = resolve(import.meta.dirname, '../..');
const cli = join(root, 'bin', 'trainctl.mjs');

const server = await startDevServerOnFreePorts({ logFile: join(mkdtempSync(join(tmpdir(), 'bench-scale-')), 'server.log') });
const connection = await Connection.connect({ address: server.address });
const client = new Client({ connection });
const baseEnv = { ...process.env, TEMPORAL_ADDRESS: server.address, TRAINCTL_LOG_LEVEL: 'warn' };

interface Worker {
  process: ChildProcess;
  /** Highest VmHWM seen over the worker's processes (the CLI starts the worker as a child), MB. */
  peakMb(): number;
  stop(): Promise<void>;
}

function startWorker(home: string, core?: number): Worker {
  const args = [cli, 'worker'];
  const child =
    core === undefined
      ? spawn(process.execPath, args, spawnOptions(home))
      : spawn('taskset', ['-c', String(core), process.execPath, ...args], spawnOptions(home));
  let peak = 0;
  const sample = () => {
    for (const pid of descendants(child.pid!)) peak = Math.max(peak, vmHwmKb(pid) / 1024);
  };
  const timer = setInterval(sample, 500);
  return {
    process: child,
    peakMb: () => (sample(), Math.round(peak)),
    stop: async () => {
      sample();
      clearInterval(timer);
      await stopProcess(child, 20_000);
    },
  };
}

function spawnOptions(home: string) {
  return { cwd: root, env: { ...baseEnv, TRAINCTL_HOME: home }, stdio: ['ignore', 'ignore', 'inherit'] as ['ignore', 'ignore', 'inherit'] };
}

function descendants(pid: number): number[] {
  const out = [pid];
  for (let i = 0; i < out.length; i++) {
    const dir = `/proc/${out[i]}/task`;
    if (!existsSync(dir)) continue;
    for (const task of readdirSync(dir)) {
      try {
        const children = readFileSync(`${dir}/${task}/children`, 'utf8').trim();
        if (children) out.push(...children.split(/\s+/).map(Number));
      } catch {
        // The process ended.
      }
    }
  }
  return out;
}

function vmHwmKb(pid: number): number {
  try {
    return Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

const tickers = (n: number) => Array.from({ length: n }, (_, i) => `SYN-${String(i + 1).padStart(4, '0')}`).join(',');

interface RunResult {
  stagesS: Partial<Record<(typeof STAGES)[number], number>>;
  wallS: number;
  rows: number;
  workflowId: string;
}

/** `trainctl run … --dry-run --wait --json` in `home`; the stage times from its final status. */
async function runPipeline(home: string, model: string, n: number, extra: string[] = []): Promise<RunResult> {
  const args = [
    cli,
    'run',
    '--model-name',
    model,
    '--tickers',
    tickers(n),
    '--period',
    '10y',
    '--as-of',
    AS_OF,
    '--dry-run',
    '--worker-memory-mb',
    '1000000',
    '--wait',
    '--json',
    ...extra,
  ];
  const started = performance.now();
  const child = spawn(process.execPath, args, { cwd: root, env: { ...baseEnv, TRAINCTL_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (err = (err + b.toString()).slice(-4000)));
  const code = await new Promise<number>((r) => child.once('exit', (c) => r(c ?? 1)));
  const wallS = (performance.now() - started) / 1000;
  if (code !== 0) throw new Error(`run of ${n} tickers ended with exit ${code}:\n${out.slice(-2000)}\n${err}`);
  const { workflowId } = JSON.parse(out.slice(out.indexOf('{'))) as { workflowId: string };
  // The run's own status (its result): stage times and the feature set's size.
  const status = (await client.workflow.getHandle(workflowId).result()) as {
    stages: { name: string; ms?: number }[];
    featureSet?: { rows: number };
  };
  const stagesS: RunResult['stagesS'] = {};
  for (const s of status.stages)
    if (s.ms !== undefined && (STAGES as readonly string[]).includes(s.name)) stagesS[s.name as (typeof STAGES)[number]] = s.ms / 1000;
  return { stagesS, wallS, rows: status.featureSet?.rows ?? 0, workflowId };
}

/** The largest input or result (bytes of payload data) of each activity type in the run's history. */
async function largestPayloads(workflowId: string): Promise<Record<string, number>> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const typeOf = new Map<string, string>();
  const out: Record<string, number> = {};
  const size = (p?: { payloads?: { data?: Uint8Array | null; metadata?: Record<string, Uint8Array> | null }[] | null } | null) =>
    (p?.payloads ?? []).reduce((s, x) => s + (x.data?.length ?? 0), 0);
  for (const e of history.events ?? []) {
    const id = String(e.eventId);
    if (e.activityTaskScheduledEventAttributes) {
      const a = e.activityTaskScheduledEventAttributes;
      const type = a.activityType?.name ?? '?';
      typeOf.set(id, type);
      out[type] = Math.max(out[type] ?? 0, size(a.input));
    }
    if (e.activityTaskCompletedEventAttributes) {
      const a = e.activityTaskCompletedEventAttributes;
      const type = typeOf.get(String(a.scheduledEventId)) ?? '?';
      out[type] = Math.max(out[type] ?? 0, size(a.result));
    }
  }
  return out;
}

const stageSum = (r: RunResult) => Object.values(r.stagesS).reduce((a, b) => a + b, 0);
const fmt = (x: number | undefined, d = 1) => (x === undefined ? '—' : x.toFixed(d));
const sizes: { tickers: number; run: RunResult; rssMb: number; payloads: Record<string, number> }[] = [];
try {
  console.log(`bench/scale: sizes ${SIZES.join(', ')} tickers × 10 y (synthetic), dev server ${server.address}`);
  for (const n of SIZES) {
    const home = mkdtempSync(join(tmpdir(), `bench-scale-${n}-`));
    const worker = startWorker(home);
    try {
      const run = await runPipeline(home, `scale-${n}`, n);
      sizes.push({ tickers: n, run, rssMb: worker.peakMb(), payloads: await largestPayloads(run.workflowId) });
    } finally {
      await worker.stop();
    }
    const s = sizes[sizes.length - 1]!;
    console.log(
      `${String(n).padStart(5)} tickers ${String(s.run.rows).padStart(8)} rows: ${STAGES.filter((st) => st !== 'optimize')
        .map((st) => `${st} ${fmt(s.run.stagesS[st])} s`)
        .join(
          ', ',
        )}; total ${fmt(s.run.wallS)} s; worker peak RSS ${s.rssMb} MB; largest payload ${Math.max(...Object.values(s.payloads))} B (${Object.entries(
        s.payloads,
      )
        .sort((a, b) => b[1] - a[1])
        .slice(0, 3)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')})`,
    );
  }
  // pipeline time ≈ a · rows^b: least squares on the logs, over the stages' own times (the CLI's
  // start and its once-a-second polling are a constant that would flatten the curve).
  const xs = sizes.map((s) => Math.log(s.run.rows));
  const ys = sizes.map((s) => Math.log(stageSum(s.run)));
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  const exponent =
    xs.length > 1 ? xs.reduce((s, x, i) => s + (x - mx) * (ys[i]! - my), 0) / xs.reduce((s, x) => s + (x - mx) ** 2, 0) : NaN;
  console.log(`exponent of the stages' time against rows: ${fmt(exponent, 3)} (target ≤ 1.1)`);

  // A search at the largest universe, end to end (SEARCH_TRIALS=0 leaves it out).
  let search: RunResult | undefined;
  if (SEARCH_TRIALS > 0) {
    const searchHome = mkdtempSync(join(tmpdir(), 'bench-scale-search-'));
    const searchWorker = startWorker(searchHome);
    let searchRss: number;
    try {
      search = await runPipeline(searchHome, 'scale-search', SEARCH_TICKERS, [
        '--optimize',
        '--trials',
        String(SEARCH_TRIALS),
        '--parallel',
        String(PARALLEL),
      ]);
      searchRss = searchWorker.peakMb();
    } finally {
      await searchWorker.stop();
    }
    console.log(
      `search: ${SEARCH_TICKERS} tickers, ${SEARCH_TRIALS} trials: optimize ${fmt(search.stagesS.optimize)} s, total ${fmt(search.wallS)} s (target ≤ 1800 s); worker peak RSS ${searchRss} MB`,
    );
  } else console.log('search: left out (SEARCH_TRIALS=0)');

  // The same search on one core, then on two workers with a core each.
  const speedupHome = mkdtempSync(join(tmpdir(), 'bench-scale-speedup-'));
  const sides: number[] = [];
  for (const cores of [[0], [0, 1]]) {
    const workers = cores.map((c) => startWorker(speedupHome, c));
    try {
      const r = await runPipeline(speedupHome, `scale-speedup-${cores.length}`, SPEEDUP_TICKERS, [
        '--optimize',
        '--trials',
        String(SPEEDUP_TRIALS),
        '--parallel',
        String(PARALLEL),
      ]);
      sides.push(r.stagesS.optimize ?? NaN);
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
    }
    console.log(
      `search of ${SPEEDUP_TRIALS} trials on ${SPEEDUP_TICKERS} tickers, ${cores.length} worker(s) on core(s) ${cores.join(',')}: optimize ${fmt(sides[sides.length - 1])} s`,
    );
  }
  const speedup = sides[0]! / sides[1]!;
  console.log(`speedup of a second worker: ${fmt(speedup, 2)} (target ≥ 1.8)`);

  const largest = sizes[sizes.length - 1]!;
  console.log(
    `RESULT scale exponent=${fmt(exponent, 3)} rss_mb_1000=${largest.rssMb} wall_s_1000=${fmt(largest.run.wallS)} search_wall_s_1000=${search ? fmt(search.wallS) : 'NA'} speedup_2w=${fmt(speedup, 2)} largest_tickers=${largest.tickers} search_tickers=${SEARCH_TICKERS}`,
  );
} finally {
  await connection.close();
  await server.stop();
}
