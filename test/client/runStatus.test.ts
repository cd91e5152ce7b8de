import { defaultPayloadConverter } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { STATUS_QUERY, withTrialProgress } from '../../client/runStatus';
import type { SearchStatus } from '../../workflows/hyperparameterSearch';
import { statusQuery } from '../../workflows/trainingPipeline';

describe('trainctl status', () => {
  it('queries the pipeline by the name its workflow defines (without loading the workflow module)', () => {
    expect(STATUS_QUERY).toBe(statusQuery.name);
  });
});

describe('status of a search', () => {
  const trial = (number: number, state: string, folds: number) => ({ number, state, value: null, params: {}, folds });
  const status: SearchStatus = {
    studyName: 's',
    trials: [trial(0, 'COMPLETE', 4), trial(1, 'RUNNING', 0), trial(2, 'RUNNING', 0)],
    best: null,
    finished: false,
  };
  const pending = (name: string, details: unknown) => ({
    activityType: { name },
    heartbeatDetails: { payloads: [defaultPayloadConverter.toPayload(details)] },
  });

  it("counts a running trial's folds from its activity's last recorded heartbeat", () => {
    const description = {
      raw: {
        pendingActivities: [
          pending('evaluateTrial', { trial: 1, folds: [{ logLoss: 0.6 }, { logLoss: 0.7 }], fold: 2, round: 40 }),
          pending('evaluateTrial', { trial: 2, note: 'another shape' }),
          pending('evaluateFold', { fold: 3, round: 9 }),
        ],
      },
    } as unknown as Parameters<typeof withTrialProgress>[1];
    expect(withTrialProgress(status, description).trials.map((t) => t.folds)).toEqual([4, 2, 0]);
    expect(withTrialProgress(status, { raw: {} })).toBe(status);
  });
});
