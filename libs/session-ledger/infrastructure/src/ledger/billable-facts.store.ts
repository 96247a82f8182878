import type { EntityManager } from 'typeorm';
import type { OtherSessionLine, ReferenceFacts, SessionUnderReview } from '@tutoring/session-ledger/domain';
import { MAX_SESSION_DURATION_MINUTES } from '@tutoring/shared/contracts';

interface FactsRow {
  time_zone: string | null;
  tutor: { vendorId: string; clearedUntil: string | null } | null;
  enrolments: ReferenceFacts['enrolments'] | null;
  programs: ReferenceFacts['programs'] | null;
  students: ReferenceFacts['students'] | null;
  school_days: ReferenceFacts['schoolDays'] | null;
  others: OtherSessionLine[] | null;
}

/**
 * Reads, in one round trip and inside the district's tenant transaction, every reference fact the billable-line
 * rules need for one session; and keeps the per-student index of attended lines of active sessions (overlap and
 * duplicate lookups) in the same transaction as the ledger append.
 */
export class BillableFactsStore {
  constructor(private readonly schema: string) {}

  /**
   * Serialises concurrent ingests that touch the same student (overlap and duplicate rules read what the other
   * transaction is about to write). Locks in a fixed order, so two sessions sharing students cannot deadlock.
   */
  async lockStudents(m: EntityManager, studentIds: readonly string[]): Promise<void> {
    if (studentIds.length === 0) return;
    await m.query(
      `SELECT pg_advisory_xact_lock(k) FROM (SELECT DISTINCT hashtextextended(s, 7) AS k FROM unnest($1::text[]) s ORDER BY 1) x`,
      [studentIds],
    );
  }

  async load(
    m: EntityManager,
    districtId: string,
    session: SessionUnderReview,
    studentIds: readonly string[],
  ): Promise<ReferenceFacts> {
    const s = this.schema;
    const rows = (await m.query(
      `WITH enr AS (
         SELECT student_id, program_id, vendor_id, school_id, status, consent, start_date, end_date
           FROM ${s}.ref_enrolments WHERE student_id = ANY($3::uuid[]))
       SELECT
         (SELECT time_zone FROM ${s}.ref_districts WHERE district_id = $1) AS time_zone,
         (SELECT json_build_object('vendorId', vendor_id, 'clearedUntil', cleared_until::text)
            FROM ${s}.ref_tutors WHERE tutor_id = $2::uuid) AS tutor,
         (SELECT json_agg(json_build_object('studentId', student_id, 'programId', program_id, 'vendorId', vendor_id,
                 'schoolId', school_id, 'status', status, 'consent', consent, 'startDate', start_date::text, 'endDate', end_date::text))
            FROM enr) AS enrolments,
         (SELECT json_agg(json_build_object('programId', program_id, 'subject', subject, 'maxGroupSize', max_group_size,
                 'startDate', start_date::text, 'endDate', end_date::text, 'plausibleFrom', plausible_from::text,
                 'plausibleTo', plausible_to::text, 'vendorIds', vendor_ids))
            FROM ${s}.ref_programs WHERE program_id IN (SELECT program_id FROM enr)) AS programs,
         (SELECT json_agg(json_build_object('studentId', student_id, 'schoolId', school_id))
            FROM ${s}.ref_students WHERE student_id = ANY($3::uuid[])) AS students,
         (SELECT json_agg(json_build_object('schoolId', school_id, 'day', day::text))
            FROM ${s}.ref_school_days
           WHERE school_id IN (SELECT school_id FROM enr UNION SELECT school_id FROM ${s}.ref_students WHERE student_id = ANY($3::uuid[]))
             AND day BETWEEN ($4::timestamptz)::date - 1 AND ($4::timestamptz)::date + 1) AS school_days,
         (SELECT json_agg(json_build_object('vendorId', vendor_id, 'sessionId', session_id, 'studentId', student_id,
                 'tutorId', tutor_id, 'startsAt', starts_at, 'endsAt', ends_at))
            FROM ${s}.active_session_lines
           WHERE student_id = ANY($3::uuid[])
             AND starts_at >= $4::timestamptz - make_interval(mins => ${MAX_SESSION_DURATION_MINUTES})
             AND ((starts_at < $5::timestamptz AND ends_at > $4::timestamptz) OR starts_at = $4::timestamptz)) AS others`,
      [districtId, session.tutorId, studentIds, session.startedAt, session.endedAt],
    )) as FactsRow[];
    const r = rows[0];
    return {
      timeZone: r?.time_zone ?? null,
      tutor: r?.tutor ?? null,
      enrolments: r?.enrolments ?? [],
      programs: r?.programs ?? [],
      students: r?.students ?? [],
      schoolDays: r?.school_days ?? [],
      otherSessions: r?.others ?? [],
    };
  }

  /** The session's attended lines replace its earlier ones; a void (no lines) just removes them. */
  async replaceActiveLines(
    m: EntityManager,
    districtId: string,
    vendorId: string,
    sessionId: string,
    current: { tutorId: string; startedAt: string; endedAt: string; studentIds: readonly string[] } | null,
  ): Promise<void> {
    const s = this.schema;
    await m.query(`DELETE FROM ${s}.active_session_lines WHERE vendor_id = $1 AND session_id = $2`, [
      vendorId,
      sessionId,
    ]);
    if (!current || current.studentIds.length === 0) return;
    await m.query(
      `INSERT INTO ${s}.active_session_lines (district_id, vendor_id, session_id, student_id, tutor_id, starts_at, ends_at)
       SELECT $1, $2, $3, sid, $5, $6, $7 FROM unnest($4::uuid[]) AS sid`,
      [districtId, vendorId, sessionId, current.studentIds, current.tutorId, current.startedAt, current.endedAt],
    );
  }
}
