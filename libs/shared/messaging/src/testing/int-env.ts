// Test-only support for this lib's int specs (not exported from the lib): real broker and Postgres from env.
import { randomBytes, randomUUID } from 'node:crypto';
import { context, propagation } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import type { Kafka } from 'kafkajs';
import type { CloudEvent } from '../lib/cloud-event/cloud-event.types';
import { KafkaConsumerRunner } from '../lib/kafka/kafka-consumer.runner';
import type { IncomingMessage } from '../lib/ports/messaging.ports';

export function kafkaBrokers(): string[] {
  const brokers = process.env['KAFKA_BROKERS'];
  if (!brokers) throw new Error('KAFKA_BROKERS is not set: run through the int jest project');
  return brokers.split(',');
}

export function postgresAdminUrl(): string {
  const url = process.env['TEST_POSTGRES_ADMIN_URL'];
  if (!url) throw new Error('TEST_POSTGRES_ADMIN_URL is not set: run through the int jest project');
  return url;
}

export const uniqueName = (prefix: string): string =>
  `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;

export async function openDataSource(): Promise<DataSource> {
  return new DataSource({ type: 'postgres', url: postgresAdminUrl(), poolSize: 5 }).initialize();
}

export async function dropSchema(schema: string): Promise<void> {
  const client = new Client({ connectionString: postgresAdminUrl() });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await client.end();
}

let tracingReady = false;
/** W3C propagation + async context, as the service's OpenTelemetry SDK would register them. */
export function enableTracePropagation(): void {
  if (tracingReady) return;
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  tracingReady = true;
}

export async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 60_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export const collect = () => {
  const received: IncomingMessage[] = [];
  return {
    received,
    handler: { handleBatch: async (messages: IncomingMessage[]) => void received.push(...messages) },
  };
};

/** A test CloudEvent carrying `n` (and `pad` characters of filler, to make it as large as a test needs). */
export const testEvent = (n: number, pad = 0): CloudEvent => ({
  specversion: '1.0',
  id: randomUUID(),
  source: 'urn:tutoring:test',
  type: 'org.tutoring.test.happened.v1',
  data: pad ? { n, pad: 'x'.repeat(pad) } : { n },
});

/** The `n` of each received test event, ascending. */
export const numbersIn = (received: readonly { value: Buffer | null }[]): number[] =>
  received.map((m) => (JSON.parse(String(m.value)) as { n: number }).n).sort((a, b) => a - b);

/** A consumer of `topics` from their beginning in a group of its own, started, collecting what it receives. */
export async function consumeFromStart(
  kafka: Kafka,
  topics: string[],
): Promise<{ received: IncomingMessage[]; runner: KafkaConsumerRunner }> {
  const { received, handler } = collect();
  const runner = new KafkaConsumerRunner(kafka, { groupId: uniqueName('g'), topics, fromBeginning: true, handler });
  await runner.start();
  return { received, runner };
}
