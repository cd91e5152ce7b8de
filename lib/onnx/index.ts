export { exportToOnnx, parseBaseScore, ONNX_INPUT, ONNX_PROBABILITIES, type ExportOptions } from './export';
export { OnnxModel, readMetadata } from './inference';
