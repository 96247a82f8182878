/**
 * `npm run bench:memory`: DESIGN.md §7's "each service ≤ 300 MB RSS under that load", for the load a district puts on
 * the whole system at the start of a year. All five services run as the container image runs them (compiled, the
 * production node_modules only, the Helm chart's Node options for each: ADR 0029). The district's roster of
 * BENCH_STUDENTS students (default 30,000, as `npm run bench:roster`) is imported over enrollment's HTTP API, then
 * its BOY assessments; every other service consumes what enrollment publishes. Each service's peak resident set
 * (VmHWM) is printed beside its own idle figure, measured after start-up in the same run, and the 300 MB target.
 * session-ledger's ingest load is measured by `npm run bench:ingest`, a statement's by `npm run bench:statement`.
 *
 * Options (environment): BENCH_STUDENTS, BENCH_KEEP_DB=1 (keep the database; its name is logged),
 * BENCH_CPU_PROF_DIR=<dir> (a V8 CPU profile of each service, in <dir>/<service>/), BENCH_LOG_LEVEL (the services'
 * LOG_LEVEL, default warn; logs in tmp/bench-logs/memory).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { startDevIssuer } from '@tutoring/shared/auth';
import { buildImageTree, DEV_AUDIENCE, SERVICE_NAMES, type ServiceName, startStack } from '@tutoring/shared/dev-stack';
import {
  createDatabase,
  dropDatabase,
  findFreePort,
  resolveKafka,
  resolvePostgres,
} from '@tutoring/shared/local-infra';
import { chartNodeOptions, cpuSeconds, memoryMb } from './process-stats';

const root = join(__dirname, '..', '..');
const STUDENTS = Number(process.env['BENCH_STUDENTS'] ?? 30_000);
const TARGET_MB = 300;
const log = (msg: string): void => void process.stderr.write(`[bench] ${msg}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** CPU seconds per second the services use together over `ms`. */
async function cpuRate(pids: (number | undefined)[], ms: number): Promise<number> {
  const total = () => pids.reduce<number>((sum, pid) => sum + cpuSeconds(pid), 0);
  const before = total();
  await sleep(ms);
  return (total() - before) / (ms / 1000);
}

/**
 * Waits until the services together use no more CPU than at rest (their pollers) for 5 s in a row: every consumer
 * has caught up. Returns the seconds until that quiet stretch began.
 */
async function caughtUp(pids: (number | undefined)[], atRest: number, timeoutMs = 15 * 60_000): Promise<number> {
  const started = Date.now();
  for (let quiet = 0; quiet < 5;) {
    if (Date.now() - started > timeoutMs) throw new Error(`the services were still busy after ${timeoutMs / 1000} s`);
    quiet = (await cpuRate(pids, 1000)) <= atRest * 1.5 + 0.03 ? quiet + 1 : 0;
  }
  return (Date.now() - started) / 1000 - 5;
}

/** A synthetic OneRoster district from the generator's command line (another Nx project): file name → text. */
function generatedDistrict(students: number): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-memory-district-'));
  try {
    const generator = join(root, 'tools', 'generators', 'oneroster', 'generate-district.ts');
    const args = ['-r', join(root, 'tools', 'register.js'), generator, '--out', dir, '--students', String(students)];
    const run = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`the district generator failed: ${run.stderr}`);
    return Object.fromEntries(
      readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => {
          const path = join(entry.parentPath, entry.name);
          return [path.slice(dir.length + 1), readFileSync(path, 'utf8')];
        }),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const pg = await resolvePostgres({ log });
  const kafka = await resolveKafka({ log } as never);
  const name = `bench_memory_${Date.now().toString(36)}`;
  const dbUrl = await createDatabase(pg.adminUrl, name);
  const issuer = await startDevIssuer({ audience: DEV_AUDIENCE, port: 0, log: () => undefined });
  const compiledRoot = join(tmpdir(), `tutoring-bench-memory-${process.pid}`);
  let stack: Awaited<ReturnType<typeof startStack>> | null = null;
  const rows: string[][] = [];
  const phases: string[] = [];
  try {
    log(`database ${name}, Kafka ${kafka.brokers}`);
    rmSync(compiledRoot, { recursive: true, force: true });
    const image = buildImageTree(root, compiledRoot);
    log(`compiled ${image.files} files and linked ${image.packages} production packages into ${compiledRoot}`);
    const ports: Partial<Record<ServiceName, number>> = {};
    const extraEnv: Partial<Record<ServiceName, Record<string, string>>> = {};
    for (const service of SERVICE_NAMES) {
      ports[service] = await findFreePort();
      // BENCH_CPU_PROF_DIR: a V8 CPU profile of each service (tools/bench/v8-profiles.js), written when it stops.
      const profileDir = process.env['BENCH_CPU_PROF_DIR'];
      extraEnv[service] = {
        NODE_OPTIONS: [chartNodeOptions(service), profileDir ? `--require ${join(__dirname, 'v8-profiles.js')}` : '']
          .join(' ')
          .trim(),
        ...(profileDir ? { BENCH_CPU_PROF_DIR: resolve(profileDir, service) } : {}),
      };
    }
    stack = await startStack({
      root,
      postgresAdminUrl: dbUrl,
      kafkaBrokers: kafka.brokers,
      issuer,
      ports,
      logDir: join(root, 'tmp', 'bench-logs', 'memory'),
      compiledRoot,
      logLevel: process.env['BENCH_LOG_LEVEL'] ?? 'warn',
      extraEnv,
    });
    const running = stack;
    const pids = SERVICE_NAMES.map((s) => running.get(s).pid);
    await sleep(10_000); // start-up's own work (consumer group joins, first polls) settles
    const atRest = await cpuRate(pids, 10_000);
    log(`at rest the five services use ${(atRest * 100).toFixed(1)} % of a core together`);
    const idle = new Map(SERVICE_NAMES.map((s) => [s, memoryMb(running.get(s).pid, 'VmRSS')]));

    const districtId = randomUUID();
    const token = await issuer.mintToken({ sub: 'bench-admin', roles: ['district_admin'], district_id: districtId });
    const enrollment = running.get('enrollment').url;
    const auth = { authorization: `Bearer ${token}` };
    const district = await fetch(`${enrollment}/v1/district`, {
      method: 'PUT',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ timeZone: 'America/Chicago' }),
    });
    if (!district.ok) throw new Error(`PUT /v1/district answered ${district.status}: ${await district.text()}`);

    const files = generatedDistrict(STUDENTS);
    const upload = async (path: string, names: string[]) => {
      const form = new FormData();
      for (const file of names) form.append('files', new Blob([files[file] ?? '']), file.split('/').pop());
      const started = Date.now();
      const res = await fetch(`${enrollment}${path}`, { method: 'POST', headers: auth, body: form });
      const report = (await res.json()) as { applied?: boolean; errors?: unknown[] };
      if (!res.ok || !report.applied)
        throw new Error(`${path} answered ${res.status}: ${JSON.stringify(report).slice(0, 500)}`);
      const answered = (Date.now() - started) / 1000;
      const quietAfter = await caughtUp(pids, atRest);
      phases.push(
        `${path}: answered in ${answered.toFixed(1)} s, every service back at rest ${quietAfter.toFixed(0)} s later`,
      );
      log(phases[phases.length - 1] ?? '');
    };
    const roster = Object.keys(files).filter((f) => !f.startsWith('assessments/'));
    const bytes = roster.reduce((n, f) => n + Buffer.byteLength(files[f] ?? ''), 0);
    log(`importing the roster of ${STUDENTS} students (${roster.length} files, ${(bytes / 1e6).toFixed(1)} MB)`);
    await upload('/v1/roster/imports', roster);
    await upload('/v1/assessments/imports', ['assessments/assessments.csv']);

    for (const service of SERVICE_NAMES) {
      const pid = running.get(service).pid;
      const peak = memoryMb(pid);
      rows.push([
        service,
        `${(idle.get(service) ?? 0).toFixed(0)} MB`,
        `${peak.toFixed(0)} MB`,
        chartNodeOptions(service) || '—',
        (peak / TARGET_MB).toFixed(2),
      ]);
    }
  } finally {
    await stack?.stop();
    rmSync(compiledRoot, { recursive: true, force: true });
    await issuer.stop();
    if (!process.env['BENCH_KEEP_DB']) await dropDatabase(pg.adminUrl, name).catch(() => undefined);
    await kafka.stop();
    await pg.stop();
  }

  const header = [
    'service (compiled, as deployed)',
    'RSS idle, after start-up (baseline)',
    `peak RSS (VmHWM), ${STUDENTS}-student roster + assessments`,
    'Node options (Helm chart)',
    `÷ target ${TARGET_MB} MB`,
  ];
  const table = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...table.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  process.stdout.write(
    [...phases.map((p) => `- ${p}`), '', line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`]
      .concat(rows.map(line))
      .join('\n') + '\n',
  );
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench:memory failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
