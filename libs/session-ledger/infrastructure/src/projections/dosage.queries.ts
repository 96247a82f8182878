import type { EntityManager } from 'typeorm';
import {
  AttendanceStatus,
  CancellationAccountable,
  CancellationFact,
  isOnTrack,
  isoWeekOf,
  isoWeekRange,
  PlannedOccurrence,
  ReportedSession,
  shareBasisPoints,
  studentSchedule,
  StudentScheduleView,
  weekAtTarget,
  weeklyTargetMinutes,
} from '@tutoring/session-ledger/domain';
import { activeProjectionSlot } from '../dosage/dosage-warnings.store';
import { SessionProjectionStore } from './session-projection.store';

export interface DosageWeekView {
  isoWeek: string;
  attendedMinutes: number;
  countedSessions: number;
  atTarget: boolean | null;
}

export interface StudentDosageView {
  studentId: string;
  schoolId: string | null;
  programId: string | null;
  target: { sessionsPerWeek: number; minutesPerSession: number; weeklyMinutes: number } | null;
  weeks: DosageWeekView[];
  cumulativeMinutes: number;
  instructionalWeeksElapsed: number | null;
  onTrack: boolean | null;
}

export interface FidelityView {
  isoWeek: string;
  students: number;
  studentsAtTarget: number;
  atTargetShareBp: number;
  sessions: number;
  sessionsWithinGroupSize: number;
  groupSizeComplianceBp: number;
  primaryTutorSessions: number;
  countedSessions: number;
  tutorConsistencyBp: number;
}

interface OccurrenceRow {
  occurrence_id: string;
  vendor_id: string;
  group_id: string;
  date: string;
  starts_at: Date;
  ends_at: Date;
  student_ids: string[];
  cancelled_accountable: string | null;
  cancelled_reason: string | null;
  cancelled_student_ids: string[] | null;
  cancellations: {
    eventId: string;
    reason: string;
    accountable: string;
    studentIds: string[];
    cancelledAt: string | null;
  }[];
}

interface ScheduledSessionRow {
  vendor_id: string;
  session_id: string;
  group_id: string | null;
  local_date: string;
  lines: { studentId: string; status: AttendanceStatus; minutes: number }[];
  scheduled_session_id: string | null;
  started_at: string | null;
  ended_at: string | null;
}

const isAccountable = (a: string | null): a is CancellationAccountable => a === 'district' || a === 'vendor';

/**
 * An occurrence's cancellations as facts. Rows written only through the deprecated summary columns (no row in
 * ref_occurrence_cancellations: written before migration 750 and not backfilled, or by hand) count as one cancellation.
 */
const cancellationsOf = (o: OccurrenceRow): CancellationFact[] => {
  const kept = o.cancellations.flatMap((c): CancellationFact[] =>
    isAccountable(c.accountable) ? [{ ...c, accountable: c.accountable }] : [],
  );
  if (kept.length > 0 || !isAccountable(o.cancelled_accountable)) return kept;
  return [
    {
      eventId: `legacy:${o.occurrence_id}`,
      reason: o.cancelled_reason ?? 'other',
      accountable: o.cancelled_accountable,
      studentIds: o.cancelled_student_ids ?? [],
      cancelledAt: null,
    },
  ];
};

export interface StudentScheduleQuery {
  fromWeek: string;
  toWeek: string;
  /** A vendor reads only its own occurrences and sessions. */
  vendorId: string | null;
  now: Date;
}

interface EnrolmentRow {
  school_id: string | null;
  program_id: string | null;
  start_date: string | null;
  sessions_per_week: number | null;
  minutes_per_session: number | null;
}

/**
 * Read side of the dosage projection: a student's weekly series with on-track status, and fidelity summaries.
 * Targets, calendars and enrolments are joined at read time from the reference tables, so changing a program's
 * target never needs a replay. Runs in the caller's tenant transaction (RLS) on the active slot.
 */
export class DosageQueries {
  private readonly store: SessionProjectionStore;

  constructor(private readonly schema: string) {
    this.store = new SessionProjectionStore(schema);
  }

  /** Whether `vendorId` serves this student (a vendor reads only its own students). */
  async vendorServes(m: EntityManager, vendorId: string, studentId: string): Promise<boolean> {
    const rows = (await m.query(
      `SELECT 1 FROM ${this.schema}.ref_enrolments WHERE student_id = $1 AND vendor_id = $2 LIMIT 1`,
      [studentId, vendorId],
    )) as unknown[];
    return rows.length > 0;
  }

  async studentSchool(m: EntityManager, studentId: string): Promise<string | null> {
    const rows = (await m.query(`SELECT school_id FROM ${this.schema}.ref_students WHERE student_id = $1`, [
      studentId,
    ])) as { school_id: string }[];
    return rows[0]?.school_id ?? null;
  }

  async studentSeries(
    m: EntityManager,
    districtId: string,
    studentId: string,
    asOf: string,
  ): Promise<StudentDosageView> {
    const slot = await this.store.activeSlot(m);
    const weeks = (await m.query(
      `SELECT iso_week, attended_minutes, counted_sessions FROM ${this.schema}.proj_dosage_weeks_${slot}
        WHERE district_id = $1 AND student_id = $2 AND iso_week <= $3 ORDER BY iso_week`,
      [districtId, studentId, isoWeekOf(asOf)],
    )) as { iso_week: string; attended_minutes: number; counted_sessions: number }[];
    const enrolments = (await m.query(
      `SELECT e.school_id, e.program_id, e.start_date::text AS start_date,
              p.target_sessions_per_week AS sessions_per_week, p.target_minutes_per_session AS minutes_per_session
         FROM ${this.schema}.ref_enrolments e LEFT JOIN ${this.schema}.ref_programs p ON p.program_id = e.program_id
        WHERE e.student_id = $1 AND e.status = 'enrolled' ORDER BY e.start_date NULLS LAST LIMIT 1`,
      [studentId],
    )) as EnrolmentRow[];
    const e = enrolments[0];
    const target =
      e?.sessions_per_week && e.minutes_per_session
        ? { sessionsPerWeek: e.sessions_per_week, minutesPerSession: e.minutes_per_session }
        : null;
    const fromWeek = e?.start_date ? isoWeekOf(e.start_date) : null;
    const cumulativeMinutes = weeks
      .filter((w) => !fromWeek || w.iso_week >= fromWeek)
      .reduce((a, w) => a + w.attended_minutes, 0);
    let instructionalWeeksElapsed: number | null = null;
    if (e?.start_date && e.school_id) {
      const rows = (await m.query(
        `SELECT count(DISTINCT to_char(day, 'IYYY-"W"IW'))::int AS n FROM ${this.schema}.ref_school_days
          WHERE school_id = $1 AND day >= $2::date AND day <= $3::date`,
        [e.school_id, e.start_date, asOf],
      )) as { n: number }[];
      instructionalWeeksElapsed = rows[0]?.n ?? 0;
    }
    return {
      studentId,
      schoolId: e?.school_id ?? null,
      programId: e?.program_id ?? null,
      target: target ? { ...target, weeklyMinutes: weeklyTargetMinutes(target) } : null,
      weeks: weeks.map((w) => ({
        isoWeek: w.iso_week,
        attendedMinutes: w.attended_minutes,
        countedSessions: w.counted_sessions,
        atTarget: target ? weekAtTarget(w.attended_minutes, w.counted_sessions, target) : null,
      })),
      cumulativeMinutes,
      instructionalWeeksElapsed,
      onTrack:
        target && instructionalWeeksElapsed !== null
          ? isOnTrack(cumulativeMinutes, instructionalWeeksElapsed, target)
          : null,
    };
  }

  /**
   * Scheduled versus delivered for one student and a range of ISO weeks: the planned occurrences (reference tables,
   * from scheduling's events) and the current version of every session that names the student (active slot of
   * `proj_sessions`, with `scheduledSessionId` and times read from the ledger entry it came from), matched and
   * attributed by the pure `studentSchedule`.
   */
  async studentSchedule(
    m: EntityManager,
    districtId: string,
    studentId: string,
    q: StudentScheduleQuery,
  ): Promise<StudentScheduleView> {
    const from = isoWeekRange(q.fromWeek)?.from;
    const to = isoWeekRange(q.toWeek)?.to;
    if (!from || !to) throw new Error('fromWeek and toWeek must be ISO weeks');
    const slot = await activeProjectionSlot(m, this.schema);
    // The student's occurrences: those whose latest plan lists them, and those a cancellation names them in (a re-plan
    // leaves out the students cancelled ahead). Each with every cancellation it has.
    const occurrences = (await m.query(
      `WITH mine AS (
         SELECT occurrence_id FROM ${this.schema}.ref_occurrences WHERE student_ids @> ARRAY[$1]::uuid[]
         UNION
         SELECT occurrence_id FROM ${this.schema}.ref_occurrence_cancellations WHERE student_ids @> ARRAY[$1]::uuid[]
       )
       SELECT o.occurrence_id, o.vendor_id, o.group_id, o.date::text AS date, o.starts_at, o.ends_at,
              o.student_ids::text[] AS student_ids, o.cancelled_accountable, o.cancelled_reason,
              o.cancelled_student_ids::text[] AS cancelled_student_ids,
              coalesce((SELECT jsonb_agg(jsonb_build_object('eventId', c.event_id, 'reason', c.reason,
                                 'accountable', c.accountable, 'studentIds', to_jsonb(c.student_ids::text[]),
                                 'cancelledAt', c.cancelled_at) ORDER BY c.event_id)
                          FROM ${this.schema}.ref_occurrence_cancellations c WHERE c.occurrence_id = o.occurrence_id),
                       '[]'::jsonb) AS cancellations
         FROM ${this.schema}.ref_occurrences o JOIN mine ON mine.occurrence_id = o.occurrence_id
        WHERE o.date BETWEEN $2::date AND $3::date
          AND o.starts_at IS NOT NULL AND o.ends_at IS NOT NULL AND ($4::uuid IS NULL OR o.vendor_id = $4)`,
      [studentId, from, to, q.vendorId],
    )) as OccurrenceRow[];
    const sessions = (await m.query(
      `SELECT ps.vendor_id, ps.session_id, ps.group_id, ps.local_date::text AS local_date, ps.lines,
              le.data->>'scheduledSessionId' AS scheduled_session_id, le.data->>'startedAt' AS started_at,
              le.data->>'endedAt' AS ended_at
         FROM ${this.schema}.proj_sessions_${slot} ps
         JOIN ${this.schema}.ledger_entries le ON le.position = ps.position
        WHERE ps.district_id = $1 AND ps.iso_week BETWEEN $2 AND $3
          AND ps.lines @> jsonb_build_array(jsonb_build_object('studentId', $4::text))
          AND ($5::uuid IS NULL OR ps.vendor_id = $5)`,
      [districtId, q.fromWeek, q.toWeek, studentId, q.vendorId],
    )) as ScheduledSessionRow[];
    const planned = occurrences.map((o): PlannedOccurrence => ({
      occurrenceId: o.occurrence_id,
      vendorId: o.vendor_id,
      groupId: o.group_id,
      date: o.date,
      startsAt: o.starts_at.toISOString(),
      endsAt: o.ends_at.toISOString(),
      studentIds: o.student_ids,
      cancellations: cancellationsOf(o),
    }));
    const reported = sessions
      .filter((r) => r.started_at !== null && r.ended_at !== null)
      .map((r): ReportedSession => ({
        vendorId: r.vendor_id,
        sessionId: r.session_id,
        groupId: r.group_id,
        scheduledSessionId: r.scheduled_session_id,
        startedAt: r.started_at as string,
        endedAt: r.ended_at as string,
        localDate: r.local_date,
        lines: r.lines.map((l) => ({ studentId: l.studentId, status: l.status, minutes: l.minutes })),
      }));
    return studentSchedule(studentId, planned, reported, q.now);
  }

  /** Fidelity of the students enrolled in a program and/or school, for one ISO week. */
  async fidelity(
    m: EntityManager,
    districtId: string,
    filter: { isoWeek: string; schoolId?: string; programId?: string },
  ): Promise<FidelityView> {
    const slot = await this.store.activeSlot(m);
    const rows = (await m.query(
      `WITH students AS (
         SELECT DISTINCT ON (e.student_id) e.student_id, p.target_sessions_per_week AS spw, p.target_minutes_per_session AS mps, p.max_group_size
           FROM ${this.schema}.ref_enrolments e JOIN ${this.schema}.ref_programs p ON p.program_id = e.program_id
          WHERE e.status = 'enrolled' AND ($2::uuid IS NULL OR e.school_id = $2) AND ($3::uuid IS NULL OR e.program_id = $3)
       ), weeks AS (
         SELECT s.student_id, s.spw, s.mps, w.attended_minutes, w.counted_sessions
           FROM students s LEFT JOIN ${this.schema}.proj_dosage_weeks_${slot} w
             ON w.district_id = $1 AND w.student_id = s.student_id AND w.iso_week = $4
       ), tutors AS (
         SELECT t.student_id, max(t.counted_sessions) AS primary_sessions, sum(t.counted_sessions) AS total
           FROM ${this.schema}.proj_student_tutors_${slot} t JOIN students s ON s.student_id = t.student_id
          WHERE t.district_id = $1 GROUP BY t.student_id
       ), sessions AS (
         SELECT DISTINCT ps.vendor_id, ps.session_id, ps.group_size, st.max_group_size
           FROM ${this.schema}.proj_sessions_${slot} ps
           CROSS JOIN LATERAL jsonb_array_elements(ps.lines) l
           JOIN students st ON st.student_id = (l->>'studentId')::uuid
          WHERE ps.district_id = $1 AND ps.iso_week = $4
       )
       SELECT (SELECT count(*) FROM weeks)::int AS students,
              (SELECT count(*) FROM weeks WHERE counted_sessions >= spw AND attended_minutes >= spw * mps)::int AS at_target,
              (SELECT count(*) FROM sessions)::int AS sessions,
              (SELECT count(*) FROM sessions WHERE group_size <= max_group_size)::int AS within_size,
              (SELECT coalesce(sum(primary_sessions), 0) FROM tutors)::int AS primary_sessions,
              (SELECT coalesce(sum(total), 0) FROM tutors)::int AS counted_sessions`,
      [districtId, filter.schoolId ?? null, filter.programId ?? null, filter.isoWeek],
    )) as {
      students: number;
      at_target: number;
      sessions: number;
      within_size: number;
      primary_sessions: number;
      counted_sessions: number;
    }[];
    const r = rows[0] ?? {
      students: 0,
      at_target: 0,
      sessions: 0,
      within_size: 0,
      primary_sessions: 0,
      counted_sessions: 0,
    };
    return {
      isoWeek: filter.isoWeek,
      students: r.students,
      studentsAtTarget: r.at_target,
      atTargetShareBp: shareBasisPoints(r.at_target, r.students),
      sessions: r.sessions,
      sessionsWithinGroupSize: r.within_size,
      groupSizeComplianceBp: shareBasisPoints(r.within_size, r.sessions),
      primaryTutorSessions: r.primary_sessions,
      countedSessions: r.counted_sessions,
      tutorConsistencyBp: shareBasisPoints(r.primary_sessions, r.counted_sessions),
    };
  }

  /** Payment periods (billable and held back), keyset-paginated by (vendor, period). */
  async paymentPeriods(
    m: EntityManager,
    districtId: string,
    opts: { vendorId?: string; after?: string; limit: number },
  ) {
    const slot = await this.store.activeSlot(m);
    const rows = (await m.query(
      `SELECT vendor_id, period, billable_minutes, billable_sessions, exception_lines, exception_minutes
         FROM ${this.schema}.proj_payment_periods_${slot}
        WHERE district_id = $1 AND ($2::uuid IS NULL OR vendor_id = $2) AND ($3::text IS NULL OR vendor_id::text || '|' || period > $3)
        ORDER BY vendor_id, period LIMIT $4`,
      [districtId, opts.vendorId ?? null, opts.after ?? null, opts.limit],
    )) as {
      vendor_id: string;
      period: string;
      billable_minutes: string;
      billable_sessions: string;
      exception_lines: string;
      exception_minutes: string;
    }[];
    return rows.map((r) => ({
      vendorId: r.vendor_id,
      period: r.period,
      billableStudentMinutes: Number(r.billable_minutes),
      billableStudentSessions: Number(r.billable_sessions),
      heldBackLines: Number(r.exception_lines),
      heldBackMinutes: Number(r.exception_minutes),
    }));
  }
}
