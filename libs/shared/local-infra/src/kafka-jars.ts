import { spawnSync, execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
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
export async function ensureKafkaJars(opts: { log?: (s: string) => void } = {}): Promise<string> {
  const libs = cachePath('kafka', KAFKA_VERSION, 'libs');
  if (existsSync(join(libs, MARKER))) return libs;
  assertJava();
  if (!commandWorks('mvn', ['-v'])) {
    throw new Error(
      'Maven (mvn) not found: install it (apt-get install maven) to fetch the Kafka jars, or set KAFKA_BROKERS to an existing broker',
    );
  }
  opts.log?.(`Resolving Kafka ${KAFKA_VERSION} jars into ${libs} (first run only)`);
  rmSync(libs, { recursive: true, force: true });
  mkdirSync(libs, { recursive: true });
  const pom = join(findRepoRoot(), 'infra', 'kafka', 'pom.xml');
  try {
    await run('mvn', ['-q', '-B', '-f', pom, 'dependency:copy-dependencies', `-DoutputDirectory=${libs}`], {
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`mvn could not resolve the Kafka jars from ${pom}: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  }
  const jars = readdirSync(libs).filter((f) => f.endsWith('.jar'));
  if (!jars.some((f) => f.startsWith('kafka_2.13-'))) throw new Error(`mvn finished but no kafka_2.13 jar is in ${libs}`);
  writeFileSync(join(libs, MARKER), `${jars.length} jars\n`);
  return libs;
}
