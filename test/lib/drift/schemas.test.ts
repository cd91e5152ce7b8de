import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readDriftHistory } from '../../../lib/drift';
import { referenceProfileSchema } from '../../../lib/drift/schemas';
import { ConfigError, ModelError } from '../../../lib/util/errors';
import { readJsonFile } from '../../../lib/util/jsonFile';

describe('drift files are read through their schemas', () => {
  it('a drift history line that is not a check is one error naming the file, the line and the field', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'drift-history-')), 'drift_history.jsonl');
    const good = {
      at: '2026-11-20T06:00:00Z',
      runId: 'drift-a',
      productionVersion: 'v1.0.0',
      status: 'ok',
      rows: 100,
      window: null,
      predictionPsi: 0.01,
      psi: { rsi_14: 0.02 },
    };
    writeFileSync(path, `${JSON.stringify(good)}\n${JSON.stringify({ ...good, status: 3 })}\n`);
    const err = await readDriftHistory(path).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/drift_history\.jsonl: line 2: status: /);
    writeFileSync(path, `${JSON.stringify(good)}\n`);
    expect(await readDriftHistory(path)).toHaveLength(1);
  });

  it('a reference profile without its features is refused as a model error naming the field', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'profile-')), 'reference_profile.json');
    writeFileSync(path, JSON.stringify({ version: 1, feature: {} }));
    const err = await readJsonFile({ path, schema: referenceProfileSchema, error: ModelError }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelError);
    expect((err as Error).message).toMatch(/reference_profile\.json: features: /);
  });
});
