/* eslint-disable no-console -- a command that prints its figures */
// npm run bench:statement — payout statements of a 100k-student contract (DESIGN.md §7: ≤ 30 s), each beside a
// baseline measured in the same run: reading the same facts from Postgres (the I/O floor every statement pays).
// Data (generated server-side with generate_series): 25k groups of 4 students, 12 weekly sessions each
// (300k ledger entries, 1.2M lines, ~80 % attendance, ~1 % exception lines), 300k scheduled occurrences,
// BOY + MOY + EOY assessments for every student. Env: BENCH_STUDENTS (default 100000), BENCH_WEEKS (weekly sessions
// per group, default 12; a school year is about 36), BENCH_WINDOW (the settlement: MOY, default, or EOY),
// BENCH_ADMIN_URL, BENCH_KEEP_DB=1 (keep the filled database for EXPLAIN ANALYZE; its name is printed).
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { ContractsService, StatementsService } from '@tutoring/outcomes-contracting/application';
import type { RateCard } from '@tutoring/outcomes-contracting/domain';
import { FactsStore, OUTCOMES_CONTRACTING_MIGRATIONS } from '@tutoring/outcomes-contracting/infrastructure';
import {
  applyMigrations,
  createServiceDataSource,
  inTenantTransaction,
  provisionServiceDatabase,
} from '@tutoring/shared/persistence';

const SCHEMA = 'outcomes_contracting';
const STUDENTS = Number(process.env['BENCH_STUDENTS'] ?? 100_000);
const GROUPS = Math.ceil(STUDENTS / 4);
const WEEKS = Number(process.env['BENCH_WEEKS'] ?? 12);
const WINDOW = (process.env['BENCH_WINDOW'] ?? 'MOY') as 'MOY' | 'EOY';
const ADMIN_URL =
  process.env['BENCH_ADMIN_URL'] ??
  process.env['TEST_POSTGRES_ADMIN_URL'] ??
  'postgres://postgres@127.0.0.1:5432/postgres';
const district = randomUUID();
const vendor = randomUUID();

const card: RateCard = {
  base: { unit: 'student_hour', unitPriceCents: 4000, hourRounding: 'quarter_hour_down' },
  attendanceGateBp: 7000,
  outcome: {
    metric: 'scale_score_gain',
    subject: 'math',
    schoolYear: '2026-2027',
    tiers: [
      { min: 10, cents: 40_000 },
      { min: 25, cents: 90_000 },
    ],
  },
  declinePenalty: { below: 0, cents: 10_000 },
  holdbackBp: 2000,
  capPerStudentCents: 100_000,
  capPerContractCents: 5_000_000_000,
  settlementWindows: [
    { window: 'MOY', baseline: 'BOY', periodEnd: '2027-01-31' },
    { window: 'EOY', baseline: 'BOY', periodEnd: '2027-06-30' },
  ],
};

const student = (expr: string) => `md5('s' || (${expr}))::uuid`;

// Groups per statement (30,000 sessions): each stays well under the runtime's 30 s query timeout on a busy machine.
const CHUNK = Math.max(1, Math.floor(30_000 / WEEKS));

const generate = async (ds: DataSource): Promise<void> => {
  for (let from = 0; from < GROUPS; from += CHUNK) await generateGroups(ds, from, Math.min(GROUPS, from + CHUNK));
  await generateAssessments(ds);
};

const generateGroups = (ds: DataSource, from: number, to: number) =>
  inTenantTransaction(ds, district, async (m) => {
    const s = SCHEMA;
    await m.query(
      `INSERT INTO ${s}.ledger_facts (district_id, ledger_position, vendor_id, session_id, kind, local_date, scheduled_session_id, lines)
       SELECT $1, g * ${WEEKS} + i + 1, $2, 's-' || g || '-' || i, 'delivered', DATE '2026-09-07' + i * 7 + (g % 5), md5('o' || g || '-' || i)::uuid,
              (SELECT jsonb_agg(jsonb_build_object(
                  'studentId', ${student('g * 4 + k')},
                  'status', CASE WHEN (i + k + g) % 5 = 0 THEN 'absent_unexcused' ELSE 'present' END,
                  'minutes', CASE WHEN (i + k + g) % 5 = 0 THEN 0 ELSE 30 + (g + k) % 31 END,
                  'billable', (g * ${WEEKS} + i) % 97 <> 0,
                  'exceptionCodes', CASE WHEN (g * ${WEEKS} + i) % 97 = 0 THEN '["tutor_not_cleared"]'::jsonb ELSE '[]'::jsonb END))
                 FROM generate_series(0, 3) k)::json
         FROM generate_series($3::int, $4::int - 1) g, generate_series(0, ${WEEKS - 1}) i`,
      [district, vendor, from, to],
    );
    await m.query(
      `INSERT INTO ${s}.occurrences (district_id, occurrence_id, vendor_id, occurrence_date, student_ids)
       SELECT $1, md5('o' || g || '-' || i)::uuid, $2, DATE '2026-09-07' + i * 7 + (g % 5),
              ARRAY[${student('g * 4')}, ${student('g * 4 + 1')}, ${student('g * 4 + 2')}, ${student('g * 4 + 3')}]
         FROM generate_series($3::int, $4::int - 1) g, generate_series(0, ${WEEKS - 1}) i`,
      [district, vendor, from, to],
    );
  });

const generateAssessments = (ds: DataSource) =>
  inTenantTransaction(ds, district, async (m) => {
    const s = SCHEMA;
    await m.query(
      `INSERT INTO ${s}.assessments (district_id, student_id, school_year, test_window, subject, assessment_id, scale_score, percentile, growth_percentile)
       SELECT $1, ${student('n')}, '2026-2027', w, 'math', md5('a' || n || w)::uuid, CASE WHEN w = 'BOY' THEN 400 ELSE 395 + (n * 7) % 40 END, 50, NULL
         FROM generate_series(0, $2::int * 4 - 1) n, (VALUES ('BOY'), ('MOY'), ('EOY')) v(w)`,
      [district, GROUPS],
    );
  });

const time = async <T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> => {
  const t = performance.now();
  const value = await work();
  return { ms: performance.now() - t, value };
};

const main = async (): Promise<void> => {
  const dbName = `bench_outcomes_${Date.now().toString(36)}`;
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const dbUrl = new URL(ADMIN_URL);
  dbUrl.pathname = `/${dbName}`;
  let ds: DataSource | null = null;
  try {
    const urls = await provisionServiceDatabase(dbUrl.toString(), SCHEMA);
    const config = { url: urls.runtimeUrl, migrationUrl: urls.migrationUrl, schema: SCHEMA, applicationName: 'bench' };
    await applyMigrations(config, OUTCOMES_CONTRACTING_MIGRATIONS);
    ds = createServiceDataSource(config);
    await ds.initialize();
    const gen = await time(() => generate(ds as DataSource));
    // Statistics, as autovacuum has them for a district's facts by the time finance issues a statement.
    const analyzer = new Client({ connectionString: dbUrl.toString() });
    await analyzer.connect();
    await analyzer.query(`ANALYZE`);
    await analyzer.end();
    console.log(
      `generated ${GROUPS * 4} students, ${GROUPS * WEEKS} ledger entries, ${GROUPS * WEEKS} occurrences, ${GROUPS * 12} assessments in ${(gen.ms / 1000).toFixed(1)} s`,
    );

    const contracts = new ContractsService(ds, SCHEMA);
    const statements = new StatementsService(ds, SCHEMA);
    const finance = { districtId: district, sub: 'bench-finance', vendorScope: null };
    const contract = await contracts.create({
      districtId: district,
      vendorId: vendor,
      name: 'bench',
      startDate: '2026-09-01',
      endDate: '2027-06-30',
      rateCard: card,
      by: 'bench',
    });

    const facts = new FactsStore(SCHEMA);
    const baseline = await time(() =>
      inTenantTransaction(ds as DataSource, district, async (m) => {
        const snapshot = await facts.snapshot(m);
        const entries = await facts.ledgerEntries(m, vendor, Number.MAX_SAFE_INTEGER, snapshot);
        const periodEnd = card.settlementWindows.find((w) => w.window === WINDOW)?.periodEnd ?? '2027-06-30';
        const occurrences = await facts.occurrences(m, vendor, '2026-09-01', periodEnd, snapshot);
        const assessments = await facts.assessments(m, '2026-2027', 'math', snapshot);
        return entries.length + occurrences.length + assessments.length;
      }),
    );
    const base = await time(() => statements.issue(finance, contract.contractId, { kind: 'base', month: '2026-09' }));
    const settlement = await time(() =>
      statements.issue(finance, contract.contractId, { kind: 'settlement', window: WINDOW }),
    );
    const recompute = await time(() => statements.recompute(finance, settlement.value.statement.statementId));

    const row = (name: string, ms: number, detail: string) =>
      console.log(
        `${name.padEnd(44)} ${`${(ms / 1000).toFixed(2)} s`.padStart(9)}   ${`${(ms / baseline.ms).toFixed(2)}×`.padStart(7)}   ${detail}`,
      );
    console.log('');
    console.log(`${'step'.padEnd(44)} ${'time'.padStart(9)}   ${'÷ base'.padStart(7)}   detail`);
    row('baseline: read the facts (ledger, schedule, tests)', baseline.ms, `${baseline.value} rows`);
    row(
      'base statement, September (issue + store)',
      base.ms,
      `${base.value.statement.lines.length} lines, ${base.value.statement.exceptions.length} exceptions, total ${base.value.statement.totalCents} ¢`,
    );
    row(
      `${WINDOW} settlement (issue + store)`,
      settlement.ms,
      `${settlement.value.statement.lines.length} lines, ${settlement.value.statement.notes.length} notes, total ${settlement.value.statement.totalCents} ¢`,
    );
    row(`${WINDOW} settlement recomputed (identical?)`, recompute.ms, String(recompute.value.identical));
    console.log('');
    const target = 30_000;
    console.log(
      `${WINDOW} settlement of a ${GROUPS * 4}-student contract, ${WEEKS} weeks of sessions: ${(settlement.ms / 1000).toFixed(2)} s (target ≤ ${target / 1000} s: ${settlement.ms <= target ? 'met' : 'NOT met'}); peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`,
    );
    if (!recompute.value.identical) process.exitCode = 1;
  } finally {
    await ds?.destroy();
    if (process.env['BENCH_KEEP_DB'] === '1') console.log(`kept database ${dbName}`);
    else await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
  }
};

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
