export * from './dosage-warnings.store';
