import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { trackComparison } from '../../activities/trackComparison';
import { decideComparison } from '../../lib/validation';
import { compareInputs } from './compareFixture';

async function tracked(env: Record<string, string>, fetchImpl?: typeof fetch) {
  const f = await compareInputs({ skill: 0.4, env, ...(fetchImpl ? { fetch: fetchImpl } : {}) });
  const warnings: string[] = [];
  f.deps.logger = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(line) });
  const v = decideComparison({
    detail: f.detail,
    candidate: f.backtest.candidate.metrics,
    production: null,
    paramsSource: 'default',
    settings: f.config,
  });
  const report = {
    markdown: '/nowhere/model_comparison.md',
    html: '/nowhere/model_comparison.html',
    json: '/nowhere/model_comparison.json',
  };
  const result = await trackComparison(f.deps, {
    pipelineId: 'track-1',
    version: 'v1.0.0',
    decision: v.decision.decision,
    settings: f.config,
    data: f.data,
    features: f.features,
    candidate: f.candidate,
    backtest: f.backtest,
    evidence: v.evidence,
    reportPaths: report,
  });
  return { f, result, warnings, schema: join(f.deps.paths.runsDir, 'track-1', 'candidate', 'feature_schema.json') };
}

describe('MLflow tracking of a compared candidate', () => {
  it('does nothing without MLFLOW_TRACKING_URI', async () => {
    const { result, schema } = await tracked({});
    expect(result).toBeUndefined();
    expect(existsSync(schema)).toBe(false);
  });

  it('a server that cannot be reached is reported and logged, never thrown', async () => {
    const calls: string[] = [];
    const refused = (async (url: string | URL | Request) => {
      calls.push(url instanceof Request ? url.url : url.toString());
      throw new Error('connect ECONNREFUSED 127.0.0.1:9');
    }) as typeof fetch;
    const { f, result, warnings, schema } = await tracked({ MLFLOW_TRACKING_URI: 'http://127.0.0.1:9' }, refused);
    expect(result).toMatchObject({ ok: false });
    expect(result!.error).toContain('ECONNREFUSED');
    expect(calls.length).toBeGreaterThan(0);
    expect(warnings.join('')).toContain('MLflow tracking failed; the run continues with the local registry');
    expect(JSON.parse(readFileSync(schema, 'utf8'))).toEqual({ names: f.features.featureNames, schemaHash: f.features.schemaHash });
  });
});
