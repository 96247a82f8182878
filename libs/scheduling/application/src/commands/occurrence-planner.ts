// Planned occurrences of a group over the rolling horizon: materialised from its slots on instructional days (only
// for students inside their enrolment window), re-published when the group, its bell schedule or its times change,
// cancelled when no slot produces them any more — as a closure (district) when the day stopped being a school day.
// Runs inside the caller's tenant transaction; events leave through the outbox.
import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import {
  addDays,
  decideCancellation,
  localDateAt,
  materialiseOccurrences,
  type LocalDate,
  type ScheduledGroup,
} from '@tutoring/scheduling/domain';
import type { OccurrenceRow, SchedulingStore } from '@tutoring/scheduling/infrastructure';
import { enqueueOutbox, type OutboxMessage } from '@tutoring/shared/messaging';
import { cancellationMessages, occurrenceMessages } from '../events/scheduling-events';
import { occurrenceResourceIds, recordSchedulingAudit, type AuditWho } from '../audit/scheduling-audit';

/** Key prefix of one-off (make-up) occurrences: no slot produces them, they keep their time when the group changes. */
export const MAKE_UP_KEY = 'makeup:';

/** Days of planned occurrences kept ahead (the rolling horizon). */
export const DEFAULT_HORIZON_DAYS = 28;

/** Deterministic occurrence id (UUID v5 layout over SHA-1 of group and key): re-planning never mints a new one. */
export const occurrenceIdFor = (groupId: string, key: string): string => {
  const h = createHash('sha1').update(`${groupId}/${key}`).digest();
  h[6] = ((h[6] ?? 0) & 0x0f) | 0x50;
  h[8] = ((h[8] ?? 0) & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
};

export class OccurrencePlanner {
  constructor(
    private readonly store: SchedulingStore,
    private readonly newId: () => string,
    readonly horizonDays = DEFAULT_HORIZON_DAYS,
  ) {}

  /**
   * Future occurrences follow the group, its bell schedule and its school calendar: new members, tutor or times are
   * re-published; occurrences nothing produces any more are cancelled (a day no longer instructional: closure).
   */
  async align(
    m: EntityManager,
    group: ScheduledGroup,
    zone: string,
    at: string,
    by: string,
    who: AuditWho = { by: 'service:scheduling', via: `on behalf of ${by}` },
  ): Promise<void> {
    const today = localDateAt(Date.parse(at), zone);
    const calendar = await this.store.calendar(m, group.schoolId);
    const future = await this.store.futureOccurrences(m, group.groupId, today);
    const lastPlanned = future.reduce<LocalDate>(
      (max, o) => (o.date > max ? o.date : max),
      addDays(today, this.horizonDays),
    );
    const wanted = new Map(
      group.status === 'active'
        ? (await this.materialise(m, group, today, lastPlanned, zone)).map((o) => [o.key, o] as const)
        : [],
    );
    // Make-up sessions of an active group stay (at their time, with today's members) while their day is a school day.
    if (group.status === 'active')
      for (const o of future)
        if (o.key.startsWith(MAKE_UP_KEY) && calendar.instructionalDays.has(o.date))
          wanted.set(o.key, { ...o, studentIds: group.studentIds });
    const outgoing: OutboxMessage[] = [];
    const cancelledHere: OccurrenceRow[] = [];
    const notes = new Set<string>();
    for (const o of future) {
      const remaining = o.studentIds.filter((s) => !o.cancelledStudentIds.includes(s));
      if (remaining.length === 0) continue;
      if (!wanted.has(o.key)) {
        const closed = group.status === 'active' && !calendar.instructionalDays.has(o.date);
        const [cancelled] = decideCancellation(
          {
            type: 'CancelOccurrence',
            data: {
              reason: closed ? 'closure' : 'other',
              accountable: 'district',
              studentIds: null,
              note:
                group.status !== 'active'
                  ? 'group dissolved'
                  : closed
                    ? 'no longer an instructional day at the school (calendar changed)'
                    : 'slot changed',
              at,
              by,
            },
          },
          { ...o },
        );
        if (!cancelled) continue;
        await this.store.saveCancellation(m, {
          districtId: group.districtId,
          occurrenceId: o.occurrenceId,
          reason: cancelled.data.reason,
          accountable: 'district',
          studentIds: cancelled.data.studentIds,
          note: cancelled.data.note,
          by,
          at,
        });
        const updated = { ...o, cancelledStudentIds: o.studentIds };
        await this.store.updateOccurrencePlan(m, updated);
        outgoing.push(...cancellationMessages(group.districtId, cancelled, this.newId));
        cancelledHere.push({ ...o, studentIds: cancelled.data.studentIds });
        notes.add(`${cancelled.data.reason}${cancelled.data.note ? ` (${cancelled.data.note})` : ''}`);
        continue;
      }
      const want = wanted.get(o.key)!;
      const target = want.studentIds;
      if (
        o.tutorId === group.tutorId &&
        o.studentIds.join() === target.join() &&
        o.startsAt === want.startsAt &&
        o.endsAt === want.endsAt
      )
        continue;
      const updated: OccurrenceRow = {
        ...o,
        tutorId: group.tutorId,
        studentIds: target,
        startsAt: want.startsAt,
        endsAt: want.endsAt,
        cancelledStudentIds: o.cancelledStudentIds.filter((s) => target.includes(s)),
      };
      await this.store.updateOccurrencePlan(m, updated);
      if (updated.studentIds.some((s) => !updated.cancelledStudentIds.includes(s)))
        outgoing.push(...occurrenceMessages(updated, this.newId, at));
    }
    await enqueueOutbox(m, this.store.schema, outgoing);
    // Cancellations that follow a group, bell schedule or calendar change are on record with that change's actor.
    if (cancelledHere.length)
      await recordSchedulingAudit(
        m,
        who,
        'update',
        'occurrence',
        occurrenceResourceIds(cancelledHere),
        `${cancelledHere.length} occurrence(s) of group ${group.groupId} cancelled, accountable district: ${[...notes].join('; ')}`,
      );
    if (group.status === 'active') await this.planGroup(m, group, today, addDays(today, this.horizonDays), zone, at);
  }

  private async materialise(
    m: EntityManager,
    group: ScheduledGroup,
    from: LocalDate,
    to: LocalDate,
    zone: string,
  ): Promise<OccurrenceRow[]> {
    const program = await this.store.program(m, group.programId);
    const schedule = (await this.store.bellSchedules(m, [group.schoolId])).get(group.schoolId);
    if (!program || !schedule) return [];
    const start = from > program.startDate ? from : program.startDate;
    const end = to < program.endDate ? to : program.endDate;
    if (start > end) return [];
    const calendar = await this.store.calendar(m, group.schoolId);
    const windows = await this.store.enrolmentWindows(m, group.programId, group.studentIds);
    // A student is planned only inside their enrolment (from its start date, through its end date if any).
    const servedOn = (date: LocalDate) =>
      group.studentIds.filter((id) => {
        const w = windows.get(id);
        return !!w?.start && w.start <= date && (w.end === null || date <= w.end);
      });
    const planned = materialiseOccurrences({
      slots: group.slots,
      schedule,
      calendar,
      timeZone: zone,
      from: start,
      to: end,
    })
      .map((o) => ({ o, studentIds: servedOn(o.date) }))
      .filter((x) => x.studentIds.length > 0);
    return planned.map(({ o, studentIds }) => ({
      occurrenceId: occurrenceIdFor(group.groupId, o.key),
      districtId: group.districtId,
      groupId: group.groupId,
      key: o.key,
      programId: group.programId,
      schoolId: group.schoolId,
      vendorId: group.vendorId,
      tutorId: group.tutorId,
      studentIds,
      cancelledStudentIds: [],
      date: o.date,
      startsAt: o.startsAt,
      endsAt: o.endsAt,
    }));
  }

  async planGroup(
    m: EntityManager,
    group: ScheduledGroup,
    from: LocalDate,
    to: LocalDate,
    zone: string,
    at: string,
  ): Promise<OccurrenceRow[]> {
    if (group.studentIds.length === 0) return [];
    const inserted = await this.store.insertOccurrences(m, await this.materialise(m, group, from, to, zone));
    await enqueueOutbox(
      m,
      this.store.schema,
      inserted.flatMap((o) => occurrenceMessages(o, this.newId, at)),
    );
    return inserted;
  }
}
