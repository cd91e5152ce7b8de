import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  decideReplacement,
  loadBestParams,
  parseBestParams,
  SEARCH_OBJECTIVE,
  writeBestParams,
  type BestParamsFile,
} from '../../../lib/hpo';
import { ConfigError } from '../../../lib/util/errors';

const window = { start: '2021-01-04', end: '2026-10-30' };
const file = (value: number, over: Partial<BestParamsFile> = {}): BestParamsFile => ({
  params: { nEstimators: 200, maxDepth: 4, learningRate: 0.05 },
  value,
  metric: SEARCH_OBJECTIVE,
  trialNumber: 7,
  studyName: 'direction-classifier-hpo-1',
  dataWindow: window,
  engine: 'xgboost',
  runId: 'hpo-1',
  ...over,
});

describe('best_hyperparameters.json: schema', () => {
  it('reads a search file into the engine hyperparameters over the defaults', () => {
    const r = parseBestParams({ text: JSON.stringify(file(0.68)), file: 'best.json', modelType: 'xgb' });
    expect(r.params).toMatchObject({ nEstimators: 200, maxDepth: 4, learningRate: 0.05, subsample: 1 });
  });

  it.each([
    ['not JSON', '{"params": ', /best\.json: not valid JSON/],
    ['no params', JSON.stringify({ value: 0.7, metric: SEARCH_OBJECTIVE }), /best\.json: params: /],
    ['a misspelt name', JSON.stringify(file(0.7, { params: { max_dept: 4 } })), /parameter "max_dept" is not a xgboost hyperparameter/],
    [
      'a LightGBM file',
      JSON.stringify(file(0.7, { engine: undefined, params: { numLeaves: 31 } })),
      /"numLeaves" is not a xgboost hyperparameter \(it is lightgbm's: a file of another engine\)/,
    ],
    ['a string value', JSON.stringify(file(0.7, { params: { maxDepth: '4' } })), /parameter "maxDepth" = "4": expected a number/],
    ['a fractional depth', JSON.stringify(file(0.7, { params: { maxDepth: 4.5 } })), /parameter "maxDepth" = 4.5: expected a whole number/],
    [
      'an engine tag of another engine',
      JSON.stringify(file(0.7, { engine: 'lightgbm' })),
      /written by a lightgbm search, but --model-type xgb trains with xgboost/,
    ],
  ])('%s is a one-line ConfigError naming the problem', (_what, text, message) => {
    let err: unknown;
    try {
      parseBestParams({ text, file: 'best.json', modelType: 'xgb' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).not.toContain('\n');
  });

  it('no file: undefined (the run trains with the defaults)', () => {
    expect(loadBestParams({ path: join(tmpdir(), 'does-not-exist', 'best.json'), modelType: 'lgb' })).toBeUndefined();
  });
});

describe('best_hyperparameters.json: replaced only by a better search on the same objective and window', () => {
  it('decides by score on the same window; replaces when the window or objective differs', () => {
    expect(decideReplacement(undefined, file(0.69)).replaced).toBe(true);
    expect(decideReplacement(file(0.68), file(0.67))).toMatchObject({ replaced: true });
    const kept = decideReplacement(file(0.68), file(0.685, { trialNumber: 3, studyName: 's2' }));
    expect(kept.replaced).toBe(false);
    expect(kept.reason).toBe(
      `kept the previous best 0.6800 (${SEARCH_OBJECTIVE}, trial 7 of direction-classifier-hpo-1): this search's best 0.6850 (${SEARCH_OBJECTIVE}, trial 3 of s2) is not better on the same objective and data window`,
    );
    expect(decideReplacement(file(0.68), file(0.68)).replaced).toBe(false);
    const moved = decideReplacement(file(0.6), file(0.69, { dataWindow: { start: '2021-01-11', end: '2026-11-06' } }));
    expect(moved).toMatchObject({ replaced: true });
    expect(moved.reason).toContain('was scored on another data window (2021-01-04..2026-10-30)');
  });

  it('keeps the replaced file in the history with its score, and leaves a better one alone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'best-'));
    const path = join(dir, 'best_hyperparameters.json');
    const historyPath = join(dir, 'best_hyperparameters.history.jsonl');
    const now = new Date('2026-11-26T12:00:00Z');
    expect((await writeBestParams({ path, historyPath, next: file(0.69, { runId: 'a' }), now })).replaced).toBe(true);
    expect(existsSync(historyPath)).toBe(false);
    expect((await writeBestParams({ path, historyPath, next: file(0.67, { runId: 'b' }), now })).replaced).toBe(true);
    const kept = await writeBestParams({ path, historyPath, next: file(0.7, { runId: 'c' }), now });
    expect(kept.replaced).toBe(false);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ value: 0.67, runId: 'b', writtenAt: now.toISOString() });
    const history = readFileSync(historyPath, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(history).toEqual([expect.objectContaining({ value: 0.69, runId: 'a', replacedBy: 'b', replacedAt: now.toISOString() })]);
  });

  it('a retried write of the same search result answers as the first time and writes nothing more', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'best-'));
    const path = join(dir, 'best_hyperparameters.json');
    const historyPath = join(dir, 'history.jsonl');
    const now = new Date('2026-11-26T12:00:00Z');
    await writeBestParams({ path, historyPath, next: file(0.69, { runId: 'a' }), now });
    const first = await writeBestParams({ path, historyPath, next: file(0.67, { runId: 'b' }), now });
    const bytes = readFileSync(path, 'utf8');
    const history = readFileSync(historyPath, 'utf8');
    const retry = await writeBestParams({ path, historyPath, next: file(0.67, { runId: 'b' }), now: new Date('2026-11-26T12:05:00Z') });
    expect(retry).toEqual(first);
    expect(first.reason).toMatch(/^replaced: /);
    expect(readFileSync(path, 'utf8')).toBe(bytes);
    expect(readFileSync(historyPath, 'utf8')).toBe(history);
  });

  it('an unreadable old file is replaced and its text kept', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'best-'));
    const path = join(dir, 'best_hyperparameters.json');
    const historyPath = join(dir, 'history.jsonl');
    writeFileSync(path, 'not json');
    const d = await writeBestParams({ path, historyPath, next: file(0.7), now: new Date() });
    expect(d.replaced).toBe(true);
    expect(JSON.parse(readFileSync(historyPath, 'utf8'))).toMatchObject({ raw: 'not json' });
  });
});
