/**
 * The dosage and payment read routes, driven over HTTP as district staff, vendors and school leaders would: a
 * vendor reads the dosage of the students it serves and its own payment periods, never another vendor's; a school
 * leader reads only the students and summaries of their schools. Reference facts are seeded in the ledger's
 * reference tables as the enrollment consumers would store them.
 */
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import type { DevIssuer } from '@tutoring/shared/auth';
import { ENROLLMENT_VENDORS_TOPIC, VENDOR_REGISTERED_V1, vendorSessionsTopic } from '@tutoring/shared/contracts';
import type { Stack } from '@tutoring/shared/dev-stack';
import { sessionData, studentIdOf, testKafkaBrokers, toKafkaMessage, waitFor } from '@tutoring/shared/testing';
import { LedgerAlone, startLedgerAlone } from '../session-ledger/ledger-alone';

describe('dosage and payment routes: scoped by district, vendor and school', () => {
  const brokers = testKafkaBrokers();
  const district = randomUUID();
  const vendorA = randomUUID();
  const vendorB = randomUUID();
  const school = randomUUID();
  const otherSchool = randomUUID();
  const program = randomUUID();
  const plan = { vendorId: vendorA, districtId: district, students: 30, termStart: '2026-11-02', weeks: 1 };
  let ledger: LedgerAlone;
  let issuer: DevIssuer;
  let stack: Stack;
  let admin: Client;

  beforeAll(async () => {
    ledger = await startLedgerAlone('dosage-routes', district);
    ({ issuer, stack, admin } = ledger);
  });

  afterAll(async () => {
    await ledger?.stop();
  });

  const get = (path: string, claims: Record<string, unknown>) => ledger.get(path, claims);

  it('serves each caller only their own scope', async () => {
    await stack.get('session-ledger').waitReady();
    const kafka = new Kafka({ brokers: [brokers], clientId: 'dosage-routes', logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    for (const v of [vendorA, vendorB]) {
      await producer.send({
        topic: ENROLLMENT_VENDORS_TOPIC,
        messages: [
          {
            key: v,
            value: JSON.stringify({
              vendorId: v,
              districtId: district,
              name: `Vendor ${v.slice(0, 4)}`,
              registeredAt: new Date().toISOString(),
            }),
            headers: {
              ce_specversion: '1.0',
              ce_id: randomUUID(),
              ce_source: 'urn:tutoring:service:enrollment',
              ce_type: VENDOR_REGISTERED_V1,
              ce_time: new Date().toISOString(),
              ce_districtid: district,
              'content-type': 'application/json',
            },
          },
        ],
      });
    }
    const served = [0, 1, 2].map(studentIdOf); // the students of session 0
    await admin.query(`INSERT INTO session_ledger.ref_districts VALUES ($1, 'America/Chicago')`, [district]);
    await admin.query(
      `INSERT INTO session_ledger.ref_programs (program_id, district_id, subject, max_group_size, target_sessions_per_week, target_minutes_per_session, start_date, end_date, vendor_ids)
       VALUES ($1, $2, 'math', 4, 1, 30, '2026-09-01', '2027-06-01', ARRAY[$3]::uuid[])`,
      [program, district, vendorA],
    );
    await admin.query(`INSERT INTO session_ledger.ref_students SELECT s, $1, $2, '5' FROM unnest($3::uuid[]) s`, [
      district,
      school,
      served,
    ]);
    await admin.query(
      `INSERT INTO session_ledger.ref_enrolments SELECT gen_random_uuid(), $1, s, $2, $3, $4, 'enrolled', 'granted', '2026-11-02', NULL FROM unnest($5::uuid[]) s`,
      [district, program, vendorA, school, served],
    );
    await waitFor(
      // the vendors topic is shared with other suites on this broker: wait for this suite's two vendors only
      async () =>
        expect(
          (
            await admin.query(`SELECT 1 FROM session_ledger.vendor_topics WHERE vendor_id = ANY($1)`, [
              [vendorA, vendorB],
            ])
          ).rowCount,
        ).toBe(2),
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    const session = { eventId: randomUUID(), kind: 'delivered' as const, sessionId: 's-0', data: sessionData(plan, 0) };
    // the registry just created the topic: its partition may not have a leader yet (a resend is a ledger no-op: same ce_id)
    await waitFor(
      () => producer.send({ topic: vendorSessionsTopic(vendorA), messages: [toKafkaMessage(plan, session)] }),
      {
        timeoutMs: 30_000,
        intervalMs: 500,
      },
    );
    await producer.disconnect();

    // Recorded in the ledger (the broker may still be electing its group coordinator on a loaded machine) …
    await waitFor(
      async () =>
        expect(
          (await admin.query(`SELECT 1 FROM session_ledger.ledger_entries WHERE vendor_id = $1`, [vendorA])).rowCount,
        ).toBe(1),
      {
        timeoutMs: 180_000,
        intervalMs: 500,
      },
    );
    const districtAdmin = { roles: ['district_admin'] };
    const student = served[1] as string; // served[0] is absent in session 0
    await waitFor(
      async () =>
        expect(
          ((await get(`/v1/dosage/students/${student}?asOf=2026-11-06`, districtAdmin)).body['weeks'] as unknown[])
            .length,
        ).toBe(1),
      {
        timeoutMs: 60_000,
        intervalMs: 500,
      },
    );
    const series = await get(`/v1/dosage/students/${student}?asOf=2026-11-06`, districtAdmin);
    expect(series.body).toMatchObject({
      studentId: student,
      programId: program,
      cumulativeMinutes: expect.any(Number),
      instructionalWeeksElapsed: 0,
    });

    // Each read of a student's series is audited, and district admins find it.
    const audit = await get(`/v1/audit?resourceId=${student}&limit=50`, districtAdmin);
    expect(audit.status).toBe(200);
    expect(audit.body['items']).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ action: 'read', resourceType: 'student_dosage', resourceIds: [student] }),
      ]),
    );

    // Vendors: A serves the student and sees the series; B gets the same 404 as for a student that does not exist.
    expect((await get(`/v1/dosage/students/${student}`, { roles: ['vendor'], vendor_id: vendorA })).status).toBe(200);
    expect((await get(`/v1/dosage/students/${student}`, { roles: ['vendor'], vendor_id: vendorB })).status).toBe(404);
    expect((await get(`/v1/dosage/students/${randomUUID()}`, { roles: ['vendor'], vendor_id: vendorB })).status).toBe(
      404,
    );
    expect((await get(`/v1/dosage/fidelity?isoWeek=2026-W45`, { roles: ['vendor'], vendor_id: vendorA })).status).toBe(
      403,
    );

    // Payment periods: each vendor only its own, whatever it asks for.
    const paymentA = await get(`/v1/payment/periods`, { roles: ['vendor'], vendor_id: vendorA });
    expect((paymentA.body['items'] as { vendorId: string }[]).map((i) => i.vendorId)).toEqual([vendorA]);
    const paymentB = await get(`/v1/payment/periods?vendorId=${vendorA}`, { roles: ['vendor'], vendor_id: vendorB });
    expect(paymentB.body['items']).toEqual([]);
    const finance = await get(`/v1/payment/periods`, { roles: ['finance'] });
    expect((finance.body['items'] as unknown[]).length).toBe(1);

    // School leaders: their school's students and summaries only.
    expect(
      (await get(`/v1/dosage/students/${student}`, { roles: ['school_leader'], school_ids: [school] })).status,
    ).toBe(200);
    expect(
      (await get(`/v1/dosage/students/${student}`, { roles: ['school_leader'], school_ids: [otherSchool] })).status,
    ).toBe(404);
    expect(
      (
        await get(`/v1/dosage/fidelity?isoWeek=2026-W45&schoolId=${otherSchool}`, {
          roles: ['school_leader'],
          school_ids: [school],
        })
      ).status,
    ).toBe(403);
    const fidelity = await get(`/v1/dosage/fidelity?isoWeek=2026-W45&schoolId=${school}`, {
      roles: ['school_leader'],
      school_ids: [school],
    });
    expect(fidelity.status).toBe(200);
    expect(fidelity.body).toMatchObject({ isoWeek: '2026-W45', students: 3 });

    // Another district's admin sees nothing of this one.
    const stranger = await issuer.mintToken({
      sub: 'x',
      roles: ['district_admin'],
      district_id: randomUUID(),
    } as never);
    const res = await fetch(`${stack.get('session-ledger').url}/v1/dosage/students/${student}?asOf=2026-11-06`, {
      headers: { authorization: `Bearer ${stranger}` },
    });
    expect(((await res.json()) as { weeks: unknown[] }).weeks).toEqual([]);
  }, 360_000);
});
