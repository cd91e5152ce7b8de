import { existsSync } from 'node:fs';
import { mkdir, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../lib/config/load';
import { resolvePaths, type Paths } from '../../../lib/config/paths';
import { openModelLine } from '../../../lib/registry';
import { ConfigError } from '../../../lib/util';
import { DEFAULT_SCRATCH_RETENTION, modelOfRun, pruneRunScratch, scratchRetentionFromEnv, startScratchSweep } from '../../../lib/runs';
import { candidate, tempRoot } from '../registry/support/fixtures';

const NOW = new Date('2026-06-01T12:00:00Z');
const DAY = 86_400_000;
let dir: string;
let paths: Paths;

beforeEach(async () => {
  dir = await tempRoot('runs-retention-');
  paths = resolvePaths({}, dir);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const id = (model: string, n: number) => `train-${model}-${n.toString(16).padStart(12, '0')}`;

/** A run's scratch as trainModel and backtestModel write it, every file and folder dated `daysAgo`. */
async function scratch(pipelineId: string, daysAgo: number, bytes = 1000): Promise<string> {
  const run = join(paths.runsDir, pipelineId);
  const cand = join(run, 'candidate');
  await mkdir(cand, { recursive: true });
  await writeFile(join(cand, 'model.json'), Buffer.alloc(bytes, 1));
  await writeFile(join(cand, 'model.onnx'), Buffer.alloc(100, 2));
  await writeFile(join(run, 'backtest.json'), '{}');
  const t = new Date(NOW.getTime() - daysAgo * DAY);
  for (const p of [join(cand, 'model.json'), join(cand, 'model.onnx'), join(run, 'backtest.json'), cand, run]) await utimes(p, t, t);
  return run;
}

const left = async () => (await readdir(paths.runsDir)).sort();
const policy = (p: Partial<typeof DEFAULT_SCRATCH_RETENTION> = {}) => ({ ...DEFAULT_SCRATCH_RETENTION, ...p });

describe('run scratch retention', () => {
  it('removes old and surplus runs, never an open run, a production or staging run, or a fresh one', async () => {
    const line = await openModelLine({ modelsDir: paths.modelsDir, modelName: 'alpha', legacyModelName: 'direction-classifier' });
    const prod = id('alpha', 1);
    const superseded = id('alpha', 2);
    const staging = id('alpha', 3);
    const { version } = await line.registerCandidate(await candidate(dir, prod));
    await line.promote({ version, by: 't', reason: 't', runId: 'p' });
    await line.registerCandidate(await candidate(dir, superseded));
    await line.registerCandidate(await candidate(dir, staging));
    for (const r of [prod, superseded, staging]) await scratch(r, 40);
    const open = id('alpha', 10);
    await scratch(open, 60);
    // beta: twelve runs one day apart, none registered, plus one written minutes ago.
    for (let n = 1; n <= 12; n++) await scratch(id('beta', n), n);
    const fresh = id('beta', 99);
    await scratch(fresh, 0.01);

    const result = await pruneRunScratch({ paths, policy: policy({ keep: 10, maxAgeDays: 30, maxSizeMb: 0 }), openRuns: [open], now: NOW });

    // beta keeps its 10 newest (the fresh run counts among them), the 11th and 12th go.
    expect(result.removed.sort()).toEqual([superseded, id('beta', 10), id('beta', 11), id('beta', 12)].sort());
    const reasons = Object.fromEntries(result.decisions.map((d) => [d.run.pipelineId, d.reason]));
    expect(reasons[prod]).toBe('live-version');
    expect(reasons[staging]).toBe('live-version');
    expect(reasons[open]).toBe('open');
    expect(reasons[fresh]).toBe('recent');
    expect(reasons[superseded]).toBe('max-age');
    expect(reasons[id('beta', 12)]).toBe('keep');
    expect(await left()).toEqual([prod, staging, open, fresh, ...Array.from({ length: 9 }, (_, i) => id('beta', i + 1))].sort());
    // The registry keeps its own copies: the superseded version is still complete.
    expect((await line.verify()).ok).toBe(true);
    expect(result.freedBytes).toBe(4 * 1102);
  });

  it('removes the oldest runs first until the folder is under the size cap', async () => {
    for (let n = 1; n <= 5; n++) await scratch(id('gamma', n), n, 400 * 1024);
    const result = await pruneRunScratch({
      paths,
      policy: policy({ keep: 0, maxAgeDays: 0, maxSizeMb: 1 }),
      openRuns: [id('gamma', 5)],
      now: NOW,
    });
    // 5 × ~400 KB; the open (oldest) run stays, so the next oldest go until ≤ 1 MiB is left.
    expect(result.removed.sort()).toEqual([id('gamma', 2), id('gamma', 3), id('gamma', 4)]);
    expect(result.keptBytes).toBeLessThanOrEqual(1024 * 1024);
    expect(await left()).toEqual([id('gamma', 1), id('gamma', 5)]);
  });

  it('decides without removing in a dry run, and leaves anything outside the runs folder alone', async () => {
    await scratch(id('delta', 1), 100);
    await writeFile(join(paths.runsDir, 'stray-file'), 'x');
    const result = await pruneRunScratch({ paths, policy: policy(), openRuns: [], now: NOW, dryRun: true });
    expect(result.removed).toEqual([id('delta', 1)]);
    expect(await left()).toEqual(['stray-file', id('delta', 1)]);
  });

  it('tells model lines apart from the pipeline ID, including --allow-concurrent IDs', () => {
    const none = new Map<string, string>();
    expect(modelOfRun('train-spy-direction-0123456789ab', none)).toBe('spy-direction');
    expect(modelOfRun('train-spy-direction-20260601-120000-a1b2-0123456789ab', none)).toBe('spy-direction');
    expect(modelOfRun('something-else', none)).toBeNull();
    expect(modelOfRun('something-else', new Map([['something-else', 'alpha']]))).toBe('alpha');
  });

  it('reads the policy from the environment, 0 turning a rule off', () => {
    expect(scratchRetentionFromEnv({})).toEqual(DEFAULT_SCRATCH_RETENTION);
    expect(scratchRetentionFromEnv({ TRAINCTL_RUNS_KEEP: '3', TRAINCTL_RUNS_MAX_SIZE_MB: '0' })).toEqual({
      ...DEFAULT_SCRATCH_RETENTION,
      keep: 3,
      maxSizeMb: 0,
    });
    expect(() => scratchRetentionFromEnv({ TRAINCTL_RUNS_MAX_AGE_DAYS: '-1' })).toThrow(ConfigError);
  });

  it("takes the policy from the config file's runs section, under the environment", async () => {
    await writeFile(join(dir, 'trainctl.config.json'), JSON.stringify({ runs: { keep: 3, maxSizeMb: 500 } }));
    const env = { ...loadConfig({ cwd: dir, env: {} }).serviceEnv, TRAINCTL_RUNS_MAX_SIZE_MB: '100' };
    expect(scratchRetentionFromEnv(env)).toEqual({ ...DEFAULT_SCRATCH_RETENTION, keep: 3, maxSizeMb: 100 });
  });

  it('sweeps in the background, and skips a sweep when the open runs are unknown', async () => {
    const old = await scratch(id('eps', 1), 100);
    const logged: string[] = [];
    const logger = { info: (_: object, m: string) => logged.push(m), warn: (_: object, m: string) => logged.push(m) };
    const blind = startScratchSweep({ paths, env: {}, logger, now: () => NOW, openRuns: () => Promise.reject(new Error('server down')) });
    expect(await blind.sweep()).toBeNull();
    await blind.stop();
    expect(existsSync(old)).toBe(true);
    expect(logged).toContain('run scratch sweep skipped: open runs unknown');

    const sweep = startScratchSweep({ paths, env: {}, logger, now: () => NOW, openRuns: async () => [] });
    const result = await sweep.sweep();
    await sweep.stop();
    expect(result?.removed).toEqual([id('eps', 1)]);
    expect(existsSync(old)).toBe(false);
  });
});
