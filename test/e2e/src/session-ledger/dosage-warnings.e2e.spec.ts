/**
 * The session-ledger service as a process, on the real broker and clock: a student of a district with no session in
 * the last two closed weeks gets one `dosage-below-target` per week on `tutoring.ledger.dosage.v1` (streak 1, then 2),
 * a student at target gets none; and the scheduled-versus-delivered route attributes the week's planned occurrences
 * over HTTP, for the caller's scope only. Reference facts are seeded in the ledger's reference tables as its
 * consumers would store them (the consumers are proved in ingest.e2e.spec.ts); the district is registered last, so
 * the worker (1 s interval, no grace) never sees it half-seeded.
 */
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { DOSAGE_TOPIC, DosageBelowTargetV1 } from '@tutoring/shared/contracts';
import type { Stack } from '@tutoring/shared/dev-stack';
import { testKafkaBrokers, waitFor } from '@tutoring/shared/testing';
import { LedgerAlone, startLedgerAlone } from './ledger-alone';

const ZONE = 'America/Chicago';
const DAY = 86_400_000;
const dayOf = (t: number) => new Date(t).toISOString().slice(0, 10);
const localToday = (now: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: ZONE }).format(now);
/** Monday of the ISO week of a local date. */
const mondayOf = (date: string) => {
  const t = Date.parse(`${date}T00:00:00Z`);
  return dayOf(t - ((new Date(t).getUTCDay() + 6) % 7) * DAY);
};
const isoWeek = (date: string) => {
  const thursday = Date.parse(`${mondayOf(date)}T00:00:00Z`) + 3 * DAY;
  const year = new Date(thursday).getUTCFullYear();
  const week = Math.floor((thursday - Date.UTC(year, 0, 1)) / (7 * DAY)) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
};
const plusDays = (date: string, n: number) => dayOf(Date.parse(`${date}T00:00:00Z`) + n * DAY);

describe('dosage warnings and scheduled versus delivered, service as a process', () => {
  const brokers = testKafkaBrokers();
  const district = randomUUID();
  const vendorA = randomUUID();
  const vendorB = randomUUID();
  const school = randomUUID();
  const otherSchool = randomUUID();
  const program = randomUUID();
  const group = randomUUID();
  const idle = randomUUID(); // enrolled, never tutored
  const steady = randomUUID(); // enrolled, at target every week (dose seeded in the active read-model slot)
  // The current local week is open; with no grace the two weeks before it are closed.
  const now = new Date();
  const thisMonday = mondayOf(localToday(now));
  const closed = [plusDays(thisMonday, -14), plusDays(thisMonday, -7)];
  const weeks = closed.map(isoWeek);
  let ledger: LedgerAlone;
  let stack: Stack;
  let admin: Client;

  beforeAll(async () => {
    ledger = await startLedgerAlone('dosage-warnings', district, {
      DOSAGE_WEEK_GRACE_HOURS: '0',
      DOSAGE_CATCHUP_WEEKS: '2',
      DOSAGE_WARNINGS_INTERVAL_MS: '1000',
    });
    ({ stack, admin } = ledger);
  });

  afterAll(async () => {
    await ledger?.stop();
  });

  const get = (path: string, claims: Record<string, unknown>) => ledger.get(path, claims);

  it('publishes each below-target week once with its streak, and attributes planned occurrences per caller scope', async () => {
    await stack.get('session-ledger').waitReady();
    const s = 'session_ledger';
    const weekdays = Array.from({ length: 21 }, (_, i) => plusDays(closed[0] as string, i)).filter(
      (d) => new Date(`${d}T00:00:00Z`).getUTCDay() % 6 !== 0,
    );
    await admin.query(
      `INSERT INTO ${s}.ref_school_days (district_id, school_id, day) SELECT $1, $2, d::date FROM unnest($3::text[]) d`,
      [district, school, weekdays],
    );
    await admin.query(
      `INSERT INTO ${s}.ref_programs (program_id, district_id, subject, max_group_size, target_sessions_per_week, target_minutes_per_session, start_date, end_date, vendor_ids)
       VALUES ($1, $2, 'math', 4, 3, 30, '2026-09-01', '2027-06-15', ARRAY[$3]::uuid[])`,
      [program, district, vendorA],
    );
    for (const student of [idle, steady]) {
      await admin.query(`INSERT INTO ${s}.ref_students VALUES ($1, $2, $3, '4')`, [student, district, school]);
      await admin.query(
        `INSERT INTO ${s}.ref_enrolments VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, 'enrolled', 'granted', $6, NULL)`,
        [district, student, program, vendorA, school, closed[0]],
      );
    }
    await admin.query(
      `INSERT INTO ${s}.proj_dosage_weeks_a (district_id, student_id, iso_week, attended_minutes, counted_sessions)
       SELECT $1, $2, w, 90, 3 FROM unnest($3::text[]) w`,
      [district, steady, weeks],
    );
    // Last closed week: Monday, Wednesday, Friday at 10:00 local for both students; Wednesday's closed by the district.
    const occurrences = [0, 2, 4].map((d) => ({ id: randomUUID(), date: plusDays(closed[1] as string, d) }));
    for (const o of occurrences) {
      await admin.query(
        `INSERT INTO ${s}.ref_occurrences (occurrence_id, district_id, group_id, vendor_id, program_id, school_id, date, starts_at, ends_at, student_ids)
         VALUES ($1, $2, $3, $4, $5, $6, $7::date, ($7::date + time '10:00') AT TIME ZONE $8, ($7::date + time '10:30') AT TIME ZONE $8, $9::uuid[])`,
        [o.id, district, group, vendorA, program, school, o.date, ZONE, [idle, steady]],
      );
    }
    await admin.query(
      `UPDATE ${s}.ref_occurrences SET cancelled_reason = 'closure', cancelled_accountable = 'district', cancelled_student_ids = '{}' WHERE occurrence_id = $1`,
      [occurrences[1]?.id],
    );
    // Registering the zone registers the district with the worker (trigger): everything else is in place.
    await admin.query(`INSERT INTO ${s}.ref_districts VALUES ($1, $2)`, [district, ZONE]);

    const kafka = new Kafka({ brokers: [brokers], clientId: 'dosage-warnings-e2e', logLevel: logLevel.NOTHING });
    const consumer = kafka.consumer({ groupId: `dosage-warnings-e2e-${randomUUID()}` });
    const received: { id: string; data: DosageBelowTargetV1 }[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic: DOSAGE_TOPIC, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        // The topic is shared by every suite on this broker: only this district's messages.
        if (String(message.headers?.['ce_districtid'] ?? '') !== district) return;
        received.push({ id: String(message.headers?.['ce_id']), data: JSON.parse(String(message.value)) });
      },
    });
    try {
      await waitFor(async () => expect(received).toHaveLength(2), { timeoutMs: 60_000, intervalMs: 250 });
      expect(received.map((r) => r.data).sort((a, b) => a.isoWeek.localeCompare(b.isoWeek))).toEqual(
        weeks.map((w, i) => ({
          districtId: district,
          studentId: idle,
          schoolId: school,
          programId: program,
          isoWeek: w,
          attendedMinutes: 0,
          targetMinutes: 90,
          consecutiveWeeks: i + 1,
        })),
      );
      // Several more visits: nothing else arrives.
      await new Promise((r) => setTimeout(r, 3_000));
      expect(received).toHaveLength(2);
    } finally {
      await consumer.disconnect();
    }

    const path = `/v1/dosage/students/${idle}/schedule?fromWeek=${weeks[1]}&toWeek=${weeks[1]}`;
    const expected = {
      isoWeek: weeks[1],
      scheduled: 3,
      delivered: 0,
      cancelledByDistrict: 1,
      cancelledByVendor: 0,
      studentAbsent: 0,
      notReported: 2,
      pending: 0,
      unscheduledDelivered: 0,
    };
    const asAdmin = await get(path, { roles: ['program_manager'] });
    expect(asAdmin.status).toBe(200);
    expect(asAdmin.body['weeks']).toEqual([expected]);
    expect(await get(path, { roles: ['vendor'], vendor_id: vendorA })).toMatchObject({
      status: 200,
      body: { weeks: [expected] },
    });
    expect((await get(path, { roles: ['vendor'], vendor_id: vendorB })).status).toBe(404);
    expect((await get(path, { roles: ['school_leader'], school_ids: [otherSchool] })).status).toBe(404);
    expect((await get(path, { roles: ['school_leader'], school_ids: [school] })).status).toBe(200);
  });
});
