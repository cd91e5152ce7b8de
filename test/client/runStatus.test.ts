import { describe, expect, it } from 'vitest';
import { STATUS_QUERY } from '../../client/runStatus';
import { statusQuery } from '../../workflows/trainingPipeline';

describe('trainctl status', () => {
  it('queries the pipeline by the name its workflow defines (without loading the workflow module)', () => {
    expect(STATUS_QUERY).toBe(statusQuery.name);
  });
});
