export * from './deliver';
export * from './email';
export * from './message';
export * from './routes';
export * from './types';
export * from './webhooks';
