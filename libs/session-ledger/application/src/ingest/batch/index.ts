export * from './session-batch-ingest';
export * from './batch-sessions-topic.handler';
