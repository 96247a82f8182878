// Scheduling's local copies of enrollment's facts (last snapshot wins), written by the enrollment-events consumer
// inside a tenant transaction.
import type { EntityManager } from 'typeorm';
import type { ProgramRules, TutorProfile } from '@tutoring/scheduling/domain';
import type {
  DistrictConfiguredV1,
  EnrolmentChangedV1,
  ProgramDefinedV1,
  SchoolCalendarSetV1,
  StudentRosteredV1,
  TutorRegisteredV1,
} from '@tutoring/shared/contracts';

export class ReferenceStore {
  constructor(readonly schema: string) {}

  async upsertDistrict(m: EntityManager, d: DistrictConfiguredV1): Promise<void> {
    await m.query(
      `INSERT INTO ${this.schema}.districts (district_id, time_zone) VALUES ($1, $2)
       ON CONFLICT (district_id) DO UPDATE SET time_zone = EXCLUDED.time_zone`,
      [d.districtId, d.timeZone],
    );
    await m.query(`INSERT INTO ${this.schema}.district_registry (district_id) VALUES ($1) ON CONFLICT DO NOTHING`, [
      d.districtId,
    ]);
  }

  async upsertCalendar(m: EntityManager, c: SchoolCalendarSetV1): Promise<void> {
    await m.query(
      `INSERT INTO ${this.schema}.school_calendars (district_id, school_id, school_year, instructional_days, early_release_days)
       VALUES ($1, $2, $3, $4::date[], $5::date[])
       ON CONFLICT (school_id, school_year) DO UPDATE SET instructional_days = EXCLUDED.instructional_days,
         early_release_days = EXCLUDED.early_release_days`,
      [c.districtId, c.schoolId, c.schoolYear, c.instructionalDays, c.earlyReleaseDays],
    );
  }

  async upsertProgram(m: EntityManager, p: ProgramDefinedV1): Promise<void> {
    const rules: ProgramRules = {
      programId: p.programId,
      subject: p.subject,
      gradeBand: p.gradeBand,
      maxGroupSize: p.maxGroupSize,
      target: p.target,
      startDate: p.startDate,
      endDate: p.endDate,
      vendorIds: p.vendorIds,
    };
    await m.query(
      `INSERT INTO ${this.schema}.programs (program_id, district_id, rules) VALUES ($1, $2, $3::jsonb)
       ON CONFLICT (program_id) DO UPDATE SET rules = EXCLUDED.rules`,
      [p.programId, p.districtId, JSON.stringify(rules)],
    );
  }

  async upsertStudent(m: EntityManager, s: StudentRosteredV1): Promise<void> {
    await m.query(
      `INSERT INTO ${this.schema}.students (student_id, district_id, school_id, grade, active) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (student_id) DO UPDATE SET school_id = EXCLUDED.school_id, grade = EXCLUDED.grade, active = EXCLUDED.active`,
      [s.studentId, s.districtId, s.schoolId, s.grade, s.active],
    );
  }

  async upsertEnrolment(m: EntityManager, e: EnrolmentChangedV1): Promise<void> {
    await m.query(
      `INSERT INTO ${this.schema}.enrolments (enrolment_id, district_id, student_id, school_id, program_id, vendor_id, status, consent, start_date, end_date)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT (enrolment_id) DO UPDATE SET school_id = EXCLUDED.school_id, vendor_id = EXCLUDED.vendor_id,
         status = EXCLUDED.status, consent = EXCLUDED.consent, start_date = EXCLUDED.start_date, end_date = EXCLUDED.end_date`,
      [
        e.enrolmentId,
        e.districtId,
        e.studentId,
        e.schoolId,
        e.programId,
        e.vendorId,
        e.status,
        e.consent,
        e.startDate,
        e.endDate,
      ],
    );
  }

  async upsertTutor(m: EntityManager, t: TutorRegisteredV1): Promise<void> {
    const profile: TutorProfile = {
      tutorId: t.tutorId,
      vendorId: t.vendorId,
      clearedUntil: t.clearedUntil,
      subjects: t.subjects,
      gradeBands: t.gradeBands,
      availability: t.availability,
      maxGroups: t.maxGroups,
      active: t.active,
    };
    await m.query(
      `INSERT INTO ${this.schema}.tutors (tutor_id, district_id, vendor_id, profile) VALUES ($1, $2, $3, $4::jsonb)
       ON CONFLICT (tutor_id) DO UPDATE SET vendor_id = EXCLUDED.vendor_id, profile = EXCLUDED.profile`,
      [t.tutorId, t.districtId, t.vendorId, JSON.stringify(profile)],
    );
  }
}
