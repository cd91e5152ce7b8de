import type { ModelRegistry } from '../../../../lib/registry';
import { candidate } from './fixtures';

/** A clock that advances one minute per call, so a replay writes the same timestamps. */
export function steppingClock(start = Date.parse('2026-01-05T09:00:00Z')): () => Date {
  let n = 0;
  return () => new Date(start + 60_000 * n++);
}

/**
 * Every kind of change, in an order that exercises every stage and audit action. The fixture
 * test/lib/registry/fixtures/registry-v0/ is what the registry wrote for this scenario before it
 * moved onto lib/store (files as they were on disk); replaying it now must give the same bytes.
 */
export async function replayScenario(registry: ModelRegistry, artifactsDir: string): Promise<void> {
  await registry.registerCandidate(await candidate(artifactsDir, 'r1', { extra: { 'notes.txt': 'first model' } }));
  await registry.promote({ version: 'v1.0.0', by: 'alice', reason: 'first', runId: 'r1' });
  await registry.registerCandidate(await candidate(artifactsDir, 'r2', { accuracy: 0.63 }));
  const report = `${artifactsDir}/comparison-r2.md`;
  const { writeFile } = await import('node:fs/promises');
  await writeFile(report, '# v1.1.0 vs v1.0.0\n');
  await registry.attachFiles('v1.1.0', { 'comparison.md': report });
  await registry.promote({ version: 'v1.1.0', by: 'bob', reason: 'better', runId: 'r2' });
  await registry.registerCandidate(await candidate(artifactsDir, 'r3', { manual: true }));
  await registry.reject({ version: 'v1.1.1', by: 'carol', reason: 'not needed', runId: 'r3' });
  await registry.rollback({ to: 'previous', by: 'ops', reason: 'drift', runId: 'rb-1' });
  await registry.registerCandidate(await candidate(artifactsDir, 'r4'));
  await registry.registerCandidate(await candidate(artifactsDir, 'r5', { schemaHash: 'schema-2' }));
  await registry.prune({ keep: 1 });
}
