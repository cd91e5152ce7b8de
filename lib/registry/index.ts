export * from './types';
export { LocalRegistry, openRegistry, type LocalRegistryOptions } from './localRegistry';
export { RegistryLockedError } from './lock';
export { parseVersion, compareVersions, nextVersion } from './version';
export {
  assertModelName,
  listModelLines,
  listStoredModelLines,
  migrateLegacyRegistry,
  openModelLine,
  registryPrefix,
  registryRoot,
  type OpenModelLineOptions,
} from './lines';
