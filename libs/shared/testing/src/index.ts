// Test infrastructure shared by int and e2e suites. Servers are always real (see libs/shared/local-infra).
export { freshDatabase, uniqueDatabaseName, testPostgresAdminUrl, type FreshDatabase } from './fresh-database';
export { waitFor, type WaitForOptions } from './wait-for';
export {
  uniqueTopic,
  createTopics,
  collectMessages,
  testKafkaBrokers,
  type CollectedMessage,
  type CollectOptions,
} from './kafka-helpers';
export { CANARY_NAMES } from './canary-names';
export * from './session-events';
