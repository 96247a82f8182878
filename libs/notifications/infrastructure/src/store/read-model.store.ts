import type { EntityManager } from 'typeorm';
import type {
  DistrictConfiguredV1,
  EnrolmentChangedV1,
  LedgerSessionRecordedV1,
  OccurrenceCancelledV1,
  OccurrencePlannedV1,
  ProgramDefinedV1,
  StudentRosteredV1,
} from '@tutoring/shared/contracts';
import type { PlannedOccurrence, StudentNote, StudentSessionLine } from '@tutoring/notifications/domain';
import { READ_MODEL_TABLES } from '../migrations/1700000000401-notifications.migration';

/**
 * Read models built from other contexts' events: upserts of snapshots (last one wins), so applying an event twice,
 * or replaying all of them, converges to the same rows. Every call runs inside the district's tenant transaction.
 */
export class ReadModelStore {
  constructor(private readonly schema: string) {}

  async registerTenant(m: EntityManager, districtId: string): Promise<void> {
    await m.query(`INSERT INTO ${this.schema}.tenants (district_id) VALUES ($1) ON CONFLICT DO NOTHING`, [districtId]);
  }

  async tenants(m: EntityManager): Promise<string[]> {
    const rows = (await m.query(`SELECT district_id FROM ${this.schema}.tenants ORDER BY district_id`)) as {
      district_id: string;
    }[];
    return rows.map((r) => r.district_id);
  }

  async district(m: EntityManager, d: DistrictConfiguredV1): Promise<void> {
    await m.query(
      `INSERT INTO ${this.schema}.districts (district_id, time_zone) VALUES ($1, $2)
       ON CONFLICT (district_id) DO UPDATE SET time_zone = EXCLUDED.time_zone`,
      [d.districtId, d.timeZone],
    );
  }

  async program(m: EntityManager, p: ProgramDefinedV1): Promise<void> {
    await m.query(
      `INSERT INTO ${this.schema}.programs (program_id, district_id, name) VALUES ($1, $2, $3)
       ON CONFLICT (program_id) DO UPDATE SET name = EXCLUDED.name`,
      [p.programId, p.districtId, p.name],
    );
  }

  async student(m: EntityManager, s: StudentRosteredV1): Promise<void> {
    await m.query(
      `INSERT INTO ${this.schema}.students (student_id, district_id, school_id, active) VALUES ($1, $2, $3, $4)
       ON CONFLICT (student_id) DO UPDATE SET school_id = EXCLUDED.school_id, active = EXCLUDED.active`,
      [s.studentId, s.districtId, s.schoolId, s.active],
    );
  }

  /** Snapshots arrive in order per student (key = studentId); changedAt guards a late replay of an older one. */
  async enrolment(m: EntityManager, e: EnrolmentChangedV1): Promise<void> {
    await m.query(
      `INSERT INTO ${this.schema}.enrolments (enrolment_id, district_id, student_id, school_id, program_id, vendor_id, status, language, channel, changed_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT (enrolment_id) DO UPDATE SET student_id = EXCLUDED.student_id, school_id = EXCLUDED.school_id,
         program_id = EXCLUDED.program_id, vendor_id = EXCLUDED.vendor_id, status = EXCLUDED.status,
         language = EXCLUDED.language, channel = EXCLUDED.channel, changed_at = EXCLUDED.changed_at
       WHERE ${this.schema}.enrolments.changed_at <= EXCLUDED.changed_at`,
      [
        e.enrolmentId,
        e.districtId,
        e.studentId,
        e.schoolId,
        e.programId,
        e.vendorId,
        e.status,
        e.contactPreferences.language,
        e.contactPreferences.channel,
        e.changedAt,
      ],
    );
  }

  async occurrencePlanned(m: EntityManager, o: OccurrencePlannedV1): Promise<void> {
    await m.query(
      `INSERT INTO ${this.schema}.occurrences (occurrence_id, district_id, vendor_id, group_id, program_id, school_id, local_date, starts_at, ends_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (occurrence_id) DO UPDATE SET vendor_id = EXCLUDED.vendor_id, group_id = EXCLUDED.group_id,
         local_date = EXCLUDED.local_date, starts_at = EXCLUDED.starts_at, ends_at = EXCLUDED.ends_at`,
      [o.occurrenceId, o.districtId, o.vendorId, o.groupId, o.programId, o.schoolId, o.date, o.startsAt, o.endsAt],
    );
  }

  /** A cancellation may overtake its plan (other partition); the placeholder row is filled when the plan arrives. */
  async occurrenceCancelled(m: EntityManager, o: OccurrenceCancelledV1): Promise<void> {
    await m.query(
      `INSERT INTO ${this.schema}.occurrences (occurrence_id, district_id, vendor_id, group_id, local_date, starts_at, ends_at, cancelled)
       VALUES ($1, $2, $3, $4, '1970-01-01', 'epoch', 'epoch', true)
       ON CONFLICT (occurrence_id) DO UPDATE SET cancelled = true`,
      [o.occurrenceId, o.districtId, o.vendorId, o.groupId],
    );
  }

  /** The session's current version replaces any earlier one (corrections), a void keeps a row with no lines. */
  async session(m: EntityManager, s: LedgerSessionRecordedV1): Promise<void> {
    await m.query(
      `INSERT INTO ${this.schema}.sessions (district_id, vendor_id, session_id, kind, ledger_position, scheduled_session_id, local_date, lines, notes)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9::jsonb)
       ON CONFLICT (vendor_id, session_id) DO UPDATE SET kind = EXCLUDED.kind, ledger_position = EXCLUDED.ledger_position,
         scheduled_session_id = EXCLUDED.scheduled_session_id, local_date = EXCLUDED.local_date, lines = EXCLUDED.lines, notes = EXCLUDED.notes
       WHERE ${this.schema}.sessions.ledger_position < EXCLUDED.ledger_position`,
      [
        s.districtId,
        s.vendorId,
        s.sessionId,
        s.kind,
        s.ledgerPosition,
        s.scheduledSessionId,
        s.localDate,
        JSON.stringify(s.lines),
        JSON.stringify(s.notes),
      ],
    );
  }

  async timeZone(m: EntityManager, districtId: string): Promise<string | null> {
    const rows = (await m.query(`SELECT time_zone FROM ${this.schema}.districts WHERE district_id = $1`, [
      districtId,
    ])) as { time_zone: string }[];
    return rows[0]?.time_zone ?? null;
  }

  async programName(m: EntityManager, programId: string | null): Promise<string | null> {
    if (!programId) return null;
    const rows = (await m.query(`SELECT name FROM ${this.schema}.programs WHERE program_id = $1`, [programId])) as {
      name: string;
    }[];
    return rows[0]?.name ?? null;
  }

  async schoolOf(m: EntityManager, studentId: string): Promise<string | null> {
    const rows = (await m.query(`SELECT school_id FROM ${this.schema}.students WHERE student_id = $1`, [
      studentId,
    ])) as { school_id: string }[];
    return rows[0]?.school_id ?? null;
  }

  /** Occurrences that ended in [from, until], with whether a non-voided session points at them. */
  async occurrencesEndedBetween(m: EntityManager, from: Date, until: Date): Promise<PlannedOccurrence[]> {
    const rows = (await m.query(
      `SELECT o.occurrence_id, o.vendor_id, o.group_id, to_char(o.local_date, 'YYYY-MM-DD') AS local_date, o.starts_at, o.ends_at, o.cancelled,
              EXISTS (SELECT 1 FROM ${this.schema}.sessions s WHERE s.scheduled_session_id = o.occurrence_id AND s.kind <> 'voided') AS reported
         FROM ${this.schema}.occurrences o
        WHERE NOT o.cancelled AND o.ends_at BETWEEN $1 AND $2
        ORDER BY o.ends_at, o.occurrence_id`,
      [from.toISOString(), until.toISOString()],
    )) as {
      occurrence_id: string;
      vendor_id: string;
      group_id: string;
      local_date: string;
      starts_at: Date;
      ends_at: Date;
      cancelled: boolean;
      reported: boolean;
    }[];
    return rows.map((r) => ({
      occurrenceId: r.occurrence_id,
      vendorId: r.vendor_id,
      groupId: r.group_id,
      date: r.local_date,
      startsAt: r.starts_at.toISOString(),
      endsAt: r.ends_at.toISOString(),
      cancelled: r.cancelled,
      reported: r.reported,
    }));
  }

  /** Lines and notes of the given students in [from, to] (local dates). Only these students' data is read. */
  async weekOf(
    m: EntityManager,
    studentIds: readonly string[],
    from: string,
    to: string,
  ): Promise<{ lines: StudentSessionLine[]; notes: StudentNote[] }> {
    if (studentIds.length === 0) return { lines: [], notes: [] };
    const lines = (await m.query(
      `SELECT l->>'studentId' AS student_id, to_char(s.local_date, 'YYYY-MM-DD') AS local_date, l->>'status' AS status, (l->>'minutes')::int AS minutes
         FROM ${this.schema}.sessions s, jsonb_array_elements(s.lines) l
        WHERE s.kind <> 'voided' AND s.local_date BETWEEN $1 AND $2 AND l->>'studentId' = ANY($3::text[])
        ORDER BY s.local_date, s.session_id`,
      [from, to, studentIds],
    )) as { student_id: string; local_date: string; status: string; minutes: number }[];
    const notes = (await m.query(
      `SELECT n->>'studentId' AS student_id, n->>'skill' AS skill, n->>'progress' AS progress, n->>'comment' AS comment, to_char(s.local_date, 'YYYY-MM-DD') AS local_date
         FROM ${this.schema}.sessions s, jsonb_array_elements(s.notes) n
        WHERE s.kind <> 'voided' AND s.local_date BETWEEN $1 AND $2 AND n->>'studentId' = ANY($3::text[])
        ORDER BY s.local_date, s.session_id`,
      [from, to, studentIds],
    )) as { student_id: string; skill: string; progress: string; comment: string; local_date: string | null }[];
    return {
      lines: lines.map((l) => ({
        studentId: l.student_id,
        localDate: l.local_date,
        status: l.status,
        minutes: l.minutes,
      })),
      notes: notes.map((n) => ({
        studentId: n.student_id,
        skill: n.skill,
        progress: n.progress,
        comment: n.comment,
        localDate: n.local_date,
      })),
    };
  }

  async enrolledFamilies(
    m: EntityManager,
  ): Promise<{ enrolmentId: string; studentId: string; language: string; channel: string }[]> {
    const rows = (await m.query(
      `SELECT enrolment_id, student_id, language, channel FROM ${this.schema}.enrolments WHERE status = 'enrolled' ORDER BY enrolment_id`,
    )) as { enrolment_id: string; student_id: string; language: string; channel: string }[];
    return rows.map((r) => ({
      enrolmentId: r.enrolment_id,
      studentId: r.student_id,
      language: r.language,
      channel: r.channel,
    }));
  }

  /** True while a rebuild of this district's read models runs: they are half built, no rule may read them. */
  async rebuilding(m: EntityManager): Promise<boolean> {
    const rows = (await m.query(
      `SELECT EXISTS (SELECT 1 FROM ${this.schema}.rebuilds WHERE finished_at IS NULL) AS busy`,
    )) as { busy: boolean }[];
    return rows[0]?.busy ?? false;
  }

  /** Rebuilds of this district that never finished (the process died during the replay). */
  async unfinishedRebuilds(m: EntityManager): Promise<string[]> {
    const rows = (await m.query(`SELECT rebuild_id FROM ${this.schema}.rebuilds WHERE finished_at IS NULL`)) as {
      rebuild_id: string;
    }[];
    return rows.map((r) => r.rebuild_id);
  }

  /** Empties the district's read models (before a rebuild refills them). Configuration and the delivery log stay. */
  async clear(m: EntityManager): Promise<void> {
    for (const table of READ_MODEL_TABLES) await m.query(`DELETE FROM ${this.schema}.${table}`);
  }
}
