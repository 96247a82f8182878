import fc from 'fast-check';
import { ScheduleConflictError } from '../conflicts/schedule-conflict';
import { context, group, tutor, uid } from '../testing.builders';
import { decideGroup, evolveGroup, type GroupCommand, type GroupEvent, type GroupState } from './group.decider';

const at = '2026-11-02T12:00:00Z';
const commandArb: fc.Arbitrary<GroupCommand> = fc.oneof(
  fc
    .record({
      type: fc.constant('ChangeMembers' as const),
      ids: fc.uniqueArray(fc.integer({ min: 1, max: 6 }), { minLength: 0, maxLength: 6 }),
    })
    .map(({ ids }): GroupCommand => ({
      type: 'ChangeMembers',
      data: { studentIds: ids.map(uid), context: context(), at, by: 'u' },
    })),
  fc
    .record({ t: fc.integer({ min: 100, max: 103 }), reason: fc.constantFrom('', 'tutor left', 'schedule change') })
    .map(({ t, reason }): GroupCommand => ({
      type: 'ReassignTutor',
      data: { tutorId: uid(t), reason, context: context({}, [tutor(t)]), at, by: 'u' },
    })),
  fc.integer({ min: 1, max: 6 }).map((n): GroupCommand => ({
    type: 'RemoveMember',
    data: { studentId: uid(n), reason: 'withdrawn', at, by: 'enrollment' },
  })),
  fc.constant<GroupCommand>({ type: 'DissolveGroup', data: { reason: 'program ended', at, by: 'u' } }),
);

describe('group decider (property)', () => {
  it('whatever is accepted: size within the program, version = 1 + events, reassignments = tutor changes, dissolved is final', () => {
    fc.assert(
      fc.property(fc.array(commandArb, { maxLength: 25 }), (commands) => {
        let state: GroupState = group(10);
        const history: GroupEvent[] = [];
        for (const command of commands) {
          try {
            const events = decideGroup(command, state);
            history.push(...events);
            state = events.reduce(evolveGroup, state);
          } catch (error) {
            expect(error).toBeInstanceOf(ScheduleConflictError);
            expect((error as ScheduleConflictError).conflicts.length).toBeGreaterThan(0);
          }
        }
        expect(state!.version).toBe(1 + history.length);
        expect(state!.reassignments).toBe(history.filter((e) => e.type === 'GroupTutorReassigned').length);
        expect(state!.studentIds.length).toBeLessThanOrEqual(4);
        if (state!.status === 'active') expect(state!.studentIds.length).toBeGreaterThan(0);
        const dissolvedAt = history.findIndex((e) => e.type === 'GroupDissolved');
        if (dissolvedAt >= 0) expect(history.length).toBe(dissolvedAt + 1);
        for (const e of history) if (e.type === 'GroupTutorReassigned') expect(e.data.reason.length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });
});
