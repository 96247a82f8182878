// The canary check of the whole test run: every Kafka topic of the test broker, every log file and every trace file
// the run wrote, searched for the shared canary student names (canary-names.ts). Tests seed students only with those
// names, so a hit is a student name that left enrollment's encrypted columns: a PII leak. The jest global teardown
// of the int and e2e projects runs it before the broker stops (jest/canary-check.ts).
import { closeSync, existsSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Kafka, logLevel, type KafkaConfig } from 'kafkajs';
import { CANARY_NAMES } from './canary-names';

export interface CanaryHit {
  /** `kafka <topic>[<partition>]@<offset> <key|value|header name>` or `<file>:<line>` */
  where: string;
  name: string;
  /** A few characters around the hit, to find it (the name itself is in it: it is invented). */
  excerpt: string;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** One case-insensitive pattern for all names. */
export const canaryPattern = (names: readonly string[] = CANARY_NAMES): RegExp =>
  new RegExp(names.map(escape).join('|'), 'gi');

/** Every canary name in `text`, with where it is (`where` names the text) and a short excerpt. */
export function findCanaries(text: string, where: string, pattern = canaryPattern()): CanaryHit[] {
  const hits: CanaryHit[] = [];
  pattern.lastIndex = 0;
  for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
    hits.push({ where, name: m[0], excerpt: text.slice(Math.max(0, m.index - 40), m.index + m[0].length + 40) });
  }
  return hits;
}

/** Files below `dir` (recursively) whose name matches, with their size now. */
export function listFiles(dir: string, match: (name: string) => boolean): Map<string, number> {
  const out = new Map<string, number>();
  if (!existsSync(dir)) return out;
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && match(entry.name)) out.set(path, statSync(path).size);
    }
  };
  walk(dir);
  return out;
}

/**
 * Scans each file from the given byte offset (what it held before the run is not this run's), line by line, in
 * chunks (a log may be large). Hits say `<file relative to root>:<line counted from the offset>`.
 */
export function scanFiles(files: ReadonlyMap<string, number>, root: string, pattern = canaryPattern()): CanaryHit[] {
  const hits: CanaryHit[] = [];
  const chunk = Buffer.alloc(1 << 20);
  for (const [path, from] of files) {
    if (!existsSync(path)) continue;
    const fd = openSync(path, 'r');
    try {
      let position = from;
      let carry = '';
      let line = 1;
      for (;;) {
        const read = readSync(fd, chunk, 0, chunk.length, position);
        if (read === 0) break;
        position += read;
        const lines = (carry + chunk.toString('utf8', 0, read)).split('\n');
        carry = lines.pop() ?? '';
        for (const text of lines) {
          hits.push(...findCanaries(text, `${relative(root, path)}:${line}`, pattern));
          line++;
        }
      }
      hits.push(...findCanaries(carry, `${relative(root, path)}:${line}`, pattern));
    } finally {
      closeSync(fd);
    }
  }
  return hits;
}

export interface KafkaScan {
  topics: number;
  messages: number;
  hits: CanaryHit[];
}

/**
 * Reads every topic (or those `only` names) of the broker from its first to its last offset at the time of the call
 * and scans keys, values and header values. Kafka's internal topics (`__…`) hold no application data and are skipped.
 * Throws when it cannot read everything within `timeoutMs`: an unread message is not a clean one.
 */
export async function scanKafka(
  brokers: string,
  opts: { only?: readonly string[]; timeoutMs?: number; kafkaConfig?: Partial<KafkaConfig> } = {},
  pattern = canaryPattern(),
): Promise<KafkaScan> {
  const kafka = new Kafka({
    clientId: 'tutoring-canary-scan',
    brokers: brokers.split(',').map((b) => b.trim()),
    logLevel: logLevel.NOTHING,
    ...opts.kafkaConfig,
  });
  const admin = kafka.admin();
  await admin.connect();
  const remaining = new Map<string, bigint>(); // "topic:partition" → last offset to read
  let topics: string[];
  try {
    topics = (opts.only ? [...opts.only] : await admin.listTopics()).filter((t) => !t.startsWith('__')).sort();
    for (const topic of topics) {
      for (const p of await admin.fetchTopicOffsets(topic)) {
        if (BigInt(p.high) > BigInt(p.low)) remaining.set(`${topic}:${p.partition}`, BigInt(p.high) - 1n);
      }
    }
  } finally {
    await admin.disconnect();
  }
  const hits: CanaryHit[] = [];
  let messages = 0;
  const withData = [...new Set([...remaining.keys()].map((k) => k.slice(0, k.lastIndexOf(':'))))];
  if (withData.length === 0) return { topics: topics.length, messages, hits };
  const consumer = kafka.consumer({
    groupId: `canary-scan-${process.pid}-${Date.now()}`,
    maxWaitTimeInMs: 100,
    maxBytes: 50 * 1024 * 1024,
    sessionTimeout: 30_000,
  });
  await consumer.connect();
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (finish = resolve));
  try {
    await consumer.subscribe({ topics: withData, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: true,
      eachBatch: async ({ batch }) => {
        const key = `${batch.topic}:${batch.partition}`;
        const last = remaining.get(key);
        for (const m of batch.messages) {
          if (last === undefined || BigInt(m.offset) > last) break;
          messages++;
          const at = `kafka ${batch.topic}[${batch.partition}]@${m.offset}`;
          if (m.key) hits.push(...findCanaries(m.key.toString('utf8'), `${at} key`, pattern));
          if (m.value) hits.push(...findCanaries(m.value.toString('utf8'), `${at} value`, pattern));
          for (const [name, value] of Object.entries(m.headers ?? {})) {
            for (const v of Array.isArray(value) ? value : [value]) {
              if (v !== undefined) hits.push(...findCanaries(v.toString(), `${at} header ${name}`, pattern));
            }
          }
          if (BigInt(m.offset) >= last) break;
        }
        // the batch reached the partition's last offset of the scan (lastOffset() also covers an empty batch)
        if (last !== undefined && remaining.has(key) && BigInt(batch.lastOffset()) >= last) {
          remaining.delete(key);
          if (remaining.size === 0) finish();
        }
      },
    });
    const timeoutMs = opts.timeoutMs ?? 180_000;
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      done.then(() => 'done' as const),
      new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), timeoutMs))),
    ]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      throw new Error(
        `canary scan: ${remaining.size} partition(s) not read to their end within ${timeoutMs} ms (${[...remaining.keys()].slice(0, 5).join(', ')}…)`,
      );
    }
    return { topics: topics.length, messages, hits };
  } finally {
    await consumer.disconnect();
  }
}
