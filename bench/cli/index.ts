/**
 * CLI start-up: wall time of whole `trainctl` processes, median of 10 runs after one warm-up, for
 * `--help`, `status <runId> --json` of a finished run and `models list`. References measured in the
 * same invocation with the same statistic: the same three commands run from the TypeScript sources
 * through tsx (how bin/trainctl.mjs ran before the compiled build), and the temporal CLI
 * (`temporal --help`, `temporal workflow describe` of the same run).
 *
 * Set-up, not timed: a headless in-memory Temporal dev server on a free port, `trainctl worker`
 * (from the build) and one `trainctl run --dry-run --wait` on 3 synthetic tickers, 3 years, in a
 * temporary TRAINCTL_HOME. The worker is stopped before timing: status of a finished run reads
 * its result from the server (describe + result), so no worker is needed, and none competes for
 * the CPU. `models list` reads that home's registry (one version, in staging after the dry run).
 * Run: npm run bench -- cli [runs]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findTemporalCli, freePort, startDevServer, stopProcess } from '../../client/devServer';
import { buildIfStale, isFresh } from '../../scripts/build.mjs';

const runs = Number(process.argv[2] ?? 10);
const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'bin', 'trainctl.mjs');

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

function exec(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? 1, stdout, stderr, ms: performance.now() - t0 }));
  });
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** One warm-up, then `runs` timed runs; every run must succeed and pass `check`. */
async function measure(label: string, cmd: string, args: string[], env: NodeJS.ProcessEnv, check: (o: Outcome) => void): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i <= runs; i++) {
    const o = await exec(cmd, args, env);
    if (o.code !== 0) throw new Error(`${label}: exit ${o.code}\n${o.stderr}`);
    check(o);
    if (i > 0) times.push(o.ms);
  }
  const m = median(times);
  console.log(
    `${label.padEnd(44)} median ${m.toFixed(0).padStart(5)} ms   min ${Math.min(...times)
      .toFixed(0)
      .padStart(5)}   max ${Math.max(...times)
      .toFixed(0)
      .padStart(5)}`,
  );
  return m;
}

if (await buildIfStale({ log: (m: string) => console.log(`[build] ${m}`) })) console.log('(dist/ was stale and has been rebuilt)');
if (!isFresh()) throw new Error('dist/ is not up to date with the sources after building');

const home = mkdtempSync(join(tmpdir(), 'trainctl-bench-cli-'));
// What bin/trainctl.mjs did before the build: register tsx's loader, import the sources.
const fromSources = join(home, 'trainctl-from-sources.mjs');
writeFileSync(
  fromSources,
  `import { register } from ${JSON.stringify(join(root, 'node_modules/tsx/dist/esm/api/index.mjs'))};\nregister();\nconst { main } = await import(${JSON.stringify(join(root, 'client/cli.ts'))});\nprocess.exitCode = await main(process.argv);\n`,
);
const server = await startDevServer({ port: await freePort(), startTimeoutMs: 90_000 });
const env: NodeJS.ProcessEnv = {
  ...process.env,
  TEMPORAL_ADDRESS: server.address,
  TRAINCTL_TASK_QUEUE: 'bench-cli',
  TRAINCTL_HOME: home,
  NO_COLOR: '1',
};
let runId: string;
try {
  console.log(`set-up: dev server ${server.address}, trainctl worker from dist/, one dry run (not timed)…`);
  const worker = spawn(process.execPath, [bin, 'worker', '--log-level', 'warn'], {
    cwd: root,
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    const t0 = performance.now();
    const run = await exec(
      process.execPath,
      [
        bin,
        'run',
        '--tickers',
        'SYN-A,SYN-B,SYN-C',
        '--period',
        '3y',
        '--as-of',
        '2026-10-30',
        '--dry-run',
        '--wait',
        '--json',
        '--log-level',
        'silent',
      ],
      env,
    );
    const result = JSON.parse(run.stdout) as { runId: string; outcome: string };
    runId = result.runId;
    console.log(`dry run ${runId}: ${result.outcome} in ${((performance.now() - t0) / 1000).toFixed(1)} s (exit ${run.code})\n`);
  } finally {
    await stopProcess(worker);
  }

  const temporal = findTemporalCli();
  const statusOk = (o: Outcome) => {
    const s = JSON.parse(o.stdout) as { runId: string; outcome: string };
    if (s.runId !== runId || !s.outcome) throw new Error(`status printed an unexpected object: ${o.stdout.slice(0, 200)}`);
  };
  const helpOk = (o: Outcome) => {
    if (!o.stdout.includes('Usage: trainctl')) throw new Error('--help printed no usage');
  };
  const listOk = (o: Outcome) => {
    if (!/version\s+stage/.test(o.stdout)) throw new Error(`models list printed no table: ${o.stdout.slice(0, 200)}`);
  };
  const node = process.execPath;
  const src = [fromSources];
  const r = {
    help: await measure('trainctl --help (dist/)', node, [bin, '--help'], env, helpOk),
    status: await measure('trainctl status <runId> --json (dist/)', node, [bin, 'status', runId, '--json'], env, statusOk),
    modelsList: await measure('trainctl models list (dist/)', node, [bin, 'models', 'list'], env, listOk),
    srcHelp: await measure('reference: --help from sources (tsx)', node, [...src, '--help'], env, helpOk),
    srcStatus: await measure('reference: status --json from sources (tsx)', node, [...src, 'status', runId, '--json'], env, statusOk),
    srcModelsList: await measure('reference: models list from sources (tsx)', node, [...src, 'models', 'list'], env, listOk),
    temporalHelp: await measure('reference: temporal --help', temporal, ['--help'], env, () => {}),
    temporalDescribe: await measure(
      'reference: temporal workflow describe',
      temporal,
      ['workflow', 'describe', '--workflow-id', runId, '--address', server.address, '-o', 'json'],
      env,
      () => {},
    ),
  };
  const n = (x: number) => x.toFixed(0);
  console.log(
    `\nRESULT cli help_ms=${n(r.help)} status_ms=${n(r.status)} models_list_ms=${n(r.modelsList)}` +
      ` src_help_ms=${n(r.srcHelp)} src_status_ms=${n(r.srcStatus)} src_models_list_ms=${n(r.srcModelsList)}` +
      ` temporal_help_ms=${n(r.temporalHelp)} temporal_describe_ms=${n(r.temporalDescribe)}`,
  );
} finally {
  await server.stop();
  rmSync(home, { recursive: true, force: true });
}
