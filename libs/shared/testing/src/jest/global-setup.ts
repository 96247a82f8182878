// Jest global setup of the int and e2e projects: real Kafka and one real Postgres for the whole run, handed to the
// test workers through process.env (workers are forked after this and inherit it). Started locally, there is one
// broker per Jest worker (`KAFKA_BROKERS_WORKER_<id>`, picked up by worker-kafka.ts): every service stack uses the
// same topic names (the contracts) and consumer group ids, so two suites side by side on one broker would split each
// other's partitions and read each other's events.
import type { Config } from '@jest/types';
import { getHandles, infraLog, oneKafkaBrokerForAllWorkers, setHandles, type TestInfraHandles } from './infra-handles';
import { loadLocalInfra } from './load-local-infra';
import { canaryBaseline, canaryCheckEnabled, startTraceSink } from './canary-check';

function setEnv(handles: TestInfraHandles, name: string, value: string): void {
  if (process.env[name] !== value) handles.setEnv.push(name);
  process.env[name] = value;
}

async function startLocal(handles: TestInfraHandles, workers: number): Promise<void> {
  const infra = loadLocalInfra();
  const count = oneKafkaBrokerForAllWorkers() ? 1 : workers;
  const [postgres, ...kafkas] = await Promise.allSettled([
    // its own data dir and port, so tests never collide with a dev cluster from `npm start`
    infra
      .findFreePort()
      .then((port) =>
        infra.resolvePostgres({ log: infraLog, port, dataDir: infra.cachePath('postgres', 'test-data') }),
      ),
    ...Array.from({ length: count }, () => infra.resolveKafka({ log: infraLog })),
  ]);
  for (const kafka of kafkas)
    if (kafka.status === 'fulfilled') handles.stops.push({ name: 'kafka', stop: kafka.value.stop });
  if (postgres.status === 'fulfilled') handles.stops.push({ name: 'postgres', stop: postgres.value.stop });
  for (const kafka of kafkas) if (kafka.status === 'rejected') throw kafka.reason;
  if (postgres.status === 'rejected') throw postgres.reason;
  const brokers = kafkas.flatMap((k) => (k.status === 'fulfilled' ? [k.value] : []));
  handles.kafkaBrokers = brokers.map((k) => k.brokers);
  setEnv(handles, 'KAFKA_BROKERS', handles.kafkaBrokers[0] ?? '');
  if (count > 1) handles.kafkaBrokers.forEach((b, i) => setEnv(handles, `KAFKA_BROKERS_WORKER_${i + 1}`, b));
  setEnv(handles, 'TEST_POSTGRES_ADMIN_URL', postgres.value.adminUrl);
  infraLog(
    `Kafka ${brokers.map((k) => `${k.brokers} (${k.source})`).join(', ')}${count > 1 ? ', one per worker' : ''}, ` +
      `Postgres ${infra.redactPassword(postgres.value.adminUrl)} (${postgres.value.source})`,
  );
}

async function startWithContainers(handles: TestInfraHandles): Promise<void> {
  const infra = loadLocalInfra();
  const { startContainers } = await import('./containers');
  const { brokers, adminUrl } = await startContainers(infra, handles);
  setEnv(handles, 'KAFKA_BROKERS', brokers);
  setEnv(handles, 'TEST_POSTGRES_ADMIN_URL', adminUrl);
  infraLog(`Testcontainers: Kafka ${brokers}, Postgres ${infra.redactPassword(adminUrl)}`);
}

export default async function globalSetup(globalConfig: Config.GlobalConfig): Promise<void> {
  if (getHandles()) return; // int and e2e in one run share one setup
  const handles: TestInfraHandles = { stops: [], setEnv: [] };
  setHandles(handles);
  // Kafka clients warn about their partitioner change on every producer; noise in every test log.
  process.env['KAFKAJS_NO_PARTITIONER_WARNING'] = '1';
  const began = Date.now();
  try {
    if (process.env['TEST_INFRA'] === 'containers') await startWithContainers(handles);
    else await startLocal(handles, Math.max(1, globalConfig.maxWorkers));
  } catch (err) {
    // jest does not run the teardown when setup fails: release what did start
    const { default: teardown } = await import('./global-teardown');
    await teardown();
    throw err;
  }
  if (canaryCheckEnabled()) {
    // the canary check at teardown reads what the run adds to logs and traces, and every topic of the broker
    handles.canary = canaryBaseline();
    const traces = await startTraceSink(handles.canary.runId);
    handles.stops.push({ name: 'trace sink', stop: traces.stop });
    setEnv(handles, 'TEST_OTLP_ENDPOINT', traces.endpoint);
    setEnv(handles, 'TEST_RUN_ID', handles.canary.runId); // workers (forked later) copy their output under it
  }
  infraLog(`ready in ${((Date.now() - began) / 1000).toFixed(1)} s`);
}
