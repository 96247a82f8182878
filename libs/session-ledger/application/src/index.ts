export * from './session-ledger.module';
export * from './ingest/session-ingest.service';
export * from './session-ledger.config';
