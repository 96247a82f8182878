/**
 * `./tutoring up`: Postgres, Kafka, the dev OIDC issuer, the five services and a demo district, in the foreground.
 * Ctrl-C stops everything it started, in reverse order, and leaves no process behind.
 *
 * Postgres: DATABASE_URL if set, else the server on 127.0.0.1:5432 if one answers, else an embedded one.
 * Kafka: KAFKA_BROKERS if set, else a single-node KRaft broker from the Apache Kafka jars (cached in .cache/).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Client } from 'pg';
import { startDevIssuer } from '@tutoring/shared/auth';
import {
  DEMO_DISTRICT_ID,
  DEV_AUDIENCE,
  DEV_ISSUER_PORT,
  SERVICES,
  startStack,
  Stack,
} from '@tutoring/shared/dev-stack';
import { createDatabase, resolveKafka, resolvePostgres } from '@tutoring/shared/local-infra';
import { seedDemoDistrict } from './demo-seed';
import { devDatabaseName } from './dev-database';
import { formatServiceLine } from './log-format';

const root = join(__dirname, '..', '..');
const cleanups: (() => Promise<void>)[] = [];
let stopping = false;

const say = (line: string) => console.log(line);

async function ensureDatabase(adminUrl: string, name: string): Promise<string> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  const exists = (await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount;
  await client.end();
  if (!exists) return createDatabase(adminUrl, name);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function shutdown(code: number): Promise<never> {
  if (stopping) process.exit(code);
  stopping = true;
  say('\nstopping: services finish their batch and commit, then Kafka and Postgres stop...');
  for (const cleanup of cleanups.reverse())
    await cleanup().catch((e: unknown) => say(`  (while stopping: ${String(e)})`));
  say('stopped.');
  process.exit(code);
}

/**
 * LOCAL ONLY: the quick start's enrollment master key, kept beside the data it protects (.cache) so students
 * encrypted by one run can be read by the next. In production the key comes from the district's secret store.
 */
function devMasterKey(path: string): string {
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const key = randomBytes(32).toString('base64');
  writeFileSync(path, `${key}\n`, { mode: 0o600 });
  return key;
}

async function main(): Promise<void> {
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));
  const started = Date.now();

  say('starting PostgreSQL...');
  const postgres = await resolvePostgres({ log: (l) => say(`  ${l}`) });
  cleanups.push(() => postgres.stop());
  say(`  PostgreSQL (${postgres.source}) ready`);

  say('starting Kafka...');
  const kafka = await resolveKafka({ log: (l) => say(`  ${l}`), persistent: true, port: 9092 });
  cleanups.push(() => kafka.stop());
  say(`  Kafka (${kafka.source}) at ${kafka.brokers}`);

  const masterKey = devMasterKey(join(root, '.cache', 'dev-secrets', 'enrollment-master-key'));
  const database = devDatabaseName(masterKey);
  const databaseUrl = await ensureDatabase(postgres.adminUrl, database);
  say(`  database ${database} (this checkout's: its students are encrypted under .cache/dev-secrets/)`);
  const issuer = await startDevIssuer({
    audience: DEV_AUDIENCE,
    port: Number(process.env.DEV_ISSUER_PORT ?? DEV_ISSUER_PORT),
    keyPath: join(root, '.cache', 'dev-issuer', 'signing-key.json'),
    log: (l) => say(`  ${l}`),
  });
  cleanups.push(() => issuer.stop());

  say('starting services...');
  const stack: Stack = await startStack({
    root,
    postgresAdminUrl: databaseUrl,
    kafkaBrokers: kafka.brokers,
    issuer,
    logDir: join(root, '.cache', 'logs'),
    logLevel: process.env.LOG_LEVEL ?? 'info',
    enrollmentMasterKey: masterKey,
    onLine: (service, line) => {
      const formatted = formatServiceLine(service, line);
      if (formatted) say(formatted);
    },
  });
  cleanups.push(() => stack.stop());

  const demo = await seedDemoDistrict({ issuer, enrollmentUrl: stack.get('enrollment').url, brokers: kafka.brokers });

  say('');
  say(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  say('');
  for (const s of SERVICES) {
    const url = stack.get(s.name).url;
    say(`  ${s.name.padEnd(22)} ${url}/v1   docs ${url}/docs   health ${url}/health/ready`);
  }
  say('');
  say(`  Kafka brokers           ${kafka.brokers}`);
  say(`  dev OIDC issuer         ${issuer.issuer}  (LOCAL ONLY: POST ${issuer.issuer}/token for a token)`);
  say(`  demo district           ${DEMO_DISTRICT_ID}`);
  say(`  demo vendor             ${demo.vendorId}  (${demo.vendorName})`);
  say(`    publishes to          ${demo.topics.sessions}`);
  say(`    feedback on           ${demo.topics.feedback}`);
  say('');
  say('  a district admin token for the demo district (valid 12 h):');
  say(`  export TOKEN=${demo.adminToken}`);
  say(`  curl -H "Authorization: Bearer $TOKEN" ${stack.get('enrollment').url}/v1/vendors`);
  say('');
  say('Ctrl-C stops everything. Logs: .cache/logs/<service>.log');

  // Nothing else to do: the services run until Ctrl-C. A service that dies takes the stack down with a message.
  for (const service of stack.services.values()) {
    void service.exited().then((code) => {
      if (!stopping) {
        say(`${service.name} exited unexpectedly (code ${code}); see .cache/logs/${service.name}.log`);
        void shutdown(1);
      }
    });
  }
}

main().catch(async (error: unknown) => {
  console.error(`\n./tutoring up failed: ${error instanceof Error ? error.message : String(error)}`);
  await shutdown(1);
});
