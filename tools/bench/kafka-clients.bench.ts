/**
 * `npm run bench:kafka-clients`: the Kafka client's own cost per message, kafkajs (what the messaging lib uses)
 * against `@platformatic/kafka` (DESIGN.md section 5: "measure both before deciding anything on performance
 * grounds"), on the same broker, the same messages and in the same run.
 *
 * The messages are the ingest benchmark's: delivered sessions of 3 students as CloudEvents in binary mode (key,
 * JSON value, six `ce_*` headers and content-type). Each figure is one child process doing one thing, so its CPU
 * is that client's:
 *  - consume: read every message of a 3-partition topic from the start, each partition concurrently, and decode it
 *    as the sessions consumer does (key and headers to strings, value parsed as JSON);
 *  - produce: send the same messages in batches of 500, idempotent, acks = all, one request in flight (the
 *    settings of the messaging lib's producer).
 * Rounds alternate the clients; the table prints each client's median and the ratio platformatic / kafkajs.
 * A second table measures, in the same rounds, kafkajs as the messaging lib's producer drives it (its own key
 * partitioner, sends cut at 256 messages of one topic) against kafkajs as it comes.
 *
 * `@platformatic/kafka` is not a project dependency: the first run installs the pinned version below into
 * `.cache/bench/kafka-clients` (ES module, loaded with Node 20's require of ES modules).
 */
import 'reflect-metadata'; // the messaging lib's contracts carry decorators
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Message } from 'kafkajs';
import { resolveKafka } from '@tutoring/shared/local-infra';
import { KafkaMessageProducer, type RawKafkaMessage } from '@tutoring/shared/messaging';
import { sessionWorkload, toKafkaMessage } from '@tutoring/shared/testing';
import { benchDistrictPlan } from './bench-plan';

const MESSAGES = Number(process.env['BENCH_MESSAGES'] ?? 100_000);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const PLATFORMATIC_VERSION = '1.35.0'; // 2.x needs Node ≥ 22.22; the project runs on Node 20
const BATCH = 500;
const root = join(__dirname, '..', '..');
const cacheDir = join(root, '.cache', 'bench', 'kafka-clients');
const log = (msg: string): void => void process.stderr.write(`[bench] ${msg}\n`);

/** `kafkajs-lib`: kafkajs through the messaging lib's producer (produce only). */
type Client = 'kafkajs' | 'platformatic' | 'kafkajs-lib';
type Operation = 'consume' | 'produce';
interface Figure {
  messages: number;
  seconds: number;
  cpuSeconds: number;
}

const plan = benchDistrictPlan();
const messagesOf = (n: number): Message[] => sessionWorkload(plan, n, false).events.map((e) => toKafkaMessage(plan, e));

/** The part of `@platformatic/kafka` this bench uses (it is not a project dependency, so no types come with it). */
interface PlatformaticMessage {
  key: string;
  value: string;
  headers: Map<string, string>;
}
interface PlatformaticKafka {
  Producer: new (options: Record<string, unknown>) => {
    send(request: {
      messages: (Omit<PlatformaticMessage, 'headers'> & { topic: string; headers: object })[];
    }): Promise<unknown>;
    close(): Promise<void>;
  };
  Consumer: new (options: Record<string, unknown>) => {
    consume(options: Record<string, unknown>): Promise<AsyncIterable<PlatformaticMessage> & { close(): Promise<void> }>;
    close(force?: boolean): Promise<void>;
  };
  stringSerializers: unknown;
  stringDeserializers: unknown;
}

/** The platformatic client from the bench's own cache, installed on first use. */
function platformatic(): PlatformaticKafka {
  const pkg = join(cacheDir, 'node_modules', '@platformatic', 'kafka', 'package.json');
  if (!existsSync(pkg)) {
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(join(cacheDir, 'package.json'), '{ "private": true }\n'); // npm installs here, not in the project
    log(`installing @platformatic/kafka@${PLATFORMATIC_VERSION} into ${cacheDir} (first run only)`);
    execFileSync(
      'npm',
      [
        'install',
        '--prefix',
        cacheDir,
        '--no-save',
        '--no-audit',
        '--no-fund',
        `@platformatic/kafka@${PLATFORMATIC_VERSION}`,
      ],
      { stdio: 'inherit' },
    );
  }
  return createRequire(join(cacheDir, 'package.json'))('@platformatic/kafka') as PlatformaticKafka;
}

// ---- one measurement, in a child process -------------------------------------------------------------------

async function measure(client: Client, op: Operation, brokers: string, topic: string, n: number): Promise<Figure> {
  const messages = op === 'produce' ? messagesOf(n) : [];
  if (client === 'platformatic') platformatic(); // its module load is not the client's cost per message
  // The lib's producer takes encoded messages: converted before the clock starts, as the other clients' are built.
  const raw: RawKafkaMessage[] = (client === 'kafkajs-lib' ? messages : []).map((m) => ({
    key: m.key as string,
    value: Buffer.from(m.value as string),
    headers: m.headers as Record<string, string>,
  }));
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const count =
    client === 'kafkajs-lib'
      ? await libProduce(brokers, topic, raw)
      : await (client === 'kafkajs' ? kafkajsRun : platformaticRun)(op, brokers, topic, n, messages);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  return { messages: count, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

/** What the sessions consumer does with each message before its own work starts. */
function decode(key: string, headers: Record<string, string>, value: string): number {
  const data = JSON.parse(value) as { attendance: unknown[] };
  return key.length + (headers['ce_id'] ?? '').length + data.attendance.length;
}

/** The messaging lib's producer (KafkaMessageProducer), the same batches as kafkajsRun. */
async function libProduce(brokers: string, topic: string, messages: RawKafkaMessage[]): Promise<number> {
  const producer = new KafkaMessageProducer(
    new Kafka({ brokers: [brokers], clientId: 'bench-kafkajs-lib', logLevel: logLevel.NOTHING }),
  );
  await producer.connect();
  for (let i = 0; i < messages.length; i += BATCH) await producer.sendRaw(topic, messages.slice(i, i + BATCH));
  await producer.disconnect();
  return messages.length;
}

async function kafkajsRun(op: Operation, brokers: string, topic: string, n: number, messages: Message[]) {
  const kafka = new Kafka({ brokers: [brokers], clientId: 'bench-kafkajs', logLevel: logLevel.NOTHING });
  if (op === 'produce') {
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    for (let i = 0; i < messages.length; i += BATCH) {
      await producer.sendBatch({ topicMessages: [{ topic, messages: messages.slice(i, i + BATCH) }], acks: -1 });
    }
    await producer.disconnect();
    return messages.length;
  }
  const consumer = kafka.consumer({
    groupId: `bench-${randomUUID()}`,
    maxBytesPerPartition: 2 << 20,
    maxBytes: 6 << 20,
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let seen = 0;
  let check = 0;
  await new Promise<void>((resolve, reject) => {
    consumer
      .run({
        partitionsConsumedConcurrently: 3,
        eachBatch: async ({ batch }) => {
          for (const m of batch.messages) {
            const headers: Record<string, string> = {};
            for (const [k, v] of Object.entries(m.headers ?? {})) headers[k] = String(v);
            check += decode(m.key?.toString('utf8') ?? '', headers, m.value?.toString('utf8') ?? '');
            seen++;
          }
          if (seen >= n) resolve();
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  return check > 0 ? seen : 0;
}

async function platformaticRun(op: Operation, brokers: string, topic: string, n: number, messages: Message[]) {
  const lib = platformatic();
  if (op === 'produce') {
    const producer = new lib.Producer({
      clientId: 'bench-platformatic',
      bootstrapBrokers: [brokers],
      serializers: lib.stringSerializers,
      idempotent: true,
      acks: -1,
    });
    for (let i = 0; i < messages.length; i += BATCH) {
      await producer.send({
        messages: messages.slice(i, i + BATCH).map((m) => ({
          topic,
          key: String(m.key),
          value: String(m.value),
          headers: m.headers as Record<string, string>,
        })),
      });
    }
    await producer.close();
    return messages.length;
  }
  const consumer = new lib.Consumer({
    groupId: `bench-${randomUUID()}`,
    clientId: 'bench-platformatic',
    bootstrapBrokers: [brokers],
    deserializers: lib.stringDeserializers,
    maxBytesPerPartition: 2 << 20,
    maxBytes: 6 << 20,
  });
  const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false });
  let seen = 0;
  let check = 0;
  for await (const m of stream) {
    check += decode(m.key, Object.fromEntries(m.headers), m.value);
    if (++seen >= n) break;
  }
  await stream.close();
  await consumer.close(true);
  return check > 0 ? seen : 0;
}

// ---- the run ---------------------------------------------------------------------------------------------------

function child(client: Client, op: Operation, brokers: string, topic: string): Figure {
  const run = spawnSync(
    process.execPath,
    ['-r', join(root, 'tools', 'register.js'), __filename, '--measure', client, op, brokers, topic, String(MESSAGES)],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );
  if (run.status !== 0) throw new Error(`${client} ${op} failed (exit ${run.status})`);
  const figure = JSON.parse(run.stdout.trim().split('\n').pop() ?? '') as Figure;
  if (figure.messages !== MESSAGES) throw new Error(`${client} ${op}: ${figure.messages} of ${MESSAGES} messages`);
  return figure;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

async function main(): Promise<void> {
  platformatic(); // install before anything is timed
  const kafka = await resolveKafka({ log } as never);
  try {
    const admin = new Kafka({ brokers: [kafka.brokers], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    const source = `bench.kafka-clients.${randomUUID()}`;
    const sinks = Array.from({ length: ROUNDS * 3 }, () => `bench.kafka-clients.${randomUUID()}`);
    await admin.createTopics({ topics: [source, ...sinks].map((topic) => ({ topic, numPartitions: 3 })) });
    await admin.disconnect();
    log(`producing ${MESSAGES} session events on ${source}`);
    const fill = child('kafkajs', 'produce', kafka.brokers, source);
    log(`filled in ${fill.seconds.toFixed(1)} s`);

    const figures: Record<`${Exclude<Client, 'kafkajs-lib'>} ${Operation}` | 'kafkajs-lib produce', Figure[]> = {
      'kafkajs consume': [],
      'platformatic consume': [],
      'kafkajs produce': [],
      'platformatic produce': [],
      'kafkajs-lib produce': [],
    };
    for (let round = 0; round < ROUNDS; round++) {
      const order: Exclude<Client, 'kafkajs-lib'>[] =
        round % 2 === 0 ? ['kafkajs', 'platformatic'] : ['platformatic', 'kafkajs'];
      for (const [i, client] of order.entries()) {
        figures[`${client} consume`].push(child(client, 'consume', kafka.brokers, source));
        figures[`${client} produce`].push(child(client, 'produce', kafka.brokers, sinks[round * 3 + i] ?? source));
      }
      figures['kafkajs-lib produce'].push(
        child('kafkajs-lib', 'produce', kafka.brokers, sinks[round * 3 + 2] ?? source),
      );
      log(`round ${round + 1} of ${ROUNDS} done`);
    }
    printTable(figures);
  } finally {
    await kafka.stop();
  }
}

function printTable(figures: Record<string, Figure[]>): void {
  const rate = (k: string) => median((figures[k] ?? []).map((f) => f.messages / f.seconds));
  const cpu = (k: string) => median((figures[k] ?? []).map((f) => (f.cpuSeconds * 1e6) / f.messages));
  const rows = (['consume', 'produce'] as const).flatMap((op) => {
    const a = `kafkajs ${op}`;
    const b = `platformatic ${op}`;
    return [
      [`${op}: messages/s`, rate(a).toFixed(0), rate(b).toFixed(0), (rate(b) / rate(a)).toFixed(2)],
      [
        `${op}: client CPU per message`,
        `${cpu(a).toFixed(1)} µs`,
        `${cpu(b).toFixed(1)} µs`,
        (cpu(b) / cpu(a)).toFixed(2),
      ],
    ];
  });
  const header = [
    'measure (median of ' + ROUNDS + ' runs, ' + MESSAGES + ' messages each)',
    'kafkajs',
    `@platformatic/kafka ${PLATFORMATIC_VERSION}`,
    'ratio',
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows) console.log(line(r));

  const a = 'kafkajs produce';
  const b = 'kafkajs-lib produce';
  const libRows = [
    ['produce: messages/s', rate(a).toFixed(0), rate(b).toFixed(0), (rate(b) / rate(a)).toFixed(2)],
    [
      'produce: client CPU per message',
      `${cpu(a).toFixed(1)} µs`,
      `${cpu(b).toFixed(1)} µs`,
      (cpu(b) / cpu(a)).toFixed(2),
    ],
  ];
  const libHeader = [header[0] ?? '', 'kafkajs', "kafkajs, the messaging lib's producer", 'ratio'];
  const libWidths = libHeader.map((h, i) => Math.max(h.length, ...libRows.map((r) => (r[i] ?? '').length)));
  const libLine = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(libWidths[i] ?? 0)).join(' | ')} |`;
  console.log('');
  console.log(libLine(libHeader));
  console.log(`|${libWidths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of libRows) console.log(libLine(r));
}

if (process.argv[2] === '--measure') {
  const [client, op, brokers, topic, n] = process.argv.slice(3) as [Client, Operation, string, string, string];
  measure(client, op, brokers, topic, Number(n)).then(
    (figure) => {
      console.log(JSON.stringify(figure));
      process.exit(0);
    },
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
} else {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
