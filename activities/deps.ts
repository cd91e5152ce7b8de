import type { Logger } from 'pino';
import type { Paths } from '../lib/config/paths';

/** What activities need from the outside world; tests pass their own (paths, clock, fetch). */
export interface ActivityDeps {
  paths: Paths;
  logger: Logger;
  env: Record<string, string | undefined>;
  now: () => Date;
  fetch: typeof fetch;
}
