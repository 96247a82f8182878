export * from './dosage-warnings.config';
export * from './dosage-warnings.worker';
export * from './dosage-warnings.module';
