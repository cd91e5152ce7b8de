/** Where the registry of one model line lives: the registry's own rule, re-exported for serving. */
export { registryRoot } from '../registry';
