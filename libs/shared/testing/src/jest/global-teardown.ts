import { getHandles, infraLog, setHandles } from './infra-handles';
import { runCanaryCheck } from './canary-check';

/** Stops what global setup started (Kafka broker JVM, embedded Postgres, containers); env-provided servers stay. */
export default async function globalTeardown(): Promise<void> {
  const handles = getHandles();
  if (!handles) return;
  setHandles(undefined);
  // Before the broker stops: every topic, log and trace of the run, searched for the canary student names.
  let canaryFailure: string | null = null;
  if (handles.canary) {
    try {
      const brokers = handles.kafkaBrokers ?? [process.env['KAFKA_BROKERS'] ?? ''];
      canaryFailure = await runCanaryCheck(handles.canary, brokers.filter(Boolean), infraLog);
    } catch (error) {
      canaryFailure = `canary check failed to run: ${String(error)}`;
    }
  }
  const results = await Promise.allSettled(handles.stops.reverse().map((s) => s.stop()));
  results.forEach((r, i) => {
    if (r.status === 'rejected') infraLog(`stopping ${handles.stops[i]?.name} failed: ${String(r.reason)}`);
  });
  for (const name of handles.setEnv) delete process.env[name];
  if (canaryFailure) {
    infraLog(canaryFailure);
    throw new Error(canaryFailure);
  }
}
