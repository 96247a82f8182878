import { Kafka, logLevel, type SASLOptions } from 'kafkajs';
import { canConnectTcp, sleep } from './net.util';
import type { KafkaSasl } from './kafka-config';

export function saslOptions(sasl: KafkaSasl | undefined): SASLOptions | undefined {
  return sasl ? { mechanism: 'scram-sha-256', username: sasl.adminUser, password: sasl.adminPassword } : undefined;
}

/** One probe: the port accepts TCP and the broker answers a metadata request (so it has joined its own quorum). */
export async function probeKafka(host: string, port: number, sasl?: KafkaSasl): Promise<boolean> {
  if (!(await canConnectTcp(port, host))) return false;
  const kafka = new Kafka({
    clientId: 'local-infra-probe',
    brokers: [`${host}:${port}`],
    sasl: saslOptions(sasl),
    connectionTimeout: 2000,
    requestTimeout: 3000,
    retry: { retries: 0 },
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.length > 0 && cluster.controller !== null;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

export interface WaitForKafkaOptions {
  host: string;
  port: number;
  sasl?: KafkaSasl;
  timeoutMs: number;
  /** Stops waiting early with this error when the broker process is already gone. */
  exited: () => string | undefined;
}

export async function waitForKafka(o: WaitForKafkaOptions): Promise<void> {
  const deadline = Date.now() + o.timeoutMs;
  while (Date.now() < deadline) {
    const exitReason = o.exited();
    if (exitReason) throw new Error(exitReason);
    if (await probeKafka(o.host, o.port, o.sasl)) return;
    await sleep(250);
  }
  throw new Error(`Kafka on ${o.host}:${o.port} was not ready after ${Math.round(o.timeoutMs / 1000)} s`);
}
