import { describe, expect, it } from 'vitest';
import { decideAutoRollback } from '../../../lib/monitoring';

const former = [
  { version: 'v1.0.0', leftAt: '2026-01-10T00:00:00Z' },
  { version: 'v1.1.0', leftAt: '2026-03-10T00:00:00Z' },
];
const base = {
  now: '2026-06-01T00:00:00Z',
  production: 'v1.2.0',
  formerProductions: former,
  history: [],
  pendingDecision: null,
  coolDownHours: 24,
};

describe('auto-rollback policy', () => {
  it('rolls back to the most recent former production', () => {
    expect(decideAutoRollback(base)).toMatchObject({ rollback: true, to: 'v1.1.0' });
  });

  it('never to a version that was itself rolled back for a drop', () => {
    const history = [{ at: '2026-04-01T00:00:00Z', from: 'v1.1.0', to: 'v1.0.0', reason: 'drop', runId: 'm1' }];
    expect(decideAutoRollback({ ...base, history })).toMatchObject({ rollback: true, to: 'v1.0.0' });
    const both = [...history, { at: '2026-05-01T00:00:00Z', from: 'v1.0.0', to: 'v1.2.0', reason: 'drop', runId: 'm2' }];
    const d = decideAutoRollback({ ...base, history: both });
    expect(d.rollback).toBe(false);
    expect(d.reason).toMatch(/v1.0.0, v1.1.0 were rolled back for a drop/);
  });

  it('at most once per cool-down, and never while a human decision is pending', () => {
    const recent = [{ at: '2026-05-31T12:00:00Z', from: 'v1.1.0', to: 'v1.2.0', reason: 'drop', runId: 'm1' }];
    expect(decideAutoRollback({ ...base, history: recent }).reason).toMatch(/^cool-down/);
    expect(decideAutoRollback({ ...base, history: recent }).rollback).toBe(false);
    expect(decideAutoRollback({ ...base, history: recent, now: '2026-06-02T00:00:00Z' })).toMatchObject({ rollback: true, to: 'v1.0.0' });
    const pending = decideAutoRollback({ ...base, pendingDecision: 'v1.3.0' });
    expect(pending.rollback).toBe(false);
    expect(pending.reason).toMatch(/pending on v1.3.0/);
  });
});
