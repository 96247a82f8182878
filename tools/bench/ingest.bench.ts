/**
 * `npm run bench:ingest`: every figure measured in this one run on this machine, each beside its baseline.
 *
 *  1. anchor  — raw COPY of the same ledger rows (same columns, jsonb, 3 unique indexes) into Postgres;
 *  2. ours    — the session-ledger service (a real process) consuming BENCH_EVENTS session events of 3 students
 *               each, produced beforehand on its vendor topic, until ledger AND dosage/payment read models are
 *               committed AND every entry's feedback and ledger event is sent (rate measured from the first
 *               committed entry to the last one projected and published), run as deployed (compiled, with the Helm
 *               chart's Node options), with its peak RSS;
 *  3. naive   — a NestJS @EventPattern handler saving each message with TypeORM (NAIVE_EVENTS messages; its rate
 *               is extrapolated to the full count, it is per-message and does not speed up with volume);
 *  4. rebuild — blue/green projection rebuild of the ledger written in (2), entries/s;
 *  5. query   — dosage series of random students of a 33k-student district with a full term (18 weeks) of
 *               read-model rows (seeded by SQL, not ingested), p50 and p99 through the route's query code.
 */
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { startDevIssuer } from '@tutoring/shared/auth';
import { ENROLLMENT_VENDORS_TOPIC, VENDOR_REGISTERED_V1, vendorSessionsTopic } from '@tutoring/shared/contracts';
import { buildImageTree, DEV_AUDIENCE, startStack } from '@tutoring/shared/dev-stack';
import {
  createDatabase,
  dropDatabase,
  findFreePort,
  resolveKafka,
  resolvePostgres,
} from '@tutoring/shared/local-infra';
import { createServiceDataSource, inTenantTransaction, provisionServiceDatabase } from '@tutoring/shared/persistence';
import {
  DosageQueries,
  LEDGER_EVENTS_FOLLOWER,
  LedgerProjector,
  projectorLockKey,
  publisherLockKey,
} from '@tutoring/session-ledger/infrastructure';
import { naiveSaved, startNaiveConsumer } from './naive-handler';
import { chartNodeOptions, cpuSeconds, memoryMb } from './process-stats';
import { rebuildOnly } from './rebuild-only';
import { idFor, SessionPlan, sessionWorkload, studentIdOf, toKafkaMessage } from '@tutoring/shared/testing';
import { benchDistrictPlan } from './bench-plan';

const EVENTS = Number(process.env['BENCH_EVENTS'] ?? 200_000);
const NAIVE_EVENTS = Number(process.env['NAIVE_EVENTS'] ?? 4_000);
const QUERY_STUDENTS = Number(process.env['QUERY_STUDENTS'] ?? 33_000);
const QUERIES = Number(process.env['QUERIES'] ?? 2_000);
/**
 * BENCH_HOLD_FOLLOWERS=projector,publisher (with BENCH_INGEST_ONLY=1): the bench holds the district's advisory lock of
 * these followers during the ingest, as another replica working on the district would, so the service's own copies
 * wait (projector) or skip it (publisher). What the ingest costs without them is then measured alone.
 */
const FOLLOWERS = ['projector', 'publisher'] as const;
const heldFollowers = (): (typeof FOLLOWERS)[number][] => {
  const names = (process.env['BENCH_HOLD_FOLLOWERS'] ?? '').split(',').filter((n) => n !== '');
  const unknown = names.filter((n) => !(FOLLOWERS as readonly string[]).includes(n));
  if (unknown.length)
    throw new Error(`BENCH_HOLD_FOLLOWERS: unknown ${unknown.join(', ')} (known: ${FOLLOWERS.join(', ')})`);
  if (names.length && !process.env['BENCH_INGEST_ONLY'])
    throw new Error('BENCH_HOLD_FOLLOWERS needs BENCH_INGEST_ONLY=1: the read models would never catch up');
  return names as (typeof FOLLOWERS)[number][];
};
const HELD_FOLLOWERS = heldFollowers();
/** The measure fails rather than hang when the service stops making progress. */
const READ_MODEL_TIMEOUT_S = Number(process.env['BENCH_TIMEOUT_S'] ?? 1_800);
/** Settings of the service that bear on throughput: given to it when set in the bench's environment. */
const SERVICE_TUNABLES = [
  'INGEST_PARTITIONS_CONCURRENTLY',
  'INGEST_FETCH_MAX_BYTES_PER_PARTITION',
  'INGEST_FETCH_MAX_BYTES',
  'PROJECTION_BATCH_SIZE',
];
const root = join(__dirname, '..', '..');
const log = (msg: string): void => void process.stderr.write(`[bench] ${msg}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const seconds = (from: bigint): number => Number(process.hrtime.bigint() - from) / 1e9;

/** CPU seconds of the PostgreSQL backends serving one database (the service pool: ingest, relay, projector). */
async function postgresCpuSeconds(db: Client, database: string): Promise<Map<number, number>> {
  // The bench's own connections (this admin client, the `bench` data source polling progress) are not counted.
  const rows = (
    await db.query(
      `SELECT pid FROM pg_stat_activity
        WHERE datname = $1 AND pid <> pg_backend_pid() AND coalesce(application_name, '') <> 'bench'`,
      [database],
    )
  ).rows as {
    pid: number;
  }[];
  return new Map(rows.map((r) => [r.pid, cpuSeconds(r.pid)]));
}

async function seedReference(
  db: Client,
  plan: SessionPlan,
  schoolId: string,
  programId: string,
  students: number,
  weeks: number,
  studentId: (n: number) => string = studentIdOf,
): Promise<void> {
  const d = plan.districtId;
  await db.query(`INSERT INTO session_ledger.ref_districts VALUES ($1, 'America/Chicago') ON CONFLICT DO NOTHING`, [d]);
  await db.query(
    `INSERT INTO session_ledger.ref_programs (program_id, district_id, subject, max_group_size, target_sessions_per_week,
       target_minutes_per_session, start_date, end_date, vendor_ids)
     VALUES ($1, $2, 'math', 4, 3, 30, $3::date - 7, $3::date + 7 * $4, ARRAY[$5]::uuid[])`,
    [programId, d, plan.termStart, weeks, plan.vendorId],
  );
  await db.query(
    `INSERT INTO session_ledger.ref_school_days (district_id, school_id, day)
     SELECT $1, $2, day::date FROM generate_series($3::date, $3::date + 7 * $4, interval '1 day') day WHERE extract(isodow FROM day) < 6`,
    [d, schoolId, plan.termStart, weeks],
  );
  const ids = Array.from({ length: students }, (_, i) => studentId(i));
  await db.query(`INSERT INTO session_ledger.ref_students SELECT s, $1, $2, '5' FROM unnest($3::uuid[]) s`, [
    d,
    schoolId,
    ids,
  ]);
  await db.query(
    `INSERT INTO session_ledger.ref_enrolments SELECT gen_random_uuid(), $1, s, $2, $3, $4, 'enrolled', 'granted', $5::date - 7, NULL FROM unnest($6::uuid[]) s`,
    [d, programId, plan.vendorId, schoolId, plan.termStart, ids],
  );
  const tutors = Array.from({ length: 97 }, (_, i) => idFor(`tutor-${i}`));
  await db.query(
    `INSERT INTO session_ledger.ref_tutors SELECT t, $1, $2, '2030-01-01' FROM unnest($3::uuid[]) t ON CONFLICT DO NOTHING`,
    [d, plan.vendorId, tutors],
  );
}

/** 1. COPY anchor: the rows our ingest writes to the ledger, straight in with COPY. */
async function copyAnchor(db: Client, plan: SessionPlan, n: number): Promise<number> {
  await db.query(`CREATE TABLE bench_copy (LIKE session_ledger.ledger_entries INCLUDING DEFAULTS INCLUDING INDEXES)`);
  const { events } = sessionWorkload(plan, n, false);
  const verdicts = (e: (typeof events)[number]) =>
    JSON.stringify(
      (e.data['attendance'] as { studentId: string }[]).map((a) => ({
        studentId: a.studentId,
        billable: true,
        exceptionCodes: [],
      })),
    );
  const esc = (s: string) => s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n');
  function* lines() {
    for (const [i, e] of events.entries()) {
      yield `${i + 1}\t${plan.vendorId}/${e.sessionId}\t1\t${e.eventId}\torg.tutoring.session.delivered.v1\t1\t${plan.districtId}\t${plan.vendorId}\t${esc(JSON.stringify(e.data))}\t${esc(JSON.stringify({ channel: 'kafka', ref: `t/0/${i}` }))}\t2026-11-23T00:00:00Z\t${esc(verdicts(e))}\t2026-09-07\t${1000 + i}\n`;
    }
  }
  const cols =
    '(position, stream_id, stream_version, event_id, event_type, schema_version, district_id, vendor_id, data, metadata, recorded_at, verdicts, local_date, transaction_id)';
  const started = process.hrtime.bigint();
  await pipeline(Readable.from(lines()), db.query(copyFrom(`COPY bench_copy ${cols} FROM STDIN`)));
  const s = seconds(started);
  await db.query(`DROP TABLE bench_copy`);
  return n / s;
}

async function main(): Promise<void> {
  // `-- --only=rebuild`: the projection side alone (ledger filled by COPY, no Kafka, no service).
  if (process.argv.includes('--only=rebuild')) return rebuildOnly(EVENTS);
  const pg = await resolvePostgres({ log });
  const kafka = await resolveKafka({ log } as never);
  const name = `bench_ingest_${Date.now().toString(36)}`;
  const dbUrl = await createDatabase(pg.adminUrl, name);
  const issuer = await startDevIssuer({ audience: DEV_AUDIENCE, port: 0, log: () => undefined });
  const plan = benchDistrictPlan();
  const admin = new Client({ connectionString: dbUrl });
  await admin.connect();
  const results: Record<string, number> = {};
  let stack: Awaited<ReturnType<typeof startStack>> | null = null;
  // The service runs from a tree as the image holds it, outside the repository (ADR 0029).
  const compiledRoot = join(tmpdir(), `tutoring-bench-image-${process.pid}`);
  try {
    log(`database ${name}, Kafka ${kafka.brokers}`);
    rmSync(compiledRoot, { recursive: true, force: true });
    const image = buildImageTree(root, compiledRoot);
    log(`compiled ${image.files} files and linked ${image.packages} production packages into ${compiledRoot}`);
    stack = await startStack({
      root,
      postgresAdminUrl: dbUrl,
      kafkaBrokers: kafka.brokers,
      issuer,
      services: ['session-ledger'],
      ports: { 'session-ledger': await findFreePort() },
      logDir: join(root, 'tmp', 'bench-logs'),
      // As the container image runs it: compiled JavaScript, no SWC at runtime (ADR 0029).
      compiledRoot,
      logLevel: 'warn',
      // Profiling aids, off unless asked: per-stage chunk timings and a V8 CPU profile of the service process.
      extraEnv: {
        'session-ledger': {
          // The weekly dosage judgement would visit the 33k-student query district mid-run: not what is measured.
          DOSAGE_WARNINGS_ENABLED: 'false',
          ...(process.env['INGEST_PROFILE'] ? { INGEST_PROFILE: '1' } : {}),
          // The service's throughput settings, passed on when set (to measure another value than the default).
          ...Object.fromEntries(
            SERVICE_TUNABLES.flatMap((name) => (process.env[name] ? [[name, process.env[name]]] : [])),
          ),
          // Resolved here: the service's working directory is its image tree, removed after the run.
          ...(process.env['BENCH_CPU_PROF_DIR']
            ? { BENCH_CPU_PROF_DIR: resolve(process.env['BENCH_CPU_PROF_DIR']) }
            : {}),
          ...(process.env['BENCH_HEAP_PROF_DIR']
            ? { BENCH_HEAP_PROF_DIR: resolve(process.env['BENCH_HEAP_PROF_DIR']) }
            : {}),
          NODE_OPTIONS: [
            process.env['BENCH_SERVICE_NODE_OPTIONS'] ?? chartNodeOptions('session-ledger'),
            process.env['BENCH_CPU_PROF_DIR'] || process.env['BENCH_HEAP_PROF_DIR']
              ? `--require ${join(__dirname, 'v8-profiles.js')}`
              : '',
          ]
            .join(' ')
            .trim(),
        },
      },
    });
    const ledger = stack.get('session-ledger');
    await ledger.waitReady();
    await seedReference(admin, plan, randomUUID(), randomUUID(), plan.students, plan.weeks);

    results['copy'] = await copyAnchor(admin, plan, EVENTS);
    log(`COPY anchor: ${results['copy'].toFixed(0)} rows/s`);

    // 2. ours: register the vendor, stop the service, produce everything, start it and time the catch-up.
    const k = new Kafka({ brokers: [kafka.brokers], clientId: 'bench-vendor', logLevel: logLevel.NOTHING });
    const producer = k.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    await producer.send({
      topic: ENROLLMENT_VENDORS_TOPIC,
      messages: [
        {
          key: plan.vendorId,
          value: JSON.stringify({
            vendorId: plan.vendorId,
            districtId: plan.districtId,
            name: 'Bench Tutoring',
            registeredAt: new Date().toISOString(),
          }),
          headers: {
            ce_specversion: '1.0',
            ce_id: randomUUID(),
            ce_source: 'urn:tutoring:service:enrollment',
            ce_type: VENDOR_REGISTERED_V1,
            ce_time: new Date().toISOString(),
            ce_districtid: plan.districtId,
            'content-type': 'application/json',
          },
        },
      ],
    });
    const scalar = async (sql: string, p: unknown[] = []) =>
      Number(((await admin.query(sql, p)).rows[0] as { n: string }).n);
    while (
      (await scalar(`SELECT count(*) AS n FROM session_ledger.vendor_topics WHERE vendor_id = $1`, [plan.vendorId])) ===
      0
    )
      await sleep(200);
    await sleep(2_000); // topics created and subscribed
    await ledger.stop();
    const { events } = sessionWorkload(plan, EVENTS, false);
    const topic = vendorSessionsTopic(plan.vendorId);
    const producing = process.hrtime.bigint();
    for (let i = 0; i < events.length; i += 1_500)
      await producer.send({ topic, messages: events.slice(i, i + 1_500).map((e) => toKafkaMessage(plan, e)) });
    log(`produced ${events.length} session events in ${seconds(producing).toFixed(1)} s`);

    const urls = await provisionServiceDatabase(dbUrl, 'session_ledger');
    const ds = createServiceDataSource({ url: urls.runtimeUrl, schema: 'session_ledger', applicationName: 'bench' });
    await ds.initialize();
    const projector = new LedgerProjector(ds, 'session_ledger', { batchSize: 5_000 });
    const publisherLag = () =>
      inTenantTransaction(ds, plan.districtId, async (m) =>
        projector.reader.lag(
          m,
          plan.districtId,
          await projector.store.checkpoint(m, plan.districtId, 'a', LEDGER_EVENTS_FOLLOWER),
        ),
      );
    const serving = (await admin.query(`SELECT active FROM session_ledger.proj_slots`)).rows[0].active as 'a' | 'b';
    for (const follower of HELD_FOLLOWERS) {
      const key =
        follower === 'projector'
          ? projectorLockKey(plan.districtId, serving)
          : publisherLockKey('session_ledger', plan.districtId);
      // Session-level: held on the bench's connection until it ends, after the measure.
      await admin.query('SELECT pg_advisory_lock(hashtext($1))', [key]);
      log(
        `holding the ${follower}'s lock of the district: the service's ${follower} ${follower === 'projector' ? 'waits' : 'passes the district over'}`,
      );
    }
    ledger.start();
    let first = 0;
    const alive = () => {
      if (!ledger.running) throw new Error('session-ledger exited during the measure (see tmp/bench-logs)');
    };
    while ((first = await scalar(`SELECT count(*) AS n FROM session_ledger.ledger_entries`)) === 0) {
      alive();
      await sleep(50);
    }
    const t0 = process.hrtime.bigint();
    // CPU cost per event, independent of how loaded the shared machine is: the service process and the
    // PostgreSQL backends of this database (sampled at the first committed entry and when the ledger is complete).
    const serviceCpu0 = cpuSeconds(ledger.pid);
    const pgCpu0 = await postgresCpuSeconds(admin, name);
    const ingestOnly = Boolean(process.env['BENCH_INGEST_ONLY']);
    for (;;) {
      const n = await scalar(`SELECT count(*) AS n FROM session_ledger.ledger_entries`);
      if (n >= EVENTS && results['ledger'] === undefined) {
        results['ledger'] = (EVENTS - first) / seconds(t0);
        const pgCpu1 = await postgresCpuSeconds(admin, name);
        let pgCpu = 0;
        for (const [pid, cpu] of pgCpu1) pgCpu += cpu - (pgCpu0.get(pid) ?? 0);
        results['cpuService'] = ((cpuSeconds(ledger.pid) - serviceCpu0) / (EVENTS - first)) * 1e6;
        results['cpuPostgres'] = (pgCpu / (EVENTS - first)) * 1e6;
        log(
          `CPU per event until the ledger is complete: service ${results['cpuService'].toFixed(0)} µs, ` +
            `PostgreSQL ${results['cpuPostgres'].toFixed(0)} µs`,
        );
        log(`ledger: ${results['ledger'].toFixed(0)} session events/s (ledger committed)`);
        if (ingestOnly) break;
      }
      // Done when the read models AND the vendor feedback / ledger events (publisher, and any outbox row) are out.
      if (
        n >= EVENTS &&
        (await projector.lag(plan.districtId)) === 0 &&
        (await publisherLag()) === 0 &&
        (await scalar(`SELECT count(*) AS n FROM session_ledger.outbox WHERE published_at IS NULL`)) === 0
      )
        break;
      alive();
      if (seconds(t0) > READ_MODEL_TIMEOUT_S)
        throw new Error(`read models not caught up after ${READ_MODEL_TIMEOUT_S} s`);
      // count(*) over a growing ledger is not free: poll once a second so the bench does not slow what it measures.
      await sleep(1_000);
    }
    // DESIGN.md §7: each service ≤ 300 MB RSS under this load (the peak since the service started, read before it stops).
    results['rss'] = memoryMb(ledger.pid);
    log(`session-ledger peak RSS during the ingest: ${results['rss'].toFixed(0)} MB`);
    if (!ingestOnly) {
      results['ours'] = (EVENTS - first) / seconds(t0);
      log(
        `ours: ${results['ours'].toFixed(0)} session events/s (ledger + read models committed, feedback and ledger events sent)`,
      );
    }
    await ledger.stop();

    // Profiling runs (BENCH_INGEST_ONLY=1) stop after the ingest measure.
    if (ingestOnly) {
      await producer.disconnect();
      await ds.destroy();
      return;
    }
    // 3. naive baseline on a topic of its own, same events.
    const naiveTopic = `bench.naive.${Date.now()}`;
    const kadmin = k.admin();
    await kadmin.connect();
    await kadmin.createTopics({ topics: [{ topic: naiveTopic, numPartitions: 3 }] });
    await kadmin.disconnect();
    const naiveEvents = sessionWorkload(plan, NAIVE_EVENTS, false).events;
    for (let i = 0; i < naiveEvents.length; i += 1_500) {
      await producer.send({
        topic: naiveTopic,
        messages: naiveEvents.slice(i, i + 1_500).map((e) => toKafkaMessage(plan, e)),
      });
    }
    await producer.disconnect();
    const stopNaive = await startNaiveConsumer({ brokers: kafka.brokers, topic: naiveTopic, databaseUrl: dbUrl });
    while (naiveSaved() === 0) await sleep(20);
    const n0 = naiveSaved();
    const tn = process.hrtime.bigint();
    while (naiveSaved() < NAIVE_EVENTS) await sleep(50);
    results['naive'] = (NAIVE_EVENTS - n0) / seconds(tn);
    await stopNaive();
    log(`naive: ${results['naive'].toFixed(0)} events/s`);

    // 4. rebuild of everything ingested in (2).
    const rebuilt = await projector.rebuild();
    results['rebuild'] = rebuilt.entries / (rebuilt.ms / 1000);
    log(`rebuild: ${rebuilt.entries} entries in ${(rebuilt.ms / 1000).toFixed(1)} s`);

    // 5. dosage queries in a 33k-student district with a full term of read-model rows.
    const q: SessionPlan = { ...plan, districtId: randomUUID(), vendorId: randomUUID() };
    const school = randomUUID();
    const queryStudent = (n: number) => idFor(`query-student-${n}`);
    await seedReference(admin, q, school, randomUUID(), QUERY_STUDENTS, 18, queryStudent);
    const slot = (await admin.query(`SELECT active FROM session_ledger.proj_slots`)).rows[0].active as string;
    await admin.query(
      `INSERT INTO session_ledger.proj_dosage_weeks_${slot} (district_id, student_id, iso_week, attended_minutes, counted_sessions)
       SELECT $1, s.student_id, to_char($2::date + 7 * w, 'IYYY-"W"IW'), 60 + (w * 7 + length(s.student_id::text)) % 60, 2 + w % 2
         FROM session_ledger.ref_students s CROSS JOIN generate_series(0, 17) w WHERE s.district_id = $1`,
      [q.districtId, q.termStart],
    );
    await admin.query(`ANALYZE`);
    const queries = new DosageQueries('session_ledger');
    const lat: number[] = [];
    for (let i = 0; i < QUERIES; i++) {
      const student = queryStudent(Math.floor(Math.random() * QUERY_STUDENTS));
      const t = process.hrtime.bigint();
      await inTenantTransaction(ds, q.districtId, (m) => queries.studentSeries(m, q.districtId, student, '2027-01-15'));
      lat.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    lat.sort((a, b) => a - b);
    results['p50'] = lat[Math.floor(lat.length * 0.5)] ?? 0;
    results['p99'] = lat[Math.floor(lat.length * 0.99)] ?? 0;
    const ft = process.hrtime.bigint();
    await inTenantTransaction(ds, q.districtId, (m) =>
      queries.fidelity(m, q.districtId, { isoWeek: '2026-W40', schoolId: school }),
    );
    results['fidelity'] = seconds(ft) * 1000;
    await ds.destroy();
  } finally {
    await stack?.stop();
    rmSync(compiledRoot, { recursive: true, force: true });
    await admin.end();
    await issuer.stop();
    // BENCH_KEEP_DB=1 keeps the filled database (its name is logged) for EXPLAIN ANALYZE of the ingest's statements.
    if (!process.env['BENCH_KEEP_DB']) await dropDatabase(pg.adminUrl, name).catch(() => undefined);
    await kafka.stop();
    await pg.stop();
  }

  const r = (x: number | undefined) => (x ?? 0).toFixed(0);
  const ratio = (a: number | undefined, b: number | undefined) => ((a ?? 0) / (b || 1)).toFixed(2);
  const rows = [
    ['measure', 'value', 'baseline (same run)', 'ratio', 'target'],
    ['raw COPY of the same ledger rows (anchor)', `${r(results['copy'])} rows/s`, '—', '—', '—'],
    [
      `our ingest, Kafka → ledger + read models + feedback sent (${EVENTS} sessions × 3 students)`,
      `${r(results['ours'])} events/s`,
      `COPY ${r(results['copy'])} rows/s`,
      ratio(results['ours'], results['copy']),
      '≥ 0.50',
    ],
    [
      `  of which ingest alone, Kafka → ledger committed`,
      `${r(results['ledger'])} events/s`,
      `COPY ${r(results['copy'])} rows/s`,
      ratio(results['ledger'], results['copy']),
      '—',
    ],
    [
      `  CPU per event (service process / PostgreSQL backends)`,
      `${r(results['cpuService'])} / ${r(results['cpuPostgres'])} µs`,
      '—',
      '—',
      '—',
    ],
    [
      `  service peak RSS (VmHWM) during the ingest`,
      `${r(results['rss'])} MB`,
      'target 300 MB',
      ratio(results['rss'], 300),
      '≤ 1.00',
    ],
    [
      'our ingest vs naive @EventPattern + TypeORM save',
      `${r(results['ours'])} events/s`,
      `naive ${r(results['naive'])} events/s (${NAIVE_EVENTS} msgs, extrapolated)`,
      ratio(results['ours'], results['naive']),
      '≥ 10',
    ],
    [
      'projection rebuild (blue/green, from position 0)',
      `${r(results['rebuild'])} entries/s`,
      'target 20000 entries/s',
      ratio(results['rebuild'], 20_000),
      '≥ 1.00',
    ],
    [
      `dosage series p50 / p99 (${QUERY_STUDENTS} students, 18 weeks, ${QUERIES} queries)`,
      `${(results['p50'] ?? 0).toFixed(1)} / ${(results['p99'] ?? 0).toFixed(1)} ms`,
      'target p99 50 ms',
      ratio(results['p99'], 50),
      '≤ 1.00',
    ],
    [
      'fidelity summary, one school, one week (single call)',
      `${(results['fidelity'] ?? 0).toFixed(1)} ms`,
      '—',
      '—',
      '—',
    ],
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => (row[c] ?? '').length)));
  const line = (row: string[]) => `| ${row.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join(' | ')} |`;
  const out = [line(rows[0]!), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.slice(1).map(line)];
  process.stdout.write(`${out.join('\n')}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
