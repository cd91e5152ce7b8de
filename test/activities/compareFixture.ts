import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { ActivityDeps } from '../../activities/deps';
import { publish } from '../../activities/storeFiles';
import { resolvePaths } from '../../lib/config/paths';
import { comparisonFixture } from '../lib/validation/comparisonFixture';

/** A project directory of its own with the compare stage's input files in it (the fixture's refs made real). */
export async function compareInputs(o: Parameters<typeof comparisonFixture>[0] & { env?: ActivityDeps['env']; fetch?: typeof fetch }) {
  const root = mkdtempSync(join(tmpdir(), 'compare-'));
  const deps: ActivityDeps = {
    paths: resolvePaths({}, root),
    logger: pino({ level: 'silent' }),
    env: o.env ?? {},
    now: () => new Date('2026-10-30T22:00:00Z'),
    fetch: o.fetch ?? fetch,
  };
  const f = comparisonFixture(o);
  const dir = join(deps.paths.runsDir, 'compare-fixture', 'candidate');
  mkdirSync(dir, { recursive: true });
  const file = async (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return publish(deps, join(dir, name));
  };
  const candidate = {
    ...f.candidate,
    model: await file('model.json', '{"learner":"fixture"}'),
    onnx: await file('model.onnx', 'onnx-bytes'),
    profile: await file('reference_profile.json', '{"positiveRate":0.5}'),
  };
  const backtest = { ...f.backtest, result: await file('backtest.json', JSON.stringify(f.detail)) };
  return { deps, ...f, candidate, backtest };
}
