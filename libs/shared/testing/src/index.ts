// Test infrastructure shared by int and e2e suites. Servers are always real (see libs/shared/local-infra).
export {
  freshDatabase,
  migratedServiceDatabase,
  uniqueDatabaseName,
  testPostgresAdminUrl,
  type FreshDatabase,
  type MigratedServiceDatabase,
} from './fresh-database';
export { waitFor, type WaitForOptions } from './wait-for';
export {
  uniqueTopic,
  createTopics,
  collectMessages,
  consumeFirstMessage,
  coordinatorStillStarting,
  testKafkaBrokers,
  type CollectedMessage,
  type CollectOptions,
} from './kafka-helpers';
export { CANARY_NAMES } from './canary-names';
export { oneKafkaBrokerForAllWorkers } from './jest/infra-handles';
export { canaryPattern, findCanaries, scanFiles, scanKafka, type CanaryHit, type KafkaScan } from './canary-scan';

/**
 * Environment for a service a test starts as a process: its traces go to the run's trace sink (tmp/test-traces/,
 * read by the canary check). Pass it in the stack's `extraEnv`. Empty when the run has no sink.
 */
export const testTelemetryEnv = (): Record<string, string> =>
  process.env['TEST_OTLP_ENDPOINT'] ? { OTEL_EXPORTER_OTLP_ENDPOINT: process.env['TEST_OTLP_ENDPOINT'] } : {};
export * from './session-events';
