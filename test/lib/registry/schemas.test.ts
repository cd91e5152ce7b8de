import { appendFile, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openRegistry, type LocalRegistry } from '../../../lib/registry';
import { ConfigError } from '../../../lib/util';
import { candidate, tempRoot } from './support/fixtures';

let dir: string;
let root: string;
let registry: LocalRegistry;
let version: string;

beforeEach(async () => {
  dir = await tempRoot('schemas-');
  root = join(dir, 'models');
  registry = await openRegistry({ root });
  version = (await registry.registerCandidate(await candidate(dir, 'r1'))).version;
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

// A hand edit of arbitrary JSON, as a person would make it.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function editJson(path: string, edit: (o: Record<string, any>) => void) {
  const o = JSON.parse(await readFile(path, 'utf8'));
  edit(o);
  await writeFile(path, JSON.stringify(o));
}

describe('registry files are read through their schemas', () => {
  it('a hand-edited registry.json with a bad field is one error naming the file and the field', async () => {
    await editJson(join(root, 'registry.json'), (s) => (s.versions[version].stage = 'live'));
    const err = await registry.list().then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toContain(join(root, 'registry.json'));
    expect((err as Error).message).toContain(`versions.${version}.stage`);
    expect((err as Error).message.split('\n')).toHaveLength(1);
  });

  it('refuses a production pointer that is not a version and an unknown format', async () => {
    await editJson(join(root, 'registry.json'), (s) => {
      s.production = '../../etc';
      s.format = 2;
    });
    const message = await registry.production().then(
      () => '',
      (e: Error) => e.message,
    );
    expect(message).toMatch(/format: unsupported format/);
    expect(message).toMatch(/production: expected vMAJOR\.MINOR\.PATCH/);
  });

  it('a metadata.json missing a field names it', async () => {
    await editJson(join(root, 'versions', version, 'metadata.json'), (m) => delete m.dataSource);
    await expect(registry.get(version)).rejects.toThrow(new RegExp(`metadata\\.json: dataSource`));
  });

  it('a torn last audit line is skipped, a complete foreign line is reported with its line number', async () => {
    const audit = join(root, 'audit.jsonl');
    await appendFile(audit, '{"seq": 9, "at": "x", "act');
    expect((await registry.audit()).length).toBe(1);
    await writeFile(audit, `${(await readFile(audit, 'utf8')).split('\n')[0]}\n{"hello": "world"}\n`);
    await expect(registry.audit()).rejects.toThrow(/audit\.jsonl: line 2: seq/);
  });
});
