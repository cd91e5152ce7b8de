/**
 * CLI start-up: wall time of whole `trainctl` processes (spawn to exit), median of 10 runs after
 * one warm-up, for `--help`, `status <id> --json` of a finished run and `models list`. References,
 * measured in the same invocation with the same statistic: the same three commands run from the
 * TypeScript sources through tsx (what bin/trainctl.mjs did before the compiled build), and the
 * temporal CLI (`temporal --help`, `temporal workflow describe` of the same run).
 *
 * Set-up, not timed: a copy of the tree (sources, bin, scripts; node_modules and .venv linked) is
 * built and measured, so edits made meanwhile cannot turn the build stale mid-run (bin/trainctl.mjs
 * would then fall back to the sources, correctly but slowly). Then a headless in-memory Temporal
 * dev server on a free port, `trainctl worker` from the build, and one `trainctl run --dry-run
 * --wait` on 3 synthetic tickers × 3 years in a temporary TRAINCTL_HOME (started right after the
 * worker, as a person would: `run --wait` gives a worker that is still starting 15 s to poll,
 * client/taskQueue.ts waitForWorker). The worker is stopped
 * before timing: a finished run's status is read from the server (describe + result), so no worker
 * is needed and none competes for the CPU. `models list` reads that home's registry.
 * Run: npm run bench -- cli [runs]
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findTemporalCli, startDevServerOnFreePorts, stopProcess } from '../../client/devServer';

const runs = Number(process.argv[2] ?? 10);
const LIMIT_MS = 150;
const source = fileURLToPath(new URL('../..', import.meta.url));

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

function exec(cmd: string, args: string[], o: { cwd: string; env: NodeJS.ProcessEnv }): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { ...o, stdio: ['ignore', 'pipe', 'pipe'] });
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

const work = mkdtempSync(join(tmpdir(), 'trainctl-bench-cli-'));
const root = join(work, 'tree');
const home = join(work, 'home');
for (const entry of ['package.json', 'tsconfig.json', 'bin', 'scripts', 'client', 'lib', 'workflows', 'activities', 'workers']) {
  cpSync(join(source, entry), join(root, entry), { recursive: true, filter: (p) => basename(p) !== 'dist' });
}
for (const linked of ['node_modules', '.venv']) symlinkSync(join(source, linked), join(root, linked));
const { build, isFresh } = (await import(join(root, 'scripts', 'build.mjs'))) as typeof import('../../scripts/build.mjs');
await build({ log: (m: string) => console.log(`[build] ${m} (a copy of the tree in ${root})`) });
if (!isFresh()) throw new Error('the copy of the tree is not fresh right after its build');

const bin = join(root, 'bin', 'trainctl.mjs');
// What bin/trainctl.mjs did before the build: register tsx's loader, import the sources.
const fromSources = join(work, 'trainctl-from-sources.mjs');
const tsxApi = join(root, 'node_modules', 'tsx', 'dist', 'esm', 'api', 'index.mjs');
writeFileSync(
  fromSources,
  `import { register } from ${JSON.stringify(tsxApi)};\nregister();\n` +
    `const { main } = await import(${JSON.stringify(join(root, 'client', 'cli.ts'))});\nprocess.exitCode = await main(process.argv);\n`,
);

/** One warm-up, then `runs` timed runs; every run must succeed and pass `check`. */
async function measure(label: string, cmd: string, args: string[], env: NodeJS.ProcessEnv, check: (o: Outcome) => void): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i <= runs; i++) {
    const o = await exec(cmd, args, { cwd: root, env });
    if (o.code !== 0) throw new Error(`${label}: exit ${o.code}\n${o.stderr}`);
    check(o);
    if (i > 0) times.push(o.ms);
  }
  const m = median(times);
  const f = (x: number) => x.toFixed(0).padStart(5);
  console.log(`${label.padEnd(46)} median ${f(m)} ms   min ${f(Math.min(...times))}   max ${f(Math.max(...times))}`);
  return m;
}

const server = await startDevServerOnFreePorts({ startTimeoutMs: 90_000 });
const env: NodeJS.ProcessEnv = {
  ...process.env,
  TEMPORAL_ADDRESS: server.address,
  TRAINCTL_TASK_QUEUE: 'bench-cli',
  TRAINCTL_HOME: home,
  NO_COLOR: '1',
};
try {
  console.log(`set-up: dev server ${server.address}, trainctl worker from the build, one dry run (not timed)…`);
  const worker = spawn(process.execPath, [bin, 'worker', '--log-level', 'warn'], {
    cwd: root,
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  let run: { pipelineId: string; workflowId?: string; uiLink: string; outcome: string };
  try {
    const t0 = performance.now();
    const dry = ['run', '--tickers', 'SYN-A,SYN-B,SYN-C', '--period', '3y', '--as-of', '2026-10-30', '--dry-run', '--wait', '--json'];
    const o = await exec(process.execPath, [bin, ...dry, '--log-level', 'silent'], { cwd: root, env });
    if (o.code !== 0 && !o.stdout) throw new Error(`the dry run failed: exit ${o.code}\n${o.stderr}`);
    run = JSON.parse(o.stdout) as typeof run;
    console.log(`dry run ${run.pipelineId}: ${run.outcome} in ${((performance.now() - t0) / 1000).toFixed(1)} s (exit ${o.code})\n`);
  } finally {
    await stopProcess(worker);
  }
  // `status` takes the workflow ID: the last part of the run's Web UI link.
  const workflowId = run.workflowId ?? decodeURIComponent(run.uiLink.split('/').pop()!);

  const statusOk = (o: Outcome) => {
    const s = JSON.parse(o.stdout) as { pipelineId: string; outcome: string };
    if (s.pipelineId !== run.pipelineId || s.outcome !== run.outcome)
      throw new Error(`status printed another run: ${o.stdout.slice(0, 200)}`);
  };
  const helpOk = (o: Outcome) => {
    if (!o.stdout.includes('Usage: trainctl')) throw new Error('--help printed no usage');
  };
  const listOk = (o: Outcome) => {
    if (!/version|No versions/.test(o.stdout))
      throw new Error(`models list printed neither a table nor "no versions": ${o.stdout.slice(0, 200)}`);
  };
  const node = process.execPath;
  const temporal = findTemporalCli();
  const r = {
    help: await measure('trainctl --help (build)', node, [bin, '--help'], env, helpOk),
    status: await measure('trainctl status <id> --json (build)', node, [bin, 'status', workflowId, '--json'], env, statusOk),
    modelsList: await measure('trainctl models list (build)', node, [bin, 'models', 'list'], env, listOk),
    srcHelp: await measure('reference: --help from the sources (tsx)', node, [fromSources, '--help'], env, helpOk),
    srcStatus: await measure(
      'reference: status --json from the sources (tsx)',
      node,
      [fromSources, 'status', workflowId, '--json'],
      env,
      statusOk,
    ),
    srcModelsList: await measure('reference: models list from the sources (tsx)', node, [fromSources, 'models', 'list'], env, listOk),
    temporalHelp: await measure('reference: temporal --help', temporal, ['--help'], env, () => {}),
    temporalDescribe: await measure(
      'reference: temporal workflow describe',
      temporal,
      ['workflow', 'describe', '--workflow-id', workflowId, '--address', server.address, '-o', 'json'],
      env,
      () => {},
    ),
  };
  const n = (x: number) => x.toFixed(0);
  // Other processes on the machine inflate every figure alike; the load average says how much.
  console.log(
    `\nload average (1/5/15 min): ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' / ')} on ${availableParallelism()} cores`,
  );
  // Issue 25's bound for the three everyday commands: the median of 10 at most 150 ms each.
  const within = (x: number) => (x <= LIMIT_MS ? 'ok' : 'OVER');
  console.log(`target ≤ ${LIMIT_MS} ms: --help ${within(r.help)}, status ${within(r.status)}, models list ${within(r.modelsList)}`);
  console.log(
    `RESULT cli help_ms=${n(r.help)} status_ms=${n(r.status)} models_list_ms=${n(r.modelsList)}` +
      ` src_help_ms=${n(r.srcHelp)} src_status_ms=${n(r.srcStatus)} src_models_list_ms=${n(r.srcModelsList)}` +
      ` temporal_help_ms=${n(r.temporalHelp)} temporal_describe_ms=${n(r.temporalDescribe)}`,
  );
} finally {
  await server.stop();
  rmSync(work, { recursive: true, force: true });
}
