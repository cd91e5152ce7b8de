export { type PredictionRecord, type PredictionRole, type PredictionSource, batchKey } from './record';
export { frameLine, unframeLine } from './framing';
export { logFileFor, listLogFiles } from './files';
export { PredictionLogWriter, type PredictionLogWriterOptions } from './writer';
export { readPredictions, readPredictionFrame, type ReadPredictionsResult } from './reader';
export { applyRetention } from './retention';
export { storeLogPrefix, storeLogBatchKey, gatherStoreLog, putAddedBatches, withStoreLogCopy } from './storeLog';
