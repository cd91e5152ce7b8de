import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { venvPython } from '../../test/support/python';

/**
 * A Python reference kept running: each `send` writes one JSON line to its stdin and resolves with
 * the next JSON line it prints. Lets a benchmark alternate our runs with the reference's.
 */
export function startPython(script: string): { send: (msg: unknown) => Promise<unknown>; close: () => void } {
  const child = spawn(venvPython, ['-c', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  let exited: Error | undefined;
  child.on('exit', (code) => {
    if (code) exited = new Error(`python reference exited with code ${code}`);
  });
  return {
    async send(msg) {
      if (exited) throw exited;
      child.stdin.write(`${JSON.stringify(msg)}\n`);
      const next = await lines.next();
      if (next.done) throw exited ?? new Error('python reference closed its output');
      return JSON.parse(next.value);
    },
    close() {
      child.stdin.end();
    },
  };
}
