// The canary check of a whole int/e2e run (see ../canary-scan.ts): global setup notes how long each log and trace
// file under tmp/ already was and starts a small OTLP/HTTP trace sink that writes what services export to
// tmp/test-traces/; global teardown, before the broker stops, reads every topic and the new part of every such file
// and fails the run, saying where, when a canary student name is found.
import { appendFileSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join, relative, sep } from 'node:path';
import { CANARY_NAMES } from '../canary-names';
import { listFiles, scanFiles, scanKafka, type CanaryHit } from '../canary-scan';

/** The repository root (this file is libs/shared/testing/src/jest/canary-check.ts). */
export const REPO_ROOT = join(__dirname, '..', '..', '..', '..', '..');
const TMP = join(REPO_ROOT, 'tmp');
/** Log and trace files the check reads: services' logs (tmp/e2e-logs), test workers' output, exported traces. */
const SCANNED = (name: string) => /\.(log|jsonl|ndjson)$/.test(name);

export interface CanaryBaseline {
  files: Map<string, number>;
  startedAt: number;
  /** This run's id: its workers copy their output to tmp/test-logs/<runId>/ and its traces go to test-traces/<runId>.jsonl. */
  runId: string;
}

export const canaryCheckEnabled = (): boolean => process.env['TEST_CANARY_SCAN'] !== '0';

export function canaryBaseline(dir = TMP): CanaryBaseline {
  const runId = `${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}`;
  return { files: listFiles(dir, SCANNED), startedAt: Date.now(), runId };
}

/**
 * Workers' output and traces of other runs (a second jest in the same working tree) are theirs to check; service
 * logs under e2e-logs/ cannot be told apart by run, so what was appended to them during this run is read.
 */
const ofThisRun = (path: string, dir: string, runId: string): boolean => {
  const rel = relative(dir, path).split(sep);
  if (rel[0] === 'test-logs') return rel[1] === runId;
  if (rel[0] === 'test-traces') return rel[1] === `${runId}.jsonl`;
  return true;
};

/**
 * A minimal OTLP/HTTP (JSON) trace receiver: each export request becomes one line of tmp/test-traces/<run>.jsonl.
 * Services started by tests export to it when TEST_OTLP_ENDPOINT is passed on as OTEL_EXPORTER_OTLP_ENDPOINT.
 */
export async function startTraceSink(
  runId: string,
): Promise<{ endpoint: string; file: string; stop: () => Promise<void> }> {
  const dir = join(TMP, 'test-traces');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${runId}.jsonl`);
  const server: Server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      const body = Buffer.concat(parts);
      // JSON exporters send text; a protobuf one would send bytes, kept as latin1 so ASCII names stay findable
      appendFileSync(
        file,
        `${body.toString(req.headers['content-type']?.includes('json') ? 'utf8' : 'latin1').replace(/\n/g, ' ')}\n`,
      );
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    file,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const describeHits = (hits: CanaryHit[]): string =>
  hits
    .slice(0, 20)
    .map((h) => `  ${h.where}: "${h.name}" in …${h.excerpt.replace(/\s+/g, ' ')}…`)
    .join('\n') + (hits.length > 20 ? `\n  … and ${hits.length - 20} more` : '');

/** Runs the check; returns the failure message, or null when nothing was found. Logs what it read. */
export async function runCanaryCheck(
  baseline: CanaryBaseline,
  brokers: readonly string[],
  log: (line: string) => void,
  dir = TMP,
): Promise<string | null> {
  const began = Date.now();
  const files = listFiles(dir, SCANNED);
  const fresh = new Map<string, number>();
  for (const [path, size] of files) {
    if (!ofThisRun(path, dir, baseline.runId)) continue;
    const before = baseline.files.get(path) ?? 0;
    if (size < before)
      fresh.set(path, 0); // rewritten during the run
    else if (size > before) fresh.set(path, before);
  }
  const fileHits = scanFiles(fresh, dir === TMP ? REPO_ROOT : dir);
  const kafka = { topics: 0, messages: 0, hits: [] as CanaryHit[] };
  let kafkaError: string | null = null;
  for (const broker of brokers) {
    try {
      const scan = await scanKafka(broker, {
        timeoutMs: Number(process.env['TEST_CANARY_SCAN_TIMEOUT_MS'] ?? 180_000),
      });
      kafka.topics += scan.topics;
      kafka.messages += scan.messages;
      kafka.hits.push(...scan.hits);
    } catch (error) {
      kafkaError = `${broker}: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
  log(
    `canary check: ${kafka.messages} messages in ${kafka.topics} topics, ${fresh.size} log/trace files, ` +
      `${CANARY_NAMES.length} names, ${((Date.now() - began) / 1000).toFixed(1)} s`,
  );
  const hits = [...kafka.hits, ...fileHits];
  if (hits.length === 0 && !kafkaError) return null;
  const parts = [];
  if (hits.length)
    parts.push(`CANARY STUDENT NAME FOUND (a PII leak) in ${hits.length} place(s):\n${describeHits(hits)}`);
  if (kafkaError) parts.push(`canary check could not read every topic: ${kafkaError}`);
  return parts.join('\n');
}
