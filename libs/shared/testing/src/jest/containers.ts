import { GenericContainer, getContainerRuntimeClient, Wait } from 'testcontainers';
import { PostgreSqlContainer } from '@testcontainers/postgresql';
import type * as LocalInfra from '@tutoring/shared/local-infra';
import type { TestInfraHandles } from './infra-handles';

export const KAFKA_IMAGE = 'apache/kafka:4.1.0';
export const POSTGRES_IMAGE = 'postgres:17-alpine';

async function dockerHost(): Promise<string> {
  try {
    const client = await getContainerRuntimeClient();
    return client.info.containerRuntime.host;
  } catch (err) {
    throw new Error(
      `TEST_INFRA=containers but no Docker engine is reachable (${(err as Error).message}). ` +
        'Start Docker (or set DOCKER_HOST), or unset TEST_INFRA to use a locally started Kafka and Postgres.',
    );
  }
}

/**
 * The Testcontainers path (where a Docker engine exists). @testcontainers/kafka 11 drives only Confluent images
 * (it runs /etc/confluent/docker/run), so the Apache image is configured here as a generic container. The
 * advertised listener must name the host port before start, hence a fixed, pre-picked host port.
 */
export async function startContainers(infra: typeof LocalInfra, handles: TestInfraHandles): Promise<{ brokers: string; adminUrl: string }> {
  const host = await dockerHost();
  const kafkaPort = await infra.findFreePort();
  const [kafka, postgres] = await Promise.all([
    new GenericContainer(KAFKA_IMAGE)
      .withExposedPorts({ container: 9092, host: kafkaPort })
      .withEnvironment({
        KAFKA_NODE_ID: '1',
        KAFKA_PROCESS_ROLES: 'broker,controller',
        KAFKA_LISTENERS: 'PLAINTEXT://:9092,CONTROLLER://:9093',
        KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://${host}:${kafkaPort}`,
        KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
        KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
        KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
        KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
        KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
        KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
        KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR: '1',
        KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR: '1',
        KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
        KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
        KAFKA_NUM_PARTITIONS: '1',
      })
      .withWaitStrategy(Wait.forListeningPorts())
      .withStartupTimeout(180_000)
      .start(),
    new PostgreSqlContainer(POSTGRES_IMAGE).start(),
  ]);
  handles.stops.push({ name: 'kafka container', stop: async () => void (await kafka.stop()) });
  handles.stops.push({ name: 'postgres container', stop: async () => void (await postgres.stop()) });
  const deadline = Date.now() + 90_000;
  while (!(await infra.probeKafka(host, kafkaPort))) {
    if (Date.now() > deadline) throw new Error(`Kafka container on ${host}:${kafkaPort} did not answer within 90 s`);
    await new Promise((r) => setTimeout(r, 500));
  }
  return { brokers: `${host}:${kafkaPort}`, adminUrl: postgres.getConnectionUri() };
}
