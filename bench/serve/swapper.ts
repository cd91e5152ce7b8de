/**
 * Hot swaps for bench/serve, in a process of its own so that the registry's file work and
 * checksums never stall the load generator's event loop (that would show up as client latency):
 * promotes the candidate and rolls back, alternately, every PERIOD ms until SIGTERM, then prints
 * how many swaps it made.
 *   node --import tsx bench/serve/swapper.ts <trainctl home> <model> <v1> <v2> [period ms]
 */
import { resolvePaths } from '../../lib/config/paths';
import { lineRegistry } from '../../test/serving/support/modelLine';

const [home, model, v1, v2, period = '500'] = process.argv.slice(2);
if (!home || !model || !v1 || !v2) throw new Error('usage: swapper.ts <home> <model> <v1> <v2> [period ms]');
const registry = await lineRegistry(resolvePaths({}, home), model);
let swaps = 0;
let stop = false;
process.once('SIGTERM', () => (stop = true));
while (!stop) {
  await new Promise((r) => setTimeout(r, Number(period)));
  if (stop) break;
  const runId = `swap-${swaps}`;
  if (swaps % 2 === 0)
    await registry
      .promote({ version: v2, by: 'bench', reason: 'swap', runId })
      .catch(() => registry.rollback({ to: v2, by: 'bench', reason: 'swap', runId }));
  else await registry.rollback({ to: v1, by: 'bench', reason: 'swap', runId });
  swaps++;
}
console.log(`swaps=${swaps}`);
