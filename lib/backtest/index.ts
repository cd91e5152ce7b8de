export * from './backtest';
export { backtestDetailSchema, type BacktestDetail } from './detail';
