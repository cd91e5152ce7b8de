import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributePair } from '@temporalio/common';
import { upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { SearchAttributeName } from '../lib/config/searchAttributes';
import type { PipelineStatus } from './types';

/** A key of trainctl's custom search attributes: only a name of lib/config/searchAttributes.ts's list (all keywords) compiles. */
const keyword = (name: SearchAttributeName) => defineSearchAttributeKey(name, SearchAttributeType.KEYWORD);
export const MODEL_NAME = keyword('ModelName');
export const PIPELINE_STAGE = keyword('PipelineStage');
export const CANDIDATE_VERSION = keyword('CandidateVersion');
export const OUTCOME = keyword('Outcome');

/** `awaiting_approval` as the stage too, so "runs awaiting approval" is one filter: PipelineStage = "awaiting_approval". */
export function stageAttribute(s: Pick<PipelineStatus, 'stage' | 'outcome'>): string {
  if (s.outcome === 'awaiting_approval') return 'awaiting_approval';
  return s.stage === 'done' ? s.outcome : s.stage;
}

/** The attributes a start carries, so a run is findable before its first workflow task. */
export function initialSearchAttributes(modelName: string): SearchAttributePair[] {
  return [
    { key: MODEL_NAME, value: modelName },
    { key: PIPELINE_STAGE, value: 'fetch' },
    { key: OUTCOME, value: 'running' },
  ];
}

/**
 * Keeps ModelName, PipelineStage, CandidateVersion and Outcome in step with the status. Only in
 * runs started with ModelName set: the starter sets it when the server has the attributes
 * registered (client/searchAttributes.ts), so a server without them (an older cluster where the
 * registration failed) gets no upsert that would fail the workflow task.
 */
export function searchAttributePublisher(): (s: PipelineStatus) => void {
  let enabled: boolean | undefined;
  let last = '';
  return (s) => {
    if (enabled === undefined) enabled = workflowInfo().typedSearchAttributes.get(MODEL_NAME) !== undefined;
    if (!enabled) return;
    const values = { model: s.modelName, stage: stageAttribute(s), candidate: s.candidateVersion ?? null, outcome: s.outcome };
    const key = JSON.stringify(values);
    if (key === last) return;
    last = key;
    upsertSearchAttributes([
      { key: MODEL_NAME, value: values.model },
      { key: PIPELINE_STAGE, value: values.stage },
      { key: OUTCOME, value: values.outcome },
      ...(values.candidate ? [{ key: CANDIDATE_VERSION, value: values.candidate }] : []),
    ]);
  };
}
