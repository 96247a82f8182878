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
    '--max-messages',
    String(count),
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
