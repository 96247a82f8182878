// A tutoring group: at most the program's size, one subject (its program's), one grade band, one consistent
// tutor. Changing the tutor is an explicit event with a reason; it counts against tutor consistency.
import { checkGroupPlan, type PlanContext } from '../conflicts/group-plan.check';
import { conflict, ScheduleConflictError } from '../conflicts/schedule-conflict';
import type { RecurringSlot } from '../slots/recurring-slot';
import type { ScheduledGroup } from './group.types';

interface Meta {
  at: string;
  by: string;
}

export type GroupCommand =
  | {
      type: 'FormGroup';
      data: Meta & {
        groupId: string;
        districtId: string;
        programId: string;
        schoolId: string;
        vendorId: string;
        tutorId: string;
        studentIds: string[];
        slots: RecurringSlot[];
        context: PlanContext;
      };
    }
  | { type: 'ChangeMembers'; data: Meta & { studentIds: string[]; context: PlanContext } }
  | { type: 'ChangeSlots'; data: Meta & { slots: RecurringSlot[]; context: PlanContext } }
  | { type: 'ReassignTutor'; data: Meta & { tutorId: string; reason: string; context: PlanContext } }
  | { type: 'DissolveGroup'; data: Meta & { reason: string } }
  /** A student left the program (withdrawn, exited, consent withdrawn): removing can break no rule, so no check. */
  | { type: 'RemoveMember'; data: Meta & { studentId: string; reason: string } };

export type GroupEvent =
  | { type: 'GroupFormed'; data: Meta & { group: ScheduledGroup } }
  | { type: 'GroupMembersChanged'; data: Meta & { groupId: string; studentIds: string[] } }
  | { type: 'GroupSlotsChanged'; data: Meta & { groupId: string; slots: RecurringSlot[] } }
  | {
      type: 'GroupTutorReassigned';
      data: Meta & { groupId: string; fromTutorId: string; toTutorId: string; reason: string };
    }
  | { type: 'GroupDissolved'; data: Meta & { groupId: string; reason: string } };

export type GroupState = ScheduledGroup | null;

const refuseIfConflicts = (group: ScheduledGroup, context: PlanContext): void => {
  const conflicts = checkGroupPlan(group, context);
  if (conflicts.length > 0) throw new ScheduleConflictError(conflicts);
};

const activeGroup = (state: GroupState): ScheduledGroup => {
  if (!state) throw new Error('group does not exist');
  if (state.status !== 'active')
    throw new ScheduleConflictError([conflict('group_dissolved', `group ${state.groupId} is dissolved`)]);
  return state;
};

const sameMembers = (a: string[], b: string[]): boolean =>
  a.length === b.length && [...a].sort().join() === [...b].sort().join();

export const decideGroup = (command: GroupCommand, state: GroupState): GroupEvent[] => {
  const meta = { at: command.data.at, by: command.data.by };
  switch (command.type) {
    case 'FormGroup': {
      if (state) throw new Error(`group ${state.groupId} already exists`);
      const { context, at: _at, by: _by, ...fields } = command.data;
      const group: ScheduledGroup = {
        ...fields,
        studentIds: [...new Set(fields.studentIds)],
        version: 1,
        status: 'active',
        reassignments: 0,
      };
      refuseIfConflicts(group, context);
      return [{ type: 'GroupFormed', data: { ...meta, group } }];
    }
    case 'ChangeMembers': {
      const group = activeGroup(state);
      const studentIds = [...new Set(command.data.studentIds)];
      if (sameMembers(studentIds, group.studentIds)) return [];
      refuseIfConflicts({ ...group, studentIds }, command.data.context);
      return [{ type: 'GroupMembersChanged', data: { ...meta, groupId: group.groupId, studentIds } }];
    }
    case 'ChangeSlots': {
      const group = activeGroup(state);
      refuseIfConflicts({ ...group, slots: command.data.slots }, command.data.context);
      return [{ type: 'GroupSlotsChanged', data: { ...meta, groupId: group.groupId, slots: command.data.slots } }];
    }
    case 'ReassignTutor': {
      const group = activeGroup(state);
      const reason = command.data.reason.trim();
      if (!reason)
        throw new ScheduleConflictError([
          conflict('reason_required', 'a tutor reassignment needs a reason (it counts against tutor consistency)'),
        ]);
      if (command.data.tutorId === group.tutorId) return [];
      refuseIfConflicts({ ...group, tutorId: command.data.tutorId }, command.data.context);
      return [
        {
          type: 'GroupTutorReassigned',
          data: {
            ...meta,
            groupId: group.groupId,
            fromTutorId: group.tutorId,
            toTutorId: command.data.tutorId,
            reason,
          },
        },
      ];
    }
    case 'DissolveGroup': {
      const group = activeGroup(state);
      return [{ type: 'GroupDissolved', data: { ...meta, groupId: group.groupId, reason: command.data.reason } }];
    }
    case 'RemoveMember': {
      if (!state || state.status !== 'active' || !state.studentIds.includes(command.data.studentId)) return [];
      const studentIds = state.studentIds.filter((id) => id !== command.data.studentId);
      if (studentIds.length === 0)
        return [{ type: 'GroupDissolved', data: { ...meta, groupId: state.groupId, reason: command.data.reason } }];
      return [{ type: 'GroupMembersChanged', data: { ...meta, groupId: state.groupId, studentIds } }];
    }
    default: {
      const _exhaustive: never = command;
      throw new Error('unknown command');
    }
  }
};

export const evolveGroup = (state: GroupState, event: GroupEvent): GroupState => {
  if (event.type === 'GroupFormed') return event.data.group;
  if (!state) return state;
  const next = { ...state, version: state.version + 1 };
  switch (event.type) {
    case 'GroupMembersChanged':
      return { ...next, studentIds: event.data.studentIds };
    case 'GroupSlotsChanged':
      return { ...next, slots: event.data.slots };
    case 'GroupTutorReassigned':
      return { ...next, tutorId: event.data.toTutorId, reassignments: state.reassignments + 1 };
    case 'GroupDissolved':
      return { ...next, status: 'dissolved', studentIds: [] };
    default: {
      const _exhaustive: never = event;
      return state;
    }
  }
};

/** The reason published with the group's snapshot: set only by a tutor reassignment. */
export const tutorChangeReasonOf = (event: GroupEvent): string | null =>
  event.type === 'GroupTutorReassigned' ? event.data.reason : null;
