export * from './projections.module';
export * from './dosage.controller';
