import type { Logger } from 'pino';
import type { Paths } from '../lib/config/paths';
import type { Store } from '../lib/store';

/** What activities need from the outside world; tests pass their own (paths, clock, fetch). */
export interface ActivityDeps {
  paths: Paths;
  logger: Logger;
  env: Record<string, string | undefined>;
  now: () => Date;
  fetch: typeof fetch;
  /**
   * The artefact store every stage publishes its files to and reads its inputs from (lib/store;
   * the worker opens it from TRAINCTL_ARTIFACTS). Absent: the project directory (`paths.root`).
   */
  store?: Store;
}
