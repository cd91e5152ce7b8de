/**
 * Runs one registry operation in its own process, for the concurrency and crash tests:
 *   node --import tsx child.ts <root> <op> <json args>
 * Prints the result as JSON; errors go to stderr with exit code 1.
 */
import { openRegistry } from '../../../../lib/registry';
import { openStore } from '../../../../lib/store';

const [root, op, json] = process.argv.slice(2) as [string, string, string | undefined];
const args = JSON.parse(json ?? '{}');
// A root is a folder, or an s3:// URI with the endpoint and keys in the AWS variables.
const registry = await openRegistry(
  root.startsWith('s3://')
    ? { store: openStore({ env: { ...process.env, TRAINCTL_ARTIFACTS: root } }), lockTimeoutMs: 30_000 }
    : { root, lockTimeoutMs: 30_000 },
);

async function run(): Promise<unknown> {
  switch (op) {
    case 'register':
      return registry.registerCandidate(args);
    case 'promote':
      return registry.promote(args);
    case 'rollback':
      return registry.rollback(args);
    case 'prune':
      return registry.prune(args);
    default:
      throw new Error(`unknown op ${op}`);
  }
}

try {
  process.stdout.write(JSON.stringify(await run()));
} catch (err) {
  process.stderr.write(`${(err as Error).name}: ${(err as Error).message}\n`);
  process.exitCode = 1;
} finally {
  registry.store.close();
}
