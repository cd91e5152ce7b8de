import { temporal } from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
import { formatStatus } from '../../client/format';
import { formatRetry, pendingRetries } from '../../client/retries';
import { formatProgress } from '../../lib/progress/render';
import type { PipelineStatus } from '../../lib/pipeline/types';

const { DescribeWorkflowExecutionResponse } = temporal.api.workflowservice.v1;

/** A describe response as the server sends it (encoded and decoded by the SDK's own protobuf classes). */
function described(pending: temporal.api.workflow.v1.IPendingActivityInfo[]) {
  return DescribeWorkflowExecutionResponse.decode(DescribeWorkflowExecutionResponse.encode({ pendingActivities: pending }).finish());
}

describe('retries of a running stage (issue 26)', () => {
  const response = described([
    { activityId: '3', activityType: { name: 'fetchData' }, attempt: 1, maximumAttempts: 5 },
    {
      activityId: '7',
      activityType: { name: 'trainModel' },
      attempt: 2,
      maximumAttempts: 10,
      lastFailure: {
        message: 'activity Heartbeat timeout',
        timeoutFailureInfo: { timeoutType: temporal.api.enums.v1.TimeoutType.TIMEOUT_TYPE_HEARTBEAT },
      },
    },
    {
      activityId: '9',
      activityType: { name: 'notify' },
      attempt: 4,
      maximumAttempts: 0,
      lastFailure: { message: 'webhook answered 503\n  at …stack' },
    },
  ]);

  it('are read from the pending activities past their first attempt, with the last failure in one line', () => {
    expect(pendingRetries(response.pendingActivities)).toEqual([
      { activity: 'trainModel', attempt: 2, maximumAttempts: 10, lastFailure: 'activity Heartbeat timeout' },
      // maximumAttempts 0: the policy sets no limit.
      { activity: 'notify', attempt: 4, lastFailure: 'webhook answered 503' },
    ]);
    expect(pendingRetries(described([]).pendingActivities)).toEqual([]);
  });

  it('show in `status` and in the progress line of `run --wait`', () => {
    const [retry] = pendingRetries(response.pendingActivities);
    expect(formatRetry(retry!)).toBe('trainModel: attempt 2 of 10, last failure: activity Heartbeat timeout');
    const status = {
      workflowId: 'train-m',
      pipelineId: 'p1',
      modelName: 'm',
      trigger: 'manual',
      outcome: 'running',
      stage: 'train',
      stages: [],
      retries: [retry!],
    } as unknown as PipelineStatus;
    expect(formatStatus(status).split('\n')).toContain('retrying  trainModel: attempt 2 of 10, last failure: activity Heartbeat timeout');
    expect(formatProgress({ stage: 'train', elapsedMs: 200_000, step: 'cv', retry: retry! }, { color: false })).toBe(
      'train                  3:20  cv  attempt 2/10 (last: activity Heartbeat timeout)',
    );
  });
});
