/**
 * trainctl's custom search attributes: registered when the dev server starts (and by the cluster
 * compose file's set-up), kept up to date by the workflows, so "runs awaiting approval" is one
 * filter in the Web UI: `ModelName = "direction-classifier" AND PipelineStage = "awaiting_approval"`.
 * The workflows' keys (workflows/searchAttributes.ts) take their names from this list; all are keywords.
 */
export const SEARCH_ATTRIBUTES = {
  ModelName: 'Keyword',
  PipelineStage: 'Keyword',
  CandidateVersion: 'Keyword',
  Outcome: 'Keyword',
} as const satisfies Record<string, 'Keyword'>;

export type SearchAttributeName = keyof typeof SEARCH_ATTRIBUTES;

/** `--search-attribute Name=Type` arguments for `temporal server start-dev`. */
export function devServerSearchAttributeArgs(): string[] {
  return Object.entries(SEARCH_ATTRIBUTES).flatMap(([name, type]) => ['--search-attribute', `${name}=${type}`]);
}
