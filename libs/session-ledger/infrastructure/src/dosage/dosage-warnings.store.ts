import type { EntityManager } from 'typeorm';
import type { StudentWeekFacts, StudentWeekJudgement } from '@tutoring/session-ledger/domain';

/** Which slot of the sessions read models serves reads (`proj_slots`); validated before it names a table. */
export const activeProjectionSlot = async (m: EntityManager, schema: string): Promise<'a' | 'b'> => {
  const rows = (await m.query(`SELECT active FROM ${schema}.proj_slots WHERE projection = 'sessions'`)) as {
    active: string;
  }[];
  const slot = rows[0]?.active ?? 'a';
  if (slot !== 'a' && slot !== 'b') throw new Error(`unexpected projection slot ${slot}`);
  return slot;
};

interface FactsRow {
  student_id: string;
  school_id: string | null;
  program_id: string | null;
  spw: number;
  mps: number;
  instructional: boolean;
  attended_minutes: number;
  counted_sessions: number;
  prev_week: string | null;
  prev_below: boolean | null;
  prev_consecutive: number | null;
}

export interface JudgementToRecord extends StudentWeekJudgement {
  eventId: string | null;
}

/**
 * SQL of the dosage-warnings worker. Every method but `districts` runs in the district's tenant transaction (RLS);
 * the week's dose comes from the active slot of `proj_dosage_weeks`, targets, enrolments and calendars from the
 * reference tables.
 */
export class DosageWarningsStore {
  constructor(readonly schema: string) {}

  /** Districts whose zone is known (registry of ids, no tenant data). */
  async districts(m: EntityManager): Promise<string[]> {
    const rows = (await m.query(`SELECT district_id FROM ${this.schema}.dosage_districts ORDER BY district_id`)) as {
      district_id: string;
    }[];
    return rows.map((r) => r.district_id);
  }

  async timeZone(m: EntityManager, districtId: string): Promise<string | null> {
    const rows = (await m.query(`SELECT time_zone FROM ${this.schema}.ref_districts WHERE district_id = $1`, [
      districtId,
    ])) as { time_zone: string }[];
    return rows[0]?.time_zone ?? null;
  }

  async lastClosedWeek(m: EntityManager, districtId: string): Promise<string | null> {
    const rows = (await m.query(
      `SELECT max(iso_week) AS w FROM ${this.schema}.dosage_week_closures WHERE district_id = $1`,
      [districtId],
    )) as { w: string | null }[];
    return rows[0]?.w ?? null;
  }

  /**
   * Takes the week for this transaction: true when this caller closes it. A concurrent closer waits on the primary
   * key and then gets false; a week already closed gets false at once.
   */
  async claimWeek(m: EntityManager, districtId: string, isoWeek: string, closedAt: Date): Promise<boolean> {
    const rows = (await m.query(
      `INSERT INTO ${this.schema}.dosage_week_closures (district_id, iso_week, closed_at, students_judged, below_target)
       VALUES ($1, $2, $3, 0, 0) ON CONFLICT DO NOTHING RETURNING iso_week`,
      [districtId, isoWeek, closedAt],
    )) as unknown[];
    return rows.length === 1;
  }

  /**
   * One row per student with an enrolment (enrolled, or withdrawn/exited after the week began) covering the week in a
   * program running that week; the earliest-starting such enrolment decides school, program and target (as the
   * dosage series does). `instructional`: the school has an instructional day in the week within the enrolment and
   * program dates.
   */
  async studentWeekFacts(
    m: EntityManager,
    districtId: string,
    week: { isoWeek: string; monday: string; sunday: string },
  ): Promise<StudentWeekFacts[]> {
    const s = this.schema;
    const slot = await activeProjectionSlot(m, s);
    const rows = (await m.query(
      `WITH en AS (
         SELECT DISTINCT ON (e.student_id) e.student_id, e.school_id, e.program_id,
                p.target_sessions_per_week AS spw, p.target_minutes_per_session AS mps,
                greatest(e.start_date, p.start_date, $2::date) AS from_day,
                least(coalesce(e.end_date, $3::date), p.end_date, $3::date) AS to_day
           FROM ${s}.ref_enrolments e JOIN ${s}.ref_programs p ON p.program_id = e.program_id
          WHERE e.status IN ('enrolled', 'withdrawn', 'exited') AND e.start_date IS NOT NULL
            AND e.start_date <= $3::date AND (e.end_date IS NULL OR e.end_date >= $2::date)
            AND p.start_date <= $3::date AND p.end_date >= $2::date
          ORDER BY e.student_id, e.start_date, e.enrolment_id
       )
       SELECT en.student_id, en.school_id, en.program_id, en.spw, en.mps,
              EXISTS (SELECT 1 FROM ${s}.ref_school_days d
                       WHERE d.school_id = en.school_id AND d.day BETWEEN en.from_day AND en.to_day) AS instructional,
              coalesce(w.attended_minutes, 0) AS attended_minutes, coalesce(w.counted_sessions, 0) AS counted_sessions,
              prev.iso_week AS prev_week, prev.below AS prev_below, prev.consecutive_weeks AS prev_consecutive
         FROM en
         LEFT JOIN ${s}.proj_dosage_weeks_${slot} w
           ON w.district_id = $1 AND w.student_id = en.student_id AND w.iso_week = $4
         LEFT JOIN LATERAL (
           SELECT j.iso_week, j.below, j.consecutive_weeks FROM ${s}.dosage_week_judgements j
            WHERE j.district_id = $1 AND j.student_id = en.student_id AND j.iso_week < $4
            ORDER BY j.iso_week DESC LIMIT 1) prev ON true
        ORDER BY en.student_id`,
      [districtId, week.monday, week.sunday, week.isoWeek],
    )) as FactsRow[];
    return rows.map((r) => ({
      studentId: r.student_id,
      schoolId: r.school_id,
      programId: r.program_id,
      target: { sessionsPerWeek: r.spw, minutesPerSession: r.mps },
      instructional: r.instructional,
      attendedMinutes: r.attended_minutes,
      countedSessions: r.counted_sessions,
      previous:
        r.prev_week === null
          ? null
          : { isoWeek: r.prev_week, below: r.prev_below === true, consecutiveWeeks: r.prev_consecutive ?? 0 },
    }));
  }

  /** The week's judgements in one statement, and the closure's counts. */
  async recordJudgements(
    m: EntityManager,
    districtId: string,
    isoWeek: string,
    judgements: readonly JudgementToRecord[],
    judgedAt: Date,
  ): Promise<void> {
    const s = this.schema;
    if (judgements.length > 0) {
      await m.query(
        `INSERT INTO ${s}.dosage_week_judgements (district_id, student_id, iso_week, school_id, program_id,
           attended_minutes, counted_sessions, target_minutes, target_sessions, below, consecutive_weeks, event_id, judged_at)
         SELECT $1, r.student_id, $2, r.school_id, r.program_id, r.attended_minutes, r.counted_sessions, r.target_minutes,
                r.target_sessions, r.below, r.consecutive_weeks, r.event_id, $4
           FROM jsonb_to_recordset($3::jsonb) AS r(student_id uuid, school_id uuid, program_id uuid, attended_minutes int,
                counted_sessions int, target_minutes int, target_sessions int, below boolean, consecutive_weeks int,
                event_id uuid)
         ON CONFLICT DO NOTHING`,
        [
          districtId,
          isoWeek,
          JSON.stringify(
            judgements.map((j) => ({
              student_id: j.studentId,
              school_id: j.schoolId,
              program_id: j.programId,
              attended_minutes: j.attendedMinutes,
              counted_sessions: j.countedSessions,
              target_minutes: j.targetMinutes,
              target_sessions: j.targetSessions,
              below: j.below,
              consecutive_weeks: j.consecutiveWeeks,
              event_id: j.eventId,
            })),
          ),
          judgedAt,
        ],
      );
    }
    await m.query(
      `UPDATE ${s}.dosage_week_closures SET students_judged = $3, below_target = $4
        WHERE district_id = $1 AND iso_week = $2`,
      [districtId, isoWeek, judgements.length, judgements.filter((j) => j.below).length],
    );
  }

  /** A district's closed weeks, newest first (operators: "did the worker run?"). */
  async closures(m: EntityManager, districtId: string, limit: number) {
    const rows = (await m.query(
      `SELECT iso_week, closed_at, students_judged, below_target FROM ${this.schema}.dosage_week_closures
        WHERE district_id = $1 ORDER BY iso_week DESC LIMIT $2`,
      [districtId, limit],
    )) as { iso_week: string; closed_at: Date; students_judged: number; below_target: number }[];
    return rows.map((r) => ({
      isoWeek: r.iso_week,
      closedAt: r.closed_at.toISOString(),
      studentsJudged: r.students_judged,
      belowTarget: r.below_target,
    }));
  }
}
