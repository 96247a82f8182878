export * from './ingest/session-stream.decider';
export * from './ingest/session-message.check';
export * from './projections';
export * from './reference/reference-updates';
export * from './rules';
export * from './ingest/session-recorded.event';
export * from './ingest/datas-csv';
export * from './dosage';
