// Scheduling against real Postgres as its runtime role (row-level security on): enrollment's events in through
// the consumer handler, commands through the service, state + outbox rows out, tenant isolation.
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import {
  GROUP_FORMED_V1,
  OCCURRENCE_CANCELLED_V1,
  SCHOOL_CALENDAR_SET_V1,
  OCCURRENCE_PLANNED_V1,
  SCHEDULING_TOPIC,
  validateInternalEvent,
  vendorAssignmentsTopic,
} from '@tutoring/shared/contracts';
import { encodeBinary, type IncomingMessage } from '@tutoring/shared/messaging';
import {
  applyMigrations,
  createServiceDataSource,
  inTenantTransaction,
  provisionServiceDatabase,
} from '@tutoring/shared/persistence';
import { freshDatabase, type FreshDatabase } from '@tutoring/shared/testing';
import { ScheduleConflictError, StaleProposalError, type RecurringSlot } from '@tutoring/scheduling/domain';
import { SCHEDULING_MIGRATIONS, SchedulingStore, schedulingTesting } from '@tutoring/scheduling/infrastructure';
import { SchedulingService } from './commands/scheduling.service';
import { AutoScheduleService } from './commands/auto-schedule.service';
import { AuditLog, type AuditRecord } from '@tutoring/shared/audit';
import type { Principal } from '@tutoring/shared/auth';
import { GroupsController } from './http/groups.controller';
import { OccurrencesController } from './http/occurrences.controller';
import { EnrollmentEventsHandler } from './reference/enrollment-events.handler';

const SCHEMA = 'scheduling';
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };
const toIncoming = (f: schedulingTesting.FixtureEvent, offset: number): IncomingMessage => {
  const encoded = encodeBinary(f.event);
  return {
    topic: f.topic,
    partition: 0,
    offset: String(offset),
    key: f.key,
    value: Buffer.from(encoded.value),
    headers: Object.fromEntries(Object.entries(encoded.headers).map(([k, v]) => [k.toLowerCase(), String(v)])),
    timestamp: '0',
  };
};

interface OutboxRow {
  topic: string;
  payload: { type: string; data: Record<string, unknown> & { vendorId: string } };
}

describe('scheduling service (real Postgres, runtime role, RLS)', () => {
  let db: FreshDatabase;
  let ds: DataSource;
  const store = new SchedulingStore(SCHEMA);
  const world = schedulingTesting.enrollmentWorld(randomUUID);
  const other = schedulingTesting.enrollmentWorld(randomUUID);
  const now = new Date('2026-10-26T12:00:00Z'); // Monday; DST ends Sunday 2026-11-01 in America/Chicago
  let service: SchedulingService;
  let handler: EnrollmentEventsHandler;
  const actor = { districtId: world.districtId, by: 'pm-1' };
  const slot = (overrides: Partial<RecurringSlot> = {}): RecurringSlot => ({
    slotId: 'mwf-p2',
    weekdays: [1, 3, 5],
    period: 'P2',
    minutes: 30,
    dayTypes: null,
    location: 'Room 12',
    supervisorId: 'staff-1',
    ...overrides,
  });
  const outbox = async (): Promise<OutboxRow[]> =>
    (await ds.query(`SELECT topic, payload FROM ${SCHEMA}.outbox ORDER BY id`)) as OutboxRow[];

  beforeAll(async () => {
    db = await freshDatabase('scheduling');
    const urls = await provisionServiceDatabase(db.url, SCHEMA);
    const config = { url: urls.runtimeUrl, migrationUrl: urls.migrationUrl, schema: SCHEMA, applicationName: 'test' };
    await applyMigrations(config, SCHEDULING_MIGRATIONS);
    ds = createServiceDataSource(config);
    await ds.initialize();
    service = new SchedulingService(ds, store, randomUUID, () => now);
    handler = new EnrollmentEventsHandler(
      ds,
      store,
      service,
      () => ({ publish: async () => undefined }) as never,
      silent,
    );
    const events = [...world.events, ...other.events];
    for (const f of events)
      expect(validateInternalEvent(f.event.type, f.event.data)).toEqual(expect.objectContaining({ ok: true }));
    await handler.handleBatch(events.map(toIncoming));
    await handler.handleBatch(world.events.map(toIncoming)); // redelivery: applied once
    for (const w of [world, other])
      await service.setBellSchedule(
        { districtId: w.districtId, by: 'admin' },
        {
          schoolId: w.schoolId,
          rotation: { kind: 'weekly' },
          periods: {
            '*': [
              { code: 'P1', start: '08:00', end: '08:50' },
              { code: 'P2', start: '09:00', end: '09:50' },
              { code: 'P3', start: '10:00', end: '10:50' },
            ],
          },
        },
      );
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('keeps the reference tables per district: one district never sees the other', async () => {
    const mine = await inTenantTransaction(ds, world.districtId, (m) => store.placements(m, world.programId, null));
    expect(mine.map((s) => s.studentId).sort()).toEqual(world.students.map((s) => s.studentId).sort());
    const crossed = await inTenantTransaction(ds, world.districtId, (m) => store.placements(m, other.programId, null));
    expect(crossed).toEqual([]);
    expect(await ds.query(`SELECT count(*)::int AS n FROM ${SCHEMA}.students`)).toEqual([{ n: 0 }]); // no tenant set: nothing visible
    const processed = (await ds.query(`SELECT count(*)::int AS n FROM ${SCHEMA}.processed_messages`)) as {
      n: number;
    }[];
    expect(processed[0]?.n).toBe(world.events.length + other.events.length);
  });

  it('forms a group, plans occurrences on instructional days across the DST change, publishes to the platform and the vendor', async () => {
    const [t1] = world.tutors;
    const members = world.students.slice(0, 3).map((s) => s.studentId);
    const group = await service.formGroup(actor, {
      programId: world.programId,
      schoolId: world.schoolId,
      vendorId: world.vendorId,
      tutorId: t1!.tutorId,
      studentIds: members,
      slots: [slot()],
    });
    expect(group).toMatchObject({ version: 1, status: 'active', reassignments: 0 });
    const occurrences = await inTenantTransaction(ds, world.districtId, (m) =>
      store.listOccurrences(m, { groupId: group.groupId, from: '2026-10-26', to: '2026-11-23' }, 100, 0),
    );
    expect(occurrences.map((o) => o.date)).toEqual([
      '2026-10-26',
      '2026-10-28',
      '2026-10-30',
      '2026-11-02',
      '2026-11-04',
      '2026-11-06',
      '2026-11-09',
      '2026-11-13',
      '2026-11-16',
      '2026-11-18',
      '2026-11-20',
      '2026-11-23',
    ]); // Wednesday 2026-11-11 is a holiday
    expect(occurrences[2]?.startsAt).toBe('2026-10-30T09:00:00-05:00');
    expect(occurrences[3]?.startsAt).toBe('2026-11-02T09:00:00-06:00');

    const rows = await outbox();
    const formed = rows.filter((r) => r.payload.type === GROUP_FORMED_V1);
    expect(formed.map((r) => r.topic).sort()).toEqual(
      [SCHEDULING_TOPIC, vendorAssignmentsTopic(world.vendorId)].sort(),
    );
    const planned = rows.filter((r) => r.payload.type === OCCURRENCE_PLANNED_V1);
    expect(planned).toHaveLength(2 * occurrences.length);
    for (const r of rows) expect(validateInternalEvent(r.payload.type, r.payload.data).ok).toBe(true);
    expect(
      rows
        .filter((r) => r.topic.startsWith('tutoring.vendor.'))
        .every((r) => r.payload.data.vendorId === world.vendorId),
    ).toBe(true);
  });

  it('refuses a conflicting manual change with the conflict named, and stores nothing', async () => {
    const before = (await outbox()).length;
    const attempt = service.formGroup(actor, {
      programId: world.programId,
      schoolId: world.schoolId,
      vendorId: world.vendorId,
      tutorId: world.tutors[1]!.tutorId,
      studentIds: [world.students[0]!.studentId, world.students[4]!.studentId],
      slots: [slot({ slotId: 'mon-p2', weekdays: [1] })],
    });
    await expect(attempt).rejects.toThrow(ScheduleConflictError);
    await expect(attempt).rejects.toThrow(
      /^student [0-9a-f-]+ is already in group [0-9a-f-]+ at the same time: Monday period P2 09:00–09:30$/,
    );
    const uncleared = service.formGroup(actor, {
      programId: world.programId,
      schoolId: world.schoolId,
      vendorId: world.vendorId,
      tutorId: world.tutors[2]!.tutorId,
      studentIds: [world.students[4]!.studentId],
      slots: [slot({ slotId: 'tue-p1', weekdays: [2], period: 'P1' })],
    });
    await expect(uncleared).rejects.toThrow(
      `tutor ${world.tutors[2]!.tutorId} is not cleared: background check missing, needed through 2027-05-28`,
    );
    expect((await outbox()).length).toBe(before);
  });

  it('reassigns the tutor with a reason: counted, re-published on future occurrences', async () => {
    const [group] = await inTenantTransaction(ds, world.districtId, (m) => store.activeGroups(m));
    const before = (await outbox()).length;
    const changed = await service.reassignTutor(
      actor,
      group!.groupId,
      world.tutors[1]!.tutorId,
      'tutor moved to another school',
    );
    expect(changed).toMatchObject({ tutorId: world.tutors[1]!.tutorId, reassignments: 1, version: 2 });
    const added = (await outbox()).slice(before);
    const snapshot = added.find((r) => r.payload.type === GROUP_FORMED_V1 && r.topic === SCHEDULING_TOPIC);
    expect(snapshot?.payload.data).toMatchObject({
      tutorId: world.tutors[1]!.tutorId,
      tutorChangeReason: 'tutor moved to another school',
      version: 2,
    });
    const replanned = added.filter((r) => r.payload.type === OCCURRENCE_PLANNED_V1 && r.topic === SCHEDULING_TOPIC);
    expect(replanned.length).toBeGreaterThan(0);
    expect(replanned.every((r) => r.payload.data['tutorId'] === world.tutors[1]!.tutorId)).toBe(true);
    const consistency = await inTenantTransaction(ds, world.districtId, (m) =>
      store.tutorConsistency(m, world.programId, null),
    );
    expect(consistency).toEqual([
      expect.objectContaining({
        groupId: group!.groupId,
        reassignments: 1,
        changes: [expect.objectContaining({ reason: 'tutor moved to another school' })],
      }),
    ]);
  });

  it('cancels an occurrence with reason and accountability, then refuses to cancel it twice', async () => {
    const [o] = await inTenantTransaction(ds, world.districtId, (m) =>
      store.listOccurrences(m, { from: '2026-11-04', to: '2026-11-04' }, 1, 0),
    );
    const cancelled = await service.cancelOccurrence(actor, o!.occurrenceId, {
      reason: 'tutor_absence',
      accountable: null,
      studentIds: null,
      note: null,
    });
    expect(cancelled.cancelledStudentIds.sort()).toEqual([...o!.studentIds].sort());
    const event = (await outbox()).filter((r) => r.payload.type === OCCURRENCE_CANCELLED_V1).at(-1);
    expect(event?.payload.data).toMatchObject({
      occurrenceId: o!.occurrenceId,
      reason: 'tutor_absence',
      accountable: 'vendor',
    });
    await expect(
      service.cancelOccurrence(actor, o!.occurrenceId, {
        reason: 'closure',
        accountable: null,
        studentIds: null,
        note: null,
      }),
    ).rejects.toThrow(`occurrence ${o!.occurrenceId} is already cancelled`);
  });

  it('rolls the horizon forward idempotently', async () => {
    const first = await service.planHorizon(actor, '2026-11-23', '2026-12-11');
    const again = await service.planHorizon(actor, '2026-11-23', '2026-12-11');
    // 11-23 is already planned, Friday 11-27 is a holiday: new are 11-25, 11-30, 12-02, 12-04, 12-07, 12-09, 12-11
    expect(first.planned).toBe(7);
    expect(again.planned).toBe(0);
  });

  it('auto-schedules the remaining students from their free periods and forms the groups through the conflict check', async () => {
    const auto = new AutoScheduleService(ds, store, service);
    const rest = world.students.slice(3).map((s) => s.studentId);
    const outcome = await auto.run(actor, {
      programId: world.programId,
      schoolIds: [world.schoolId],
      freePeriods: rest.map((studentId) => ({
        studentId,
        free: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, period: 'P3' })),
      })),
      apply: true,
      slotDefaults: { location: 'Library', supervisorId: 'staff-9' },
    });
    expect(outcome.placed).toBe(3);
    expect(outcome.unplaced).toEqual([]);
    expect(outcome.proposalVersion).toMatch(/^[0-9a-f]{24}$/);
    expect(outcome.applied.flatMap((a) => a.studentIds).sort()).toEqual([...rest].sort());
  });

  it('takes a withdrawn student out of their group and future occurrences (idempotently)', async () => {
    const leaving = world.students[2]!.studentId; // in the manually formed group, whose 11-04 occurrence was cancelled
    const group = (await inTenantTransaction(ds, world.districtId, (m) => store.activeGroups(m))).find((g) =>
      g.studentIds.includes(leaving),
    );
    const enrolment = world.enrolments.find((e) => e.studentId === leaving)!;
    const withdrawn = {
      topic: 'tutoring.enrollment.students.v1',
      key: leaving,
      event: {
        ...world.events[0]!.event,
        id: randomUUID(),
        type: 'org.tutoring.enrollment.enrolment-changed.v1',
        data: {
          ...enrolment,
          status: 'withdrawn',
          endDate: '2026-10-30',
          reason: 'moved',
          changedAt: '2026-10-26T12:00:00Z',
        },
      },
    };
    expect(validateInternalEvent(withdrawn.event.type, withdrawn.event.data).ok).toBe(true);
    await handler.handleBatch([toIncoming(withdrawn, 1000)]);
    await handler.handleBatch([toIncoming(withdrawn, 1000)]);
    const after = await inTenantTransaction(ds, world.districtId, (m) => store.group(m, group!.groupId));
    expect(after!.studentIds).not.toContain(leaving);
    expect(after!.version).toBe(group!.version + 1);
    const future = await inTenantTransaction(ds, world.districtId, (m) =>
      store.futureOccurrences(m, group!.groupId, '2026-10-26'),
    );
    expect(future.length).toBeGreaterThan(0);
    // Still-planned occurrences drop the student; the one cancelled earlier keeps its record as cancelled.
    const planned = future.filter((o) => o.studentIds.some((id) => !o.cancelledStudentIds.includes(id)));
    expect(planned.length).toBe(future.length - 1);
    expect(planned.every((o) => !o.studentIds.includes(leaving))).toBe(true);
    const placements = await inTenantTransaction(ds, world.districtId, (m) =>
      store.placements(m, world.programId, [leaving]),
    );
    expect(placements[0]?.enrolledVendorId).toBeNull();
  });

  it("lists groups whose tutor's clearance lapsed after formation, with the conflict named", async () => {
    const group = (await inTenantTransaction(ds, world.districtId, (m) => store.activeGroups(m))).find((g) =>
      g.studentIds.includes(world.students[0]!.studentId),
    );
    expect((await service.groupsInConflict(actor, {}, 50, null)).items).toEqual([]);
    const tutor = world.tutors.find((t) => t.tutorId === group!.tutorId)!;
    const lapsed = {
      topic: 'tutoring.enrollment.tutors.v1',
      key: tutor.tutorId,
      event: {
        ...world.events[0]!.event,
        id: randomUUID(),
        type: 'org.tutoring.enrollment.tutor-registered.v1',
        data: { ...tutor, clearedUntil: '2026-12-31' },
      },
    };
    expect(validateInternalEvent(lapsed.event.type, lapsed.event.data).ok).toBe(true);
    await handler.handleBatch([toIncoming(lapsed, 2000)]);
    const { items } = await service.groupsInConflict(actor, {}, 50, null);
    const named = [
      {
        code: 'tutor_not_cleared',
        message: `tutor ${tutor.tutorId} is not cleared: background check valid through 2026-12-31, needed through 2027-05-28`,
      },
    ];
    expect(items).toContainEqual({ groupId: group!.groupId, conflicts: named });
    expect(items.every((i) => JSON.stringify(i.conflicts) === JSON.stringify(named))).toBe(true); // only that tutor's groups
    expect((await service.groupsInConflict(actor, { vendorId: other.vendorId }, 50, null)).items).toEqual([]);
  });

  it('plans a student only from their enrolment start date', async () => {
    const late = { ...world.students[0]!, studentId: randomUUID() };
    const enrolment = {
      ...world.enrolments[0]!,
      enrolmentId: randomUUID(),
      studentId: late.studentId,
      startDate: '2026-11-16',
    };
    const base = world.events[0]!.event;
    const events = [
      {
        topic: 'tutoring.enrollment.students.v1',
        key: late.studentId,
        event: { ...base, id: randomUUID(), type: 'org.tutoring.enrollment.student-rostered.v1', data: late },
      },
      {
        topic: 'tutoring.enrollment.students.v1',
        key: late.studentId,
        event: { ...base, id: randomUUID(), type: 'org.tutoring.enrollment.enrolment-changed.v1', data: enrolment },
      },
    ];
    for (const e of events) expect(validateInternalEvent(e.event.type, e.event.data).ok).toBe(true);
    await handler.handleBatch(events.map((e, i) => toIncoming(e, 3000 + i)));
    const group = await service.formGroup(actor, {
      programId: world.programId,
      schoolId: world.schoolId,
      vendorId: world.vendorId,
      tutorId: world.tutors[0]!.tutorId,
      studentIds: [late.studentId],
      slots: [slot({ slotId: 'tth-p1', weekdays: [2, 4], period: 'P1' })],
    });
    const planned = await inTenantTransaction(ds, world.districtId, (m) =>
      store.listOccurrences(m, { groupId: group.groupId, from: '2026-10-01', to: '2026-12-31' }, 100, 0),
    );
    expect(planned.map((o) => o.date)).toEqual(['2026-11-17', '2026-11-19']);
  });

  it('plans a make-up session on a school day; refuses a holiday and a double-booking, each conflict named', async () => {
    const groups = await inTenantTransaction(ds, world.districtId, (m) => store.activeGroups(m));
    const g = groups.find((x) => x.slots.every((sl) => sl.period !== 'P1'))!;
    const refusal = (date: string, period: string) =>
      service.planMakeUp(actor, g.groupId, { date, period }).then(
        () => null,
        (e: unknown) => (e as ScheduleConflictError).conflicts,
      );
    expect(await refusal('2026-11-26', 'P1')).toEqual([
      {
        code: 'slot_on_holiday',
        message: `2026-11-26 is not an instructional day at school ${world.schoolId} (holiday or closure): no session can be planned`,
      },
    ]);
    // The group's own regular session: same tutor, same students, same time.
    const regular = (
      await inTenantTransaction(ds, world.districtId, (m) =>
        store.listOccurrences(m, { groupId: g.groupId, from: '2026-11-17', to: '2026-11-23' }, 1, 0),
      )
    )[0]!;
    const clash = await refusal(regular.date, g.slots[0]!.period);
    expect(clash).toContainEqual({
      code: 'tutor_double_booked',
      message: `tutor ${g.tutorId} is double-booked: group ${g.groupId} meets at the same time, ${regular.date} ${regular.startsAt.slice(11, 16)}–${regular.endsAt.slice(11, 16)}`,
    });
    expect(clash?.some((c) => c.code === 'student_double_booked')).toBe(true);

    // Far beyond the planned horizon, so nothing else of this tutor or these students is planned that day yet.
    const made = await service.planMakeUp(actor, g.groupId, { date: '2027-01-12', period: 'P1' });
    expect(made).toMatchObject({
      groupId: g.groupId,
      date: '2027-01-12',
      tutorId: g.tutorId,
      studentIds: g.studentIds,
    });
    expect(made.startsAt).toBe('2027-01-12T08:00:00-06:00');
    const again = await service.planMakeUp(actor, g.groupId, { date: '2027-01-12', period: 'P1' });
    expect(again.occurrenceId).toBe(made.occurrenceId);
    const published = (await outbox()).filter(
      (r) =>
        r.topic === SCHEDULING_TOPIC &&
        r.payload.type === OCCURRENCE_PLANNED_V1 &&
        r.payload.data['occurrenceId'] === made.occurrenceId,
    );
    expect(published).toHaveLength(1); // planned once, not again on the repeat
  });

  it('a day that stops being a school day after planning: its occurrences are cancelled as a closure, accountable district', async () => {
    const closedDay = '2026-11-16';
    const planned = (
      await inTenantTransaction(ds, world.districtId, (m) =>
        store.listOccurrences(m, { from: closedDay, to: closedDay }, 100, 0),
      )
    ).filter((o) => o.studentIds.some((id) => !o.cancelledStudentIds.includes(id)));
    expect(planned.length).toBeGreaterThan(0);
    const calendarEvent = world.events.find((f) => f.event.type === SCHOOL_CALENDAR_SET_V1)!;
    const changed = {
      ...calendarEvent,
      event: {
        ...calendarEvent.event,
        id: randomUUID(),
        data: { ...world.calendar, instructionalDays: world.calendar.instructionalDays.filter((d) => d !== closedDay) },
      },
    };
    await handler.handleBatch([toIncoming(changed, 900)]);
    const after = await inTenantTransaction(ds, world.districtId, (m) =>
      store.listOccurrences(m, { from: closedDay, to: closedDay }, 100, 0),
    );
    for (const o of after) expect(o.cancelledStudentIds.sort()).toEqual([...o.studentIds].sort());
    const cancelled = (await outbox()).filter(
      (r) => r.topic === SCHEDULING_TOPIC && r.payload.type === OCCURRENCE_CANCELLED_V1,
    );
    for (const o of planned)
      expect(cancelled.map((r) => r.payload.data)).toContainEqual(
        expect.objectContaining({ occurrenceId: o.occurrenceId, reason: 'closure', accountable: 'district' }),
      );
    // The cancellations are on record, made by scheduling on the calendar received from enrollment.
    const entries = await inTenantTransaction(ds, world.districtId, (m) =>
      AuditLog.query(m, { limit: 200, actorSub: 'service:scheduling', resourceType: 'occurrence' }),
    );
    for (const o of planned) {
      const entry = entries.items.find((e) => e.resourceIds.includes(o.occurrenceId));
      expect(entry).toMatchObject({ action: 'update', actorRoles: ['service'] });
      expect(entry?.purpose).toMatch(/^school calendar from enrollment: \d+ occurrence\(s\) of group .* closure/);
      expect(entry?.resourceIds).toEqual(expect.arrayContaining(o.studentIds));
    }
  });

  it('the background planner rolls the horizon of every district it has heard of, idempotently', async () => {
    const first = await service.planAllDistricts();
    expect(first).toMatchObject({ districts: 2, failed: [] }); // world and other (the A/B district comes later)
    expect((await service.planAllDistricts()).planned).toBe(0);
  });

  it('stores a bell schedule with early-release periods and reads the calendar with its early-release days', async () => {
    const schedule = {
      schoolId: other.schoolId,
      rotation: { kind: 'rotating' as const, dayTypes: ['A', 'B'], anchorDate: '2026-09-01' },
      periods: { A: [{ code: 'P1', start: '08:00', end: '08:50' }], B: [{ code: 'P1', start: '09:00', end: '09:50' }] },
      earlyRelease: [{ code: 'P1', start: '08:00', end: '08:30' }],
    };
    await service.setBellSchedule({ districtId: other.districtId, by: 'admin' }, schedule);
    expect(await service.bellSchedule(other.districtId, other.schoolId)).toEqual(schedule);
    expect(await service.bellSchedule(world.districtId, other.schoolId)).toBeNull(); // another district's school
    const cal = await inTenantTransaction(ds, other.districtId, (m) => store.calendar(m, other.schoolId));
    expect(cal.instructionalDays.size).toBe(other.calendar.instructionalDays.length);
    expect(cal.earlyReleaseDays?.size).toBe(0);
  });

  describe('auto-schedule proposals on an A/B school: applied all at once or not at all', () => {
    const ab = schedulingTesting.enrollmentWorld(randomUUID, { students: 8 });
    const abActor = { districtId: ab.districtId, by: 'pm-ab' };
    let auto: AutoScheduleService;
    // Rotating A/B from the first day of term; B days have no P2. Half the students are free in P2 on A days and P1
    // on B days, half in P1 on every day; 3 × 30 min a week, groups of 4.
    const split = ab.students.slice(0, 4).map((s) => s.studentId);
    const p1 = ab.students.slice(4).map((s) => s.studentId);
    const request = (apply: boolean) => ({
      programId: ab.programId,
      schoolIds: [ab.schoolId],
      freePeriods: [
        ...split.map((studentId) => ({
          studentId,
          free: [1, 2, 3, 4, 5].flatMap((weekday) => [
            { weekday, period: 'P2', dayType: 'A' },
            { weekday, period: 'P1', dayType: 'B' },
          ]),
        })),
        ...p1.map((studentId) => ({ studentId, free: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, period: 'P1' })) })),
      ],
      apply,
      slotDefaults: { location: 'Room 4', supervisorId: 'staff-4' },
    });
    // Rows of this district (groups and occurrences are under RLS: counted inside its tenant transaction).
    const counts = () =>
      inTenantTransaction(
        ds,
        ab.districtId,
        async (m) =>
          (await m.query(
            `SELECT (SELECT count(*)::int FROM ${SCHEMA}.outbox WHERE payload->>'districtid' = $1) AS outbox,
                  (SELECT count(*)::int FROM ${SCHEMA}.groups) AS groups,
                  (SELECT count(*)::int FROM ${SCHEMA}.group_events) AS "groupEvents",
                  (SELECT count(*)::int FROM ${SCHEMA}.occurrences) AS occurrences`,
            [ab.districtId],
          )) as { outbox: number; groups: number; groupEvents: number; occurrences: number }[],
      );

    beforeAll(async () => {
      await handler.handleBatch(ab.events.map(toIncoming));
      await service.setBellSchedule(abActor, {
        schoolId: ab.schoolId,
        rotation: { kind: 'rotating', dayTypes: ['A', 'B'], anchorDate: ab.calendar.instructionalDays[0]! },
        periods: {
          A: [
            { code: 'P1', start: '08:00', end: '08:50' },
            { code: 'P2', start: '09:00', end: '09:50' },
          ],
          B: [{ code: 'P1', start: '10:00', end: '10:50' }],
        },
      });
      auto = new AutoScheduleService(ds, store, service);
    });

    it('refuses a stale proposal with the change named, applying nothing', async () => {
      const proposal = await auto.run(abActor, request(false));
      expect(proposal.placed).toBe(8);
      // Meanwhile a manual change: one of the proposed students is put in a group.
      const manual = await service.formGroup(abActor, {
        programId: ab.programId,
        schoolId: ab.schoolId,
        vendorId: ab.vendorId,
        tutorId: ab.tutors[0]!.tutorId,
        studentIds: [split[0]!],
        slots: [slot({ slotId: 'mwf-p1', period: 'P1' })],
      });
      const before = await counts();
      const refusal = await auto.apply(abActor, proposal.proposalId).catch((e: unknown) => e);
      expect(refusal).toBeInstanceOf(StaleProposalError);
      expect((refusal as StaleProposalError).conflicts).toContainEqual({
        code: 'proposal_stale',
        message: `group ${manual.groupId} was formed or changed since the proposal and now shares a student or tutor with it`,
      });
      expect(await counts()).toEqual(before);
      await service.dissolve(abActor, manual.groupId, 'made by mistake');
    });

    it('a failure in the middle of applying leaves nothing applied and nothing in the outbox', async () => {
      const proposal = await auto.run(abActor, request(false));
      expect(proposal.groups).toHaveLength(2);
      const before = await counts();
      const audit = async () =>
        (
          await inTenantTransaction(ds, ab.districtId, (m) =>
            AuditLog.query(m, { limit: 200, resourceId: proposal.proposalId }),
          )
        ).items;
      // The stored proposal names every student it placed: on record as it was made.
      expect((await audit()).map((e) => [e.action, e.resourceType])).toEqual([['create', 'auto_schedule_proposal']]);
      const save = store.saveGroup.bind(store);
      let calls = 0;
      const spy = jest.spyOn(store, 'saveGroup').mockImplementation(async (m, g, e) => {
        if (++calls === 2) throw new Error('injected: the database went away while forming the second group');
        return save(m, g, e);
      });
      try {
        await expect(auto.apply(abActor, proposal.proposalId)).rejects.toThrow('injected');
      } finally {
        spy.mockRestore();
      }
      expect(calls).toBe(2); // the first group was formed (and its events queued) before the failure
      expect(await counts()).toEqual(before);
      expect(await audit()).toHaveLength(1); // nor any audit entry of the failed application
      const stored = await inTenantTransaction(ds, ab.districtId, (m) => store.proposal(m, proposal.proposalId));
      expect(stored?.status).toBe('proposed');

      // The same proposal, applied again without the fault: every group, then refused a second time.
      const applied = await auto.apply(abActor, proposal.proposalId);
      expect(applied.applied.flatMap((a) => a.studentIds).sort()).toEqual([...split, ...p1].sort());
      const approved = (await audit()).find((e) => e.action === 'approve');
      expect(approved).toMatchObject({ actorSub: 'pm-ab', resourceType: 'auto_schedule_proposal' });
      expect(approved?.resourceIds).toEqual(
        expect.arrayContaining([proposal.proposalId, ...applied.applied.map((a) => a.groupId), ...split, ...p1]),
      );
      // Each group it formed is on record too, as formed through this proposal.
      const formed = await inTenantTransaction(ds, ab.districtId, (m) =>
        AuditLog.query(m, { limit: 200, action: 'create', resourceType: 'group' }),
      );
      for (const a of applied.applied)
        expect(formed.items.find((e) => e.resourceIds[0] === a.groupId)?.purpose).toContain(
          `(proposal ${proposal.proposalId}): group formed`,
        );
      const again = await auto.apply(abActor, proposal.proposalId).catch((e: unknown) => e);
      expect((again as StaleProposalError).conflicts[0]?.code).toBe('proposal_applied');
    });

    it('meets on every chosen weekday whatever its day type: one slot per day type, occurrences at that day type’s period', async () => {
      const groups = await inTenantTransaction(ds, ab.districtId, (m) => store.activeGroups(m));
      const splitGroup = groups.find((g) => g.studentIds.includes(split[0]!))!;
      expect(splitGroup.slots.map((s) => [s.period, s.dayTypes])).toEqual([
        ['P2', ['A']],
        ['P1', ['B']],
      ]);
      const weekdays = splitGroup.slots[0]!.weekdays;
      const occurrences = await inTenantTransaction(ds, ab.districtId, (m) =>
        store.listOccurrences(m, { groupId: splitGroup.groupId, from: '2026-11-02', to: '2026-11-20' }, 100, 0),
      );
      // On every school day of its weekdays (3 in each full week; Wed 11-11 is a holiday), at 09:00 on A days
      // (period 2) and 10:00 on B days (period 1: B days have no period 2).
      const days = ab.calendar.instructionalDays;
      const expected = days.filter(
        (d) => d >= '2026-11-02' && d <= '2026-11-20' && weekdays.includes(new Date(`${d}T12:00:00Z`).getUTCDay()),
      );
      expect(occurrences.map((o) => o.date)).toEqual(expected);
      expect(expected.filter((d) => d <= '2026-11-06')).toHaveLength(3);
      expect(expected.filter((d) => d >= '2026-11-16')).toHaveLength(3);
      for (const o of occurrences) {
        expect(weekdays).toContain(new Date(`${o.date}T12:00:00Z`).getUTCDay());
        const dayType = days.indexOf(o.date) % 2 === 0 ? 'A' : 'B';
        expect(o.startsAt.slice(11, 16)).toBe(dayType === 'A' ? '09:00' : '10:00');
      }
      expect(new Set(occurrences.map((o) => o.startsAt.slice(11, 16)))).toEqual(new Set(['09:00', '10:00']));
      const outbox = (await ds.query(
        `SELECT payload FROM ${SCHEMA}.outbox WHERE payload->'data'->>'groupId' = $1 AND payload->>'type' = $2`,
        [splitGroup.groupId, OCCURRENCE_PLANNED_V1],
      )) as { payload: { data: { occurrenceId: string; tutorId: string; studentIds: string[]; startsAt: string } } }[];
      expect(outbox.length).toBeGreaterThanOrEqual(2 * occurrences.length); // platform + vendor topic
      for (const { payload } of outbox) {
        expect(payload.data.tutorId).toBe(splitGroup.tutorId);
        expect(payload.data.studentIds.sort()).toEqual([...split].sort());
      }
    });

    it('a bell schedule change re-times the planned occurrences (same ids) and re-publishes them', async () => {
      const groups = await inTenantTransaction(ds, ab.districtId, (m) => store.activeGroups(m));
      const splitGroup = groups.find((g) => g.studentIds.includes(split[0]!))!;
      const list = () =>
        inTenantTransaction(ds, ab.districtId, (m) =>
          store.listOccurrences(m, { groupId: splitGroup.groupId, from: '2026-11-02', to: '2026-11-20' }, 100, 0),
        );
      const before = await list();
      await service.setBellSchedule(abActor, {
        schoolId: ab.schoolId,
        rotation: { kind: 'rotating', dayTypes: ['A', 'B'], anchorDate: ab.calendar.instructionalDays[0]! },
        periods: {
          A: [
            { code: 'P1', start: '08:00', end: '08:50' },
            { code: 'P2', start: '09:00', end: '09:50' },
          ],
          B: [{ code: 'P1', start: '10:15', end: '11:05' }], // B days' period 1 moves a quarter of an hour
        },
      });
      const after = await list();
      expect(after.map((o) => o.occurrenceId)).toEqual(before.map((o) => o.occurrenceId));
      const moved = after.filter((o) => o.startsAt.slice(11, 16) === '10:15');
      expect(moved.length).toBe(before.filter((o) => o.startsAt.slice(11, 16) === '10:00').length);
      expect(moved.length).toBeGreaterThan(0);
      const republished = (await outbox())
        .filter((r) => r.topic === SCHEDULING_TOPIC && r.payload.type === OCCURRENCE_PLANNED_V1)
        .map((r) => r.payload.data as unknown as { occurrenceId: string; startsAt: string });
      for (const o of moved)
        expect(republished).toContainEqual(
          expect.objectContaining({ occurrenceId: o.occurrenceId, startsAt: o.startsAt }),
        );
    });
  });

  describe('audit log: reads and changes of group membership, in the transaction of the work', () => {
    const au = schedulingTesting.enrollmentWorld(randomUUID, { students: 5 });
    const pm: Principal = { sub: 'pm-audit', roles: ['program_manager'], districtId: au.districtId, schoolIds: [] };
    const vendor: Principal = { ...pm, sub: 'vendor-audit', roles: ['vendor'], vendorId: au.vendorId };
    const who = { districtId: au.districtId, by: pm.sub, roles: pm.roles, via: 'POST /v1/groups' };
    const members = au.students.slice(0, 2).map((s) => s.studentId);
    let groups: GroupsController;
    let occurrences: OccurrencesController;
    let groupId = '';
    const entries = async (): Promise<AuditRecord[]> =>
      (await inTenantTransaction(ds, au.districtId, (m) => AuditLog.query(m, { limit: 200 }))).items;

    beforeAll(async () => {
      await handler.handleBatch(au.events.map(toIncoming));
      await service.setBellSchedule(
        { districtId: au.districtId, by: 'admin' },
        {
          schoolId: au.schoolId,
          rotation: { kind: 'weekly' },
          periods: { '*': [{ code: 'P2', start: '09:00', end: '09:50' }] },
        },
      );
      groups = new GroupsController(service, store, ds);
      occurrences = new OccurrencesController(service, store, ds);
    });

    it('records each change (who, what, why) and each read naming students, only in its own district', async () => {
      const formed = await service.formGroup(who, {
        programId: au.programId,
        schoolId: au.schoolId,
        vendorId: au.vendorId,
        tutorId: au.tutors[0]!.tutorId,
        studentIds: members,
        slots: [slot()],
      });
      groupId = formed.groupId;
      const added = au.students[2]!.studentId;
      await service.changeMembers({ ...who, via: 'PUT /v1/groups/:groupId/members' }, groupId, [...members, added]);
      await service.reassignTutor(
        { ...who, via: 'tutor-reassignments' },
        groupId,
        au.tutors[1]!.tutorId,
        'tutor on leave',
      );
      const [first] = await inTenantTransaction(ds, au.districtId, (m) =>
        store.listOccurrences(m, { groupId, from: '2026-10-26', to: '2026-12-31' }, 1, 0),
      );
      await service.cancelOccurrence({ ...who, via: 'cancellations' }, first!.occurrenceId, {
        reason: 'testing_day',
        accountable: null,
        studentIds: null,
        note: null,
      });
      const read = await groups.get(groupId, vendor);
      expect(read.studentIds).toEqual([...members, added]);
      const page = await occurrences.list({ groupId, from: '2026-10-26', to: '2026-12-31', limit: 5 }, pm);
      expect(page.items.length).toBeGreaterThan(0);

      const log = (await entries()).reverse(); // oldest first
      expect(log.every((e) => e.districtId === au.districtId)).toBe(true);
      expect(log.map((e) => [e.action, e.resourceType, e.actorSub])).toEqual([
        ['create', 'group', 'pm-audit'],
        ['update', 'group', 'pm-audit'],
        ['update', 'group', 'pm-audit'],
        ['update', 'occurrence', 'pm-audit'],
        ['read', 'group', 'vendor-audit'],
        ['read', 'occurrence', 'pm-audit'],
      ]);
      expect(log[0]).toMatchObject({
        actorRoles: ['program_manager'],
        resourceIds: [groupId, ...members],
        purpose: `POST /v1/groups: group formed: tutor ${au.tutors[0]!.tutorId}, 2 student(s)`,
      });
      expect(log[1]?.purpose).toBe(`PUT /v1/groups/:groupId/members: members changed: added [${added}], removed []`);
      expect(log[2]?.purpose).toBe(
        `tutor-reassignments: tutor reassigned from ${au.tutors[0]!.tutorId} to ${au.tutors[1]!.tutorId}: tutor on leave`,
      );
      expect(log[3]).toMatchObject({
        resourceIds: [first!.occurrenceId, ...first!.studentIds],
        purpose: `cancellations: cancelled (${first!.studentIds.length} of ${first!.studentIds.length} student(s)): testing_day, accountable district`,
      });
      expect(log[4]).toMatchObject({
        actorRoles: ['vendor'],
        resourceIds: [groupId, ...members, added],
        purpose: 'GET /v1/groups/:groupId: group membership',
      });
      expect(log[5]?.resourceIds).toEqual(expect.arrayContaining([page.items[0]!.occurrenceId, added]));
      expect(new Date(log[5]!.at).getTime()).toBeGreaterThanOrEqual(new Date(log[0]!.at).getTime());
      // Every entry is findable by the pseudonymous id of the student it concerns.
      const byStudent = await inTenantTransaction(ds, au.districtId, (m) =>
        AuditLog.query(m, { limit: 200, resourceId: added }),
      );
      expect(byStudent.items.map((e) => e.action).sort()).toEqual(['read', 'read', 'update', 'update', 'update']);
      // Another district sees none of it.
      const seenByOther = await inTenantTransaction(ds, world.districtId, (m) =>
        AuditLog.query(m, { limit: 200, resourceId: added }),
      );
      expect(seenByOther.items).toEqual([]);
    });

    it('a refused change leaves no entry (nor a refused read)', async () => {
      const before = await entries();
      const clash = service.formGroup(who, {
        programId: au.programId,
        schoolId: au.schoolId,
        vendorId: au.vendorId,
        tutorId: au.tutors[0]!.tutorId,
        studentIds: [members[0]!, au.students[3]!.studentId],
        slots: [slot({ slotId: 'mon-p2', weekdays: [1] })],
      });
      await expect(clash).rejects.toThrow(/is already in group .* at the same time/);
      await expect(
        service.reassignTutor(who, groupId, au.tutors[2]!.tutorId, 'try an uncleared tutor'),
      ).rejects.toThrow(/is not cleared/);
      const otherVendor: Principal = { ...vendor, vendorId: randomUUID() };
      await expect(groups.get(groupId, otherVendor)).rejects.toThrow(/not found/);
      expect(await entries()).toEqual(before);
    });
  });
});
