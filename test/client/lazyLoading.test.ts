import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const open = fileURLToPath(new URL('../../lib/store/open.ts', import.meta.url));

/** In a fresh process: open the store TRAINCTL_ARTIFACTS selects, then say whether the S3 SDK was loaded. */
function sdkLoadedAfterOpening(artifacts: string): { kind: string; loaded: boolean } {
  const script = `
    import { createRequire } from 'node:module';
    const { openStore } = await import(${JSON.stringify(open)});
    const store = openStore();
    const loaded = Object.keys(createRequire(import.meta.url).cache).some((k) => k.includes('@aws-sdk/client-s3'));
    console.log(JSON.stringify({ kind: store.kind, loaded }));`;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    env: { ...process.env, TRAINCTL_ARTIFACTS: artifacts, AWS_ACCESS_KEY_ID: 'k', AWS_SECRET_ACCESS_KEY: 's' },
    encoding: 'utf8',
  });
  return JSON.parse(out.trim().split('\n').pop()!) as { kind: string; loaded: boolean };
}

// bench/cli: the S3 SDK costs ~120 ms to load, which commands on a local store must not pay.
describe('lazy loading', () => {
  it('a local store does not load the S3 SDK; an s3:// store does', () => {
    expect(sdkLoadedAfterOpening(mkdtempSync(join(tmpdir(), 'trainctl-lazy-')))).toEqual({ kind: 'local', loaded: false });
    expect(sdkLoadedAfterOpening('s3://trainctl-lazy-test/prefix')).toEqual({ kind: 's3', loaded: true });
  });
});
