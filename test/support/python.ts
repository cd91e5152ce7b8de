import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

/** The project's .venv interpreter, where the pinned reference tools (SciPy, Optuna, TA-Lib …) live. */
export const venvPython = resolve(process.env.TRAINCTL_VENV ?? resolve(projectRoot, '.venv'), 'bin/python');

/**
 * A prelude for reference scripts that use lightgbm or xgboost on numpy arrays: both packages
 * import scikit-learn, pandas and dask at start-up when they are installed (about 1 s of every
 * interpreter start here), for APIs these scripts never call. Marked missing, the import takes
 * about 0.2 s, and Booster, Dataset, DMatrix and train behave the same.
 */
export const WITHOUT_OPTIONAL_IMPORTS =
  "import sys\nfor _m in ('sklearn', 'pandas', 'dask', 'pyarrow', 'matplotlib', 'graphviz'): sys.modules.setdefault(_m, None)\n";

/**
 * Run a Python reference script with the project's .venv and return its stdout.
 * `input` is written to stdin (typically JSON). Throws with Python's stderr on failure.
 */
export function runPython(script: string, input?: string, options: { timeoutMs?: number } = {}): string {
  if (!existsSync(venvPython)) {
    throw new Error(`${venvPython} is missing: run \`npm test\` (or \`node scripts/setup.mjs --test\`) to create it`);
  }
  const result = spawnSync(venvPython, ['-c', script], {
    input,
    encoding: 'utf8',
    maxBuffer: 512 * 1024 * 1024,
    timeout: options.timeoutMs ?? 120_000,
  });
  if (result.status !== 0) {
    throw new Error(`python reference failed (exit ${result.status}): ${result.stderr || result.error?.message}`);
  }
  return result.stdout;
}

export function runPythonJson<T>(script: string, input?: unknown): T {
  return JSON.parse(runPython(script, input === undefined ? undefined : JSON.stringify(input))) as T;
}
