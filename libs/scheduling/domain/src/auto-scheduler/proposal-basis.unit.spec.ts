import { group, program, student, tutor, uid, weeklyBell } from '../testing.builders';
import type { ProposedGroup } from './auto-schedule.types';
import { basisChanges, narrowBasis, proposalBasis, slotsOfProposedGroup, stableJson } from './proposal-basis';

const facts = () => ({
  program: program(),
  schedules: [weeklyBell()],
  rotations: { [uid(50)]: { '1': ['A', 'B'] } },
  tutors: [tutor(1)],
  students: [student(10), student(11)],
  groups: [group(70, { version: 2 })],
});

describe('a proposal basis (what an auto-schedule proposal relied on)', () => {
  it('is the same for the same facts, whatever the key order', () => {
    expect(stableJson({ b: 1, a: { d: 2, c: [3, { f: 4, e: 5 }] } })).toBe('{"a":{"c":[3,{"e":5,"f":4}],"d":2},"b":1}');
    expect(basisChanges(proposalBasis(facts()), proposalBasis(facts()))).toEqual([]);
  });

  it('names every change: a tutor, a student, a group changed, formed or gone, the schedule, the rotation', () => {
    const before = proposalBasis(facts());
    const f = facts();
    f.tutors = [tutor(1, { maxGroups: 1 })];
    f.students = [student(10, '4', { enrolledVendorId: null })];
    f.groups = [group(70, { version: 3 }), group(71)];
    f.schedules = [weeklyBell({ periods: { '*': [{ code: 'P1', start: '08:00', end: '08:40' }] } })];
    f.rotations = { [uid(50)]: { '1': ['A'] } };
    const messages = basisChanges(before, proposalBasis(f)).map((c) => `${c.code}: ${c.message}`);
    expect(messages).toEqual([
      `proposal_stale: group ${uid(70)} changed since the proposal (version 2 → 3)`,
      `proposal_stale: group ${uid(71)} was formed or changed since the proposal and now shares a student or tutor with it`,
      `proposal_stale: the A/B rotation of school ${uid(50)} over the horizon changed since the proposal (its calendar changed)`,
      `proposal_stale: the bell schedule of school ${weeklyBell().schoolId} changed since the proposal`,
      `proposal_stale: student ${uid(10)}'s enrolment changed since the proposal (vendor, school, grade or consent)`,
      `proposal_stale: student ${uid(11)} is no longer in the program`,
      `proposal_stale: tutor ${uid(1)} changed since the proposal (availability, clearance, capacity, subjects, grades or status)`,
    ]);
  });

  it('narrows to the proposal’s own students, tutors and groups, keeping school-wide facts', () => {
    const narrowed = narrowBasis(proposalBasis(facts()), { studentIds: [uid(10)], tutorIds: [], groupIds: [] });
    expect(Object.keys(narrowed).sort()).toEqual(
      [
        `program:${program().programId}`,
        `rotation:${uid(50)}`,
        `schedule:${weeklyBell().schoolId}`,
        `student:${uid(10)}`,
      ].sort(),
    );
  });
});

describe('the recurring slots of a proposed group', () => {
  const base: ProposedGroup = {
    schoolId: 's',
    vendorId: 'v',
    tutorId: 't',
    gradeBand: '3-5',
    studentIds: ['a'],
    weekdays: [1, 3, 5],
    period: 'P2',
    periodsByDayType: null,
    cells: [],
  };
  const where = { location: 'Library', supervisorId: 'staff-1' };

  it('weekly: one slot, every day type', () => {
    expect(slotsOfProposedGroup(base, 30, where)).toEqual([
      { slotId: 'auto-135-P2', weekdays: [1, 3, 5], period: 'P2', minutes: 30, dayTypes: null, ...where },
    ]);
  });

  it('A/B in the same period on both day types: still one slot', () => {
    expect(slotsOfProposedGroup({ ...base, periodsByDayType: { A: 'P2', B: 'P2' } }, 30, where)).toHaveLength(1);
  });

  it('A/B in different periods: one slot per day type, each on that day type only', () => {
    const slots = slotsOfProposedGroup({ ...base, periodsByDayType: { B: 'P1', A: 'P2' } }, 30, where);
    expect(slots.map((s) => [s.slotId, s.period, s.dayTypes, s.weekdays])).toEqual([
      ['auto-135-A-P2', 'P2', ['A'], [1, 3, 5]],
      ['auto-135-B-P1', 'P1', ['B'], [1, 3, 5]],
    ]);
  });
});
