import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ACTIVITY_KINDS } from '../../workflows/activityKinds';
import {
  brokenLink,
  brokenLinks,
  GENERATED,
  generatedPart,
  headingAnchors,
  linkTargets,
  markdownFiles,
  missingPaths,
  ROOT,
} from '../../scripts/docs';

describe('the generated docs', () => {
  for (const g of GENERATED)
    it(`${g.page} (${g.name}) agrees with the code: npx tsx scripts/docs.ts rewrites it`, () => {
      const text = readFileSync(join(ROOT, g.page), 'utf8');
      const part = generatedPart(text, g.name);
      expect(part, `${g.page} has no BEGIN/END GENERATED: ${g.name} markers`).toBeDefined();
      expect(part, `${g.page} is stale: run npx tsx scripts/docs.ts`).toBe(g.render().trim());
    });
});

describe('docs/architecture.md', () => {
  const text = readFileSync(join(ROOT, 'docs/architecture.md'), 'utf8');
  const named = (name: string) => text.includes(`\`${name}\``);

  it('names every activity (its stage table)', () => {
    expect(Object.keys(ACTIVITY_KINDS).filter((a) => !named(a))).toEqual([]);
  });

  it('names every workflow type the worker registers', () => {
    const index = readFileSync(join(ROOT, 'workflows/index.ts'), 'utf8');
    const types = [...index.matchAll(/from '\.\/(\w+)'/g)].flatMap((m) =>
      [...readFileSync(join(ROOT, 'workflows', `${m[1]}.ts`), 'utf8').matchAll(/^export async function (\w+)/gm)].map((f) => f[1]!),
    );
    expect(types.length).toBeGreaterThan(5);
    expect(types.filter((w) => !named(w))).toEqual([]);
  });
});

describe('links in the repository’s Markdown', () => {
  const pages = markdownFiles();

  it('finds the pages', () => {
    expect(pages).toContain('README.md');
    expect(pages).toContain('docs/configuration.md');
    expect(pages).toContain('lib/hyperopt/README.md');
  });

  it('never point outside the repository, at a missing file or at a missing heading', () => {
    expect(brokenLinks(pages)).toEqual([]);
  });

  it('quote only files and folders of the code that exist', () => {
    expect(missingPaths(pages)).toEqual([]);
  });

  it('recognise what a broken link looks like', () => {
    expect(linkTargets('see [x](../shared/A.md), ![i](docs/a.png), <https://example.com> and `[no](link)`')).toEqual([
      '../shared/A.md',
      'docs/a.png',
      'https://example.com',
    ]);
    expect(brokenLink('lib/hyperopt/README.md', '../../../shared/HPO_COMPAT.md')).toMatch(/outside the repository/);
    expect(brokenLink('README.md', 'https://temporal.io')).toMatch(/external URL/);
    expect(brokenLink('README.md', 'docs/nope.md')).toMatch(/does not exist/);
    expect(brokenLink('README.md', 'docs/configuration.md#no-such-heading')).toMatch(/heading/);
    expect(brokenLink('README.md', 'docs/configuration.md#pipeline-settings')).toBeUndefined();
    expect([...headingAnchors('# A `b` c\n## Task queues, by kind\n## A b c')]).toEqual(['a-b-c', 'task-queues-by-kind', 'a-b-c-1']);
  });
});
