// Enrolments are event-sourced: an append-only stream per enrolment (optimistic concurrency on the version), a
// snapshot row for queries, and the full pseudonymous snapshot published in the same transaction: on the students
// topic for every service, and on the serving vendor's assignments topic (that vendor only).
import type { DataSource, EntityManager } from 'typeorm';
import {
  decideEnrolment,
  evolveEnrolment,
  initialEnrolmentState,
  type Enrolment,
  type EnrolmentCommand,
  type EnrolmentEvent,
  type EnrolmentState,
} from '@tutoring/enrollment/domain';
import {
  ENROLLMENT_STUDENTS_TOPIC,
  ENROLMENT_CHANGED_V1,
  vendorAssignmentsTopic,
  type EnrolmentChangedV1,
} from '@tutoring/shared/contracts';
import { AuditLog, type AuditActor } from '@tutoring/shared/audit';
import { enqueueOutbox } from '@tutoring/shared/messaging';
import { inTenantTransaction } from '@tutoring/shared/persistence';
import { internalMessage } from '../outbox/internal-event';
import { teacherStudentIds, type TeacherRef } from '../students/student.store';

export class EnrolmentConflict extends Error {}

export interface ReadAudit {
  actor: AuditActor;
  purpose: string;
}

export interface EnrolmentFilter {
  programId?: string;
  vendorId?: string;
  studentId?: string;
  status?: string;
  schoolIds?: readonly string[];
  /** Only these students' enrolments (a teacher's own students). */
  studentIds?: readonly string[];
  /** Only this teacher's students' enrolments (resolved in the read's transaction). */
  teacher?: TeacherRef;
  limit: number;
  offset: number;
}

export const toEnrolmentChanged = (e: Enrolment, districtId: string, grade: string | null): EnrolmentChangedV1 => ({
  enrolmentId: e.enrolmentId,
  districtId,
  studentId: e.studentId,
  schoolId: e.schoolId,
  programId: e.programId,
  vendorId: e.vendorId,
  status: e.status,
  consent: e.consent,
  startDate: e.startDate,
  endDate: e.endDate,
  reason: e.reason,
  contactPreferences: e.contactPreferences,
  changedAt: e.changedAt,
  ...(grade ? { grade } : {}),
});

export class PostgresEnrolmentStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly schema: string,
  ) {}

  private async load(m: EntityManager, enrolmentId: string): Promise<{ state: EnrolmentState; version: number }> {
    const rows = (await m.query(
      `SELECT type, data FROM ${this.schema}.enrolment_events WHERE enrolment_id = $1 ORDER BY version`,
      [enrolmentId],
    )) as EnrolmentEvent[];
    return { state: rows.reduce(evolveEnrolment, initialEnrolmentState), version: rows.length };
  }

  /** Loads the enrolment, decides, appends and publishes, all in one tenant transaction. */
  async execute(
    districtId: string,
    enrolmentId: string,
    command: (state: EnrolmentState, m: EntityManager) => Promise<EnrolmentCommand> | EnrolmentCommand,
    stamp: { now: Date; newId: () => string },
  ): Promise<Enrolment> {
    return inTenantTransaction(this.dataSource, districtId, (m) =>
      this.executeIn(m, districtId, enrolmentId, command, stamp),
    );
  }

  /**
   * The same inside a caller's tenant transaction (a roster import applies the roster's changes to open enrolments
   * in its own transaction): the snapshot goes on the students topic and, when a vendor serves the enrolment, on
   * that vendor's assignments topic.
   */
  async executeIn(
    m: EntityManager,
    districtId: string,
    enrolmentId: string,
    command: (state: EnrolmentState, m: EntityManager) => Promise<EnrolmentCommand> | EnrolmentCommand,
    stamp: { now: Date; newId: () => string },
  ): Promise<Enrolment> {
    await m.query(`SELECT pg_advisory_xact_lock(hashtext('enrollment.enrolment:' || $1))`, [enrolmentId]);
    const { state, version } = await this.load(m, enrolmentId);
    const events = decideEnrolment(await command(state, m), state);
    const next = events.reduce(evolveEnrolment, state);
    if (next.status === 'none') throw new Error('enrolment command produced no enrolment');
    if (events.length === 0) return next;
    for (const [i, event] of events.entries()) {
      await m.query(
        `INSERT INTO ${this.schema}.enrolment_events (district_id, enrolment_id, version, type, data, recorded_at) VALUES ($1, $2, $3, $4, $5::jsonb, $6)`,
        [districtId, enrolmentId, version + i + 1, event.type, JSON.stringify(event.data), stamp.now],
      );
    }
    try {
      await m.query(
        `INSERT INTO ${this.schema}.enrolments (enrolment_id, district_id, student_id, program_id, vendor_id, status, version, snapshot)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb)
         ON CONFLICT (enrolment_id) DO UPDATE SET vendor_id = EXCLUDED.vendor_id, status = EXCLUDED.status, version = EXCLUDED.version, snapshot = EXCLUDED.snapshot`,
        [
          enrolmentId,
          districtId,
          next.studentId,
          next.programId,
          next.vendorId,
          next.status,
          version + events.length,
          JSON.stringify(next),
        ],
      );
    } catch (error) {
      if ((error as { code?: string }).code === '23505')
        throw new EnrolmentConflict('the student already has an enrolment in this program');
      throw error;
    }
    const grades = (await m.query(`SELECT grade FROM ${this.schema}.students WHERE student_id = $1`, [
      next.studentId,
    ])) as { grade: string }[];
    const data = toEnrolmentChanged(next, districtId, grades[0]?.grade ?? null);
    const meta = { time: stamp.now.toISOString(), districtId };
    const messages = [
      internalMessage(ENROLLMENT_STUDENTS_TOPIC, next.studentId, ENROLMENT_CHANGED_V1, data, {
        ...meta,
        id: stamp.newId(),
      }),
    ];
    if (next.vendorId) {
      messages.push(
        internalMessage(vendorAssignmentsTopic(next.vendorId), next.studentId, ENROLMENT_CHANGED_V1, data, {
          ...meta,
          id: stamp.newId(),
        }),
      );
    }
    await enqueueOutbox(m, this.schema, messages);
    return next;
  }

  /**
   * With `audit`, the read is recorded (who, which students, why) in the same transaction. With `teacher`, an
   * enrolment of a student the teacher does not teach is not found.
   */
  async get(
    districtId: string,
    enrolmentId: string,
    audit?: ReadAudit,
    teacher?: TeacherRef,
  ): Promise<Enrolment | null> {
    return inTenantTransaction(this.dataSource, districtId, async (m) => {
      const rows = (await m.query(`SELECT snapshot FROM ${this.schema}.enrolments WHERE enrolment_id = $1`, [
        enrolmentId,
      ])) as {
        snapshot: Enrolment;
      }[];
      let found = rows[0]?.snapshot ?? null;
      if (found && teacher && !(await teacherStudentIds(m, this.schema, teacher)).includes(found.studentId))
        found = null;
      if (found && audit) await this.audit(m, audit, [found]);
      return found;
    });
  }

  private async audit(m: EntityManager, audit: ReadAudit, items: Enrolment[]): Promise<void> {
    if (items.length === 0) return;
    const ids = [...new Set(items.map((e) => e.studentId))];
    await AuditLog.record(m, {
      actor: audit.actor,
      action: 'read',
      resourceType: 'student.enrolment',
      resourceIds: ids,
      purpose: audit.purpose,
    });
  }

  async list(districtId: string, f: EnrolmentFilter, audit?: ReadAudit): Promise<Enrolment[]> {
    const rows = (await inTenantTransaction(this.dataSource, districtId, async (m) => {
      let studentIds = f.studentIds ?? null;
      if (f.teacher) {
        const own = new Set(await teacherStudentIds(m, this.schema, f.teacher));
        studentIds = studentIds ? studentIds.filter((id) => own.has(id)) : [...own];
      }
      const found = (await m.query(
        `SELECT snapshot FROM ${this.schema}.enrolments
          WHERE ($1::uuid IS NULL OR program_id = $1) AND ($2::uuid IS NULL OR vendor_id = $2) AND ($3::uuid IS NULL OR student_id = $3)
            AND ($4::text IS NULL OR status = $4) AND ($5::text[] IS NULL OR snapshot->>'schoolId' = ANY($5::text[]))
            AND ($8::uuid[] IS NULL OR student_id = ANY($8::uuid[]))
          ORDER BY enrolment_id LIMIT $6 OFFSET $7`,
        [
          f.programId ?? null,
          f.vendorId ?? null,
          f.studentId ?? null,
          f.status ?? null,
          f.schoolIds ?? null,
          f.limit,
          f.offset,
          studentIds,
        ],
      )) as { snapshot: Enrolment }[];
      if (audit)
        await this.audit(
          m,
          audit,
          found.map((r) => r.snapshot),
        );
      return found;
    })) as { snapshot: Enrolment }[];
    return rows.map((r) => r.snapshot);
  }

  /** Student facts an enrolment needs: school, grade, and whether they can still be enrolled. */
  async student(
    m: EntityManager,
    studentId: string,
  ): Promise<{ schoolId: string; grade: string; active: boolean; erased: boolean } | null> {
    const rows = (await m.query(
      `SELECT school_id, grade, active, erased_at FROM ${this.schema}.students WHERE student_id = $1`,
      [studentId],
    )) as {
      school_id: string;
      grade: string;
      active: boolean;
      erased_at: Date | null;
    }[];
    const r = rows[0];
    return r ? { schoolId: r.school_id, grade: r.grade, active: r.active, erased: r.erased_at !== null } : null;
  }

  async enrolmentIdFor(districtId: string, studentId: string, programId: string): Promise<string | null> {
    const rows = (await inTenantTransaction(this.dataSource, districtId, (m) =>
      m.query(`SELECT enrolment_id FROM ${this.schema}.enrolments WHERE student_id = $1 AND program_id = $2`, [
        studentId,
        programId,
      ]),
    )) as { enrolment_id: string }[];
    return rows[0]?.enrolment_id ?? null;
  }
}
