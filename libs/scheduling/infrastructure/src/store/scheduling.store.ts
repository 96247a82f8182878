// Postgres access for scheduling. Every method takes the EntityManager of a tenant transaction
// (inTenantTransaction): row-level security shows it only the caller's district.
import type { EntityManager } from 'typeorm';
import type {
  BellSchedule,
  ProgramRules,
  ProposalBasis,
  ProposedGroup,
  RecurringSlot,
  SchoolCalendar,
  ScheduledGroup,
  StudentPlacement,
  TutorProfile,
} from '@tutoring/scheduling/domain';
import { ReferenceStore } from './reference.store';

export interface OccurrenceRow {
  occurrenceId: string;
  districtId: string;
  groupId: string;
  key: string;
  programId: string;
  schoolId: string;
  vendorId: string;
  tutorId: string;
  studentIds: string[];
  cancelledStudentIds: string[];
  date: string;
  startsAt: string;
  endsAt: string;
}

interface GroupDbRow {
  group_id: string;
  district_id: string;
  program_id: string;
  school_id: string;
  vendor_id: string;
  tutor_id: string;
  student_ids: string[];
  slots: RecurringSlot[];
  version: number;
  status: 'active' | 'dissolved';
  reassignments: number;
}

const toGroup = (r: GroupDbRow): ScheduledGroup => ({
  groupId: r.group_id,
  districtId: r.district_id,
  programId: r.program_id,
  schoolId: r.school_id,
  vendorId: r.vendor_id,
  tutorId: r.tutor_id,
  studentIds: r.student_ids,
  slots: r.slots,
  version: r.version,
  status: r.status,
  reassignments: r.reassignments,
});

interface OccurrenceDbRow {
  occurrence_id: string;
  district_id: string;
  group_id: string;
  occurrence_key: string;
  program_id: string;
  school_id: string;
  vendor_id: string;
  tutor_id: string;
  student_ids: string[];
  cancelled_student_ids: string[];
  local_date: string;
  starts_at: string;
  ends_at: string;
}

const toOccurrence = (r: OccurrenceDbRow): OccurrenceRow => ({
  occurrenceId: r.occurrence_id,
  districtId: r.district_id,
  groupId: r.group_id,
  key: r.occurrence_key,
  programId: r.program_id,
  schoolId: r.school_id,
  vendorId: r.vendor_id,
  tutorId: r.tutor_id,
  studentIds: r.student_ids,
  cancelledStudentIds: r.cancelled_student_ids,
  date: r.local_date,
  startsAt: r.starts_at,
  endsAt: r.ends_at,
});

const OCCURRENCE_COLUMNS = `occurrence_id, district_id, group_id, occurrence_key, program_id, school_id, vendor_id, tutor_id,
  student_ids, cancelled_student_ids, to_char(local_date, 'YYYY-MM-DD') AS local_date, starts_at, ends_at`;

export class SchedulingStore {
  constructor(readonly schema: string) {
    this.reference = new ReferenceStore(schema);
  }

  /** Writes of enrollment's snapshots into the local reference tables. */
  readonly reference: ReferenceStore;

  /** Every district scheduling has heard of (the registry: ids only, outside any tenant transaction). */
  async districts(m: EntityManager): Promise<string[]> {
    const rows = (await m.query(`SELECT district_id FROM ${this.schema}.district_registry ORDER BY district_id`)) as {
      district_id: string;
    }[];
    return rows.map((r) => r.district_id);
  }

  // ── reads of the reference tables ─────────────────────────────────────────────────────────────────────
  async timeZone(m: EntityManager, districtId: string): Promise<string | null> {
    const rows = (await m.query(`SELECT time_zone FROM ${this.schema}.districts WHERE district_id = $1`, [
      districtId,
    ])) as { time_zone: string }[];
    return rows[0]?.time_zone ?? null;
  }

  async calendar(m: EntityManager, schoolId: string): Promise<SchoolCalendar> {
    const rows = (await m.query(
      `SELECT to_char(d, 'YYYY-MM-DD') AS d, false AS early FROM ${this.schema}.school_calendars, unnest(instructional_days) AS d WHERE school_id = $1
       UNION SELECT to_char(d, 'YYYY-MM-DD'), true FROM ${this.schema}.school_calendars, unnest(early_release_days) AS d WHERE school_id = $1`,
      [schoolId],
    )) as { d: string; early: boolean }[];
    return {
      schoolId,
      instructionalDays: new Set(rows.filter((r) => !r.early).map((r) => r.d)),
      earlyReleaseDays: new Set(rows.filter((r) => r.early).map((r) => r.d)),
    };
  }

  async program(m: EntityManager, programId: string): Promise<ProgramRules | null> {
    const rows = (await m.query(`SELECT rules FROM ${this.schema}.programs WHERE program_id = $1`, [programId])) as {
      rules: ProgramRules;
    }[];
    return rows[0]?.rules ?? null;
  }

  /** Students of the program (optionally of some schools) with their current placement facts. */
  async placements(
    m: EntityManager,
    programId: string,
    studentIds: string[] | null,
    schoolIds: string[] | null = null,
  ): Promise<StudentPlacement[]> {
    const rows = (await m.query(
      `SELECT s.student_id, s.school_id, s.grade,
              CASE WHEN e.status = 'enrolled' AND e.consent IN ('granted', 'not_opted_out') AND s.active THEN e.vendor_id END AS vendor_id
         FROM ${this.schema}.enrolments e JOIN ${this.schema}.students s ON s.student_id = e.student_id
        WHERE e.program_id = $1 AND ($2::uuid[] IS NULL OR e.student_id = ANY($2::uuid[]))
          AND ($3::uuid[] IS NULL OR s.school_id = ANY($3::uuid[]))
        ORDER BY s.student_id`,
      [programId, studentIds, schoolIds],
    )) as { student_id: string; school_id: string; grade: string; vendor_id: string | null }[];
    return rows.map((r) => ({
      studentId: r.student_id,
      schoolId: r.school_id,
      grade: r.grade,
      enrolledVendorId: r.vendor_id,
    }));
  }

  /** Each student's service window in the program: first day served, last day (null while enrolled). */
  async enrolmentWindows(
    m: EntityManager,
    programId: string,
    studentIds: string[],
  ): Promise<Map<string, { start: string | null; end: string | null }>> {
    const rows = (await m.query(
      `SELECT student_id, to_char(start_date, 'YYYY-MM-DD') AS start, to_char(end_date, 'YYYY-MM-DD') AS "end"
         FROM ${this.schema}.enrolments WHERE program_id = $1 AND student_id = ANY($2::uuid[])`,
      [programId, studentIds],
    )) as { student_id: string; start: string | null; end: string | null }[];
    return new Map(rows.map((r) => [r.student_id, { start: r.start, end: r.end }]));
  }

  async tutors(m: EntityManager, tutorIds: string[] | null): Promise<TutorProfile[]> {
    const rows = (await m.query(
      `SELECT profile FROM ${this.schema}.tutors WHERE ($1::uuid[] IS NULL OR tutor_id = ANY($1::uuid[])) ORDER BY tutor_id`,
      [tutorIds],
    )) as { profile: TutorProfile }[];
    return rows.map((r) => r.profile);
  }

  // ── bell schedules ────────────────────────────────────────────────────────────────────────────────────
  async saveBellSchedule(
    m: EntityManager,
    districtId: string,
    schedule: BellSchedule,
    by: string,
    at: string,
  ): Promise<void> {
    await m.query(
      `INSERT INTO ${this.schema}.bell_schedules (school_id, district_id, rotation, periods, early_release, updated_by, updated_at)
       VALUES ($1, $2, $3::jsonb, $4::jsonb, $5::jsonb, $6, $7)
       ON CONFLICT (school_id) DO UPDATE SET rotation = EXCLUDED.rotation, periods = EXCLUDED.periods,
         early_release = EXCLUDED.early_release, updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at`,
      [
        schedule.schoolId,
        districtId,
        JSON.stringify(schedule.rotation),
        JSON.stringify(schedule.periods),
        schedule.earlyRelease ? JSON.stringify(schedule.earlyRelease) : null,
        by,
        at,
      ],
    );
  }

  async bellSchedules(m: EntityManager, schoolIds: string[] | null): Promise<Map<string, BellSchedule>> {
    const rows = (await m.query(
      `SELECT school_id, rotation, periods, early_release FROM ${this.schema}.bell_schedules WHERE ($1::uuid[] IS NULL OR school_id = ANY($1::uuid[]))`,
      [schoolIds],
    )) as {
      school_id: string;
      rotation: BellSchedule['rotation'];
      periods: BellSchedule['periods'];
      early_release: BellSchedule['earlyRelease'] | null;
    }[];
    return new Map(
      rows.map((r) => [
        r.school_id,
        {
          schoolId: r.school_id,
          rotation: r.rotation,
          periods: r.periods,
          ...(r.early_release ? { earlyRelease: r.early_release } : {}),
        },
      ]),
    );
  }

  // ── groups ────────────────────────────────────────────────────────────────────────────────────────────
  async group(m: EntityManager, groupId: string, forUpdate = false): Promise<ScheduledGroup | null> {
    const rows = (await m.query(
      `SELECT * FROM ${this.schema}.groups WHERE group_id = $1 ${forUpdate ? 'FOR UPDATE' : ''}`,
      [groupId],
    )) as GroupDbRow[];
    return rows[0] ? toGroup(rows[0]) : null;
  }

  /**
   * Serialises schedule changes touching the same students or tutors (transaction-scoped advisory locks, taken in a
   * fixed order so two changes never deadlock): two concurrent changes cannot both pass the conflict check.
   */
  async lockPeople(m: EntityManager, ids: string[]): Promise<void> {
    for (const id of [...new Set(ids)].sort())
      await m.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 42))`, [`scheduling:${id}`]);
  }

  /** Active groups sharing a student or a tutor with the given ones (what a conflict check must see). */
  async groupsTouching(m: EntityManager, studentIds: string[], tutorIds: string[]): Promise<ScheduledGroup[]> {
    const rows = (await m.query(
      `SELECT * FROM ${this.schema}.groups WHERE status = 'active' AND (student_ids && $1::uuid[] OR tutor_id = ANY($2::uuid[]))`,
      [studentIds, tutorIds],
    )) as GroupDbRow[];
    return rows.map(toGroup);
  }

  async listGroups(
    m: EntityManager,
    filter: { vendorId?: string; schoolIds?: readonly string[]; programId?: string },
    limit: number,
    after: string | null,
  ): Promise<ScheduledGroup[]> {
    const rows = (await m.query(
      `SELECT * FROM ${this.schema}.groups
        WHERE ($1::uuid IS NULL OR vendor_id = $1) AND ($2::uuid[] IS NULL OR school_id = ANY($2::uuid[]))
          AND ($3::uuid IS NULL OR program_id = $3) AND ($4::uuid IS NULL OR group_id > $4)
        ORDER BY group_id LIMIT $5`,
      [filter.vendorId ?? null, filter.schoolIds ?? null, filter.programId ?? null, after, limit],
    )) as GroupDbRow[];
    return rows.map(toGroup);
  }

  async activeGroups(m: EntityManager): Promise<ScheduledGroup[]> {
    const rows = (await m.query(
      `SELECT * FROM ${this.schema}.groups WHERE status = 'active' ORDER BY group_id`,
    )) as GroupDbRow[];
    return rows.map(toGroup);
  }

  async saveGroup(
    m: EntityManager,
    g: ScheduledGroup,
    event: { type: string; data: unknown; at: string },
  ): Promise<void> {
    await m.query(
      `INSERT INTO ${this.schema}.groups (group_id, district_id, program_id, school_id, vendor_id, tutor_id, student_ids, slots, version, status, reassignments)
       VALUES ($1, $2, $3, $4, $5, $6, $7::uuid[], $8::jsonb, $9, $10, $11)
       ON CONFLICT (group_id) DO UPDATE SET tutor_id = EXCLUDED.tutor_id, student_ids = EXCLUDED.student_ids, slots = EXCLUDED.slots,
         version = EXCLUDED.version, status = EXCLUDED.status, reassignments = EXCLUDED.reassignments`,
      [
        g.groupId,
        g.districtId,
        g.programId,
        g.schoolId,
        g.vendorId,
        g.tutorId,
        g.studentIds,
        JSON.stringify(g.slots),
        g.version,
        g.status,
        g.reassignments,
      ],
    );
    await m.query(
      `INSERT INTO ${this.schema}.group_events (district_id, group_id, version, type, data, recorded_at) VALUES ($1, $2, $3, $4, $5::jsonb, $6)`,
      [g.districtId, g.groupId, g.version, event.type, JSON.stringify(event.data), event.at],
    );
  }

  /** Tutor-consistency input: per group, its tutor changes (each with its reason) and its sessions planned so far. */
  async tutorConsistency(m: EntityManager, programId: string | null, vendorId: string | null) {
    return (await m.query(
      `SELECT g.group_id AS "groupId", g.program_id AS "programId", g.vendor_id AS "vendorId", g.tutor_id AS "tutorId",
              g.reassignments AS "reassignments",
              COALESCE((SELECT json_agg(json_build_object('at', e.recorded_at, 'reason', e.data->>'reason', 'fromTutorId', e.data->>'fromTutorId',
                        'toTutorId', e.data->>'toTutorId') ORDER BY e.version)
                 FROM ${this.schema}.group_events e WHERE e.group_id = g.group_id AND e.type = 'GroupTutorReassigned'), '[]'::json) AS "changes"
         FROM ${this.schema}.groups g
        WHERE ($1::uuid IS NULL OR g.program_id = $1) AND ($2::uuid IS NULL OR g.vendor_id = $2)
        ORDER BY g.group_id`,
      [programId, vendorId],
    )) as {
      groupId: string;
      programId: string;
      vendorId: string;
      tutorId: string;
      reassignments: number;
      changes: unknown[];
    }[];
  }

  // ── occurrences ───────────────────────────────────────────────────────────────────────────────────────
  /** Inserts occurrences whose (group, key) is new; returns the ones actually inserted. */
  /** Occurrences on a date of a tutor or any of some students (what a one-off session could clash with). */
  async occurrencesOn(m: EntityManager, date: string, tutorId: string, studentIds: string[]): Promise<OccurrenceRow[]> {
    const rows = (await m.query(
      `SELECT ${OCCURRENCE_COLUMNS} FROM ${this.schema}.occurrences
        WHERE local_date = $1 AND (tutor_id = $2 OR student_ids && $3::uuid[]) ORDER BY starts_at`,
      [date, tutorId, studentIds],
    )) as OccurrenceDbRow[];
    return rows.map(toOccurrence);
  }

  async insertOccurrences(m: EntityManager, rows: OccurrenceRow[]): Promise<OccurrenceRow[]> {
    const inserted: OccurrenceRow[] = [];
    for (const o of rows) {
      const res = (await m.query(
        `INSERT INTO ${this.schema}.occurrences (occurrence_id, district_id, group_id, occurrence_key, program_id, school_id, vendor_id, tutor_id,
           student_ids, local_date, starts_at, ends_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::uuid[], $10, $11, $12) ON CONFLICT (group_id, occurrence_key) DO NOTHING RETURNING 1`,
        [
          o.occurrenceId,
          o.districtId,
          o.groupId,
          o.key,
          o.programId,
          o.schoolId,
          o.vendorId,
          o.tutorId,
          o.studentIds,
          o.date,
          o.startsAt,
          o.endsAt,
        ],
      )) as unknown[];
      if (res.length > 0) inserted.push(o);
    }
    return inserted;
  }

  async occurrence(m: EntityManager, occurrenceId: string, forUpdate = false): Promise<OccurrenceRow | null> {
    const rows = (await m.query(
      `SELECT ${OCCURRENCE_COLUMNS} FROM ${this.schema}.occurrences WHERE occurrence_id = $1 ${forUpdate ? 'FOR UPDATE' : ''}`,
      [occurrenceId],
    )) as OccurrenceDbRow[];
    return rows[0] ? toOccurrence(rows[0]) : null;
  }

  async futureOccurrences(m: EntityManager, groupId: string, fromDate: string): Promise<OccurrenceRow[]> {
    const rows = (await m.query(
      `SELECT ${OCCURRENCE_COLUMNS} FROM ${this.schema}.occurrences WHERE group_id = $1 AND local_date >= $2 ORDER BY local_date, starts_at`,
      [groupId, fromDate],
    )) as OccurrenceDbRow[];
    return rows.map(toOccurrence);
  }

  async updateOccurrencePlan(m: EntityManager, o: OccurrenceRow): Promise<void> {
    await m.query(
      `UPDATE ${this.schema}.occurrences SET tutor_id = $2, student_ids = $3::uuid[], cancelled_student_ids = $4::uuid[],
         starts_at = $5, ends_at = $6 WHERE occurrence_id = $1`,
      [o.occurrenceId, o.tutorId, o.studentIds, o.cancelledStudentIds, o.startsAt, o.endsAt],
    );
  }

  async listOccurrences(
    m: EntityManager,
    filter: { vendorId?: string; schoolIds?: readonly string[]; groupId?: string; from: string; to: string },
    limit: number,
    offset: number,
  ): Promise<OccurrenceRow[]> {
    const rows = (await m.query(
      `SELECT ${OCCURRENCE_COLUMNS} FROM ${this.schema}.occurrences
        WHERE ($1::uuid IS NULL OR vendor_id = $1) AND ($2::uuid[] IS NULL OR school_id = ANY($2::uuid[]))
          AND ($3::uuid IS NULL OR group_id = $3) AND local_date BETWEEN $4 AND $5
        ORDER BY local_date, starts_at, occurrence_id LIMIT $6 OFFSET $7`,
      [
        filter.vendorId ?? null,
        filter.schoolIds ?? null,
        filter.groupId ?? null,
        filter.from,
        filter.to,
        limit,
        offset,
      ],
    )) as OccurrenceDbRow[];
    return rows.map(toOccurrence);
  }

  async saveCancellation(
    m: EntityManager,
    c: {
      districtId: string;
      occurrenceId: string;
      reason: string;
      accountable: string;
      studentIds: string[];
      note: string | null;
      by: string;
      at: string;
    },
  ): Promise<void> {
    await m.query(
      `INSERT INTO ${this.schema}.cancellations (district_id, occurrence_id, reason, accountable, student_ids, note, cancelled_by, cancelled_at)
       VALUES ($1, $2, $3, $4, $5::uuid[], $6, $7, $8)`,
      [c.districtId, c.occurrenceId, c.reason, c.accountable, c.studentIds, c.note, c.by, c.at],
    );
  }

  // ── auto-schedule proposals ───────────────────────────────────────────────────────────────────────────
  async saveProposal(m: EntityManager, p: ProposalRow): Promise<void> {
    await m.query(
      `INSERT INTO ${this.schema}.auto_schedule_proposals (proposal_id, district_id, program_id, school_ids, horizon_from,
         horizon_to, minutes, slot_defaults, groups, basis, version, status, created_by, created_at)
       VALUES ($1, $2, $3, $4::uuid[], $5, $6, $7, $8::jsonb, $9::jsonb, $10::jsonb, $11, 'proposed', $12, $13)`,
      [
        p.proposalId,
        p.districtId,
        p.programId,
        p.schoolIds,
        p.horizon.from,
        p.horizon.to,
        p.minutes,
        JSON.stringify(p.slotDefaults),
        JSON.stringify(p.groups),
        JSON.stringify(p.basis),
        p.version,
        p.createdBy,
        p.createdAt,
      ],
    );
  }

  async proposal(m: EntityManager, proposalId: string, forUpdate = false): Promise<ProposalRow | null> {
    const rows = (await m.query(
      `SELECT proposal_id, district_id, program_id, school_ids, to_char(horizon_from, 'YYYY-MM-DD') AS horizon_from,
              to_char(horizon_to, 'YYYY-MM-DD') AS horizon_to, minutes, slot_defaults, groups, basis, version, status,
              created_by, created_at, applied_at, applied_group_ids
         FROM ${this.schema}.auto_schedule_proposals WHERE proposal_id = $1 ${forUpdate ? 'FOR UPDATE' : ''}`,
      [proposalId],
    )) as ProposalDbRow[];
    const r = rows[0];
    if (!r) return null;
    return {
      proposalId: r.proposal_id,
      districtId: r.district_id,
      programId: r.program_id,
      schoolIds: r.school_ids,
      horizon: { from: r.horizon_from, to: r.horizon_to },
      minutes: r.minutes,
      slotDefaults: r.slot_defaults,
      groups: r.groups,
      basis: r.basis,
      version: r.version,
      status: r.status,
      createdBy: r.created_by,
      createdAt: new Date(r.created_at).toISOString(),
      appliedAt: r.applied_at ? new Date(r.applied_at).toISOString() : null,
      appliedGroupIds: r.applied_group_ids,
    };
  }

  async markProposalApplied(m: EntityManager, proposalId: string, groupIds: string[], at: string): Promise<void> {
    await m.query(
      `UPDATE ${this.schema}.auto_schedule_proposals SET status = 'applied', applied_at = $2, applied_group_ids = $3::uuid[]
        WHERE proposal_id = $1`,
      [proposalId, at, groupIds],
    );
  }
}

export interface ProposalRow {
  proposalId: string;
  districtId: string;
  programId: string;
  schoolIds: string[];
  /** Dates over which the rotations were resolved (today … program end). */
  horizon: { from: string; to: string };
  minutes: number;
  slotDefaults: { location: string; supervisorId: string };
  groups: ProposedGroup[];
  basis: ProposalBasis;
  version: string;
  status?: 'proposed' | 'applied';
  createdBy: string;
  createdAt: string;
  appliedAt?: string | null;
  appliedGroupIds?: string[];
}

interface ProposalDbRow {
  proposal_id: string;
  district_id: string;
  program_id: string;
  school_ids: string[];
  horizon_from: string;
  horizon_to: string;
  minutes: number;
  slot_defaults: ProposalRow['slotDefaults'];
  groups: ProposedGroup[];
  basis: ProposalBasis;
  version: string;
  status: 'proposed' | 'applied';
  created_by: string;
  created_at: string | Date;
  applied_at: string | Date | null;
  applied_group_ids: string[];
}
