import type { RetrainSide, WarmStartReport } from '../engine/fullRetrainComparison';

/**
 * "Warm start" section: the warm-started candidate beside, when `--compare-full` asked for it, a
 * from-scratch retrain on the same data — training time and holdout metrics — so a reviewer can
 * see what the shortcut costs in accuracy and what it saves in time.
 */
export function warmStartSection(w: WarmStartReport | undefined): string[] {
  if (!w) return [];
  const md = [`\n## Warm start (continued from production ${w.from})\n`];
  const sides: [string, RetrainSide][] = [['warm start', w.warm], ...(w.full ? [['full retrain', w.full] as [string, RetrainSide]] : [])];
  md.push(`| | ${sides.map(([name]) => name).join(' | ')} |${w.full ? ' difference |' : ''}`);
  md.push(`|---|${sides.map(() => '---|').join('')}${w.full ? '---|' : ''}`);
  const row = (label: string, get: (s: RetrainSide) => number, digits: number, unit = ''): void => {
    const cells = sides.map(([, s]) => `${get(s).toFixed(digits)}${unit}`);
    const diff = w.full ? ` ${(get(w.warm) - get(w.full)).toFixed(digits)}${unit} |` : '';
    md.push(`| ${label} | ${cells.join(' | ')} |${diff}`);
  };
  row('training time', (s) => s.seconds, 2, ' s');
  row('rounds trained in this run', (s) => s.rounds, 0);
  row('rounds in the model', (s) => s.totalRounds, 0);
  row('holdout accuracy', (s) => s.holdout.accuracy, 4);
  row('holdout F1', (s) => s.holdout.f1, 4);
  row('holdout ROC AUC', (s) => s.holdout.rocAuc, 4);
  row('holdout log loss', (s) => s.holdout.logLoss, 4);
  md.push(
    w.full
      ? `\nBoth trained on the same rows with the same parameters and scored natively on the same ${w.warm.holdout.rows} holdout rows; the candidate above is the warm-started model.`
      : `\nScored natively on ${w.warm.holdout.rows} holdout rows. Run with --compare-full to see a from-scratch retrain on the same data beside it.`,
  );
  return md;
}
