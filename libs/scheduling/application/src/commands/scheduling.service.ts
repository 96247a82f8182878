// Scheduling's command side: each command runs in one tenant transaction that loads what the decider needs,
// decides, stores the result and queues the outgoing events in the outbox (no dual write).
import type { DataSource, EntityManager } from 'typeorm';
import {
  addDays,
  bellScheduleProblems,
  checkGroupPlan,
  decideCancellation,
  decideGroup,
  evolveGroup,
  localDateAt,
  oneOffClashes,
  planOneOff,
  tutorChangeReasonOf,
  type BellSchedule,
  type CancelOccurrence,
  type GroupCommand,
  type GroupEvent,
  type LocalDate,
  type PlanContext,
  type RecurringSlot,
  type ScheduledGroup,
} from '@tutoring/scheduling/domain';
import { conflict, ScheduleConflictError } from '@tutoring/scheduling/domain';
import type { OccurrenceRow, SchedulingStore } from '@tutoring/scheduling/infrastructure';
import { enqueueOutbox, type OutboxMessage } from '@tutoring/shared/messaging';
import { inTenantTransaction } from '@tutoring/shared/persistence';
import { cancellationMessages, groupMessages, occurrenceMessages } from '../events/scheduling-events';
import {
  groupResourceIds,
  occurrenceResourceIds,
  recordSchedulingAudit,
  type AuditWho,
} from '../audit/scheduling-audit';
import { DEFAULT_HORIZON_DAYS, MAKE_UP_KEY, OccurrencePlanner, occurrenceIdFor } from './occurrence-planner';

export { DEFAULT_HORIZON_DAYS, occurrenceIdFor } from './occurrence-planner';

export class NotFound extends Error {}
export class NotReady extends Error {}

/** Who acts, in which district (and, for the audit log, with which roles and through which route or job). */
export interface Actor extends AuditWho {
  districtId: string;
}

/** What a group event changed, for the audit log's purpose (pseudonymous ids only). */
const describeGroupEvent = (event: GroupEvent, before: ScheduledGroup | null): string => {
  switch (event.type) {
    case 'GroupFormed':
      return `group formed: tutor ${event.data.group.tutorId}, ${event.data.group.studentIds.length} student(s)`;
    case 'GroupMembersChanged': {
      const was = before?.studentIds ?? [];
      const added = event.data.studentIds.filter((s) => !was.includes(s));
      const removed = was.filter((s) => !event.data.studentIds.includes(s));
      return `members changed: added [${added.join(', ')}], removed [${removed.join(', ')}]`;
    }
    case 'GroupSlotsChanged':
      return `slots changed: ${event.data.slots.map((x) => x.slotId).join(', ')}`;
    case 'GroupTutorReassigned':
      return `tutor reassigned from ${event.data.fromTutorId} to ${event.data.toTutorId}: ${event.data.reason}`;
    case 'GroupDissolved':
      return `group dissolved: ${event.data.reason}`;
  }
};

export interface FormGroupInput {
  programId: string;
  schoolId: string;
  vendorId: string;
  tutorId: string;
  studentIds: string[];
  slots: RecurringSlot[];
}

export class SchedulingService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: SchedulingStore,
    private readonly newId: () => string,
    private readonly clock: () => Date = () => new Date(),
    horizonDays = DEFAULT_HORIZON_DAYS,
  ) {
    this.planner = new OccurrencePlanner(store, newId, horizonDays);
  }

  private readonly planner: OccurrencePlanner;

  private tx<T>(districtId: string, work: (m: EntityManager) => Promise<T>): Promise<T> {
    return inTenantTransaction(this.dataSource, districtId, work);
  }

  private async zone(m: EntityManager, districtId: string): Promise<string> {
    const zone = await this.store.timeZone(m, districtId);
    if (!zone)
      throw new NotReady(`district ${districtId} is not configured yet (no time zone received from enrollment)`);
    return zone;
  }

  async today(districtId: string): Promise<LocalDate> {
    return this.tx(districtId, async (m) => localDateAt(this.clock().getTime(), await this.zone(m, districtId)));
  }

  async setBellSchedule(actor: Actor, schedule: BellSchedule): Promise<BellSchedule> {
    const problems = bellScheduleProblems(schedule);
    if (problems.length)
      throw new ScheduleConflictError(problems.map((p) => conflict('slot_unknown_period', `bell schedule: ${p}`)));
    await this.tx(actor.districtId, async (m) => {
      const at = this.clock().toISOString();
      await this.store.saveBellSchedule(m, actor.districtId, schedule, actor.by, at);
      await this.realignSchoolIn(m, actor.districtId, schedule.schoolId, actor.by, at, actor);
    });
    return schedule;
  }

  /**
   * The school's bell schedule or calendar changed: every active group's future occurrences follow (new times
   * re-published, days no longer instructional cancelled as closures, new school days planned). In the caller's
   * transaction, so the change and its consequences commit together.
   */
  async realignSchoolIn(
    m: EntityManager,
    districtId: string,
    schoolId: string,
    by: string,
    at: string = this.clock().toISOString(),
    who: AuditWho = { by: 'service:scheduling', via: `school calendar from ${by}` },
  ): Promise<number> {
    const zone = await this.store.timeZone(m, districtId);
    if (!zone) return 0;
    const groups = (await this.store.activeGroups(m)).filter((g) => g.schoolId === schoolId);
    for (const g of groups) await this.planner.align(m, g, zone, at, by, who);
    return groups.length;
  }

  async bellSchedule(districtId: string, schoolId: string): Promise<BellSchedule | null> {
    return this.tx(districtId, async (m) => (await this.store.bellSchedules(m, [schoolId])).get(schoolId) ?? null);
  }

  /** What a conflict check must see for `group` as it would be after the change. */
  async planContext(
    m: EntityManager,
    group: Pick<ScheduledGroup, 'programId' | 'tutorId' | 'studentIds' | 'schoolId' | 'districtId'>,
  ): Promise<PlanContext> {
    await this.store.lockPeople(m, [...group.studentIds, group.tutorId]);
    return this.loadContext(m, group);
  }

  private async loadContext(
    m: EntityManager,
    group: Pick<ScheduledGroup, 'programId' | 'tutorId' | 'studentIds' | 'schoolId' | 'districtId'>,
  ): Promise<PlanContext> {
    const program = await this.store.program(m, group.programId);
    if (!program) throw new NotFound(`program ${group.programId} is not known to scheduling`);
    const [students, tutors, otherGroups] = await Promise.all([
      this.store.placements(m, group.programId, group.studentIds),
      this.store.tutors(m, [group.tutorId]),
      this.store.groupsTouching(m, group.studentIds, [group.tutorId]),
    ]);
    const schools = [...new Set([group.schoolId, ...otherGroups.map((g) => g.schoolId)])];
    return {
      program,
      students: new Map(students.map((s) => [s.studentId, s])),
      tutor: tutors[0],
      otherGroups,
      schedules: await this.store.bellSchedules(m, schools),
      effectiveDate: localDateAt(this.clock().getTime(), await this.zone(m, group.districtId)),
    };
  }

  async formGroup(actor: Actor, input: FormGroupInput): Promise<ScheduledGroup> {
    return this.tx(actor.districtId, (m) => this.formGroupIn(m, actor, input));
  }

  /**
   * Forms a group inside the caller's tenant transaction (applying an auto-schedule proposal forms all its groups in
   * one): the same conflict check, storage, outbox events and occurrences as a manual formation.
   */
  async formGroupIn(m: EntityManager, actor: Actor, input: FormGroupInput): Promise<ScheduledGroup> {
    const base = { ...input, groupId: this.newId(), districtId: actor.districtId };
    const command: GroupCommand = {
      type: 'FormGroup',
      data: { ...base, context: await this.planContext(m, base), at: this.clock().toISOString(), by: actor.by },
    };
    return this.applyGroupEvents(m, command, null, actor);
  }

  /** The district's local date now (in a transaction the caller holds). */
  async todayIn(m: EntityManager, districtId: string): Promise<LocalDate> {
    return localDateAt(this.clock().getTime(), await this.zone(m, districtId));
  }

  now(): string {
    return this.clock().toISOString();
  }

  async changeGroup(
    actor: Actor,
    groupId: string,
    change: (group: ScheduledGroup, context: (g: ScheduledGroup) => Promise<PlanContext>) => Promise<GroupCommand>,
  ): Promise<ScheduledGroup> {
    return this.tx(actor.districtId, async (m) => {
      const group = await this.store.group(m, groupId, true);
      if (!group) throw new NotFound(`group ${groupId} not found`);
      const command = await change(group, (g) => this.planContext(m, g));
      return this.applyGroupEvents(m, command, group, actor);
    });
  }

  changeMembers(actor: Actor, groupId: string, studentIds: string[]): Promise<ScheduledGroup> {
    return this.changeGroup(actor, groupId, async (g, ctx) => ({
      type: 'ChangeMembers',
      data: { studentIds, context: await ctx({ ...g, studentIds }), at: this.clock().toISOString(), by: actor.by },
    }));
  }

  changeSlots(actor: Actor, groupId: string, slots: RecurringSlot[]): Promise<ScheduledGroup> {
    return this.changeGroup(actor, groupId, async (g, ctx) => ({
      type: 'ChangeSlots',
      data: { slots, context: await ctx(g), at: this.clock().toISOString(), by: actor.by },
    }));
  }

  reassignTutor(actor: Actor, groupId: string, tutorId: string, reason: string): Promise<ScheduledGroup> {
    return this.changeGroup(actor, groupId, async (g, ctx) => ({
      type: 'ReassignTutor',
      data: { tutorId, reason, context: await ctx({ ...g, tutorId }), at: this.clock().toISOString(), by: actor.by },
    }));
  }

  dissolve(actor: Actor, groupId: string, reason: string): Promise<ScheduledGroup> {
    return this.changeGroup(actor, groupId, async () => ({
      type: 'DissolveGroup',
      data: { reason, at: this.clock().toISOString(), by: actor.by },
    }));
  }

  /**
   * Active groups that break a rule today (a tutor's clearance lapsed, a tutor was deactivated, a student left the
   * school, …): the same check as a manual change, re-run against current data. Keyset-paginated by group id.
   */
  async groupsInConflict(
    reader: Actor,
    scope: { vendorId?: string; schoolIds?: readonly string[] },
    limit: number,
    after: string | null,
  ): Promise<{
    items: { groupId: string; conflicts: { code: string; message: string }[] }[];
    nextCursor: string | null;
  }> {
    return this.tx(reader.districtId, async (m) => {
      const page = await this.store.listGroups(m, scope, limit, after);
      const items = [];
      const named: ScheduledGroup[] = [];
      for (const g of page.filter((x) => x.status === 'active')) {
        const conflicts = checkGroupPlan(g, await this.loadContext(m, g));
        if (conflicts.length) {
          items.push({ groupId: g.groupId, conflicts });
          named.push(g);
        }
      }
      // Conflict messages name the groups' students (e.g. a student double-booked): the read is on record.
      if (named.length)
        await recordSchedulingAudit(m, reader, 'read', 'group', groupResourceIds(named), 'groups in conflict');
      const last = page.at(-1);
      return { items, nextCursor: page.length === limit && last ? last.groupId : null };
    });
  }

  /**
   * A student left the program (enrolment no longer enrolled and consented): out of every active group of the
   * program and of their future occurrences. Idempotent: a student already out changes nothing.
   */
  async removeStudentFromProgram(
    districtId: string,
    studentId: string,
    programId: string,
    reason: string,
    at: string,
  ): Promise<number> {
    return this.tx(districtId, async (m) => {
      const groups = (await this.store.groupsTouching(m, [studentId], [])).filter(
        (g) => g.programId === programId && g.studentIds.includes(studentId),
      );
      for (const g of groups) {
        const locked = await this.store.group(m, g.groupId, true);
        await this.applyGroupEvents(
          m,
          { type: 'RemoveMember', data: { studentId, reason, at, by: 'enrollment' } },
          locked,
          { by: 'service:scheduling', via: `enrollment event: student ${studentId} left program ${programId}` },
        );
      }
      return groups.length;
    });
  }

  /** Decide, store each event with its snapshot, publish the snapshot, and bring the future occurrences in line. */
  private async applyGroupEvents(
    m: EntityManager,
    command: GroupCommand,
    state: ScheduledGroup | null,
    who: AuditWho,
  ): Promise<ScheduledGroup> {
    const events = decideGroup(command, state);
    let current = state;
    const outgoing: OutboxMessage[] = [];
    for (const event of events) {
      const next = evolveGroup(current, event);
      if (!next) throw new Error('group evolved to nothing');
      await this.store.saveGroup(m, next, { type: event.type, data: event.data, at: event.data.at });
      outgoing.push(...groupMessages(next, tutorChangeReasonOf(event), this.newId, event.data.at));
      // Who changed which group and students, and why: the students before and after the change are named.
      await recordSchedulingAudit(
        m,
        who,
        event.type === 'GroupFormed' ? 'create' : 'update',
        'group',
        [...groupResourceIds([next]), ...(current?.studentIds ?? [])],
        describeGroupEvent(event, current),
      );
      current = next;
    }
    if (!current) throw new Error('no group');
    await enqueueOutbox(m, this.store.schema, outgoing);
    if (events.length > 0)
      await this.planner.align(
        m,
        current,
        await this.zone(m, current.districtId),
        command.data.at,
        command.data.by,
        who,
      );
    return current;
  }

  /** Rolls the horizon forward for every active group of the district: plans what is missing up to `to`. */
  async planHorizon(
    actor: Actor,
    from: LocalDate | null,
    to: LocalDate | null,
  ): Promise<{ planned: number; groups: number }> {
    return this.tx(actor.districtId, async (m) => {
      const zone = await this.zone(m, actor.districtId);
      const today = localDateAt(this.clock().getTime(), zone);
      const start = from ?? today;
      const end = to ?? addDays(start, this.planner.horizonDays);
      const groups = await this.store.activeGroups(m);
      let planned = 0;
      for (const g of groups)
        planned += (await this.planner.planGroup(m, g, start, end, zone, this.clock().toISOString())).length;
      return { planned, groups: groups.length };
    });
  }

  /**
   * A one-off (make-up) session of a group at a period on a date: refused on a day that is not instructional
   * (`slot_on_holiday`), in a period the school does not run that day, in the past, or when it would double-book the
   * tutor or a student. Planned and published like any occurrence (idempotent per group, date and period).
   */
  async planMakeUp(
    actor: Actor,
    groupId: string,
    input: { date: LocalDate; period: string },
    mayChange: (schoolId: string) => void = () => undefined,
  ): Promise<OccurrenceRow> {
    return this.tx(actor.districtId, async (m) => {
      const group = await this.store.group(m, groupId, true);
      if (!group) throw new NotFound(`group ${groupId} not found`);
      mayChange(group.schoolId);
      if (group.status !== 'active')
        throw new ScheduleConflictError([
          conflict('group_dissolved', `group ${groupId} is dissolved: no session can be planned`),
        ]);
      const zone = await this.zone(m, actor.districtId);
      const today = localDateAt(this.clock().getTime(), zone);
      if (input.date < today)
        throw new ScheduleConflictError([
          conflict('occurrence_not_planned', `${input.date} is in the past: a make-up session is planned ahead`),
        ]);
      const program = await this.store.program(m, group.programId);
      const schedule = (await this.store.bellSchedules(m, [group.schoolId])).get(group.schoolId);
      if (!program || !schedule) throw new NotReady(`school ${group.schoolId} has no bell schedule yet`);
      const when = planOneOff({
        schoolId: group.schoolId,
        date: input.date,
        period: input.period,
        minutes: program.target.minutesPerSession,
        schedule,
        calendar: await this.store.calendar(m, group.schoolId),
        timeZone: zone,
      });
      await this.store.lockPeople(m, [...group.studentIds, group.tutorId]);
      const windows = await this.store.enrolmentWindows(m, group.programId, group.studentIds);
      const studentIds = group.studentIds.filter((id) => {
        const w = windows.get(id);
        return !!w?.start && w.start <= input.date && (w.end === null || input.date <= w.end);
      });
      const key = `${MAKE_UP_KEY}${input.period}:${input.date}`;
      const occurrenceId = occurrenceIdFor(groupId, key);
      const existing = await this.store.occurrence(m, occurrenceId);
      if (existing) return existing;
      const clashes = oneOffClashes(
        { tutorId: group.tutorId, studentIds, ...when },
        await this.store.occurrencesOn(m, input.date, group.tutorId, group.studentIds),
      );
      if (clashes.length) throw new ScheduleConflictError(clashes);
      const row: OccurrenceRow = {
        occurrenceId,
        districtId: group.districtId,
        groupId,
        key,
        programId: group.programId,
        schoolId: group.schoolId,
        vendorId: group.vendorId,
        tutorId: group.tutorId,
        studentIds,
        cancelledStudentIds: [],
        ...when,
      };
      await this.store.insertOccurrences(m, [row]);
      await enqueueOutbox(m, this.store.schema, occurrenceMessages(row, this.newId, this.clock().toISOString()));
      await recordSchedulingAudit(
        m,
        actor,
        'create',
        'occurrence',
        [...occurrenceResourceIds([row]), groupId],
        `make-up session of group ${groupId} on ${input.date}, period ${input.period}`,
      );
      return row;
    });
  }

  /**
   * Rolls every known district's horizon forward (the background planner's tick): each district in its own tenant
   * transaction; one district failing does not stop the others. Idempotent, so replicas may run it concurrently.
   */
  async planAllDistricts(): Promise<{ districts: number; planned: number; failed: string[] }> {
    const districts = await this.store.districts(this.dataSource.manager);
    let planned = 0;
    const failed: string[] = [];
    for (const districtId of districts) {
      try {
        planned += (await this.planHorizon({ districtId, by: 'scheduling-planner' }, null, null)).planned;
      } catch {
        failed.push(districtId);
      }
    }
    return { districts: districts.length, planned, failed };
  }

  async cancelOccurrence(
    actor: Actor,
    occurrenceId: string,
    input: Omit<CancelOccurrence['data'], 'at' | 'by'>,
  ): Promise<OccurrenceRow> {
    return this.tx(actor.districtId, async (m) => {
      const o = await this.store.occurrence(m, occurrenceId, true);
      if (!o) throw new NotFound(`occurrence ${occurrenceId} not found`);
      const at = this.clock().toISOString();
      const events = decideCancellation({ type: 'CancelOccurrence', data: { ...input, at, by: actor.by } }, o);
      let updated = o;
      for (const e of events) {
        await this.store.saveCancellation(m, {
          districtId: actor.districtId,
          occurrenceId,
          reason: e.data.reason,
          accountable: e.data.accountable,
          studentIds: e.data.studentIds,
          note: e.data.note,
          by: actor.by,
          at,
        });
        updated = {
          ...updated,
          cancelledStudentIds: [...new Set([...updated.cancelledStudentIds, ...e.data.studentIds])],
        };
        await enqueueOutbox(m, this.store.schema, cancellationMessages(actor.districtId, e, this.newId));
        await recordSchedulingAudit(
          m,
          actor,
          'update',
          'occurrence',
          [occurrenceId, ...e.data.studentIds],
          `cancelled (${e.data.studentIds.length} of ${o.studentIds.length} student(s)): ${e.data.reason}, accountable ${e.data.accountable}${e.data.note ? `, note: ${e.data.note}` : ''}`,
        );
      }
      await this.store.updateOccurrencePlan(m, updated);
      return updated;
    });
  }
}
