// Planned occurrences and their cancellations. A cancellation names its reason and who is accountable (district or
// vendor): outcomes contracts pay or penalise on it. A one-off occurrence (make-up session) must fall on an
// instructional day.
import { dayTypeOn, periodMinutes, periodOn, type BellSchedule, type SchoolCalendar } from '../calendar/bell-schedule';
import { conflict, ScheduleConflictError, type Conflict } from '../conflicts/schedule-conflict';
import { minutesOf, timeOf, zonedTimestamp, type LocalDate } from '../time/local-time';

export const CANCELLATION_REASON_CODES = [
  'closure',
  'testing_day',
  'tutor_absence',
  'student_absence',
  'other',
] as const;
export type CancellationReason = (typeof CANCELLATION_REASON_CODES)[number];
export type Accountable = 'district' | 'vendor';

/** Who answers for a missed session when the caller does not say: the party that caused it. */
export const DEFAULT_ACCOUNTABLE: Record<CancellationReason, Accountable | null> = {
  closure: 'district',
  testing_day: 'district',
  student_absence: 'district',
  tutor_absence: 'vendor',
  other: null,
};

export interface OccurrenceState {
  occurrenceId: string;
  groupId: string;
  vendorId: string;
  date: LocalDate;
  startsAt: string;
  endsAt: string;
  studentIds: string[];
  /** Students whose attendance at this occurrence was cancelled ahead. */
  cancelledStudentIds: string[];
}

export interface OccurrenceCancelled {
  type: 'OccurrenceCancelled';
  data: {
    occurrenceId: string;
    groupId: string;
    vendorId: string;
    reason: CancellationReason;
    accountable: Accountable;
    studentIds: string[];
    note: string | null;
    at: string;
    by: string;
  };
}

export interface CancelOccurrence {
  type: 'CancelOccurrence';
  data: {
    reason: CancellationReason;
    accountable: Accountable | null;
    /** Students affected; null = the whole occurrence. */
    studentIds: string[] | null;
    note: string | null;
    at: string;
    by: string;
  };
}

export const decideCancellation = (command: CancelOccurrence, state: OccurrenceState): OccurrenceCancelled[] => {
  const d = command.data;
  const remaining = state.studentIds.filter((id) => !state.cancelledStudentIds.includes(id));
  if (remaining.length === 0)
    throw new ScheduleConflictError([
      conflict('occurrence_not_planned', `occurrence ${state.occurrenceId} is already cancelled`),
    ]);
  const studentIds = d.studentIds ? [...new Set(d.studentIds)] : remaining;
  const unknown = studentIds.filter((id) => !remaining.includes(id));
  if (unknown.length > 0)
    throw new ScheduleConflictError([
      conflict(
        'students_not_in_occurrence',
        `students ${unknown.join(', ')} are not planned in occurrence ${state.occurrenceId}`,
      ),
    ]);
  const accountable = d.accountable ?? DEFAULT_ACCOUNTABLE[d.reason];
  if (!accountable)
    throw new ScheduleConflictError([
      conflict(
        'reason_required',
        `a cancellation for reason "${d.reason}" must say who is accountable: district or vendor`,
      ),
    ]);
  return [
    {
      type: 'OccurrenceCancelled',
      data: {
        occurrenceId: state.occurrenceId,
        groupId: state.groupId,
        vendorId: state.vendorId,
        reason: d.reason,
        accountable,
        studentIds,
        note: d.note,
        at: d.at,
        by: d.by,
      },
    },
  ];
};

export const evolveOccurrence = (state: OccurrenceState, event: OccurrenceCancelled): OccurrenceState => ({
  ...state,
  cancelledStudentIds: [...new Set([...state.cancelledStudentIds, ...event.data.studentIds])],
});

/** A one-off occurrence (e.g. a make-up session) at a period on a date: refused on a non-instructional day. */
export const planOneOff = (input: {
  schoolId: string;
  date: LocalDate;
  period: string;
  minutes: number;
  schedule: BellSchedule;
  calendar: SchoolCalendar;
  timeZone: string;
}): { date: LocalDate; startsAt: string; endsAt: string } => {
  const dayType = dayTypeOn(input.schedule, input.calendar, input.date);
  if (dayType === null)
    throw new ScheduleConflictError([
      conflict(
        'slot_on_holiday',
        `${input.date} is not an instructional day at school ${input.schoolId} (holiday or closure): no session can be planned`,
      ),
    ]);
  const period = periodOn(input.schedule, input.calendar, input.date, input.period);
  if (!period)
    throw new ScheduleConflictError([
      conflict('slot_unknown_period', `school ${input.schoolId} has no period ${input.period} on ${input.date}`),
    ]);
  if (input.minutes > periodMinutes(period))
    throw new ScheduleConflictError([
      conflict(
        'slot_longer_than_period',
        `a ${input.minutes}-minute session does not fit period ${input.period} on ${input.date} (${periodMinutes(period)} minutes)`,
      ),
    ]);
  const start = minutesOf(period.start);
  return {
    date: input.date,
    startsAt: zonedTimestamp(input.date, timeOf(start), input.timeZone),
    endsAt: zonedTimestamp(input.date, timeOf(start + input.minutes), input.timeZone),
  };
};

/** An occurrence already planned, with its tutor (what a one-off session could clash with). */
export interface BookedOccurrence extends OccurrenceState {
  tutorId: string;
}

const localClock = (timestamp: string): string => timestamp.slice(11, 16);

/**
 * Who a one-off session of `candidate`'s group from `startsAt` to `endsAt` would double-book: its tutor, or one of its
 * students, already in another planned (not cancelled) session at an overlapping time. Each conflict named.
 */
export const oneOffClashes = (
  candidate: { tutorId: string; studentIds: string[]; date: LocalDate; startsAt: string; endsAt: string },
  others: BookedOccurrence[],
): Conflict[] => {
  const [from, to] = [Date.parse(candidate.startsAt), Date.parse(candidate.endsAt)];
  const out: Conflict[] = [];
  for (const o of others) {
    if (!(Date.parse(o.startsAt) < to && from < Date.parse(o.endsAt))) continue;
    const present = o.studentIds.filter((s) => !o.cancelledStudentIds.includes(s));
    if (present.length === 0) continue;
    const when = `${o.date} ${localClock(o.startsAt)}–${localClock(o.endsAt)}`;
    if (o.tutorId === candidate.tutorId)
      out.push(
        conflict(
          'tutor_double_booked',
          `tutor ${candidate.tutorId} is double-booked: group ${o.groupId} meets at the same time, ${when}`,
        ),
      );
    for (const s of candidate.studentIds)
      if (present.includes(s))
        out.push(
          conflict('student_double_booked', `student ${s} is already in group ${o.groupId} at the same time: ${when}`),
        );
  }
  return out;
};
