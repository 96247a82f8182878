// Preloaded into the service process by `npm run bench:ingest` when BENCH_HEAP_PROF_DIR is set: V8's sampling heap
// profiler from start to exit, counting the objects the garbage collector has already freed as well (what the
// process allocates, not what it keeps), written as a .heapprofile file (Chrome DevTools opens it).
const inspector = require('node:inspector');
const { writeFileSync, mkdirSync } = require('node:fs');
const { join } = require('node:path');

const dir = process.env.BENCH_HEAP_PROF_DIR;
if (dir) {
  const session = new inspector.Session();
  session.connect();
  session.post('HeapProfiler.enable', () =>
    session.post('HeapProfiler.startSampling', {
      samplingInterval: 64 * 1024,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    }),
  );
  let written = false;
  process.on('exit', () => {
    if (written) return;
    written = true;
    // Answered synchronously within post when the session is in-process.
    session.post('HeapProfiler.stopSampling', (err, result) => {
      if (err || !result) return;
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `service-${process.pid}.heapprofile`), JSON.stringify(result.profile));
    });
  });
}
