import { describe, expect, it } from 'vitest';
import { warmStartSection } from '../../../lib/report/warmStartSection';

const side = (seconds: number, rounds: number, totalRounds: number, accuracy: number) => ({
  seconds,
  rounds,
  totalRounds,
  holdout: { rows: 630, accuracy, f1: accuracy - 0.05, rocAuc: accuracy + 0.05, logLoss: 0.65 },
});

describe('warm start section of the comparison report', () => {
  it('puts the warm start and the full retrain side by side with the difference', () => {
    const md = warmStartSection({ from: 'v1.3.0', warm: side(1.25, 40, 140, 0.61), full: side(4.5, 100, 100, 0.625) }).join('\n');
    expect(md).toContain('## Warm start (continued from production v1.3.0)');
    expect(md).toContain('| | warm start | full retrain | difference |');
    expect(md).toContain('| training time | 1.25 s | 4.50 s | -3.25 s |');
    expect(md).toContain('| rounds in the model | 140 | 100 | 40 |');
    expect(md).toContain('| holdout accuracy | 0.6100 | 0.6250 | -0.0150 |');
    expect(md).toContain('same 630 holdout rows');
  });

  it('without --compare-full shows the warm start alone and says how to get the comparison', () => {
    const md = warmStartSection({ from: 'v1.3.0', warm: side(1.25, 40, 140, 0.61) }).join('\n');
    expect(md).toContain('| | warm start |');
    expect(md).not.toContain('full retrain |');
    expect(md).toContain('--compare-full');
    expect(warmStartSection(undefined)).toEqual([]);
  });
});
