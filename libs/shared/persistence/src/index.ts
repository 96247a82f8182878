export * from './data-source';
export * from './provisioning';
export * from './tenant-isolation';
