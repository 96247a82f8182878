// Students as other parts of enrollment read them: pseudonymous rows for lists, PII only through readPii (audited,
// in the same transaction as the read), and erasure by destroying the student's data key (crypto-shredding).
import type { DataSource, EntityManager } from 'typeorm';
import type { NeedFlags, StudentPii } from '@tutoring/enrollment/domain';
import { AuditLog, type AuditActor } from '@tutoring/shared/audit';
import { ENROLLMENT_STUDENTS_TOPIC, STUDENT_ROSTERED_V1 } from '@tutoring/shared/contracts';
import { enqueueOutbox } from '@tutoring/shared/messaging';
import { inTenantTransaction } from '@tutoring/shared/persistence';
import type { StudentCrypto } from '../crypto/student-crypto';
import { internalMessage } from '../outbox/internal-event';

export interface StudentSummary {
  studentId: string;
  schoolId: string;
  grade: string;
  flags: NeedFlags;
  active: boolean;
  erased: boolean;
}

export interface StudentWithPii extends StudentSummary {
  pii: (StudentPii & { birthDate: string | null }) | StudentNames | null;
}

/** What a teacher may read of their own students: names only (no birth date, local number or contacts). */
export type StudentNames = Pick<
  StudentPii,
  'givenName' | 'familyName' | 'middleName' | 'preferredGivenName' | 'preferredFamilyName'
>;

/**
 * A teacher, as the token names them: the `teacher_id` claim, or else the token subject, is the teacher's OneRoster
 * user sourcedId (compared case-insensitively). They see the students of the classes they teach (ADR 0018).
 */
export interface TeacherRef {
  teacherKey: string;
  /** Roles and enrollments are in force on this local date (beginDate ≤ today ≤ endDate when given). */
  now: Date;
}

export interface StudentFilter {
  schoolIds?: readonly string[];
  studentIds?: readonly string[];
  /** Only this teacher's students. */
  teacher?: TeacherRef;
  grade?: string;
  limit: number;
  offset: number;
}

interface Row {
  student_id: string;
  school_id: string;
  grade: string;
  economically_disadvantaged: boolean;
  multilingual_learner: boolean;
  iep: boolean;
  active: boolean;
  erased_at: Date | null;
}

const summary = (r: Row): StudentSummary => ({
  studentId: r.student_id,
  schoolId: r.school_id,
  grade: r.grade,
  flags: {
    economicallyDisadvantaged: r.economically_disadvantaged,
    multilingualLearner: r.multilingual_learner,
    iep: r.iep,
  },
  active: r.active,
  erased: r.erased_at !== null,
});

const COLUMNS =
  'student_id, school_id, grade, economically_disadvantaged, multilingual_learner, iep, active, erased_at';

export class StudentNotFound extends Error {}

const IN_FORCE = (alias: string) =>
  `coalesce(${alias}.data->>'beginDate', '') <= $2 AND (coalesce(${alias}.data->>'endDate', '') = '' OR ${alias}.data->>'endDate' >= $2)`;

/** The district's local date (its IANA zone; UTC until the district is configured). */
export async function districtToday(m: EntityManager, schema: string, now: Date): Promise<string> {
  const rows = (await m.query(`SELECT time_zone FROM ${schema}.districts LIMIT 1`)) as { time_zone: string }[];
  const zone = rows[0]?.time_zone ?? 'UTC';
  return new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    now,
  );
}

/**
 * The students a teacher teaches: the teacher is a stored OneRoster user with a `teacher` role (roles.csv) or a
 * teacher enrollment in force; their students are the users with a student enrollment in force in one of the
 * classes the teacher has a teacher enrollment in force for. Empty when the token names no such teacher.
 */
export async function teacherStudentIds(m: EntityManager, schema: string, teacher: TeacherRef): Promise<string[]> {
  const today = await districtToday(m, schema, teacher.now);
  // Four index lookups rather than one join: the planner has no statistics on the jsonb fields and picks nested
  // loops over the whole mirror for the join.
  const users = (await m.query(
    `SELECT sourced_id FROM ${schema}.roster_records WHERE kind = 'users' AND lower(sourced_id) = lower($1)`,
    [teacher.teacherKey],
  )) as { sourced_id: string }[];
  const teacherId = users[0]?.sourced_id;
  if (users.length !== 1 || teacherId === undefined) return [];
  const own = (await m.query(
    `SELECT kind, data->>'classSourcedId' AS class_id FROM ${schema}.roster_records r
      WHERE kind IN ('roles', 'enrollments') AND data->>'userSourcedId' = $1 AND data->>'role' = 'teacher'
        AND ${IN_FORCE('r')}`,
    [teacherId, today],
  )) as { kind: string; class_id: string | null }[];
  const classIds = [...new Set(own.filter((r) => r.kind === 'enrollments' && r.class_id).map((r) => r.class_id))];
  if (classIds.length === 0) return [];
  const members = (await m.query(
    `SELECT DISTINCT data->>'userSourcedId' AS user_id FROM ${schema}.roster_records e
      WHERE kind = 'enrollments' AND data->>'classSourcedId' = ANY($1::text[]) AND data->>'role' = 'student'
        AND ${IN_FORCE('e')}`,
    [classIds, today],
  )) as { user_id: string }[];
  if (members.length === 0) return [];
  const rows = (await m.query(`SELECT student_id FROM ${schema}.students WHERE sourced_id = ANY($1::text[])`, [
    members.map((r) => r.user_id),
  ])) as { student_id: string }[];
  return rows.map((r) => r.student_id);
}

export class PostgresStudentStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly schema: string,
    private readonly crypto: StudentCrypto | null,
  ) {}

  /** Pseudonymous rows; the read is audited with the ids it returned. */
  async list(districtId: string, filter: StudentFilter, actor: AuditActor, purpose: string): Promise<StudentSummary[]> {
    return inTenantTransaction(this.dataSource, districtId, async (m) => {
      let studentIds = filter.studentIds ?? null;
      if (filter.teacher) {
        const own = new Set(await teacherStudentIds(m, this.schema, filter.teacher));
        studentIds = studentIds ? studentIds.filter((id) => own.has(id)) : [...own];
      }
      const rows = (await m.query(
        `SELECT ${COLUMNS} FROM ${this.schema}.students
          WHERE ($1::uuid[] IS NULL OR school_id = ANY($1::uuid[])) AND ($2::text IS NULL OR grade = $2)
            AND ($3::uuid[] IS NULL OR student_id = ANY($3::uuid[]))
          ORDER BY student_id LIMIT $4 OFFSET $5`,
        [filter.schoolIds ?? null, filter.grade ?? null, studentIds, filter.limit, filter.offset],
      )) as Row[];
      if (rows.length) {
        await AuditLog.record(m, {
          actor,
          action: 'read',
          resourceType: 'student',
          resourceIds: rows.map((r) => r.student_id),
          purpose,
        });
      }
      return rows.map(summary);
    });
  }

  /** Every student of the district (pseudonymous), for eligibility; audited in entries of up to 1000 ids. */
  async all(districtId: string, actor: AuditActor, purpose: string): Promise<StudentSummary[]> {
    return inTenantTransaction(this.dataSource, districtId, async (m) => {
      const rows = (await m.query(`SELECT ${COLUMNS} FROM ${this.schema}.students ORDER BY student_id`)) as Row[];
      for (let i = 0; i < rows.length; i += 1000) {
        const ids = rows.slice(i, i + 1000).map((r) => r.student_id);
        await AuditLog.record(m, { actor, action: 'read', resourceType: 'student', resourceIds: ids, purpose });
      }
      return rows.map(summary);
    });
  }

  /**
   * Decrypts a student's PII; null PII once erased. The read is on the audit log whatever it returned. A school
   * leader (allowedSchoolIds) reads only their schools' students; a teacher only their own students' names.
   */
  async readPii(
    districtId: string,
    studentId: string,
    actor: AuditActor,
    purpose: string,
    allowedSchoolIds?: readonly string[],
    teacher?: TeacherRef,
  ): Promise<StudentWithPii> {
    if (!this.crypto) throw new Error('no master key configured');
    const crypto = this.crypto;
    return inTenantTransaction(this.dataSource, districtId, async (m) => {
      const rows = (await m.query(
        `SELECT ${COLUMNS}, s.pii, s.demographics_pii, k.wrapped_key
           FROM ${this.schema}.students s LEFT JOIN ${this.schema}.student_keys k USING (student_id) WHERE student_id = $1`,
        [studentId],
      )) as (Row & { pii: Buffer | null; demographics_pii: Buffer | null; wrapped_key: Buffer | null })[];
      const r = rows[0];
      if (!r) throw new StudentNotFound(studentId);
      // A school leader asking for another school's student learns nothing, not even that the id exists.
      if (allowedSchoolIds && !allowedSchoolIds.includes(r.school_id)) throw new StudentNotFound(studentId);
      // Likewise a teacher asking for a student they do not teach.
      if (teacher && !(await teacherStudentIds(m, this.schema, teacher)).includes(studentId))
        throw new StudentNotFound(studentId);
      await AuditLog.record(m, {
        actor,
        action: 'read',
        resourceType: teacher ? 'student.names' : 'student.pii',
        resourceIds: [studentId],
        purpose,
      });
      if (!r.wrapped_key || !r.pii) return { ...summary(r), pii: null };
      const key = await crypto.wrapper.unwrap(r.wrapped_key);
      const pii = crypto.open<StudentPii>(key, studentId, r.pii);
      if (teacher) {
        const { givenName, familyName, middleName, preferredGivenName, preferredFamilyName } = pii;
        return { ...summary(r), pii: { givenName, familyName, middleName, preferredGivenName, preferredFamilyName } };
      }
      const demo = r.demographics_pii ? crypto.open<{ birthDate: string }>(key, studentId, r.demographics_pii) : null;
      return { ...summary(r), pii: { ...pii, birthDate: demo?.birthDate || null } };
    });
  }

  /** The student whose local number is this one (blind index), for assessment files; null when unknown. */
  async idsByLocalNumber(m: EntityManager, localNumbers: readonly string[]): Promise<Map<string, string>> {
    if (!this.crypto) throw new Error('no master key configured');
    const crypto = this.crypto;
    const byIndex = new Map(localNumbers.map((n) => [crypto.blindIndex('local-number', n), n]));
    const rows = (await m.query(
      `SELECT student_id, local_number_index FROM ${this.schema}.students WHERE local_number_index = ANY($1::text[]) AND erased_at IS NULL`,
      [[...byIndex.keys()]],
    )) as { student_id: string; local_number_index: string }[];
    return new Map(rows.map((r) => [byIndex.get(r.local_number_index) as string, r.student_id]));
  }

  /**
   * Erasure: the wrapped data key is deleted (the ciphertext left anywhere can no longer be opened), keyed
   * hashes and the SIS id go too, and the pseudonymous row stays so enrolments, ledger lines and totals hold.
   */
  async erase(
    districtId: string,
    studentId: string,
    actor: AuditActor,
    reason: string,
    stamp: { eventId: string; now: Date },
  ): Promise<boolean> {
    return inTenantTransaction(this.dataSource, districtId, async (m) => {
      const rows = (await m.query(
        `SELECT ${COLUMNS}, sourced_id FROM ${this.schema}.students WHERE student_id = $1 FOR UPDATE`,
        [studentId],
      )) as (Row & { sourced_id: string | null })[];
      const r = rows[0];
      if (!r) throw new StudentNotFound(studentId);
      await AuditLog.record(m, {
        actor,
        action: 'erase',
        resourceType: 'student',
        resourceIds: [studentId],
        purpose: reason,
      });
      if (r.erased_at) return false;
      await m.query(`DELETE FROM ${this.schema}.student_keys WHERE student_id = $1`, [studentId]);
      await m.query(
        `UPDATE ${this.schema}.students SET pii = NULL, demographics_pii = NULL, local_number_index = NULL, users_hash = NULL,
                demographics_hash = NULL, sourced_id = NULL, active = false, erased_at = $2, updated_at = $2,
                erased_index = $3 WHERE student_id = $1`,
        [
          studentId,
          stamp.now,
          r.sourced_id && this.crypto ? this.crypto.blindIndex('erased-student', r.sourced_id) : null,
        ],
      );
      const s = summary(r);
      await enqueueOutbox(m, this.schema, [
        internalMessage(
          ENROLLMENT_STUDENTS_TOPIC,
          studentId,
          STUDENT_ROSTERED_V1,
          { studentId, districtId, schoolId: s.schoolId, grade: s.grade, flags: s.flags, active: false, erased: true },
          { id: stamp.eventId, time: stamp.now.toISOString(), districtId },
        ),
      ]);
      return true;
    });
  }
}
