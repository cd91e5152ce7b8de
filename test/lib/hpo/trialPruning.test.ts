import { describe, expect, it } from 'vitest';
import { MedianPruner, RandomSampler, RandomState, Study, TrialState } from '../../../lib/hyperopt';
import { prunedBySnapshot, pruningSnapshot } from '../../../lib/hpo';

/**
 * A trial activity prunes itself on a snapshot of the study taken when the trial started: on that
 * snapshot it must decide exactly as the study's own MedianPruner would, step by step.
 */
describe('pruning snapshot (lib/hpo/trialPruning)', () => {
  it('decides as Trial.shouldPrune on the same study, for generated studies and trials', () => {
    const state = new RandomState(11);
    const rng = () => state.random();
    let decisions = 0;
    let prunes = 0;
    for (let s = 0; s < 40; s++) {
      const direction = rng() < 0.5 ? 'minimize' : 'maximize';
      const study = new Study(direction, new RandomSampler({ seed: s }), new MedianPruner({ nStartupTrials: 3 }));
      // Some finished trials (complete, pruned, failed), with 1–4 intermediate values.
      for (let i = 0; i < 3 + Math.floor(rng() * 6); i++) {
        const t = study.ask();
        const steps = 1 + Math.floor(rng() * 4);
        for (let k = 0; k < steps; k++) t.report(k, rng());
        const r = rng();
        if (r < 0.7) study.tell(t, rng());
        else study.tell(t, { state: r < 0.85 ? TrialState.PRUNED : TrialState.FAIL });
      }
      const trial = study.ask();
      const snapshot = pruningSnapshot(study, 3);
      expect(JSON.parse(JSON.stringify(snapshot))).toEqual(snapshot);
      const values: Record<number, number> = {};
      for (let k = 0; k < 4; k++) {
        values[k] = rng();
        trial.report(k, values[k]!);
        // Through JSON, as it travels in the activity's input.
        const mine = prunedBySnapshot(JSON.parse(JSON.stringify(snapshot)) as typeof snapshot, { ...values });
        expect(mine, `study ${s} step ${k}`).toBe(trial.shouldPrune());
        decisions++;
        if (mine) prunes++;
      }
    }
    // Both outcomes occurred, so the comparison means something.
    expect(prunes).toBeGreaterThan(10);
    expect(decisions - prunes).toBeGreaterThan(10);
  });

  it('holds only the completed trials (a running or pruned one does not count for the median)', () => {
    const study = new Study('minimize', new RandomSampler({ seed: 1 }), new MedianPruner());
    const a = study.ask();
    a.report(0, 0.3);
    study.tell(a, 0.3);
    const b = study.ask();
    b.report(0, 0.9);
    study.tell(b, { state: TrialState.PRUNED });
    study.ask().report(0, 0.1);
    expect(pruningSnapshot(study, 5)).toEqual({ direction: 'minimize', nStartupTrials: 5, completed: [{ 0: 0.3 }] });
  });
});
