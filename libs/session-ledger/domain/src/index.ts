export * from './ingest/session-stream.decider';
