import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort, startDevServer, startDevServerOnFreePorts } from '../../client/devServer';

/**
 * A port the OS reported free can be taken before the server binds it: the start says so instead
 * of taking another listener for the server, an early exit names the server's own reason, and the
 * free-port start tries again on other ports, saying why.
 */
describe('starting a dev server', () => {
  it('refuses a port that something else listens on', async () => {
    const taken = createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => taken.listen(port, '127.0.0.1', resolve));
    try {
      await expect(startDevServer({ port, startTimeoutMs: 30_000 })).rejects.toThrow(`port 127.0.0.1:${port} is already in use`);
    } finally {
      taken.close();
    }
  });

  it("reports an early exit with the server's own reason", async () => {
    // A directory where the SQLite file should be: the server exits at once.
    const dbFile = mkdtempSync(join(tmpdir(), 'trainctl-devserver-'));
    await expect(startDevServer({ port: await freePort(), dbFile, startTimeoutMs: 30_000 })).rejects.toThrow(
      /^temporal dev server exited \(code 1\) before listening on 127\.0\.0\.1:\d+: .*unable to open database file/,
    );
  }, 60_000);

  it('on free ports, tries again after an early exit, up to its attempts, saying why each time', async () => {
    const dbFile = mkdtempSync(join(tmpdir(), 'trainctl-devserver-'));
    const reasons: string[] = [];
    await expect(
      startDevServerOnFreePorts({ dbFile, attempts: 2, startTimeoutMs: 30_000, onRetry: (r) => reasons.push(r) }),
    ).rejects.toThrow(/unable to open database file/);
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toMatch(/exited \(code 1\) before listening .*unable to open database file/);
  }, 60_000);
});
