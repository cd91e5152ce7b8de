export { parseSignalFile, type ParsedSignalFile, type ParseSignalFileOptions } from './csv';
export { joinSignals } from './join';
export { loadSignals, parseSignalSource, type LoadSignalsOptions } from './load';
export { syntheticSentiment, SENTIMENT } from './synthetic';
export { formatSignalProblem, type SignalObservations, type SignalProblem, type SignalSource, type SignalTable } from './types';
