/**
 * `npm run infra -- up|down|status`: Kafka and PostgreSQL for developers, without the services.
 *   up      starts both in the foreground (KAFKA_BROKERS / DATABASE_URL are used instead when set), prints the
 *           addresses, and stops them cleanly on Ctrl-C. Topics and databases persist in .cache/ between runs.
 *   down    asks a running `up` (from another terminal) to stop, and waits until it has.
 *   status  shows whether an `up` is running and whether its Kafka and Postgres answer.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  cachePath,
  canConnectPostgres,
  probeKafka,
  redactPassword,
  resolveKafka,
  resolvePostgres,
} from '@tutoring/shared/local-infra';

interface UpState {
  pid: number;
  brokers: string;
  adminUrl: string;
  startedAt: string;
}

const stateFile = cachePath('infra', 'up.json');
const say = (line: string): void => console.log(line);

function readState(): UpState | undefined {
  if (!existsSync(stateFile)) return undefined;
  try {
    return JSON.parse(readFileSync(stateFile, 'utf8')) as UpState;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function up(): Promise<void> {
  const running = readState();
  if (running && alive(running.pid)) {
    say(`Already up (pid ${running.pid}): Kafka ${running.brokers}, Postgres ${redactPassword(running.adminUrl)}`);
    process.exitCode = 1;
    return;
  }
  const cleanups: Array<() => Promise<void>> = [];
  let stopping = false;
  const shutdown = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    say('\nstopping Kafka and PostgreSQL...');
    for (const cleanup of cleanups.reverse()) await cleanup().catch((e: unknown) => say(`  (while stopping: ${String(e)})`));
    rmSync(stateFile, { force: true });
    say('stopped.');
    process.exit(0);
  };
  // Registered before anything starts, so Ctrl-C during start-up still stops what did start.
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());

  const log = (line: string): void => say(`  ${line}`);
  say('starting PostgreSQL...');
  const postgres = await resolvePostgres({ log });
  cleanups.push(() => postgres.stop());
  say('starting Kafka...');
  const kafka = await resolveKafka({ log, persistent: true });
  cleanups.push(() => kafka.stop());

  const state: UpState = { pid: process.pid, brokers: kafka.brokers, adminUrl: postgres.adminUrl, startedAt: new Date().toISOString() };
  mkdirSync(dirname(stateFile), { recursive: true });
  writeFileSync(stateFile, JSON.stringify(state, null, 2));
  say('');
  say(`KAFKA_BROKERS=${kafka.brokers}      (${kafka.source})`);
  say(`DATABASE_URL=${postgres.adminUrl}      (${postgres.source}, superuser)`);
  if (kafka.local) say(`broker log: ${kafka.local.logFile}`);
  say('Ctrl-C (or `npm run infra -- down`) stops them.');
  // The servers' child processes are unref'd by local-infra (they never keep a process alive by themselves).
  setInterval(() => undefined, 60_000);
}

async function down(): Promise<void> {
  const state = readState();
  if (!state || !alive(state.pid)) {
    say('Nothing is up.');
    rmSync(stateFile, { force: true });
    return;
  }
  process.kill(state.pid, 'SIGTERM');
  const deadline = Date.now() + 60_000;
  while (alive(state.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  say(alive(state.pid) ? `pid ${state.pid} is still stopping after 60 s` : 'stopped.');
  if (alive(state.pid)) process.exitCode = 1;
}

async function status(): Promise<void> {
  const state = readState();
  if (!state || !alive(state.pid)) {
    say('down (no `npm run infra -- up` is running)');
    process.exitCode = 1;
    return;
  }
  const [host, port] = state.brokers.split(',')[0]?.split(':') ?? [];
  const kafkaOk = host && port ? await probeKafka(host, Number(port)) : false;
  const pgOk = await canConnectPostgres(state.adminUrl);
  say(`up since ${state.startedAt} (pid ${state.pid})`);
  say(`  Kafka    ${state.brokers}  ${kafkaOk ? 'answering' : 'NOT answering'}`);
  say(`  Postgres ${redactPassword(state.adminUrl)}  ${pgOk ? 'answering' : 'NOT answering'}`);
  if (!kafkaOk || !pgOk) process.exitCode = 1;
}

const commands: Record<string, () => Promise<void>> = { up, down, status };
const command = commands[process.argv[2] ?? ''];
if (!command) {
  console.error('usage: npm run infra -- up|down|status');
  process.exit(2);
}
command().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
