/**
 * bench/serve: the prediction service (`trainctl serve`, a child process) under autocannon on
 * loopback, and onnxruntime single-row latency against native XGBoost on the same model and row.
 * Every variant gets the same warm-up and the same number of measured runs; figures are medians
 * over the runs. Fixed-rate runs spread the rate over the second (see runFixedRate).
 *   npm run bench -- serve   (DURATION=10 REPS=3 WARMUP=2 CONNECTIONS=10 RATE=1000 ROUNDS=100 DEPTH=6 to change)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { resolvePaths } from '../../lib/config/paths';
import { FEATURE_NAMES } from '../../lib/features';
import { OnnxModel } from '../../lib/onnx';
import { Booster } from '../../lib/xgboost';
import { FeatureRowProvider, dataCacheSeriesLoader } from '../../lib/serving';
import { parseSource, readSeriesParquet } from '../../lib/data';
import { lineRegistry, prepareMarket, registerTrainedVersion, TICKERS } from '../../test/serving/support/modelLine';
import { runBurstRate, runFixedRate, runMaxThroughput, type LoadRequest, type LoadResult } from './autocannon';
import { predictBuckets, quantileMs } from './serverLatency';

const DURATION = Number(process.env.DURATION ?? 10);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 10);
const RATE = Number(process.env.RATE ?? 1000);
const ROUNDS = Number(process.env.ROUNDS ?? 100);
const DEPTH = Number(process.env.DEPTH ?? 6);
const REPS = Number(process.env.REPS ?? 3);
const WARMUP = Number(process.env.WARMUP ?? 2);
const MODEL = 'direction-classifier';
const root = resolve(import.meta.dirname, '../..');

const paths = resolvePaths({}, mkdtempSync(join(tmpdir(), 'bench-serve-')));
const market = await prepareMarket(paths);
const registry = await lineRegistry(paths, MODEL);
const v1 = await registerTrainedVersion({ paths, modelName: MODEL, market, rounds: ROUNDS, maxDepth: DEPTH, runId: 'bench-1' });
await registry.promote({ version: v1.version, by: 'bench', reason: 'bench', runId: 'bench-1' });
const v2 = await registerTrainedVersion({ paths, modelName: MODEL, market, rounds: ROUNDS, maxDepth: DEPTH - 1, runId: 'bench-2' });
const entry = await registry.get(v1.version);
const windowStart = entry.metadata.dataSource.window.start;

// Request bodies: the last 60 trading days of every ticker, and the same rows as feature objects.
const provider = new FeatureRowProvider({
  load: dataCacheSeriesLoader({ dataCacheDir: paths.dataCacheDir, sourceKey: parseSource('synthetic').cacheKey }),
});
const dates = (await readSeriesParquet(market.data.tickers[0]!.path, TICKERS[0]!)).dates.slice(-60);
const tickerBodies = TICKERS.flatMap((ticker) => dates.map((date) => JSON.stringify({ ticker, date })));
const featureBodies: string[] = [];
for (const ticker of TICKERS) {
  for (const date of dates.slice(-20)) {
    const r = await provider.row({ ticker, date, windowStart, featureNames: [...FEATURE_NAMES] });
    featureBodies.push(JSON.stringify({ features: Object.fromEntries(FEATURE_NAMES.map((n, j) => [n, r.values[j]])) }));
  }
}

function startService(shadow: boolean): Promise<{ url: string; child: ChildProcess }> {
  // As it runs in production: bin/trainctl.mjs (the compiled build, or the sources through tsx when
  // the build is stale), in a process of its own.
  const args = [join(root, 'bin/trainctl.mjs'), 'serve', '--port', '0', '--poll-ms', '100', '--model-name', MODEL];
  if (!shadow) args.push('--no-shadow');
  // libuv's default pool, as `trainctl serve` runs for real (the log's fsyncs and the price-cache
  // checks use it; the bench harness's UV_THREADPOOL_SIZE=1 is for training, not serving).
  const env = { ...process.env };
  delete env.UV_THREADPOOL_SIZE;
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { ...env, TRAINCTL_HOME: paths.root },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolveUrl, reject) => {
    let out = '';
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /on (http:\/\/\S+)/.exec(out);
      if (m) resolveUrl({ url: m[1]!, child });
    });
    child.on('exit', (code) => reject(new Error(`trainctl serve exited with ${code}: ${out}`)));
  });
}

type Measured = LoadResult & { serverP99Ms: number };
const requestsOf = (bodies: string[]): LoadRequest[] => {
  let i = 0;
  return [
    {
      method: 'POST',
      path: '/v1/predict',
      headers: { 'content-type': 'application/json' },
      setupRequest: (req) => ({ ...req, body: bodies[i++ % bodies.length]! }),
    },
  ];
};

/** max: as fast as it answers; spread: RATE req/s spread over each second; bursts: RATE req/s as autocannon's overallRate sends them. */
type Pacing = 'max' | 'spread' | 'bursts';

function load(url: string, bodies: string[], pacing: Pacing, duration: number): Promise<LoadResult> {
  const o = { url, connections: CONNECTIONS, duration, requests: requestsOf(bodies) };
  if (pacing === 'max') return runMaxThroughput(o);
  return pacing === 'spread' ? runFixedRate({ ...o, rate: RATE }) : runBurstRate({ ...o, rate: RATE });
}

/** One variant: the same warm-up, then REPS measured runs; every figure reported is the median over the runs. */
async function variant(url: string, name: string, bodies: string[], pacing: Pacing): Promise<void> {
  await load(url, bodies, pacing, WARMUP);
  const reps: Measured[] = [];
  for (let r = 0; r < REPS; r++) {
    const before = await predictBuckets(url);
    const result = await load(url, bodies, pacing, DURATION);
    reps.push({ ...result, serverP99Ms: quantileMs(before, await predictBuckets(url), 0.99) });
  }
  rows.push([name, reps]);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const errorsOf = (reps: Measured[]) => reps.reduce((t, r) => t + r.errors + r.timeouts + r.non2xx, 0);
const summary = (reps: Measured[]) => ({
  rps: median(reps.map((r) => r.requests.average)),
  p50: median(reps.map((r) => r.latency.p50)),
  p99: median(reps.map((r) => r.latency.p99)),
  serverP99Ms: median(reps.map((r) => r.serverP99Ms)),
  errors: errorsOf(reps),
});
const fmt = (reps: Measured[]) => {
  const s = summary(reps);
  return (
    `${Math.round(s.rps)} req/s, p50 ${s.p50} ms, p99 ${s.p99} ms [${reps.map((r) => r.latency.p99).join(', ')}] ` +
    `(in the service ≤ ${s.serverP99Ms} ms), errors ${s.errors}`
  );
};
const stop = (c: ChildProcess) => new Promise<void>((r) => (c.once('exit', () => r()), c.kill('SIGTERM')));
const rows: [string, Measured[]][] = [];

console.log(
  `load average (1 min) at the start: ${loadavg()[0]!.toFixed(2)} on ${cpus().length} cores; ` +
    `${WARMUP} s warm-up + ${REPS} × ${DURATION} s per variant, ${CONNECTIONS} connections, pipelining 1`,
);
for (const shadow of [false, true]) {
  const { url, child } = await startService(shadow);
  try {
    for (const [name, bodies] of [
      ['features', featureBodies],
      ['ticker/date', tickerBodies],
    ] as const) {
      await variant(url, `${name}, shadow ${shadow ? 'on' : 'off'}, max throughput`, bodies, 'max');
      await variant(url, `${name}, shadow ${shadow ? 'on' : 'off'}, ${RATE} req/s`, bodies, 'spread');
    }
    if (shadow) {
      // For comparison with figures measured before the rate was spread (not part of RESULT).
      await variant(url, `ticker/date, shadow on, ${RATE} req/s in bursts`, tickerBodies, 'bursts');
      // Hot swaps under load: the candidate promoted and rolled back, alternately, every 500 ms.
      const swapper = spawn(
        process.execPath,
        ['--import', 'tsx', join(root, 'bench/serve/swapper.ts'), paths.root, MODEL, v1.version, v2.version],
        {
          cwd: root,
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      let out = '';
      swapper.stdout.on('data', (b: Buffer) => (out += b.toString()));
      await variant(url, `ticker/date, shadow on, ${RATE} req/s, swapping`, tickerBodies, 'spread');
      await stop(swapper);
      console.log(`hot swaps during that run: ${/swaps=(\d+)/.exec(out)?.[1] ?? '?'}`);
    }
  } finally {
    await stop(child);
  }
}
// Other processes on the machine show up directly in tail latency: say how busy it was.
console.log(`load average (1 min) at the end: ${loadavg()[0]!.toFixed(2)} on ${cpus().length} cores`);
console.log(`variant${' '.repeat(39)} median of ${REPS} runs [p99 of each run]`);
for (const [name, reps] of rows) console.log(`${name.padEnd(46)} ${fmt(reps)}`);

// Single-row latency, same model and row: onnxruntime (the serving path) vs native XGBoost predict.
const booster = await Booster.load(await readFile(join(paths.runsDir, 'bench-1', 'candidate', 'model.json')), [...FEATURE_NAMES]);
const onnx = await OnnxModel.load(v1.onnx.path);
const row = await provider.row({ ticker: TICKERS[0], windowStart, featureNames: [...FEATURE_NAMES] });
const X = { data: row.values, rows: 1, cols: row.values.length, featureNames: [...FEATURE_NAMES] };
const time = async (fn: () => Promise<unknown>, n = 2000) => {
  for (let i = 0; i < 200; i++) await fn();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await fn();
  return ((performance.now() - t0) / n) * 1000;
};
const onnxUs = await time(() => onnx.predictProba(X));
const nativeUs = await time(() => booster.predict(X));
const [po] = await onnx.predictProba(X);
const [pn] = await booster.predict(X);
console.log(
  `single row: onnxruntime ${onnxUs.toFixed(1)} µs, native XGBoost ${nativeUs.toFixed(1)} µs (|Δp| ${Math.abs(po! - pn!).toExponential(1)})`,
);
booster.dispose();
await onnx.dispose();

const pick = (name: string) => summary(rows.find(([n]) => n === name)![1]);
const max = pick('ticker/date, shadow off, max throughput');
const maxShadow = pick('ticker/date, shadow on, max throughput');
const fixed = pick(`ticker/date, shadow off, ${RATE} req/s`);
const fixedShadow = pick(`ticker/date, shadow on, ${RATE} req/s`);
const swap = pick(`ticker/date, shadow on, ${RATE} req/s, swapping`);
const errors = rows.filter(([n]) => !n.includes('swapping')).reduce((t, [, reps]) => t + errorsOf(reps), 0);
console.log(
  `service-side p99 at ${RATE} req/s: ${fixed.serverP99Ms} ms without shadow, ${fixedShadow.serverP99Ms} ms with shadow, ${swap.serverP99Ms} ms while swapping; load average ${loadavg()[0]!.toFixed(2)}`,
);
console.log(
  `RESULT serve rps=${Math.round(max.rps)} p99_ms=${fixed.p99} rps_shadow=${Math.round(maxShadow.rps)} p99_ms_shadow=${fixedShadow.p99} ` +
    `errors=${errors} swap_errors=${swap.errors} single_row_ratio=${(onnxUs / nativeUs).toFixed(2)} ` +
    // The rate the p99 figures were measured at, as delivered (requests completed / time), not as asked.
    `fixed_rps=${Math.round(fixed.rps)} fixed_rps_shadow=${Math.round(fixedShadow.rps)}`,
);
