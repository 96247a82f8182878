import type { EntityManager } from 'typeorm';
import { MAX_SESSION_DURATION_MINUTES } from '@tutoring/shared/contracts';
import type {
  EnrolmentFact,
  OtherSessionLine,
  ProgramFact,
  ReferenceFacts,
  SessionUnderReview,
} from '@tutoring/session-ledger/domain';

interface BulkRow {
  time_zone: string | null;
  tutors: { tutorId: string; vendorId: string; clearedUntil: string | null }[] | null;
  enrolments: EnrolmentFact[] | null;
  programs: ProgramFact[] | null;
  students: { studentId: string; schoolId: string }[] | null;
  school_days: { schoolId: string; day: string }[] | null;
  others: OtherSessionLine[] | null;
}

const DAY = 86_400_000;
const utcDate = (instant: string, shiftDays = 0): string =>
  new Date(Date.parse(instant) + shiftDays * DAY).toISOString().slice(0, 10);

/**
 * Every reference fact the billable-line rules need (roster, consent, programs, calendars, tutors, the interval
 * index), for one session or a whole batch, in one round trip inside the district's tenant transaction; then cut
 * per session by `for`. Lines written earlier in the same batch are overlaid on the per-student interval index, so
 * the overlap and duplicate rules see them as a later transaction would.
 */
export class BatchFacts {
  /** Sessions rewritten in this batch → their current attended lines; and the same lines by student. */
  private readonly overlay = new Map<string, OtherSessionLine[]>();
  private readonly overlayByStudent = new Map<string, Map<string, OtherSessionLine>>();

  /** Bulk-loaded interval index lines by student, with parsed instants. */
  private readonly othersByStudent = new Map<string, { line: OtherSessionLine; s: number; e: number }[]>();

  /** Reference rows by key, each list in the order the bulk query returned it. */
  private readonly enrolmentsByStudent = new Map<string, EnrolmentFact[]>();
  private readonly studentsById = new Map<string, { studentId: string; schoolId: string }[]>();
  private readonly programsById = new Map<string, ProgramFact>();
  private readonly daysBySchool = new Map<string, { schoolId: string; day: string }[]>();
  private readonly tutorsById = new Map<string, { tutorId: string; vendorId: string; clearedUntil: string | null }>();

  private constructor(private readonly bulk: BulkRow) {
    const push = <T>(map: Map<string, T[]>, key: string, value: T) => {
      const list = map.get(key);
      if (list) list.push(value);
      else map.set(key, [value]);
    };
    for (const e of bulk.enrolments ?? []) push(this.enrolmentsByStudent, e.studentId, e);
    for (const st of bulk.students ?? []) push(this.studentsById, st.studentId, st);
    for (const p of bulk.programs ?? []) if (!this.programsById.has(p.programId)) this.programsById.set(p.programId, p);
    for (const d of bulk.school_days ?? []) push(this.daysBySchool, d.schoolId, d);
    for (const t of bulk.tutors ?? []) if (!this.tutorsById.has(t.tutorId)) this.tutorsById.set(t.tutorId, t);
    for (const line of bulk.others ?? []) {
      const list = this.othersByStudent.get(line.studentId) ?? [];
      list.push({ line, s: Date.parse(line.startsAt), e: Date.parse(line.endsAt) });
      this.othersByStudent.set(line.studentId, list);
    }
  }

  static async load(
    m: EntityManager,
    schema: string,
    districtId: string,
    sessions: readonly SessionUnderReview[],
  ): Promise<BatchFacts> {
    const empty: BulkRow = {
      time_zone: null,
      tutors: [],
      enrolments: [],
      programs: [],
      students: [],
      school_days: [],
      others: [],
    };
    if (sessions.length === 0) return new BatchFacts(empty);
    const students = [...new Set(sessions.flatMap((s) => s.attendance.map((a) => a.studentId)))];
    const tutors = [...new Set(sessions.map((s) => s.tutorId))];
    const starts = sessions.map((s) => Date.parse(s.startedAt));
    const ends = sessions.map((s) => Date.parse(s.endedAt));
    const minStart = new Date(Math.min(...starts)).toISOString();
    const maxEnd = new Date(Math.max(...ends)).toISOString();
    const rows = (await m.query(
      `WITH enr AS (
         SELECT student_id, program_id, vendor_id, school_id, status, consent, start_date, end_date
           FROM ${schema}.ref_enrolments WHERE student_id = ANY($3::uuid[]))
       SELECT
         (SELECT time_zone FROM ${schema}.ref_districts WHERE district_id = $1) AS time_zone,
         (SELECT json_agg(json_build_object('tutorId', tutor_id, 'vendorId', vendor_id, 'clearedUntil', cleared_until::text))
            FROM ${schema}.ref_tutors WHERE tutor_id = ANY($2::uuid[])) AS tutors,
         (SELECT json_agg(json_build_object('studentId', student_id, 'programId', program_id, 'vendorId', vendor_id,
                 'schoolId', school_id, 'status', status, 'consent', consent, 'startDate', start_date::text, 'endDate', end_date::text))
            FROM enr) AS enrolments,
         (SELECT json_agg(json_build_object('programId', program_id, 'subject', subject, 'maxGroupSize', max_group_size,
                 'startDate', start_date::text, 'endDate', end_date::text, 'plausibleFrom', plausible_from::text,
                 'plausibleTo', plausible_to::text, 'vendorIds', vendor_ids))
            FROM ${schema}.ref_programs WHERE program_id IN (SELECT program_id FROM enr)) AS programs,
         (SELECT json_agg(json_build_object('studentId', student_id, 'schoolId', school_id))
            FROM ${schema}.ref_students WHERE student_id = ANY($3::uuid[])) AS students,
         (SELECT json_agg(json_build_object('schoolId', school_id, 'day', day::text))
            FROM ${schema}.ref_school_days
           WHERE school_id IN (SELECT school_id FROM enr UNION SELECT school_id FROM ${schema}.ref_students WHERE student_id = ANY($3::uuid[]))
             AND day BETWEEN ($4::timestamptz)::date - 1 AND ($5::timestamptz)::date + 1) AS school_days,
         (SELECT json_agg(json_build_object('vendorId', vendor_id, 'sessionId', session_id, 'studentId', student_id,
                 'tutorId', tutor_id, 'startsAt', starts_at, 'endsAt', ends_at))
            FROM ${schema}.active_session_lines
           WHERE student_id = ANY($3::uuid[]) AND starts_at <= $5::timestamptz AND ends_at >= $4::timestamptz
             -- a recorded line lasts at most the contract's maximum, so this bounds the index range on starts_at
             -- (without it every earlier line of each student is visited, a cost growing with the term)
             AND starts_at >= $4::timestamptz - make_interval(mins => ${MAX_SESSION_DURATION_MINUTES})) AS others`,
      [districtId, tutors, students, minStart, maxEnd],
    )) as BulkRow[];
    return new BatchFacts(rows[0] ?? empty);
  }

  /** The session's attended lines replace its earlier ones for the rest of the batch (null: voided). */
  replaceActiveLines(vendorId: string, sessionId: string, lines: OtherSessionLine[]): void {
    const key = `${vendorId}/${sessionId}`;
    for (const old of this.overlay.get(key) ?? []) this.overlayByStudent.get(old.studentId)?.delete(key);
    this.overlay.set(key, lines);
    for (const line of lines) {
      const byStudent = this.overlayByStudent.get(line.studentId) ?? new Map<string, OtherSessionLine>();
      byStudent.set(key, line);
      this.overlayByStudent.set(line.studentId, byStudent);
    }
  }

  for(session: SessionUnderReview): ReferenceFacts {
    const ids = new Set(session.attendance.map((a) => a.studentId));
    const enrolments = [...ids].flatMap((id) => this.enrolmentsByStudent.get(id) ?? []);
    const programIds = new Set(enrolments.map((e) => e.programId));
    const students = [...ids].flatMap((id) => this.studentsById.get(id) ?? []);
    const schools = new Set([...enrolments.map((e) => e.schoolId), ...students.map((s) => s.schoolId)]);
    const from = utcDate(session.startedAt, -1);
    const to = utcDate(session.startedAt, 1);
    const schoolDays = [...schools].flatMap((school) =>
      (this.daysBySchool.get(school) ?? []).filter((d) => d.day >= from && d.day <= to),
    );
    const start = Date.parse(session.startedAt);
    const end = Date.parse(session.endedAt);
    const overlaps = (s: number, e: number): boolean => (s < end && e > start) || s === start;
    const others: OtherSessionLine[] = [];
    for (const id of ids) {
      for (const o of this.othersByStudent.get(id) ?? []) {
        if (!this.overlay.has(`${o.line.vendorId}/${o.line.sessionId}`) && overlaps(o.s, o.e)) others.push(o.line);
      }
      for (const line of this.overlayByStudent.get(id)?.values() ?? []) {
        if (overlaps(Date.parse(line.startsAt), Date.parse(line.endsAt))) others.push(line);
      }
    }
    const tutor = this.tutorsById.get(session.tutorId);
    return {
      timeZone: this.bulk.time_zone,
      tutor: tutor ? { vendorId: tutor.vendorId, clearedUntil: tutor.clearedUntil } : null,
      enrolments,
      programs: [...programIds].flatMap((id) => {
        const p = this.programsById.get(id);
        return p ? [p] : [];
      }),
      students,
      schoolDays,
      otherSessions: others,
    };
  }
}
