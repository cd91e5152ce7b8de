export { sma, ema, emaSeededAt } from './movingAverage';
export { rsi, roc, macd, stochFast, type Macd, type Stochastic } from './momentum';
export { trueRange, atr, stddev, bollinger, type Bollinger } from './volatility';
export { obv, rollingVwap } from './volume';
export { adx } from './trend';
