import type { EntityManager } from 'typeorm';
import type { ReferenceUpdate } from '@tutoring/session-ledger/domain';

/**
 * Reference tables fed by enrollment and scheduling: idempotent upserts (the latest snapshot wins; cancellations are
 * kept one row per event, never overwritten), always inside the district's tenant transaction (RLS).
 */
export class ReferenceStore {
  constructor(private readonly schema: string) {}

  async timeZoneOf(m: EntityManager, districtId: string): Promise<string | null> {
    const rows = (await m.query(`SELECT time_zone FROM ${this.schema}.ref_districts WHERE district_id = $1`, [
      districtId,
    ])) as {
      time_zone: string;
    }[];
    return rows[0]?.time_zone ?? null;
  }

  async apply(m: EntityManager, u: ReferenceUpdate): Promise<void> {
    const s = this.schema;
    switch (u.kind) {
      case 'district':
        await m.query(
          `INSERT INTO ${s}.ref_districts (district_id, time_zone) VALUES ($1, $2)
           ON CONFLICT (district_id) DO UPDATE SET time_zone = EXCLUDED.time_zone`,
          [u.districtId, u.timeZone],
        );
        return;
      case 'calendar':
        await m.query(`DELETE FROM ${s}.ref_school_days WHERE school_id = $1 AND day BETWEEN $2 AND $3`, [
          u.schoolId,
          u.from,
          u.to,
        ]);
        await m.query(
          `INSERT INTO ${s}.ref_school_days (district_id, school_id, day, early_release)
           SELECT $1, $2, d.day, d.early FROM unnest($3::date[], $4::boolean[]) AS d(day, early)
           ON CONFLICT (school_id, day) DO UPDATE SET early_release = EXCLUDED.early_release`,
          [u.districtId, u.schoolId, u.days.map((d) => d.day), u.days.map((d) => d.earlyRelease)],
        );
        return;
      case 'program':
        await m.query(
          `INSERT INTO ${s}.ref_programs (program_id, district_id, subject, max_group_size, target_sessions_per_week,
             target_minutes_per_session, start_date, end_date, plausible_from, plausible_to, vendor_ids)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::uuid[])
           ON CONFLICT (program_id) DO UPDATE SET subject = EXCLUDED.subject, max_group_size = EXCLUDED.max_group_size,
             target_sessions_per_week = EXCLUDED.target_sessions_per_week, target_minutes_per_session = EXCLUDED.target_minutes_per_session,
             start_date = EXCLUDED.start_date, end_date = EXCLUDED.end_date, plausible_from = EXCLUDED.plausible_from,
             plausible_to = EXCLUDED.plausible_to, vendor_ids = EXCLUDED.vendor_ids`,
          [
            u.programId,
            u.districtId,
            u.subject,
            u.maxGroupSize,
            u.targetSessionsPerWeek,
            u.targetMinutesPerSession,
            u.startDate,
            u.endDate,
            u.plausibleFrom,
            u.plausibleTo,
            u.vendorIds,
          ],
        );
        return;
      case 'student':
        await m.query(
          `INSERT INTO ${s}.ref_students (student_id, district_id, school_id, grade) VALUES ($1, $2, $3, $4)
           ON CONFLICT (student_id) DO UPDATE SET school_id = EXCLUDED.school_id, grade = EXCLUDED.grade`,
          [u.studentId, u.districtId, u.schoolId, u.grade],
        );
        return;
      case 'enrolment':
        await m.query(
          `INSERT INTO ${s}.ref_enrolments (enrolment_id, district_id, student_id, program_id, vendor_id, school_id, status, consent, start_date, end_date)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
           ON CONFLICT (enrolment_id) DO UPDATE SET student_id = EXCLUDED.student_id, program_id = EXCLUDED.program_id,
             vendor_id = EXCLUDED.vendor_id, school_id = EXCLUDED.school_id, status = EXCLUDED.status, consent = EXCLUDED.consent,
             start_date = EXCLUDED.start_date, end_date = EXCLUDED.end_date`,
          [
            u.enrolmentId,
            u.districtId,
            u.studentId,
            u.programId,
            u.vendorId,
            u.schoolId,
            u.status,
            u.consent,
            u.startDate,
            u.endDate,
          ],
        );
        return;
      case 'tutor':
        await m.query(
          `INSERT INTO ${s}.ref_tutors (tutor_id, district_id, vendor_id, cleared_until) VALUES ($1, $2, $3, $4)
           ON CONFLICT (tutor_id) DO UPDATE SET vendor_id = EXCLUDED.vendor_id, cleared_until = EXCLUDED.cleared_until`,
          [u.tutorId, u.districtId, u.vendorId, u.clearedUntil],
        );
        return;
      case 'occurrence_planned':
        await m.query(
          `INSERT INTO ${s}.ref_occurrences (occurrence_id, district_id, group_id, vendor_id, program_id, school_id, tutor_id,
             date, starts_at, ends_at, student_ids)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::uuid[])
           ON CONFLICT (occurrence_id) DO UPDATE SET group_id = EXCLUDED.group_id, vendor_id = EXCLUDED.vendor_id,
             program_id = EXCLUDED.program_id, school_id = EXCLUDED.school_id, tutor_id = EXCLUDED.tutor_id, date = EXCLUDED.date,
             starts_at = EXCLUDED.starts_at, ends_at = EXCLUDED.ends_at, student_ids = EXCLUDED.student_ids`,
          [
            u.occurrenceId,
            u.districtId,
            u.groupId,
            u.vendorId,
            u.programId,
            u.schoolId,
            u.tutorId,
            u.date,
            u.startsAt,
            u.endsAt,
            u.studentIds,
          ],
        );
        return;
      case 'occurrence_cancelled':
        // A cancellation may arrive before its plan (different partitions): the row is created, the plan fills it in.
        // The cancelled_* columns of ref_occurrences are a deprecated summary (the last one received); what counts is
        // every cancellation kept in ref_occurrence_cancellations, once per event id, merged per student at read time.
        await m.query(
          `INSERT INTO ${s}.ref_occurrences (occurrence_id, district_id, group_id, vendor_id, cancelled_reason, cancelled_accountable, cancelled_student_ids)
           VALUES ($1, $2, $3, $4, $5, $6, $7::uuid[])
           ON CONFLICT (occurrence_id) DO UPDATE SET cancelled_reason = EXCLUDED.cancelled_reason,
             cancelled_accountable = EXCLUDED.cancelled_accountable, cancelled_student_ids = EXCLUDED.cancelled_student_ids`,
          [u.occurrenceId, u.districtId, u.groupId, u.vendorId, u.reason, u.accountable, u.studentIds],
        );
        await m.query(
          `INSERT INTO ${s}.ref_occurrence_cancellations (occurrence_id, event_id, district_id, reason, accountable,
             student_ids, cancelled_at)
           VALUES ($1, $2, $3, $4, $5, $6::uuid[], $7)
           ON CONFLICT (occurrence_id, event_id) DO NOTHING`,
          [u.occurrenceId, u.eventId, u.districtId, u.reason, u.accountable, u.studentIds, u.cancelledAt],
        );
        return;
      default: {
        const _exhaustive: never = u;
        throw new Error(`unknown reference update ${JSON.stringify(_exhaustive)}`);
      }
    }
  }
}
