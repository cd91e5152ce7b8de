import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/**
 * Which test files need a server: those that call `inject('temporalAddress')` or
 * `inject('s3Endpoint')` (the servers of test/globalSetup.ts) or start one of their own (MLflow,
 * SeaweedFS, a Temporal dev server), themselves or through a helper they import from test/
 * (test/support/temporal.ts, the store and registry backends …). The scan follows relative value
 * imports (not `import type`) inside test/, so a new test that uses a server helper lands in the
 * integration project without a list to keep in sync; every other file runs in the unit project,
 * with no global set-up at all.
 */
export function serverTestFiles(root: string): string[] {
  const testDir = resolve(root, 'test');
  const memo = new Map<string, boolean>();
  const needsServer = (file: string, visiting: Set<string>): boolean => {
    const known = memo.get(file);
    if (known !== undefined) return known;
    if (visiting.has(file)) return false;
    visiting.add(file);
    const source = readFileSync(file, 'utf8');
    let result = SERVER_USE.test(source);
    for (const spec of relativeValueImports(source)) {
      if (result) break;
      const target = resolveImport(file, spec);
      if (target?.startsWith(testDir)) result = needsServer(target, visiting);
    }
    memo.set(file, result);
    return result;
  };
  return testFiles(testDir)
    .filter((f) => needsServer(f, new Set()))
    .map((f) => relative(root, f))
    .sort();
}

const SERVER_USE =
  /\binject\(\s*['"](temporalAddress|s3Endpoint)['"]|(?<!function\s+)\b(startMlflowServer|startS3Server|startDevServer(?:OnFreePorts)?)\s*\(|\bTestWorkflowEnvironment\.create/;

function testFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.test.ts'))
    .map((e) => join(e.parentPath, e.name));
}

function relativeValueImports(source: string): string[] {
  const specs: string[] = [];
  const statements =
    /\b(?:import|export)\s+(type\s+)?[^'";]*?\bfrom\s*['"](\.[^'"]*)['"]|\bimport\s*\(\s*['"](\.[^'"]*)['"]\s*\)|\bimport\s*['"](\.[^'"]*)['"]/g;
  for (const m of source.matchAll(statements)) {
    if (m[1]) continue;
    const spec = m[2] ?? m[3] ?? m[4];
    if (spec) specs.push(spec);
  }
  return specs;
}

function resolveImport(from: string, spec: string): string | undefined {
  const base = resolve(dirname(from), spec);
  return [base, `${base}.ts`, base.replace(/\.[cm]?js$/, '.ts'), join(base, 'index.ts')].find((c) => c.endsWith('.ts') && existsSync(c));
}
