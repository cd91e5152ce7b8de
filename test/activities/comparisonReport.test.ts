import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DRY_RUN_VERSION, writeComparisonFiles } from '../../activities/comparisonReport';
import { registerComparedCandidate } from '../../activities/registerCandidate';
import { registryFor } from '../../activities/registry';
import { modelLinePaths } from '../../lib/config/paths';
import { compareSettings } from '../../lib/config/stageSettings';
import { decideComparison } from '../../lib/validation';
import { compareInputs } from './compareFixture';

async function inputs() {
  const f = await compareInputs({ skill: 0.4 });
  const v = decideComparison({
    detail: f.detail,
    candidate: f.backtest.candidate.metrics,
    production: null,
    paramsSource: 'default',
    settings: f.config,
  });
  const content = (version: string) => ({
    version,
    pipelineId: 'report-1',
    generatedAt: '2026-10-30T22:00:00.000Z',
    settings: f.config,
    data: f.data,
    candidate: f.candidate,
    backtest: f.backtest,
    detail: f.detail,
    decision: v.decision,
    evidence: v.evidence,
  });
  return { f, v, content };
}

describe('the comparison report files', () => {
  it('a dry run writes under reports/<model>/dry-run/<pipelineId>/ and publishes, attaching nothing', async () => {
    const { f, content } = await inputs();
    const r = await writeComparisonFiles(f.deps, { modelName: f.config.modelName, dryRun: true, content: content(DRY_RUN_VERSION) });
    const dir = join(modelLinePaths(f.deps.paths, f.config.modelName).reportsDir, DRY_RUN_VERSION, 'report-1');
    expect(r.paths.markdown).toBe(join(dir, 'model_comparison.md'));
    for (const p of [r.paths.markdown, r.paths.html, r.paths.json]) expect(existsSync(p), p).toBe(true);
    expect(r.refs.json.uri).toBe(`file://${join(dir, 'model_comparison.json')}`);
    expect(await (await registryFor(f.deps, f.config.modelName)).list()).toEqual([]);
  });

  it('a registered version gets its report under reports/<model>/<version>/ and in its registry folder; a retry writes the same bytes', async () => {
    const { f, v, content } = await inputs();
    const version = await registerComparedCandidate(f.deps, {
      pipelineId: 'report-1',
      settings: compareSettings(f.config),
      trainingConfig: f.config,
      data: f.data,
      features: f.features,
      candidate: f.candidate,
      backtest: f.backtest,
      decision: v.decision,
      evidenceSummary: v.evidenceSummary,
    });
    const first = await writeComparisonFiles(f.deps, { modelName: f.config.modelName, dryRun: false, content: content(version) });
    expect(first.paths.html).toBe(join(modelLinePaths(f.deps.paths, f.config.modelName).reportsDir, version, 'model_comparison.html'));
    const files = (await (await registryFor(f.deps, f.config.modelName)).get(version)).files;
    expect(Object.keys(files)).toEqual(expect.arrayContaining(['model_comparison.md', 'model_comparison.html', 'model_comparison.json']));
    const again = await writeComparisonFiles(f.deps, { modelName: f.config.modelName, dryRun: false, content: content(version) });
    expect(again.refs.json.sha256).toBe(first.refs.json.sha256);
  });
});
