import { describe, expect, it } from 'vitest';
import { forcedMark, reachesGate } from '../../../lib/validation';

describe('FORCED marking (--force, --skip-validation)', () => {
  it('an ordinary run is not marked, and only a passing candidate reaches the gate', () => {
    const rejected = { decision: 'REJECT' as const, failed: ['accuracy'] };
    expect(forcedMark({ force: false, skipValidation: false, decision: rejected })).toBeUndefined();
    expect(reachesGate(rejected, undefined)).toBe(false);
    expect(reachesGate({ decision: 'PROMOTE' }, undefined)).toBe(true);
  });

  it('names the switches and the failed criteria; the candidate reaches the gate', () => {
    const m = forcedMark({ force: true, skipValidation: true, decision: { decision: 'REJECT', failed: ['accuracy', 'baseline'] } })!;
    expect(m).toEqual({
      by: ['force', 'skip-validation'],
      failed: ['accuracy', 'baseline'],
      note: 'FORCED (--force and --skip-validation): failed accuracy, baseline but reaches the approval gate; not compared with production',
    });
    expect(reachesGate({ decision: 'REJECT' }, m)).toBe(true);
    expect(forcedMark({ force: false, skipValidation: true, decision: { decision: 'PROMOTE', failed: [] } })!.note).toBe(
      'FORCED (--skip-validation): passed the criteria it was checked on',
    );
  });
});
