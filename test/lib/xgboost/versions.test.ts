import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { exportToOnnx, OnnxModel } from '../../../lib/onnx';
import { makeDataset } from './fixtures';

/**
 * The binding and the ONNX converter against both library generations: Debian's libxgboost0
 * (1.7, JSON with "5E-1" base scores) and the pinned 3.x wheel ("[5E-1]"). Each runs in its own
 * process because one process loads one libxgboost.
 */
const DEBIAN = '/usr/lib/x86_64-linux-gnu/libxgboost.so.0';
const child = fileURLToPath(new URL('./support/trainWithLibrary.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'xgb-versions-'));

function trainWith(library: string | undefined, modelType: string) {
  const env = { ...process.env };
  if (library) env.XGBOOST_LIBRARY_PATH = library;
  else delete env.XGBOOST_LIBRARY_PATH;
  const r = spawnSync(process.execPath, ['--import', 'tsx', child, modelType], { env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as { version: string; model: string; predictions: number[] };
}

const libraries: [string, string | undefined, boolean][] = [
  ['3.x wheel (.venv)', undefined, true],
  ['1.7 Debian libxgboost0', DEBIAN, existsSync(DEBIAN)],
];

describe.each(libraries)('libxgboost %s', (name, library, available) => {
  it.skipIf(!available).each(['xgb', 'rf', 'linear'])('trains %s and its ONNX export matches to 1e-6', async (modelType) => {
    const out = trainWith(library, modelType);
    expect(out.version.startsWith(library ? '1.' : '3.')).toBe(true);
    const ds = makeDataset({ rows: 1500, cols: 7, seed: 21, nanRate: 0.08 });
    const path = join(dir, `${name.replace(/\W/g, '')}-${modelType}.onnx`);
    writeFileSync(path, exportToOnnx(out.model, { featureNames: ds.X.featureNames }));
    const onnx = await OnnxModel.load(path);
    const scored = await onnx.predictProba(ds.X);
    await onnx.dispose();
    let max = 0;
    out.predictions.forEach((p, i) => (max = Math.max(max, Math.abs(p - scored[i]!))));
    expect(max).toBeLessThanOrEqual(1e-6);
  });
});
