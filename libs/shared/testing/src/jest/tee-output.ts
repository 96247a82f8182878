// Test workers' own output (services run in-process by int tests log with pino straight to fd 1/2) is also
// written to tmp/test-logs/<run id>/worker-<pid>.log, so the run's canary check (canary-check.ts) reads it like the
// logs of services started as processes. Loaded by slow-tier-timeout.ts in every int and e2e test file; the
// patch is made once per worker process (the marker sits on the shared `fs` module, not on a test's globals).
import fs from 'node:fs';
import { join } from 'node:path';

const KEY = '__tutoringTeeOutput';
const marked = fs as unknown as Record<string, unknown>;

if (!marked[KEY] && process.env['TEST_CANARY_SCAN'] !== '0') {
  marked[KEY] = true;
  const dir = join(__dirname, '..', '..', '..', '..', '..', 'tmp', 'test-logs', process.env['TEST_RUN_ID'] ?? 'no-run');
  fs.mkdirSync(dir, { recursive: true });
  const fd = fs.openSync(join(dir, `worker-${process.pid}.log`), 'a');
  const original = { write: fs.write, writeSync: fs.writeSync };
  const copy = (target: unknown, data: unknown) => {
    if (target !== 1 && target !== 2) return;
    try {
      if (typeof data === 'string') original.writeSync(fd, data);
      else if (ArrayBuffer.isView(data)) original.writeSync(fd, data as NodeJS.ArrayBufferView);
    } catch {
      // a copy that fails must never fail the test that logged
    }
  };
  fs.writeSync = ((target: number, data: never, ...rest: never[]) => {
    copy(target, data);
    return (original.writeSync as (...a: unknown[]) => number)(target, data, ...rest);
  }) as typeof fs.writeSync;
  fs.write = ((target: number, data: never, ...rest: never[]) => {
    copy(target, data);
    return (original.write as (...a: unknown[]) => void)(target, data, ...rest);
  }) as typeof fs.write;
  for (const [stream, target] of [
    [process.stdout, 1],
    [process.stderr, 2],
  ] as const) {
    const write = stream.write.bind(stream);
    stream.write = ((chunk: unknown, ...rest: never[]) => {
      copy(target, chunk);
      return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof stream.write;
  }
}
