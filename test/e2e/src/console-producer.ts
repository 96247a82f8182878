import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ensureKafkaJars } from '@tutoring/shared/local-infra';

export interface ConsoleRecord {
  key: string;
  headers: Record<string, string>;
  value: string;
}

/**
 * Publishes with Apache Kafka's own console producer (a client no one here wrote), as a vendor's integration
 * might: one line per record, `headers<TAB>key<TAB>value`.
 */
export async function publishWithConsoleProducer(brokers: string, topic: string, records: ConsoleRecord[]): Promise<void> {
  const libs = await ensureKafkaJars();
  const args = [
    '-cp',
    `${join(libs, '*')}`,
    'org.apache.kafka.tools.ConsoleProducer',
    '--bootstrap-server',
    brokers,
    '--topic',
    topic,
    '--producer-property',
    'max.request.size=2000000',
    '--property',
    'parse.key=true',
    '--property',
    'parse.headers=true',
    '--property',
    'headers.key.separator==',
    '--property',
    'headers.separator=;',
  ];
  const child = spawn('java', args, { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  for (const r of records) {
    const headers = Object.entries(r.headers)
      .map(([k, v]) => `${k}=${v}`)
      .join(';');
    child.stdin.write(`${headers}\t${r.key}\t${r.value}\n`);
  }
  child.stdin.end();
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`console producer exited with ${code}: ${stderr.slice(-2000)}`);
}
