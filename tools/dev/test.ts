/**
 * The whole test suite, in the order that fails fastest: lint (module boundaries included), types, unit,
 * integration (real Postgres and Kafka), end-to-end (services as processes, driven from outside).
 * Each stage prints its own output; the last line is the total in the plain `N passed, N failed` form.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { oneKafkaBrokerForAllWorkers } from '@tutoring/shared/testing';

const root = join(__dirname, '..', '..');
const bin = (name: string) => join(root, 'node_modules', '.bin', name);
const env = { ...process.env, NX_DAEMON: 'false', FORCE_COLOR: '0' };

interface Stage {
  name: string;
  command: string;
  args: string[];
  jestResults?: string;
}

const resultsDir = join(root, 'tmp', 'test-results');
mkdirSync(resultsDir, { recursive: true });
const jest = (name: string, extra: string[]): Stage => ({
  name,
  command: bin('jest'),
  args: ['--ci', '--json', `--outputFile=${join(resultsDir, `${name}.json`)}`, ...extra, ...process.argv.slice(2)],
  jestResults: join(resultsDir, `${name}.json`),
});

const stages: Stage[] = [
  // The module-boundary lint rule needs Nx's project graph; without it the rule silently skips itself.
  { name: 'project graph', command: bin('nx'), args: ['show', 'projects'] },
  { name: 'lint', command: bin('eslint'), args: ['.', '--max-warnings=0'] },
  { name: 'types', command: bin('tsc'), args: ['-p', 'tsconfig.json', '--noEmit'] },
  // Unit tests are pure CPU: both cores (Jest's default on two cores is one worker), 154 → 121 s on a slow machine.
  jest('unit', ['--selectProjects', 'unit', '--maxWorkers=2']),
  jest('integration', ['--selectProjects', 'int', '--maxWorkers=2']),
  // End-to-end suites wait on processes more than they compute: two at a time, each worker with a broker of its own
  // (global setup), 452 → 254–260 s on a 2-core machine; one at a time when one broker serves every worker.
  jest('end-to-end', [
    '--selectProjects',
    'e2e',
    ...(oneKafkaBrokerForAllWorkers() ? ['--runInBand'] : ['--maxWorkers=2']),
  ]),
];

let passed = 0;
let failed = 0;
const failedStages: string[] = [];
for (const stage of stages) {
  const started = Date.now();
  console.log(`\n=== ${stage.name} ===`);
  const run = spawnSync(stage.command, stage.args, { cwd: root, env, stdio: 'inherit' });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (stage.jestResults) {
    try {
      const r = JSON.parse(readFileSync(stage.jestResults, 'utf8')) as { numPassedTests: number; numFailedTests: number };
      passed += r.numPassedTests;
      failed += r.numFailedTests;
    } catch {
      failed += 1;
    }
  } else if (run.status === 0) {
    passed += 1;
  } else {
    failed += 1;
  }
  console.log(`=== ${stage.name}: ${run.status === 0 ? 'ok' : 'FAILED'} in ${seconds} s ===`);
  if (run.status !== 0) failedStages.push(stage.name);
}

if (failedStages.length) console.log(`\nfailed stages: ${failedStages.join(', ')}`);
console.log(`\ntests: ${passed} passed, ${failed} failed`);
process.exit(failedStages.length ? 1 : 0);
