import { spawnSync, execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { KAFKA_VERSION } from './kafka-config';
import { cachePath, findRepoRoot } from './repo-paths';

const run = promisify(execFile);
const MARKER = '.complete';

function commandWorks(cmd: string, args: string[]): boolean {
  const result = spawnSync(cmd, args, { stdio: 'ignore' });
  return !result.error && result.status === 0;
}

/** Java must be 17+ for Kafka 4. `java -version` prints e.g. `openjdk version "17.0.15"` on stderr. */
function javaMajorVersion(): number | undefined {
  const result = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) return undefined;
  const match = /version "(\d+)(?:\.(\d+))?/.exec(`${result.stderr}${result.stdout}`);
  if (!match?.[1]) return undefined;
  const major = Number(match[1]);
  return major === 1 && match[2] ? Number(match[2]) : major;
}

export function assertJava(): void {
  const major = javaMajorVersion();
  if (major === undefined || major < 17) {
    const found = major === undefined ? 'not found' : `is version ${major}`;
    throw new Error(
      `Java 17+ ${found}: install a JDK (apt-get install openjdk-17-jdk-headless) or set KAFKA_BROKERS to an existing broker`,
    );
  }
}

/**
 * Returns `<repo>/.cache/kafka/4.1.0/libs`, resolving the broker jars with Maven the first time. A marker file is
 * written only after a complete copy, so an interrupted copy is redone rather than trusted.
 */
export function ensureKafkaJars(opts: { log?: (s: string) => void } = {}): Promise<string> {
  // one resolution per process: concurrent callers share it (the partial dir is named after the pid)
  inFlight ??= resolveJars(opts).finally(() => (inFlight = undefined));
  return inFlight;
}

let inFlight: Promise<string> | undefined;

async function resolveJars(opts: { log?: (s: string) => void }): Promise<string> {
  const libs = cachePath('kafka', KAFKA_VERSION, 'libs');
  if (existsSync(join(libs, MARKER))) return libs;
  assertJava();
  if (!commandWorks('mvn', ['-v'])) {
    throw new Error(
      'Maven (mvn) not found: install it (apt-get install maven) to fetch the Kafka jars, or set KAFKA_BROKERS to an existing broker',
    );
  }
  opts.log?.(`Resolving Kafka ${KAFKA_VERSION} jars into ${libs} (first run only)`);
  // Copy into a private dir and rename it into place: concurrent first runs (npm start and a test run) never see,
  // or delete, each other's half-copied jars.
  const partial = `${libs}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  const pom = join(findRepoRoot(), 'infra', 'kafka', 'pom.xml');
  try {
    await run('mvn', ['-q', '-B', '-f', pom, 'dependency:copy-dependencies', `-DoutputDirectory=${partial}`], {
      maxBuffer: 16 * 1024 * 1024,
    });
    const jars = readdirSync(partial).filter((f) => f.endsWith('.jar'));
    if (!jars.some((f) => f.startsWith('kafka_2.13-'))) throw new Error(`mvn finished but no kafka_2.13 jar is in ${partial}`);
    writeFileSync(join(partial, MARKER), `${jars.length} jars\n`);
    if (existsSync(join(libs, MARKER))) return libs; // another process won the race
    rmSync(libs, { recursive: true, force: true }); // an interrupted copy from an older layout
    renameSync(partial, libs);
  } catch (err) {
    if (existsSync(join(libs, MARKER))) return libs;
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`mvn could not resolve the Kafka jars from ${pom}: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
  return libs;
}
