/** The shared reference and status types live in lib/pipeline/types.ts (neither layer owns them). */
export * from '../lib/pipeline/types';
