/**
 * bench/tpe: hyperopt-ts's TPESampler vs Optuna's (run from .venv in the same run) with the same
 * budgets (50 and 100 trials) and 20 seeds, random search as the floor, and ask() latency with
 * 1,000 completed trials. Both use NumPy-compatible MT19937 streams, so with the same seed our
 * sampler follows Optuna's trajectory; the table shows how many trials matched.
 *   npm run bench -- tpe      (SEEDS=20 TRIALS=100 to change)
 */
import { fileURLToPath } from 'node:url';
import { externalParams, RandomSampler, Study, TPESampler, TrialState } from '../../lib/hyperopt';
import { runPython } from '../../test/support/python';
import { FUNCTIONS } from './functions';

const SEEDS = Number(process.env.SEEDS ?? 20);
const TRIALS = Number(process.env.TRIALS ?? 100);
const median = (x: number[]) => {
  const s = [...x].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const here = fileURLToPath(new URL('.', import.meta.url));

console.log(`Optuna reference: ${TRIALS} trials × ${SEEDS} seeds × ${Object.keys(FUNCTIONS).length} functions (takes a few minutes)…`);
const t0 = performance.now();
const ref = JSON.parse(
  runPython(
    `import runpy, sys; sys.argv = ['optuna_ref.py', ${JSON.stringify(here)}]; runpy.run_path(${JSON.stringify(`${here}optuna_ref.py`)}, run_name='__main__')`,
    JSON.stringify({ seeds: SEEDS, trials: TRIALS, askReps: 20 }),
    { timeoutMs: 3_600_000 },
  ),
) as {
  tpe: Record<string, [number, number][]>;
  random: Record<string, [number, number][]>;
  /** Per function and seed, every trial's parameters (to compare trajectories). */
  params: Record<string, Record<string, unknown>[][]>;
  askMs: number;
  version: string;
};
console.log(`  done in ${((performance.now() - t0) / 1000).toFixed(0)} s (optuna ${ref.version})`);

const ours: Record<string, [number, number][]> = {};
/** Per function: trials whose parameters equal Optuna's for the same seed (within 1e-9 relative), and all trials. */
const sameTrials: Record<string, [number, number]> = {};
const close = (a: unknown, b: unknown) =>
  typeof a === 'number' && typeof b === 'number' ? Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)) : a === b;
const oursRandom: Record<string, [number, number][]> = {};
for (const [name, fn] of Object.entries(FUNCTIONS)) {
  for (const [target, make] of [
    [ours, (s: number) => new TPESampler({ seed: s })],
    [oursRandom, (s: number) => new RandomSampler({ seed: s })],
  ] as const) {
    target[name] = [];
    for (let seed = 0; seed < SEEDS; seed++) {
      const study = new Study('minimize', make(seed));
      await study.optimize(fn, { nTrials: TRIALS });
      const values = study.trials.map((t) => t.value ?? Infinity);
      target[name].push([Math.min(...values.slice(0, 50)), Math.min(...values)]);
      if (target === ours) {
        const theirs = ref.params[name]![seed]!;
        const same = study.trials.filter((t, i) => Object.entries(externalParams(t)).every(([k, v]) => close(v, theirs[i]?.[k]))).length;
        const [s0, n0] = sameTrials[name] ?? [0, 0];
        sameTrials[name] = [s0 + same, n0 + study.trials.length];
      }
    }
  }
}

// ask() latency with 1,000 completed trials.
const study = new Study('minimize', new TPESampler({ seed: 0, nStartupTrials: 1000 }));
await study.optimize(FUNCTIONS.branin!, { nTrials: 1000 });
const tpe = new Study('minimize', new TPESampler({ seed: 0 }), undefined, { direction: 'minimize', trials: study.toJSON().trials });
const askTimes: number[] = [];
for (let i = 0; i < 20; i++) {
  const start = performance.now();
  const trial = tpe.ask();
  FUNCTIONS.branin!(trial);
  askTimes.push(performance.now() - start);
  tpe.tell(trial, { state: TrialState.FAIL });
}
const askMs = median(askTimes);

let wins = 0;
let strictWins = 0;
console.log(`\nmedian best over ${SEEDS} seeds (lower is better)`);
console.log(
  `${'function'.padEnd(12)} ${'budget'.padEnd(7)} ${'ours TPE'.padEnd(12)} ${'Optuna TPE'.padEnd(12)} ${'ours random'.padEnd(12)} ${'Optuna random'.padEnd(14)} same trials as Optuna`,
);
for (const name of Object.keys(FUNCTIONS)) {
  for (const [k, budget] of [
    [0, 50],
    [1, TRIALS],
  ] as const) {
    const o = median(ours[name]!.map((r) => r[k]));
    const q = median(ref.tpe[name]!.map((r) => r[k]));
    const [same, all] = sameTrials[name]!;
    const agreement = k === 1 ? `${((100 * same) / all).toFixed(1)}%` : '';
    console.log(
      `${name.padEnd(12)} ${String(budget).padEnd(7)} ${o.toPrecision(6).padEnd(12)} ${q.toPrecision(6).padEnd(12)} ${median(
        oursRandom[name]!.map((r) => r[k]),
      )
        .toPrecision(4)
        .padEnd(12)} ${median(ref.random[name]!.map((r) => r[k]))
        .toPrecision(4)
        .padEnd(14)} ${agreement}`,
    );
  }
  // "At least as good": our median best is not above Optuna's by more than floating-point noise
  // (1e-9 relative): with the same seed both follow the same trajectory, and the objective is
  // evaluated by V8 on one side and CPython/libm on the other, which can differ in the last bits.
  const o = median(ours[name]!.map((r) => r[1]));
  const q = median(ref.tpe[name]!.map((r) => r[1]));
  if (o <= q + 1e-9 * Math.max(1, Math.abs(q))) wins++;
  if (o <= q) strictWins++;
}
console.log(
  `\nat least as good as Optuna (median best at ${TRIALS} trials, within 1e-9 relative): ${wins} of ${Object.keys(FUNCTIONS).length}; without the tolerance: ${strictWins}`,
);
console.log(`\nask() with 1,000 completed trials: ours ${askMs.toFixed(2)} ms, Optuna ${ref.askMs.toFixed(2)} ms`);
console.log(
  `RESULT tpe wins_vs_optuna=${wins} functions=${Object.keys(FUNCTIONS).length} ask_ms_at_1000=${askMs.toFixed(2)} optuna_ask_ms_at_1000=${ref.askMs.toFixed(2)}`,
);
