// Preloaded into a service process by the benches (node refuses --cpu-prof in NODE_OPTIONS). Each profile runs from
// start to exit and is written into its directory when the process exits:
// - BENCH_CPU_PROF_DIR: V8's CPU profile (.cpuprofile);
// - BENCH_HEAP_PROF_DIR: V8's sampling heap profile with the objects the garbage collector already freed counted too,
//   so what the process allocates, not only what it keeps (.heapprofile).
// Chrome DevTools opens both.
const inspector = require('node:inspector');
const { writeFileSync, mkdirSync } = require('node:fs');
const { join } = require('node:path');

const profiles = [
  {
    dir: process.env.BENCH_CPU_PROF_DIR,
    start: ['Profiler.enable', 'Profiler.start', {}],
    stop: 'Profiler.stop',
    extension: 'cpuprofile',
  },
  {
    dir: process.env.BENCH_HEAP_PROF_DIR,
    start: [
      'HeapProfiler.enable',
      'HeapProfiler.startSampling',
      { samplingInterval: 64 * 1024, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true },
    ],
    stop: 'HeapProfiler.stopSampling',
    extension: 'heapprofile',
  },
].filter((p) => p.dir);

if (profiles.length) {
  const session = new inspector.Session();
  session.connect();
  for (const { start } of profiles) session.post(start[0], () => session.post(start[1], start[2]));
  let written = false;
  // The in-process session answers synchronously within post, so the files are written before the process ends.
  process.on('exit', () => {
    if (written) return;
    written = true;
    for (const { dir, stop, extension } of profiles)
      session.post(stop, (err, result) => {
        if (err || !result) return;
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, `service-${process.pid}.${extension}`), JSON.stringify(result.profile));
      });
  });
}
