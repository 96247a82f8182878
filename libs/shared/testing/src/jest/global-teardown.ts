import { getHandles, infraLog, setHandles } from './infra-handles';

/** Stops what global setup started (Kafka broker JVM, embedded Postgres, containers); env-provided servers stay. */
export default async function globalTeardown(): Promise<void> {
  const handles = getHandles();
  if (!handles) return;
  setHandles(undefined);
  const results = await Promise.allSettled(handles.stops.reverse().map((s) => s.stop()));
  results.forEach((r, i) => {
    if (r.status === 'rejected') infraLog(`stopping ${handles.stops[i]?.name} failed: ${String(r.reason)}`);
  });
  for (const name of handles.setEnv) delete process.env[name];
}
