import type { ReliabilityBin } from '../stats/calibration';
import { lineChartSvg, type LineSeries } from './charts';

/**
 * Reliability diagram: observed share of "up" against the mean predicted probability per bin
 * (empty bins left out), with the diagonal of perfect calibration. Points above the diagonal:
 * the model was under-confident there; below: over-confident.
 */
export function reliabilityChartSvg(o: {
  candidate: { label: string; bins: ReliabilityBin[] };
  production?: { label: string; bins: ReliabilityBin[] } | null;
}): string {
  const points = (bins: ReliabilityBin[]) =>
    bins.filter((b) => b.count > 0).map((b): [number, number] => [b.meanPredicted!, b.observedRate!]);
  const series: LineSeries[] = [
    { name: o.candidate.label, color: '#1f77b4', data: points(o.candidate.bins) },
    ...(o.production ? [{ name: o.production.label, color: '#ff7f0e', data: points(o.production.bins) }] : []),
    {
      name: 'perfectly calibrated',
      color: '#bbbbbb',
      data: [
        [0, 0],
        [1, 1],
      ] as [number, number][],
      dashed: true,
    },
  ];
  return lineChartSvg({
    title: 'Reliability diagram on the holdout (10 equal-width bins)',
    xName: 'mean predicted P(up)',
    yName: 'observed share up',
    idPrefix: 'reliability',
    xRange: [0, 1],
    yRange: [0, 1],
    series,
  });
}
