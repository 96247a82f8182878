import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ensureKafkaJars } from '@tutoring/shared/local-infra';

export interface ConsumedRecord {
  key: string;
  headers: Record<string, string>;
  value: string;
}

const FIELD = '\u0001'; // separators no JSON value or header of ours contains
const HEADER_SEP = '\u0002';
const HEADER_KV = ':'; // the default formatter always prints header key:value

/**
 * Reads `count` records from the beginning of a topic with Apache Kafka's own console consumer (a client no
 * one here wrote), as a finance system's integration might. Each record is printed as headers, key, value.
 * `count` 0 reads until the topic has been idle for `timeoutMs`.
 */
export async function consumeWithConsoleConsumer(
  brokers: string,
  topic: string,
  count: number,
  timeoutMs = 60_000,
): Promise<ConsumedRecord[]> {
  const libs = await ensureKafkaJars();
  const args = [
    '-cp',
    join(libs, '*'),
    'org.apache.kafka.tools.consumer.ConsoleConsumer',
    '--bootstrap-server',
    brokers,
    '--topic',
    topic,
    '--from-beginning',
    ...(count > 0 ? ['--max-messages', String(count)] : []),
    '--timeout-ms',
    String(timeoutMs),
    '--property',
    'print.key=true',
    '--property',
    'print.headers=true',
    '--property',
    `key.separator=${FIELD}`,
    '--property',
    `headers.separator=${HEADER_SEP}`,
  ];
  const child = spawn('java', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  const lines = stdout.split('\n').filter((l) => l.length > 0);
  if (lines.length < count)
    throw new Error(`console consumer read ${lines.length}/${count} records (exit ${code}): ${stderr.slice(-2000)}`);
  return lines.map((line) => {
    const [headerText = '', key = '', ...rest] = line.split(FIELD);
    const headers = Object.fromEntries(
      headerText
        .split(HEADER_SEP)
        .filter((h) => h.length > 0 && h !== 'NO_HEADERS')
        .map((h) => {
          const i = h.indexOf(HEADER_KV);
          return [h.slice(0, i), h.slice(i + 1)];
        }),
    );
    return { key, headers, value: rest.join(FIELD) };
  });
}

/**
 * The first `count` records with `key` on a topic other suites also write to (the finance topic is one fixed name):
 * reads the whole topic with the console consumer until it is idle for a few seconds, keeps this key's records (one
 * key = one partition, so their order is the producer's), and tries again until `count` of them have arrived.
 */
export async function consumeKeyWithConsoleConsumer(
  brokers: string,
  topic: string,
  key: string,
  count: number,
  timeoutMs = 60_000,
): Promise<ConsumedRecord[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const all = await consumeWithConsoleConsumer(brokers, topic, 0, 5_000);
    const mine = all.filter((r) => r.key === key);
    if (mine.length >= count) return mine.slice(0, count);
    if (Date.now() > deadline)
      throw new Error(`console consumer found ${mine.length}/${count} records with key ${key}`);
    await new Promise((r) => setTimeout(r, 1_000));
  }
}
