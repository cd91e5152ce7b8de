import { appendFileSync } from 'node:fs';

const seen = new Map<string, number>();

/**
 * Fault injection for the crash tests: with TRAINCTL_REGISTRY_CRASH_AT=<step> the process kills
 * itself (SIGKILL: no cleanup, no finally blocks) when it reaches that step, which is the closest
 * a test gets to pulling the plug. A step reached twice in one process is named `<step>#2` the
 * second time. TRAINCTL_REGISTRY_CRASH_TRACE=<file> records every step reached, so the test can
 * enumerate them instead of keeping a list in sync by hand. Both are no-ops when unset.
 */
export function crashPoint(step: string): void {
  const at = process.env.TRAINCTL_REGISTRY_CRASH_AT;
  const trace = process.env.TRAINCTL_REGISTRY_CRASH_TRACE;
  if (!at && !trace) return;
  const n = (seen.get(step) ?? 0) + 1;
  seen.set(step, n);
  const name = n === 1 ? step : `${step}#${n}`;
  if (trace) appendFileSync(trace, `${name}\n`);
  if (at === name) process.kill(process.pid, 'SIGKILL');
}
