// Dev and test infrastructure: a real Kafka broker and a real PostgreSQL for `npm start`, the tests and CI.
export { ensureKafkaJars, assertJava } from './kafka-jars';
export { startKafka, newClusterId, type LocalKafka, type StartKafkaOptions } from './kafka-broker';
export { resolveKafka, type ResolveKafkaOptions, type ResolvedKafka } from './resolve-kafka';
export { probeKafka, saslOptions } from './kafka-readiness';
export {
  KAFKA_VERSION,
  buildServerProperties,
  buildLog4j2Config,
  scramFormatArgs,
  type KafkaSasl,
  type BrokerSettings,
} from './kafka-config';
export {
  startEmbeddedPostgres,
  embeddedPostgresBinDir,
  type LocalPostgres,
  type StartEmbeddedPostgresOptions,
} from './embedded-postgres';
export { resolvePostgres, LOCAL_POSTGRES_CANDIDATES, type ResolvePostgresOptions, type ResolvedPostgres } from './resolve-postgres';
export { createDatabase, dropDatabase, checkPostgres, canConnectPostgres } from './postgres-admin';
export { buildPostgresUrl, withDatabase, redactPassword, assertDatabaseName, type PostgresUrlParts } from './postgres-url';
export { findFreePort, isPortFree, canConnectTcp } from './net.util';
export { findRepoRoot, cachePath } from './repo-paths';
export { reapOnExit, waitForExit } from './child-reaper';
