/**
 * Scheduling driven from outside: enrollment's events published on Kafka as enrollment would → the scheduling service
 * (a process) builds its reference tables → a program manager sets bell schedules and runs the auto-scheduler over
 * HTTP → groups and planned occurrences leave through the outbox → each vendor's assignments topic carries only that
 * vendor's groups and occurrences, and a vendor token reads only its own over HTTP.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { DevIssuer, startDevIssuer } from '@tutoring/shared/auth';
import {
  ENROLLMENT_ORGANISATION_TOPIC,
  ENROLLMENT_STUDENTS_TOPIC,
  ENROLLMENT_TUTORS_TOPIC,
  GROUP_FORMED_V1,
  OCCURRENCE_CANCELLED_V1,
  OCCURRENCE_PLANNED_V1,
  SCHEDULING_TOPIC,
  validateInternalEvent,
  vendorAssignmentsTopic,
} from '@tutoring/shared/contracts';
import { DEV_AUDIENCE, Stack, startStack } from '@tutoring/shared/dev-stack';
import { findFreePort } from '@tutoring/shared/local-infra';
import { encodeBinary } from '@tutoring/shared/messaging';
import { schedulingTesting } from '@tutoring/scheduling/infrastructure';
import {
  collectMessages,
  createTopics,
  freshDatabase,
  FreshDatabase,
  testKafkaBrokers,
  waitFor,
} from '@tutoring/shared/testing';

const root = join(__dirname, '..', '..', '..', '..');
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

describe('scheduling: enrollment events → groups and occurrences → each vendor its own assignments', () => {
  const brokers = testKafkaBrokers();
  const districtId = randomUUID();
  const term = { from: day(-14), to: day(120) };
  const a = schedulingTesting.enrollmentWorld(randomUUID, { districtId, students: 6, term });
  const b = schedulingTesting.enrollmentWorld(randomUUID, { districtId, students: 3, term });
  let db: FreshDatabase;
  let issuer: DevIssuer;
  let stack: Stack;
  let admin: string;

  const http = async (token: string, path: string, init: { method?: string; body?: unknown } = {}) => {
    const res = await fetch(`${stack.get('scheduling').url}${path}`, {
      method: init.method ?? 'GET',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    await createTopics(brokers, [
      ENROLLMENT_ORGANISATION_TOPIC,
      ENROLLMENT_STUDENTS_TOPIC,
      ENROLLMENT_TUTORS_TOPIC,
      SCHEDULING_TOPIC,
      vendorAssignmentsTopic(a.vendorId),
      vendorAssignmentsTopic(b.vendorId),
    ]);
    db = await freshDatabase('scheduling_e2e');
    issuer = await startDevIssuer({ audience: DEV_AUDIENCE, port: 0, log: () => undefined });
    stack = await startStack({
      root,
      postgresAdminUrl: db.url,
      kafkaBrokers: brokers,
      issuer,
      services: ['scheduling'],
      ports: { scheduling: await findFreePort() },
      logDir: join(root, 'tmp', 'e2e-logs', 'scheduling'),
    });
    admin = await issuer.mintToken({ sub: 'pm-1', roles: ['program_manager'], district_id: districtId });
    // Enrollment's events, as enrollment publishes them (validated against enrollment's own schemas first).
    const kafka = new Kafka({ clientId: 'e2e-enrollment', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    for (const f of [...a.events, ...b.events.filter((e) => !e.event.type.endsWith('district-configured.v1'))]) {
      expect(validateInternalEvent(f.event.type, f.event.data).ok).toBe(true);
      const encoded = encodeBinary(f.event);
      await producer.send({
        topic: f.topic,
        messages: [
          { key: f.key, value: Buffer.from(encoded.value), headers: encoded.headers as Record<string, string> },
        ],
      });
    }
    await producer.disconnect();
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
    await issuer?.stop();
    await db?.drop();
  });

  it('builds groups and occurrences; each vendor receives only its own on its assignments topic', async () => {
    for (const w of [a, b]) {
      const set = await http(admin, `/v1/schools/${w.schoolId}/bell-schedule`, {
        method: 'PUT',
        body: {
          rotation: { kind: 'weekly' },
          dayTypes: [
            {
              dayType: '*',
              periods: [
                { code: 'P1', start: '08:00', end: '08:50' },
                { code: 'P2', start: '09:00', end: '09:50' },
              ],
            },
          ],
        },
      });
      expect(set.status).toBe(200);
    }
    const request = (w: typeof a, apply: boolean) => ({
      programId: w.programId,
      schoolIds: [w.schoolId],
      freePeriods: w.students.map((s) => ({
        studentId: s.studentId,
        free: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, period: 'P2' })),
      })),
      apply,
      slotDefaults: { location: 'Library', supervisorId: 'staff-1' },
    });
    // The consumer fills the reference tables asynchronously: wait until a dry run sees every student.
    await waitFor(
      async () => {
        const [ra, rb] = [
          await http(admin, '/v1/auto-schedule', { method: 'POST', body: request(a, false) }),
          await http(admin, '/v1/auto-schedule', { method: 'POST', body: request(b, false) }),
        ];
        expect([ra.status, ra.body['placed'], rb.status, rb.body['placed']]).toEqual([200, 6, 200, 3]);
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    for (const w of [a, b]) {
      const run = await http(admin, '/v1/auto-schedule', { method: 'POST', body: request(w, true) });
      expect(run.status).toBe(200);
      expect((run.body['applied'] as unknown[]).length).toBeGreaterThan(0);
      // The stored proposal was applied in one go; applying it again is refused, naming why, and changes nothing.
      const again = await http(admin, `/v1/auto-schedule/proposals/${String(run.body['proposalId'])}/application`, {
        method: 'POST',
        body: {},
      });
      expect(again.status).toBe(409);
      expect(again.body).toMatchObject({
        error: 'stale_proposal',
        conflicts: [{ code: 'proposal_applied', message: expect.stringContaining('was already applied') }],
      });
    }

    for (const [mine, theirs] of [
      [a, b],
      [b, a],
    ] as const) {
      const messages = await collectMessages(brokers, vendorAssignmentsTopic(mine.vendorId), { timeoutMs: 8_000 });
      const types = new Set(messages.map((m) => m.headers['ce_type']));
      expect(types).toEqual(new Set([GROUP_FORMED_V1, OCCURRENCE_PLANNED_V1]));
      for (const m of messages) {
        const data = JSON.parse(m.value ?? '{}') as { vendorId: string; studentIds: string[] };
        expect(validateInternalEvent(m.headers['ce_type'] ?? '', data).ok).toBe(true);
        expect(data.vendorId).toBe(mine.vendorId);
        expect(data.studentIds.every((id) => mine.students.some((s) => s.studentId === id))).toBe(true);
        expect(data.studentIds.some((id) => theirs.students.some((s) => s.studentId === id))).toBe(false);
      }
    }
    // the platform topic is shared with other suites on this broker: this district's events only
    const platform = (await collectMessages(brokers, SCHEDULING_TOPIC, { timeoutMs: 5_000 }))
      .map((m) => JSON.parse(m.value ?? '{}') as { vendorId: string; districtId: string })
      .filter((d) => d.districtId === districtId);
    expect(platform.length).toBeGreaterThan(0);
    expect(new Set(platform.map((d) => d.vendorId))).toEqual(new Set([a.vendorId, b.vendorId]));
  }, 180_000);

  it('a vendor token reads only its own groups and occurrences over HTTP', async () => {
    const vendorA = await issuer.mintToken({
      sub: 'vendor-a',
      roles: ['vendor'],
      district_id: districtId,
      vendor_id: a.vendorId,
    });
    const groups = await http(vendorA, '/v1/groups');
    expect(groups.status).toBe(200);
    const items = groups.body['items'] as { vendorId: string; groupId: string }[];
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((g) => g.vendorId === a.vendorId)).toBe(true);
    const all = (await http(admin, '/v1/groups')).body['items'] as { vendorId: string; groupId: string }[];
    const foreign = all.find((g) => g.vendorId === b.vendorId);
    expect(foreign).toBeDefined();
    expect((await http(vendorA, `/v1/groups/${foreign!.groupId}`)).status).toBe(404);
    const occurrences = await http(vendorA, `/v1/occurrences?from=${day(-1)}&to=${day(40)}`);
    const occ = occurrences.body['items'] as { vendorId: string }[];
    expect(occ.length).toBeGreaterThan(0);
    expect(occ.every((o) => o.vendorId === a.vendorId)).toBe(true);
    const change = await http(vendorA, `/v1/groups/${items[0]!.groupId}/members`, {
      method: 'PUT',
      body: { studentIds: [] },
    });
    expect(change.status).toBe(403);
  });

  it('refuses a conflicting manual change with 409 naming it, scopes school leaders, and sends a cancellation to the vendor', async () => {
    const groups = (await http(admin, `/v1/groups?programId=${a.programId}`)).body['items'] as {
      groupId: string;
      studentIds: string[];
      tutorId: string;
      slots: { weekdays: number[]; period: string }[];
    }[];
    const existing = groups[0]!;
    const clash = await http(admin, '/v1/groups', {
      method: 'POST',
      body: {
        programId: a.programId,
        schoolId: a.schoolId,
        vendorId: a.vendorId,
        tutorId: a.tutors.find((t) => t.tutorId !== existing.tutorId && t.clearedUntil !== null)!.tutorId,
        studentIds: [existing.studentIds[0]],
        slots: [
          {
            weekdays: existing.slots[0]!.weekdays,
            period: existing.slots[0]!.period,
            minutes: 30,
            location: 'Room 1',
            supervisorId: 'staff-2',
          },
        ],
      },
    });
    expect(clash.status).toBe(409);
    expect(clash.body['error']).toBe('schedule_conflict');
    expect(clash.body['conflicts']).toContainEqual({
      code: 'student_double_booked',
      message: expect.stringMatching(
        new RegExp(`^student ${existing.studentIds[0]} is already in group ${existing.groupId} at the same time: `),
      ) as unknown as string,
    });

    const leader = await issuer.mintToken({
      sub: 'principal-b',
      roles: ['school_leader'],
      district_id: districtId,
      school_ids: [b.schoolId],
    });
    const foreign = await http(leader, `/v1/schools/${a.schoolId}/bell-schedule`, {
      method: 'PUT',
      body: {
        rotation: { kind: 'weekly' },
        dayTypes: [{ dayType: '*', periods: [{ code: 'P1', start: '08:00', end: '08:50' }] }],
      },
    });
    expect(foreign.status).toBe(403);
    expect((await http(leader, `/v1/schools/${a.schoolId}/bell-schedule`)).status).toBe(404);
    expect((await http(leader, `/v1/schools/${b.schoolId}/bell-schedule`)).status).toBe(200);

    const occurrences = (await http(admin, `/v1/occurrences?groupId=${existing.groupId}&from=${day(1)}&to=${day(40)}`))
      .body['items'] as { occurrenceId: string }[];
    const target = occurrences[0]!;
    const cancelled = await http(admin, `/v1/occurrences/${target.occurrenceId}/cancellations`, {
      method: 'POST',
      body: { reason: 'tutor_absence', note: 'tutor sick' },
    });
    expect(cancelled.status).toBe(201);
    expect(cancelled.body['status']).toBe('cancelled');
    const received = await waitFor(
      async () => {
        const messages = await collectMessages(brokers, vendorAssignmentsTopic(a.vendorId), { timeoutMs: 3_000 });
        const found = messages.find((m) => m.headers['ce_type'] === OCCURRENCE_CANCELLED_V1);
        expect(found).toBeDefined();
        return JSON.parse(found!.value ?? '{}') as Record<string, unknown>;
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    );
    expect(received).toMatchObject({
      occurrenceId: target.occurrenceId,
      reason: 'tutor_absence',
      accountable: 'vendor',
      note: 'tutor sick',
      vendorId: a.vendorId,
    });
    const otherVendor = await collectMessages(brokers, vendorAssignmentsTopic(b.vendorId), { timeoutMs: 3_000 });
    expect(otherVendor.some((m) => m.headers['ce_type'] === OCCURRENCE_CANCELLED_V1)).toBe(false);
  }, 120_000);
});
