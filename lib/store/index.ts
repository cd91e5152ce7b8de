export * from './types';
export { LocalStore } from './localStore';
export { S3Store, type S3StoreOptions } from './s3Store';
export { openStore, checkStore, parseArtifactsLocation, type OpenStoreOptions } from './open';
export { acquireLease, LeaseBusyError, type Lease, type LeaseHolder, type LeaseOptions } from './lease';
export { assertKey, joinKey } from './keys';
