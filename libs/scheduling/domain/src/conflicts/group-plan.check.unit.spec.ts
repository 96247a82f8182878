import { decideGroup, evolveGroup, type GroupCommand, type GroupState } from '../groups/group.decider';
import { planOneOff } from '../cancellations/occurrence.decider';
import {
  calendar,
  context,
  group,
  program,
  slot,
  student,
  tutor,
  uid,
  weeklyBell,
  SCHOOL,
  VENDOR,
} from '../testing.builders';
import { ScheduleConflictError } from './schedule-conflict';
import { checkGroupPlan } from './group-plan.check';

const at = '2026-11-02T12:00:00Z';
const form = (overrides: Partial<Extract<GroupCommand, { type: 'FormGroup' }>['data']> = {}): GroupCommand => {
  const g = group(10);
  return {
    type: 'FormGroup',
    data: {
      groupId: g.groupId,
      districtId: g.districtId,
      programId: g.programId,
      schoolId: g.schoolId,
      vendorId: g.vendorId,
      tutorId: g.tutorId,
      studentIds: g.studentIds,
      slots: g.slots,
      context: context(),
      at,
      by: 'user-1',
      ...overrides,
    },
  };
};

const refusal = (fn: () => unknown): ScheduleConflictError => {
  try {
    fn();
  } catch (error) {
    if (error instanceof ScheduleConflictError) return error;
    throw error;
  }
  throw new Error('expected a ScheduleConflictError');
};

describe('conflict detection for manual changes', () => {
  it('accepts a valid group', () => {
    expect(decideGroup(form(), null)).toHaveLength(1);
    expect(checkGroupPlan(group(10), context())).toEqual([]);
  });

  it('refuses a student in two groups at the same time, naming the student, the other group and the time', () => {
    const other = group(11, { tutorId: uid(101), studentIds: [uid(2), uid(3)] });
    const error = refusal(() => decideGroup(form({ context: context({ otherGroups: [other] }) }), null));
    expect(error.conflicts).toEqual([
      {
        code: 'student_double_booked',
        message: `student ${uid(2)} is already in group ${uid(11)} at the same time: Monday period P2 09:00–09:30`,
      },
    ]);
    expect(error.message).toBe(
      `student ${uid(2)} is already in group ${uid(11)} at the same time: Monday period P2 09:00–09:30`,
    );
  });

  it('allows the same student in two groups at different times', () => {
    const other = group(11, {
      tutorId: uid(101),
      studentIds: [uid(2)],
      slots: [slot({ slotId: 'tt', weekdays: [2, 4] })],
    });
    expect(checkGroupPlan(group(10), context({ otherGroups: [other] }))).toEqual([]);
  });

  it('refuses a double-booked tutor', () => {
    const other = group(11, {
      studentIds: [uid(5)],
      slots: [slot({ slotId: 'fri', weekdays: [5], period: 'P2', minutes: 45 })],
    });
    const error = refusal(() => decideGroup(form({ context: context({ otherGroups: [other] }) }), null));
    expect(error.conflicts).toEqual([
      {
        code: 'tutor_double_booked',
        message: `tutor ${uid(100)} is double-booked: group ${uid(11)} meets at the same time, Friday period P2 09:00–09:30`,
      },
    ]);
  });

  it('refuses a tutor over capacity', () => {
    const others = [1, 2].map((n) =>
      group(20 + n, { studentIds: [uid(4 + n)], slots: [slot({ slotId: `p${n}`, period: n === 1 ? 'P1' : 'P3' })] }),
    );
    const ctx = context({ otherGroups: others }, [tutor(100, { maxGroups: 2 })]);
    const error = refusal(() => decideGroup(form({ context: ctx }), null));
    expect(error.conflicts).toEqual([
      { code: 'tutor_over_capacity', message: `tutor ${uid(100)} is over capacity: 3 groups, capacity 2` },
    ]);
  });

  it('refuses a group over its size', () => {
    const error = refusal(() => decideGroup(form({ studentIds: [1, 2, 3, 4, 5].map(uid) }), null));
    expect(error.conflicts).toEqual([
      {
        code: 'group_over_size',
        message: `group ${uid(10)} is over its size: 5 students, program ${program().programId} allows at most 4`,
      },
    ]);
  });

  it('refuses a tutor not cleared on the dates served', () => {
    const ctx = context({}, [tutor(100, { clearedUntil: '2026-12-31' })]);
    const error = refusal(() => decideGroup(form({ context: ctx }), null));
    expect(error.conflicts).toEqual([
      {
        code: 'tutor_not_cleared',
        message: `tutor ${uid(100)} is not cleared: background check valid through 2026-12-31, needed through 2027-05-31`,
      },
    ]);
    const never = refusal(() =>
      decideGroup(form({ context: context({}, [tutor(100, { clearedUntil: null })]) }), null),
    );
    expect(never.conflicts[0]?.message).toBe(
      `tutor ${uid(100)} is not cleared: background check missing, needed through 2027-05-31`,
    );
  });

  it('refuses a tutor not qualified for the subject or the grades', () => {
    const ela = refusal(() => decideGroup(form({ context: context({}, [tutor(100, { subjects: ['ela'] })]) }), null));
    expect(ela.conflicts).toEqual([
      { code: 'tutor_not_qualified', message: `tutor ${uid(100)} is not qualified for math in grades 4` },
    ]);
    const k2 = refusal(() =>
      decideGroup(form({ context: context({}, [tutor(100, { gradeBands: [{ from: 'K', to: '2' }] })]) }), null),
    );
    expect(k2.conflicts[0]?.code).toBe('tutor_not_qualified');
  });

  it('refuses a slot outside the tutor availability', () => {
    const ctx = context({}, [tutor(100, { availability: [{ weekday: 1, from: '12:00', to: '15:00' }] })]);
    const error = refusal(() => decideGroup(form({ context: ctx }), null));
    expect(error.conflicts).toEqual([
      { code: 'tutor_unavailable', message: `tutor ${uid(100)} is not available Monday 09:00–09:30 (period P2)` },
    ]);
  });

  it('refuses mixed grade bands and a tutor of another vendor', () => {
    const students = new Map([
      [uid(1), student(1, '2', { enrolledVendorId: VENDOR })],
      [uid(2), student(2, '4')],
    ]);
    const mixed = refusal(() =>
      decideGroup(
        form({ context: context({ program: program({ gradeBand: { from: 'K', to: '5' } }), students }) }),
        null,
      ),
    );
    expect(mixed.conflicts.map((c) => c.message)).toContain(`group ${uid(10)} mixes grade bands 3-5, K-2`);
    const foreign = refusal(() =>
      decideGroup(form({ context: context({}, [tutor(100, { vendorId: uid(555) })]) }), null),
    );
    expect(foreign.conflicts).toEqual([
      {
        code: 'vendor_mismatch',
        message: `tutor ${uid(100)} works for vendor ${uid(555)}, not the group's vendor ${VENDOR}`,
      },
    ]);
  });

  it('refuses a one-off session on a holiday', () => {
    const cal = calendar('2026-11-23', '2026-11-27', ['2026-11-26', '2026-11-27']);
    const error = refusal(() =>
      planOneOff({
        schoolId: SCHOOL,
        date: '2026-11-26',
        period: 'P2',
        minutes: 30,
        schedule: weeklyBell(),
        calendar: cal,
        timeZone: 'America/Chicago',
      }),
    );
    expect(error.conflicts).toEqual([
      {
        code: 'slot_on_holiday',
        message: `2026-11-26 is not an instructional day at school ${SCHOOL} (holiday or closure): no session can be planned`,
      },
    ]);
    expect(
      planOneOff({
        schoolId: SCHOOL,
        date: '2026-11-25',
        period: 'P2',
        minutes: 30,
        schedule: weeklyBell(),
        calendar: cal,
        timeZone: 'America/Chicago',
      }).startsAt,
    ).toBe('2026-11-25T09:00:00-06:00');
  });

  it('refuses a slot in a period the school does not have or too long for it', () => {
    const error = refusal(() =>
      decideGroup(form({ slots: [slot({ period: 'P9' }), slot({ slotId: 'long', period: 'P1', minutes: 60 })] }), null),
    );
    expect(error.conflicts.map((c) => c.message)).toEqual([
      `slot mwf-p2: school ${SCHOOL} has no period P9 in its bell schedule`,
      'slot long: 60 minutes do not fit period P1 (50 minutes)',
    ]);
  });
});

describe('group decider', () => {
  const formed = (): GroupState => decideGroup(form(), null).reduce(evolveGroup, null);

  it('reassigns the tutor only with a reason, and counts the reassignment', () => {
    const state = formed();
    const noReason = refusal(() =>
      decideGroup(
        {
          type: 'ReassignTutor',
          data: { tutorId: uid(101), reason: ' ', context: context({}, [tutor(101)]), at, by: 'u' },
        },
        state,
      ),
    );
    expect(noReason.conflicts).toEqual([
      { code: 'reason_required', message: 'a tutor reassignment needs a reason (it counts against tutor consistency)' },
    ]);
    const events = decideGroup(
      {
        type: 'ReassignTutor',
        data: { tutorId: uid(101), reason: 'tutor left the vendor', context: context({}, [tutor(101)]), at, by: 'u' },
      },
      state,
    );
    const next = events.reduce(evolveGroup, state);
    expect(events[0]).toMatchObject({
      type: 'GroupTutorReassigned',
      data: { fromTutorId: uid(100), toTutorId: uid(101), reason: 'tutor left the vendor' },
    });
    expect(next).toMatchObject({ tutorId: uid(101), reassignments: 1, version: 2 });
  });

  it('changes members with the same checks, and is a no-op for the same members', () => {
    const state = formed();
    expect(
      decideGroup(
        { type: 'ChangeMembers', data: { studentIds: [uid(2), uid(1)], context: context(), at, by: 'u' } },
        state,
      ),
    ).toEqual([]);
    const over = refusal(() =>
      decideGroup(
        { type: 'ChangeMembers', data: { studentIds: [1, 2, 3, 4, 5].map(uid), context: context(), at, by: 'u' } },
        state,
      ),
    );
    expect(over.conflicts[0]?.code).toBe('group_over_size');
    const events = decideGroup(
      { type: 'ChangeMembers', data: { studentIds: [uid(1), uid(3)], context: context(), at, by: 'u' } },
      state,
    );
    expect(events.reduce(evolveGroup, state)).toMatchObject({
      studentIds: [uid(1), uid(3)],
      version: 2,
      reassignments: 0,
    });
  });

  it('refuses changes to a dissolved group', () => {
    const state = decideGroup(
      { type: 'DissolveGroup', data: { reason: 'program ended', at, by: 'u' } },
      formed(),
    ).reduce(evolveGroup, formed());
    expect(state?.status).toBe('dissolved');
    const error = refusal(() =>
      decideGroup({ type: 'ChangeMembers', data: { studentIds: [uid(1)], context: context(), at, by: 'u' } }, state),
    );
    expect(error.message).toBe(`group ${uid(10)} is dissolved`);
  });
});

describe('a student leaving the program', () => {
  const formed = (): GroupState => decideGroup(form(), null).reduce(evolveGroup, null);
  const remove = (studentId: string): GroupCommand => ({
    type: 'RemoveMember',
    data: { studentId, reason: 'withdrawn', at, by: 'enrollment' },
  });

  it('is removed from the group without a plan check, and the last one out dissolves it', () => {
    const once = decideGroup(remove(uid(1)), formed()).reduce(evolveGroup, formed());
    expect(once).toMatchObject({ studentIds: [uid(2)], status: 'active', version: 2 });
    const twice = decideGroup(remove(uid(2)), once).reduce(evolveGroup, once);
    expect(twice).toMatchObject({ studentIds: [], status: 'dissolved' });
    expect(decideGroup(remove(uid(9)), once)).toEqual([]); // not a member: nothing to do (idempotent)
  });
});

describe('tutor serving two schools with different bell schedules', () => {
  const OTHER = uid(950);
  const otherBell = weeklyBell({ schoolId: OTHER, periods: { '*': [{ code: 'P1', start: '09:15', end: '10:00' }] } });

  it('compares real local times across schools, not period names', () => {
    const elsewhere = group(30, {
      schoolId: OTHER,
      studentIds: [uid(7)],
      slots: [slot({ slotId: 'b', weekdays: [3], period: 'P1' })],
    });
    const ctx = context({
      otherGroups: [elsewhere],
      schedules: new Map([
        [SCHOOL, weeklyBell()],
        [OTHER, otherBell],
      ]),
    });
    expect(checkGroupPlan(group(10), ctx)).toEqual([
      {
        code: 'tutor_double_booked',
        message: `tutor ${uid(100)} is double-booked: group ${uid(30)} meets at the same time, Wednesday period P2 09:00–09:30`,
      },
    ]);
    const later = { ...elsewhere, slots: [slot({ slotId: 'b', weekdays: [3], period: 'P1', minutes: 30 })] };
    const shifted = new Map([
      [SCHOOL, weeklyBell({ periods: { '*': [{ code: 'P2', start: '08:30', end: '09:10' }] } })],
      [OTHER, otherBell],
    ]);
    expect(checkGroupPlan(group(10), context({ otherGroups: [later], schedules: shifted }))).toEqual([]); // 08:30–09:00 vs 09:15–09:45
  });
});
