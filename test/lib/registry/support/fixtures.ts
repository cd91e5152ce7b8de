import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RegisterInput } from '../../../../lib/registry';

export async function tempRoot(prefix = 'registry-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** Small stand-ins for a trained model: the registry only copies and hashes them. */
export async function candidate(
  dir: string,
  runId: string,
  options: { schemaHash?: string; label?: unknown; manual?: boolean; accuracy?: number; extra?: Record<string, string> } = {},
): Promise<RegisterInput> {
  const artifacts = join(dir, 'artifacts', runId);
  await mkdir(artifacts, { recursive: true });
  await writeFile(join(artifacts, 'model.json'), JSON.stringify({ learner: { runId } }));
  await writeFile(join(artifacts, 'model.onnx'), Buffer.from(`onnx-bytes-${runId}`));
  const extra: Record<string, string> = {};
  for (const [name, content] of Object.entries(options.extra ?? {})) {
    extra[name] = join(artifacts, name);
    await writeFile(extra[name], content);
  }
  return {
    runId,
    artifacts: { modelJson: join(artifacts, 'model.json'), onnx: join(artifacts, 'model.onnx'), extra },
    metadata: {
      modelType: 'xgb',
      params: { maxDepth: 4, learningRate: 0.1 },
      featureSchema: { names: ['ret_1d', 'rsi_14'] },
      dataSource: { source: 'synthetic', window: { start: '2015-01-01', end: '2024-12-31' }, tickers: ['SYN-A'] },
      rawDataHash: 'raw-hash',
      featureSetHash: 'feature-hash',
      metrics: { accuracy: options.accuracy ?? 0.61, f1: 0.58 },
      codeVersion: 'test',
    },
    schemaHash: options.schemaHash ?? 'schema-1',
    labelDefinition: options.label ?? { horizon: 5, threshold: 0 },
    manual: options.manual,
  };
}
