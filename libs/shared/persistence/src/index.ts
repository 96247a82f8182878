export * from './data-source';
export * from './provisioning';
