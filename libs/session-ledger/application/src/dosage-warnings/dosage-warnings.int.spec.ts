// Dosage warnings and scheduled-versus-delivered against real Postgres (runtime role, RLS on): sessions go in through
// the real ingest path, the real projector maintains the read models, and what the worker publishes and the schedule
// read answers are compared with a reference computed here from the scenario table alone.
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import {
  DosageQueries,
  LedgerProjector,
  ReferenceStore,
  SESSION_LEDGER_MIGRATIONS,
} from '@tutoring/session-ledger/infrastructure';
import { contractsTesting, DOSAGE_TOPIC, DosageBelowTargetV1 } from '@tutoring/shared/contracts';
import { inTenantTransaction } from '@tutoring/shared/persistence';
import { FreshDatabase, migratedServiceDatabase } from '@tutoring/shared/testing';
import { SessionIngestService } from '../ingest/session-ingest.service';
import { DosageWarningsWorker } from './dosage-warnings.worker';
import { mathProgram } from '../testing/reference-facts';

const SCHEMA = 'session_ledger';
const district = randomUUID();
const vendor = randomUUID();
const tutor = randomUUID();
const program = randomUUID();
const S1 = randomUUID();
const S2 = randomUUID(); // its calendar has no instructional day in 2026-W45
const G1 = randomUUID();
const G2 = randomUUID();
const [A, B, C, D, E, F] = Array.from({ length: 6 }, () => randomUUID()) as [
  string,
  string,
  string,
  string,
  string,
  string,
];
const START: Record<string, string> = {
  [A]: '2026-10-19',
  [B]: '2026-10-19',
  [C]: '2026-10-19',
  [D]: '2026-11-02',
  [E]: '2026-10-19',
  [F]: '2026-12-01',
};
const SCHOOL: Record<string, string> = { [A]: S1, [B]: S1, [C]: S1, [D]: S1, [E]: S2, [F]: S1 };
const TARGET = { sessions: 3, minutes: 30 };

type Report = 'named' | 'timed' | 'none' | 'corrected' | 'voided';
interface Slot {
  date: string;
  week: string;
  /** A planned occurrence of the group (false: a session the vendor reported without a plan). */
  planned: boolean;
  report: Report;
  cancel?: 'district' | 'vendor';
  /** Cancellations as scheduling issued them, in that order (each names its students, as scheduling does). */
  cancellations?: { reason: string; accountable: 'district' | 'vendor'; students: string[] }[];
  /** Scheduling re-published the plan (a group change) without these students, cancelled ahead. */
  replannedWithout?: string[];
  group: string;
  members: string[];
  present: string[];
}

// Chicago. 2026-W44 is the week daylight saving time ends (Sunday Nov 1): CDT −05:00 before, CST −06:00 after.
const slot = (date: string, week: string, report: Report, present: string[], extra: Partial<Slot> = {}): Slot => ({
  date,
  week,
  planned: true,
  report,
  group: G1,
  members: date >= '2026-11-02' ? [A, B, C, D] : [A, B, C],
  present,
  ...extra,
});
const SLOTS: Slot[] = [
  slot('2026-10-26', '2026-W44', 'named', [A, B, C]),
  slot('2026-10-28', '2026-W44', 'timed', [A, C]),
  slot('2026-10-30', '2026-W44', 'named', [A]),
  slot('2026-11-02', '2026-W45', 'none', [], { cancel: 'district' }),
  slot('2026-11-04', '2026-W45', 'named', [A, C, D]),
  slot('2026-11-05', '2026-W45', 'timed', [A, C], { planned: false }),
  slot('2026-11-06', '2026-W45', 'corrected', [A, C, D]),
  slot('2026-11-09', '2026-W46', 'named', [A, B, C]),
  slot('2026-11-11', '2026-W46', 'none', [], { cancel: 'vendor' }),
  slot('2026-11-12', '2026-W46', 'timed', [A, B], { planned: false }),
  slot('2026-11-13', '2026-W46', 'voided', [A, B, C]),
  slot('2026-11-16', '2026-W47', 'none', []),
  // A's absence known ahead (district), then the tutor absent for everyone still planned (vendor).
  slot('2026-11-17', '2026-W47', 'none', [], {
    cancellations: [
      { reason: 'student_absence', accountable: 'district', students: [A] },
      { reason: 'tutor_absence', accountable: 'vendor', students: [B, C, D] },
    ],
  }),
  // C's absence known ahead, then a tutor absence naming the whole group: the whole-occurrence one wins for C too.
  slot('2026-11-18', '2026-W47', 'none', [], {
    cancellations: [
      { reason: 'student_absence', accountable: 'district', students: [C] },
      { reason: 'tutor_absence', accountable: 'vendor', students: [A, B, C, D] },
    ],
  }),
  // B's absence known ahead, then a group change: the plan comes again without B; the session is reported for A, C, D.
  slot('2026-11-19', '2026-W47', 'named', [A, C], {
    cancellations: [{ reason: 'student_absence', accountable: 'district', students: [B] }],
    replannedWithout: [B],
  }),
  // School S2's student E, a group of one, never planned.
  slot('2026-10-27', '2026-W44', 'timed', [E], { planned: false, group: G2, members: [E] }),
  slot('2026-11-03', '2026-W45', 'timed', [E], { planned: false, group: G2, members: [E] }),
  slot('2026-11-10', '2026-W46', 'timed', [E], { planned: false, group: G2, members: [E] }),
];
const offset = (date: string) => (date < '2026-11-01' ? '-05:00' : '-06:00');
const at = (date: string, hhmm: string) => `${date}T${hhmm}:00${offset(date)}`;
const occurrenceIds = new Map(SLOTS.map((s) => [s.date + s.group, randomUUID()]));
const occurrenceOf = (s: Slot) => occurrenceIds.get(s.date + s.group) as string;

// Instructional days: weekdays of Oct 19 – Nov 27; S2 has none in W45 (Nov 2–6).
const weekdays = (from: string, to: string) => {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) {
    const d = new Date(t);
    if (d.getUTCDay() !== 0 && d.getUTCDay() !== 6) out.push(d.toISOString().slice(0, 10));
  }
  return out;
};
const DAYS: Record<string, string[]> = {
  [S1]: weekdays('2026-10-19', '2026-11-27'),
  [S2]: weekdays('2026-10-19', '2026-11-27').filter((d) => d < '2026-11-02' || d > '2026-11-06'),
};
const WEEK_DAYS: Record<string, [string, string]> = {
  '2026-W44': ['2026-10-26', '2026-11-01'],
  '2026-W45': ['2026-11-02', '2026-11-08'],
  '2026-W46': ['2026-11-09', '2026-11-15'],
};

/** Reference dose warnings, from the scenario table alone. */
const expectedWarnings = (weeks: string[]): DosageBelowTargetV1[] => {
  const out: DosageBelowTargetV1[] = [];
  for (const student of [A, B, C, D, E, F]) {
    let streak = 0;
    for (const week of weeks) {
      const [mon, sun] = WEEK_DAYS[week] as [string, string];
      const from = START[student] as string;
      const instructional = (DAYS[SCHOOL[student] as string] ?? []).some((d) => d >= mon && d <= sun && d >= from);
      if (!instructional || from > sun) continue;
      const attended = SLOTS.filter(
        (s) => s.week === week && s.report !== 'none' && s.report !== 'voided' && s.present.includes(student),
      ).length;
      const below = attended < TARGET.sessions || attended * 30 < TARGET.sessions * TARGET.minutes;
      streak = below ? streak + 1 : 0;
      if (below)
        out.push({
          districtId: district,
          studentId: student,
          schoolId: SCHOOL[student] as string,
          programId: program,
          isoWeek: week,
          attendedMinutes: attended * 30,
          targetMinutes: 90,
          consecutiveWeeks: streak,
        });
    }
  }
  return out;
};

/** Reference scheduled-versus-delivered of one student, from the scenario table alone. */
const expectedSchedule = (student: string, now: Date) => {
  const weeks = new Map<string, Record<string, number | string>>();
  for (const s of SLOTS.filter((x) => x.group === G1).sort((a, b) => a.date.localeCompare(b.date))) {
    const w = weeks.get(s.week) ?? {
      isoWeek: s.week,
      scheduled: 0,
      delivered: 0,
      cancelledByDistrict: 0,
      cancelledByVendor: 0,
      studentAbsent: 0,
      notReported: 0,
      pending: 0,
      unscheduledDelivered: 0,
    };
    weeks.set(s.week, w);
    const reported = s.report !== 'none' && s.report !== 'voided';
    const attended = reported && s.present.includes(student);
    const inc = (k: string) => (w[k] = (w[k] as number) + 1);
    if (!s.planned) {
      if (attended) inc('unscheduledDelivered');
      continue;
    }
    if (!s.members.includes(student)) continue;
    inc('scheduled');
    // The cancellation answering for the student: a whole-occurrence reason first, then the last one issued.
    const whole = ['closure', 'testing_day', 'tutor_absence'];
    const mine = (s.cancellations ?? []).filter((c) => c.students.includes(student));
    const own = [
      ...mine.filter((c) => !whole.includes(c.reason)),
      ...mine.filter((c) => whole.includes(c.reason)),
    ].pop();
    if (attended) inc('delivered');
    else if (own) inc(own.accountable === 'district' ? 'cancelledByDistrict' : 'cancelledByVendor');
    else if (s.cancel === 'district') inc('cancelledByDistrict');
    else if (s.cancel === 'vendor') inc('cancelledByVendor');
    else if (reported) inc('studentAbsent');
    else if (now.getTime() >= Date.parse(at(s.date, '10:30')) + 24 * 3_600_000) inc('notReported');
    else inc('pending');
  }
  return [...weeks.values()];
};

describe('dosage warnings and scheduled versus delivered (real Postgres, RLS)', () => {
  let db: FreshDatabase;
  let ds: DataSource;
  let ingestService: SessionIngestService;
  let projector: LedgerProjector;
  let n = 0;
  const tenant = <T>(work: (m: EntityManager) => Promise<T>) => inTenantTransaction(ds, district, work);
  const worker = () => new DosageWarningsWorker(ds, SCHEMA, { graceHours: 24, catchUpWeeks: 2, intervalMs: 60_000 });
  const published = async (): Promise<{ id: string; data: DosageBelowTargetV1 }[]> =>
    (
      (await ds.query(`SELECT payload FROM ${SCHEMA}.outbox WHERE topic = $1 ORDER BY id`, [DOSAGE_TOPIC])) as {
        payload: { id: string; data: DosageBelowTargetV1 };
      }[]
    ).map((r) => ({ id: r.payload.id, data: r.payload.data }));
  const sortWarnings = (w: DosageBelowTargetV1[]) =>
    [...w].sort((a, b) => a.isoWeek.localeCompare(b.isoWeek) || a.studentId.localeCompare(b.studentId));

  const ingest = async (type: string, data: unknown) => {
    const r = await ingestService.ingest(
      { ok: true, envelope: { id: randomUUID(), source: `urn:tutoring:vendor:${vendor}`, type, data } },
      {
        channel: 'kafka',
        ref: `t/0/${n++}`,
        topic: `tutoring.vendor.${vendor}.sessions.v1`,
        vendorId: vendor,
        metadata: {},
      },
    );
    expect(r.status).toBe('accepted');
  };
  const sessionOf = (s: Slot, present: string[]) =>
    contractsTesting.aSessionDelivered({
      sessionId: `s-${s.date}-${s.group.slice(0, 8)}`,
      vendorId: vendor,
      districtId: district,
      tutorId: tutor,
      groupId: s.group,
      scheduledSessionId: s.report === 'timed' ? null : occurrenceOf(s),
      subject: 'math',
      startedAt: at(s.date, s.report === 'timed' ? '10:05' : '10:00'),
      endedAt: at(s.date, s.report === 'timed' ? '10:35' : '10:30'),
      attendance: s.members
        .filter((studentId) => !(s.replannedWithout ?? []).includes(studentId))
        .map((studentId) =>
          present.includes(studentId)
            ? { studentId, status: 'present' as const, minutes: 30 }
            : { studentId, status: 'absent_unexcused' as const, minutes: 0 },
        ),
      notes: [],
    });

  beforeAll(async () => {
    ({ db, dataSource: ds } = await migratedServiceDatabase('dosage_warnings', SCHEMA, SESSION_LEDGER_MIGRATIONS));
    ingestService = new SessionIngestService(ds, SCHEMA, randomUUID);
    projector = new LedgerProjector(ds, SCHEMA, { batchSize: 50 });
    const ref = new ReferenceStore(SCHEMA);
    await tenant(async (m) => {
      await m.query(
        `INSERT INTO ${SCHEMA}.known_vendors (vendor_id, district_id, name, registered_at) VALUES ($1, $2, 'v', now())`,
        [vendor, district],
      );
      await m.query(`INSERT INTO ${SCHEMA}.vendor_topics (vendor_id) VALUES ($1)`, [vendor]);
      await ref.apply(m, { kind: 'district', districtId: district, timeZone: 'America/Chicago' });
      for (const school of [S1, S2])
        await ref.apply(m, {
          kind: 'calendar',
          districtId: district,
          schoolId: school,
          from: '2026-07-01',
          to: '2027-06-30',
          days: (DAYS[school] ?? []).map((day) => ({ day, earlyRelease: false })),
        });
      await ref.apply(m, {
        kind: 'program',
        programId: program,
        districtId: district,
        subject: 'math',
        maxGroupSize: 4,
        targetSessionsPerWeek: TARGET.sessions,
        targetMinutesPerSession: TARGET.minutes,
        startDate: '2026-09-01',
        endDate: '2027-06-15',
        plausibleFrom: '07:00',
        plausibleTo: '18:00',
        vendorIds: [vendor],
      });
      await ref.apply(m, {
        kind: 'tutor',
        tutorId: tutor,
        districtId: district,
        vendorId: vendor,
        clearedUntil: '2027-06-30',
      });
      for (const student of [A, B, C, D, E, F]) {
        const schoolId = SCHOOL[student] as string;
        await ref.apply(m, { kind: 'student', studentId: student, districtId: district, schoolId, grade: '4' });
        await ref.apply(m, {
          kind: 'enrolment',
          enrolmentId: randomUUID(),
          districtId: district,
          studentId: student,
          programId: program,
          vendorId: vendor,
          schoolId,
          status: 'enrolled',
          consent: 'granted',
          startDate: START[student] as string,
          endDate: null,
        });
      }
      for (const s of SLOTS.filter((x) => x.planned)) {
        const occurrenceId = occurrenceOf(s);
        const common = { occurrenceId, districtId: district, groupId: s.group, vendorId: vendor };
        const plan = (studentIds: string[]) =>
          ref.apply(m, {
            kind: 'occurrence_planned',
            ...common,
            programId: program,
            schoolId: S1,
            tutorId: tutor,
            date: s.date,
            startsAt: at(s.date, '10:00'),
            endsAt: at(s.date, '10:30'),
            studentIds,
          });
        await plan(s.members);
        if (s.cancel)
          await ref.apply(m, {
            kind: 'occurrence_cancelled',
            ...common,
            eventId: randomUUID(),
            cancelledAt: '2026-10-01T12:00:00Z',
            reason: s.cancel === 'district' ? 'closure' : 'tutor_absence',
            accountable: s.cancel,
            studentIds: [],
          });
        // Scheduling's cancellations arrive last first (another partition), the first one twice (a redelivery).
        const issued = (s.cancellations ?? []).map((c, i) => ({
          kind: 'occurrence_cancelled' as const,
          ...common,
          eventId: randomUUID(),
          cancelledAt: `2026-10-0${i + 1}T12:00:00Z`,
          reason: c.reason,
          accountable: c.accountable,
          studentIds: c.students,
        }));
        for (const u of [...issued].reverse()) await ref.apply(m, u);
        if (issued[0]) await ref.apply(m, { ...issued[0], reason: 'other', accountable: 'vendor' });
        if (s.replannedWithout) await plan(s.members.filter((x) => !s.replannedWithout?.includes(x)));
      }
    });
    for (const s of SLOTS) {
      if (s.report === 'none') continue;
      if (s.report === 'corrected') {
        await ingest('org.tutoring.session.delivered.v1', sessionOf(s, []));
        await ingest('org.tutoring.session.corrected.v1', { ...sessionOf(s, s.present), reason: 'attendance fixed' });
      } else {
        await ingest('org.tutoring.session.delivered.v1', sessionOf(s, s.present));
        if (s.report === 'voided')
          await ingest('org.tutoring.session.voided.v1', {
            sessionId: sessionOf(s, []).sessionId,
            vendorId: vendor,
            districtId: district,
            reason: 'entered twice',
          });
      }
    }
    await projector.catchUp();
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  const firstVisit = new Date('2026-11-10T12:00:00Z'); // W45 ended Nov 9 06:00Z (CST); + 24 h grace
  const secondVisit = new Date('2026-11-17T12:00:00Z');

  it('publishes below-target weeks once per student and week, with the streak, through the outbox', async () => {
    const closed = await worker().runOnce(firstVisit);
    expect(closed.map((c) => c.isoWeek)).toEqual(['2026-W44', '2026-W45']);
    const first = await published();
    expect(sortWarnings(first.map((p) => p.data))).toEqual(sortWarnings(expectedWarnings(['2026-W44', '2026-W45'])));
    // B below two instructional weeks running; E's W45 has no instructional day and is not judged.
    expect(first.find((p) => p.data.studentId === B && p.data.isoWeek === '2026-W45')?.data.consecutiveWeeks).toBe(2);
    expect(first.some((p) => p.data.studentId === E && p.data.isoWeek === '2026-W45')).toBe(false);

    // Two replicas visiting at once: W46 is closed by one of them, and nothing earlier again.
    const [one, two] = await Promise.all([worker().runOnce(secondVisit), worker().runOnce(secondVisit)]);
    expect([...one, ...two].map((c) => c.isoWeek)).toEqual(['2026-W46']);
    const all = await published();
    expect(sortWarnings(all.map((p) => p.data))).toEqual(
      sortWarnings(expectedWarnings(['2026-W44', '2026-W45', '2026-W46'])),
    );
    // E continues its streak across the non-instructional week.
    expect(all.find((p) => p.data.studentId === E && p.data.isoWeek === '2026-W46')?.data.consecutiveWeeks).toBe(2);
    expect(new Set(all.map((p) => p.id)).size).toBe(all.length);
    // The scenario, counted by hand: W44 B, C, E; W45 B, D; W46 A, B (3rd week running), C, D, E.
    expect(all).toHaveLength(10);
    expect(all.find((p) => p.data.studentId === B && p.data.isoWeek === '2026-W46')?.data.consecutiveWeeks).toBe(3);
  });

  it('stays silent on a re-run, after a restart and after a projection rebuild', async () => {
    const before = await published();
    expect(await worker().runOnce(secondVisit)).toEqual([]);
    await projector.rebuild();
    expect(await worker().runOnce(secondVisit)).toEqual([]);
    expect(await worker().runOnce(new Date('2026-11-17T23:00:00Z'))).toEqual([]);
    expect(await published()).toEqual(before);
    const judged = (await tenant((m) =>
      m.query(`SELECT count(*)::int AS n FROM ${SCHEMA}.dosage_week_judgements WHERE below`),
    )) as { n: number }[];
    expect(judged[0]?.n).toBe(before.length);
  });

  it('answers scheduled versus delivered per student as the reference computed from the scenario', async () => {
    const queries = new DosageQueries(SCHEMA);
    const outcomes = new Set<string>();
    for (const student of [A, B, C, D]) {
      const view = await tenant((m) =>
        queries.studentSchedule(m, district, student, {
          fromWeek: '2026-W44',
          toWeek: '2026-W47',
          vendorId: null,
          now: secondVisit,
        }),
      );
      expect(view.weeks).toEqual(
        expectedSchedule(student, secondVisit).filter(
          (w) => (w['scheduled'] as number) + (w['unscheduledDelivered'] as number) > 0,
        ),
      );
      for (const o of view.occurrences) {
        outcomes.add(o.outcome);
        const s = SLOTS.find((x) => x.planned && occurrenceOf(x) === o.occurrenceId);
        // A student left out of the re-published plan is not on the session the vendor reported: nothing to match.
        const expectedMatch =
          !s || s.report === 'none' || s.report === 'voided' || s.replannedWithout?.includes(student)
            ? null
            : s.report === 'timed'
              ? 'time_overlap'
              : 'scheduled_session_id';
        expect([o.occurrenceId, o.matchedBy]).toEqual([o.occurrenceId, expectedMatch]);
      }
    }
    // The two scheduling cases of issue 6 item 7, by hand: each student's own cancellation; the re-plan without B.
    const outcomesOn = async (date: string) => {
      const id = occurrenceIds.get(date + G1);
      const out: string[] = [];
      for (const student of [A, B, C, D]) {
        const v = await tenant((m) =>
          queries.studentSchedule(m, district, student, {
            fromWeek: '2026-W47',
            toWeek: '2026-W47',
            vendorId: null,
            now: secondVisit,
          }),
        );
        out.push(v.occurrences.find((o) => o.occurrenceId === id)?.outcome ?? 'not scheduled');
      }
      return out;
    };
    expect(await outcomesOn('2026-11-17')).toEqual([
      'cancelled_by_district',
      'cancelled_by_vendor',
      'cancelled_by_vendor',
      'cancelled_by_vendor',
    ]);
    expect(await outcomesOn('2026-11-18')).toEqual(Array(4).fill('cancelled_by_vendor'));
    expect(await outcomesOn('2026-11-19')).toEqual([
      'delivered',
      'cancelled_by_district',
      'delivered',
      'student_absent',
    ]);
    // The scenario exercises every attribution.
    expect([...outcomes].sort()).toEqual([
      'cancelled_by_district',
      'cancelled_by_vendor',
      'delivered',
      'not_reported',
      'pending',
      'student_absent',
    ]);
    const otherVendor = await tenant((m) =>
      queries.studentSchedule(m, district, A, {
        fromWeek: '2026-W44',
        toWeek: '2026-W47',
        vendorId: randomUUID(),
        now: secondVisit,
      }),
    );
    expect(otherVendor).toEqual({ weeks: [], occurrences: [] });
  });
  it('closes a large district week in one transaction, the outbox written in chunks', async () => {
    const big = randomUUID();
    const students = 2_500;
    await inTenantTransaction(ds, big, async (m) => {
      const ref = new ReferenceStore(SCHEMA);
      const bigProgram = randomUUID();
      const bigSchool = randomUUID();
      await ref.apply(m, {
        kind: 'calendar',
        districtId: big,
        schoolId: bigSchool,
        from: '2026-07-01',
        to: '2027-06-30',
        days: (DAYS[S1] ?? []).map((day) => ({ day, earlyRelease: false })),
      });
      await ref.apply(m, mathProgram(big, bigProgram, []));
      await m.query(
        `INSERT INTO ${SCHEMA}.ref_enrolments (enrolment_id, district_id, student_id, program_id, vendor_id, school_id, status, consent, start_date, end_date)
         SELECT gen_random_uuid(), $1, gen_random_uuid(), $2, NULL, $3, 'enrolled', 'granted', '2026-10-19', NULL
           FROM generate_series(1, $4)`,
        [big, bigProgram, bigSchool, students],
      );
      await ref.apply(m, { kind: 'district', districtId: big, timeZone: 'America/Chicago' });
    });
    const closed = await worker().closeWeek(big, '2026-W46', secondVisit);
    expect(closed).toEqual({ districtId: big, isoWeek: '2026-W46', studentsJudged: students, warnings: students });
    const rows = (await ds.query(
      `SELECT count(*)::int AS n, count(DISTINCT event_id)::int AS ids FROM ${SCHEMA}.outbox
        WHERE topic = $1 AND payload->>'districtid' = $2`,
      [DOSAGE_TOPIC, big],
    )) as { n: number; ids: number }[];
    expect(rows[0]).toEqual({ n: students, ids: students });
    expect(await worker().closeWeek(big, '2026-W46', secondVisit)).toBeNull();
  });
  it("leaves a new district's first weeks open until an enrolment covers them (zone before roster)", async () => {
    const fresh = randomUUID();
    const freshProgram = randomUUID();
    const freshSchool = randomUUID();
    const student = randomUUID();
    const ref = new ReferenceStore(SCHEMA);
    await inTenantTransaction(ds, fresh, async (m) => {
      await ref.apply(m, { kind: 'district', districtId: fresh, timeZone: 'America/Chicago' });
      await ref.apply(m, {
        kind: 'calendar',
        districtId: fresh,
        schoolId: freshSchool,
        from: '2026-07-01',
        to: '2027-06-30',
        days: (DAYS[S1] ?? []).map((day) => ({ day, earlyRelease: false })),
      });
      await ref.apply(m, mathProgram(fresh, freshProgram, []));
    });
    expect(await worker().closeDistrict(fresh, secondVisit)).toEqual([]);
    await inTenantTransaction(ds, fresh, (m) =>
      ref.apply(m, {
        kind: 'enrolment',
        enrolmentId: randomUUID(),
        districtId: fresh,
        studentId: student,
        programId: freshProgram,
        vendorId: null,
        schoolId: freshSchool,
        status: 'enrolled',
        consent: 'granted',
        startDate: '2026-11-09',
        endDate: null,
      }),
    );
    // W45 (before the enrolment) stays open; W46 is judged, the student below target for the first time.
    expect(await worker().closeDistrict(fresh, secondVisit)).toEqual([
      { districtId: fresh, isoWeek: '2026-W46', studentsJudged: 1, warnings: 1 },
    ]);
    const events = (await ds.query(
      `SELECT payload->'data' AS data FROM ${SCHEMA}.outbox WHERE topic = $1 AND payload->>'districtid' = $2`,
      [DOSAGE_TOPIC, fresh],
    )) as { data: DosageBelowTargetV1 }[];
    expect(events.map((e) => e.data)).toEqual([
      {
        districtId: fresh,
        studentId: student,
        schoolId: freshSchool,
        programId: freshProgram,
        isoWeek: '2026-W46',
        attendedMinutes: 0,
        targetMinutes: 90,
        consecutiveWeeks: 1,
      },
    ]);
  });
});
