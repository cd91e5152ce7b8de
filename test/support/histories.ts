import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { WorkflowHandle } from '@temporalio/client';

/**
 * The replay fixtures (test/workflows/replay.test.ts). Written only by scripts/record-histories.ts,
 * the one recorder, from the current code: re-record them whenever a workflow changes.
 */
export const historiesDir = fileURLToPath(new URL('../fixtures/histories/', import.meta.url));

/** Save a finished run's history as `<dir>/<name>.json`. */
export async function saveHistory(handle: WorkflowHandle, name: string, dir = historiesDir): Promise<void> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.json`), historyToJSON(await handle.fetchHistory()));
}
