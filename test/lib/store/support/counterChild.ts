/**
 * One of several processes incrementing a shared counter object in the store selected by the
 * environment (TRAINCTL_ARTIFACTS + AWS variables), for the cross-process tests:
 *   node --import tsx counterChild.ts <cas|lease> <key> <increments>
 * `cas` retries compare-and-swap; `lease` reads and writes plainly, under the lease lock. Either
 * way a lost update would show as a final count below the total. Prints {retries} as JSON.
 */
import { acquireLease, openStore } from '../../../../lib/store';

const [mode, key, n] = process.argv.slice(2) as [string, string, string];
const store = openStore();
let retries = 0;
for (let i = 0; i < Number(n); i++) {
  if (mode === 'cas') {
    for (;;) {
      const current = await store.read(key);
      const next = String(Number(current?.bytes.toString() ?? '0') + 1);
      const etag = current ? await store.putIfMatch(key, next, current.etag) : await store.putIfAbsent(key, next);
      if (etag !== null) break;
      retries++;
    }
  } else {
    const lease = await acquireLease(store, { key: `${key}.lock`, op: 'increment', timeoutMs: 60_000 });
    try {
      const current = await store.read(key);
      // Widen the window a lost update would need.
      await new Promise((r) => setTimeout(r, 2));
      await store.put(key, String(Number(current?.bytes.toString() ?? '0') + 1));
      await lease.assertHeld();
    } finally {
      await lease.release();
    }
  }
}
store.close();
process.stdout.write(JSON.stringify({ retries }));
