export { exportToOnnx, parseBaseScore, ONNX_INPUT, ONNX_PROBABILITIES, type ExportOptions } from './export';
export { exportLightGBMToOnnx, float32AtMost, type LgbModelDump } from './lightgbmExport';
export { OnnxModel, readMetadata } from './inference';
