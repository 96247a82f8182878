export * from './projections.module';
export * from './dosage.controller';
export * from './batch-ingest';
