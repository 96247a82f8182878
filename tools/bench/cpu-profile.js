// Preloaded into the service process by `npm run bench:ingest` when BENCH_CPU_PROF_DIR is set (node refuses
// --cpu-prof in NODE_OPTIONS): records a V8 CPU profile from start to exit and writes it as a .cpuprofile file.
const inspector = require('node:inspector');
const { writeFileSync, mkdirSync } = require('node:fs');
const { join } = require('node:path');

const dir = process.env.BENCH_CPU_PROF_DIR;
if (dir) {
  const session = new inspector.Session();
  session.connect();
  session.post('Profiler.enable', () => session.post('Profiler.start'));
  let written = false;
  const write = () => {
    if (written) return;
    written = true;
    session.post('Profiler.stop', (err, result) => {
      if (err || !result) return;
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `service-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  };
  // Profiler.stop answers synchronously within post when the session is in-process.
  process.on('exit', write);
}
