import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { reapOnExit, waitForExit } from './child-reaper';
import {
  buildLog4j2Config,
  buildServerProperties,
  kafkaJvmArgs,
  parseControllerPort,
  scramFormatArgs,
  type KafkaSasl,
} from './kafka-config';
import { ensureKafkaJars } from './kafka-jars';
import { waitForKafka } from './kafka-readiness';
import { tailFile } from './log-tail';
import { findFreePort } from './net.util';

const run = promisify(execFile);
const HOST = '127.0.0.1';

export interface StartKafkaOptions {
  port?: number;
  controllerPort?: number;
  dataDir?: string;
  sasl?: KafkaSasl;
  log?: (line: string) => void;
  /** Default 90 s: the first start on a cold JVM and slow CI disk can take a while. */
  readyTimeoutMs?: number;
}

export interface LocalKafka {
  /** `host:port`, the value for KAFKA_BROKERS. */
  brokers: string;
  port: number;
  dataDir: string;
  /** Graceful: SIGTERM, waits for the broker to exit (SIGKILL after 30 s). */
  stop(): Promise<void>;
  /** Abrupt: SIGKILL, as a crash would. */
  kill(): Promise<void>;
  /** (Re)starts the same broker on the same port and data; resolves once it serves requests. */
  start(): Promise<void>;
  /** Where the broker writes its log4j output. */
  logFile: string;
  /** stop(), then delete the data dir if startKafka created it (a temp dir); a given dataDir is kept. */
  destroy(): Promise<void>;
}

/** A KRaft cluster id: 16 random bytes, base64url, as `kafka-storage random-uuid` prints. */
export function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id; // a leading dash would be read as a CLI flag
  }
}

function previousControllerPort(propsFile: string): number | undefined {
  return existsSync(propsFile) ? parseControllerPort(readFileSync(propsFile, 'utf8')) : undefined;
}

async function formatStorage(libs: string, dataDir: string, sasl: KafkaSasl | undefined): Promise<void> {
  const args = [
    ...kafkaJvmArgs(libs, join(dataDir, 'log4j2.xml')),
    'kafka.tools.StorageTool',
    'format',
    '--standalone',
    '-t',
    newClusterId(),
    '-c',
    join(dataDir, 'server.properties'),
    ...(sasl ? scramFormatArgs(sasl) : []),
  ];
  try {
    await run('java', args, { cwd: dataDir });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`Formatting Kafka storage in ${dataDir} failed: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  }
}

/** Starts a single-node KRaft broker (broker + controller in one JVM) from the cached Apache Kafka jars. */
export async function startKafka(opts: StartKafkaOptions = {}): Promise<LocalKafka> {
  const log = opts.log ?? (() => undefined);
  const libs = await ensureKafkaJars({ log });
  const ownsDataDir = opts.dataDir === undefined;
  const dataDir = resolve(opts.dataDir ?? mkdtempSync(join(tmpdir(), 'tutoring-kafka-')));
  mkdirSync(dataDir, { recursive: true });
  const propsFile = join(dataDir, 'server.properties');
  const logDirs = join(dataDir, 'kraft-logs');
  // A formatted log dir records the controller endpoint in its voter set: keep using the port it was made with.
  const formatted = existsSync(join(logDirs, 'meta.properties'));
  const controllerPort =
    opts.controllerPort ?? (formatted ? previousControllerPort(propsFile) : undefined) ?? (await findFreePort());
  const port = opts.port ?? (await findFreePort());
  const logFile = join(dataDir, 'broker.log');
  writeFileSync(propsFile, buildServerProperties({ port, controllerPort, logDirs, sasl: opts.sasl, host: HOST }));
  writeFileSync(join(dataDir, 'log4j2.xml'), buildLog4j2Config(logFile));
  if (!formatted) {
    log(`Formatting KRaft storage in ${logDirs}`);
    await formatStorage(libs, dataDir, opts.sasl);
  }

  let child: ChildProcess | undefined;
  const running = (): boolean => child !== undefined && child.exitCode === null && child.signalCode === null;
  const failure = (headline: string): string =>
    `${headline}\n--- last lines of ${logFile} ---\n${tailFile(logFile)}\n--- stdout/stderr ---\n${tailFile(join(dataDir, 'broker.out'), 20)}`;

  const start = async (): Promise<void> => {
    if (running()) return;
    const out = openSync(join(dataDir, 'broker.out'), 'a');
    const proc = spawn('java', [...kafkaJvmArgs(libs, join(dataDir, 'log4j2.xml')), 'kafka.Kafka', propsFile], {
      cwd: dataDir,
      detached: true, // own process group: a terminal Ctrl-C reaches only our process, which stops servers last
      stdio: ['ignore', out, out],
    });
    closeSync(out);
    child = proc;
    reapOnExit(proc);
    const began = Date.now();
    try {
      await waitForKafka({
        host: HOST,
        port,
        sasl: opts.sasl,
        timeoutMs: opts.readyTimeoutMs ?? 90_000,
        exited: () =>
          proc.exitCode !== null || proc.signalCode !== null
            ? failure(`Kafka broker exited during start-up (code ${proc.exitCode}, signal ${proc.signalCode})`)
            : undefined,
      });
    } catch (err) {
      proc.kill('SIGKILL');
      await waitForExit(proc);
      const message = (err as Error).message;
      throw new Error(message.includes('--- last lines') ? message : failure(message));
    }
    log(`Kafka ready on ${HOST}:${port} in ${((Date.now() - began) / 1000).toFixed(1)} s (data ${dataDir})`);
  };

  const signal = async (sig: NodeJS.Signals, graceMs: number): Promise<void> => {
    const proc = child;
    if (!proc || !running()) return;
    proc.kill(sig);
    const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
    await waitForExit(proc);
    clearTimeout(timer);
  };

  const stop = (): Promise<void> => signal('SIGTERM', 30_000);
  await start();
  return {
    destroy: async () => {
      await stop();
      if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true });
    },
    brokers: `${HOST}:${port}`,
    port,
    dataDir,
    logFile,
    start,
    stop,
    kill: () => signal('SIGKILL', 5_000),
  };
}
