import { createHash } from 'node:crypto';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { ConfigError } from '../lib/util/errors';

/** The Worker Deployment that trainctl's workers belong to (TRAINCTL_DEPLOYMENT_NAME). */
export const DEFAULT_DEPLOYMENT_NAME = 'trainctl';

/** A worker build: the deployment it belongs to and the build ID of its workflow code. */
export interface WorkerBuild {
  deploymentName: string;
  buildId: string;
}

const quiet = { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} };

/**
 * The build ID of a compiled workflow bundle: `wf-` and the first 12 hex digits of its SHA-256. Two
 * workers with the same workflow code share a build; any change of a workflow (or of what it
 * imports) is a new build, and runs pinned to the old one stay on workers of the old one.
 */
export function buildIdOf(bundle: Pick<WorkflowBundleWithSourceMap, 'code'>): string {
  return `wf-${createHash('sha256').update(bundle.code).digest('hex').slice(0, 12)}`;
}

/** Server limit on a build ID (and on a deployment name): 255 bytes; '.' and ':' separate the two in version strings. */
const NAME = /^[A-Za-z0-9_\-]{1,200}$/;

/** A deployment name or build ID given by a person: refused in one line (exit 3) before any connection. */
export function checkBuildName(kind: 'build ID' | 'deployment name', value: string, known?: readonly string[]): string {
  if (NAME.test(value)) return value;
  const knownText = known ? `; known builds: ${known.join(', ') || 'none'}` : '';
  throw new ConfigError(`${kind} "${value}" is not accepted: use 1–200 letters, digits, '-' or '_' (no '.', ':' or spaces)${knownText}`);
}

/**
 * Bundles the workflows once and derives the build from it (an explicit build ID wins, e.g.
 * `--build-id`; checked with the known builds by client/commands/deployment.ts registerBuild).
 */
export async function workflowBuild(o: {
  workflowsPath: string;
  deploymentName?: string;
  buildId?: string;
}): Promise<{ bundle: WorkflowBundleWithSourceMap; build: WorkerBuild }> {
  // Loaded here: the CLI's other commands import this module for the names only (bench/cli).
  const { bundleWorkflowCode } = await import('@temporalio/worker');
  const bundle = await bundleWorkflowCode({ workflowsPath: o.workflowsPath, logger: quiet });
  return { bundle, build: { deploymentName: o.deploymentName ?? DEFAULT_DEPLOYMENT_NAME, buildId: o.buildId ?? buildIdOf(bundle) } };
}
