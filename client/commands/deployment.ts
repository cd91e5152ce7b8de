import type { Command } from 'commander';

/**
 * `trainctl deployment …`: the worker builds of the trainctl Worker Deployment (list, rollout).
 * Owned by the Worker Versioning work; registered by client/program.ts.
 */
export function addDeploymentCommands(program: Command): void {
  void program;
}
