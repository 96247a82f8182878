// Applies a checked OneRoster set in one tenant transaction. Idempotent by construction: every row is compared by
// a keyed hash with what is stored, and only differences are written and published (a re-import writes nothing).
import type { DataSource, EntityManager } from 'typeorm';
import {
  APPLY_ORDER,
  checkRoster,
  ROSTER_KINDS,
  studentRecords,
  type CheckedRoster,
  type NeedFlags,
  type RosterError,
  type RosterFileInput,
  type RosterKind,
  type RosterRow,
} from '@tutoring/enrollment/domain';
import { ENROLLMENT_STUDENTS_TOPIC, STUDENT_ROSTERED_V1, type StudentRosteredV1 } from '@tutoring/shared/contracts';
import { enqueueOutbox, type OutboxMessage } from '@tutoring/shared/messaging';
import { inTenantTransaction } from '@tutoring/shared/persistence';
import type { StudentCrypto } from '../crypto/student-crypto';
import { PostgresEnrolmentStore } from '../enrolments/enrolment.store';
import { internalMessage } from '../outbox/internal-event';
import { districtToday } from '../students/student.store';

export interface RosterImportOptions {
  districtId: string;
  /** Apply the rows that passed every check even when others failed (default: apply nothing on any error). */
  applyValidRows: boolean;
  /** Check only. */
  dryRun: boolean;
  now: Date;
  newId: () => string;
  /** Told how long each phase took (benchmarks). */
  onPhase?: (phase: string, ms: number) => void;
}

export interface KindChanges {
  created: number;
  updated: number;
  deleted: number;
  unchanged: number;
}

export interface RosterImportReport {
  valid: boolean;
  applied: boolean;
  rows: number;
  errors: RosterError[];
  changes: Partial<Record<RosterKind, KindChanges>>;
  students: { created: number; updated: number; deactivated: number; unchanged: number; erasedSkipped: number };
  /**
   * Open enrolments of students whose school or grade changed (`updated`: re-sent to the serving vendor) or who left
   * the roster (`withdrawn`, reason left_roster).
   */
  enrolments: { updated: number; withdrawn: number };
  events: number;
}

interface StudentState {
  studentId: string;
  sourcedId: string;
  schoolId: string;
  grade: string;
  flags: NeedFlags;
  active: boolean;
  usersHash: string | null;
  demographicsHash: string | null;
  pii: Buffer | null;
  demographicsPii: Buffer | null;
  localNumberIndex: string | null;
  erased: boolean;
  isNew: boolean;
  dirty: boolean;
  dataKey: Buffer | null;
  wrappedKey: Buffer | null;
  before: string | null;
}

const CHUNK = 2000;
const chunks = <T>(items: T[], size = CHUNK): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
};

/** What other services may know of a student: compared before and after to decide whether to publish. */
const publicView = (s: StudentState): string => JSON.stringify([s.schoolId, s.grade, s.flags, s.active]);

const rowContent = (row: RosterRow): Record<string, string> =>
  Object.fromEntries(Object.entries(row.values).filter(([k]) => k !== 'status' && k !== 'dateLastModified'));

// users and demographics rows hold PII: only their keyed hash is kept in roster_records, never their values.
const PII_KINDS: ReadonlySet<RosterKind> = new Set(['users', 'demographics']);

export class PostgresRosterStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly schema: string,
    private readonly crypto: StudentCrypto,
  ) {}

  async import(files: readonly RosterFileInput[], o: RosterImportOptions): Promise<RosterImportReport> {
    let mark = performance.now();
    const phase = (name: string) => {
      const now = performance.now();
      o.onPhase?.(name, now - mark);
      mark = now;
    };
    return inTenantTransaction(this.dataSource, o.districtId, async (m) => {
      // One import per district at a time: two concurrent imports would both see "new" and mint two ids.
      await m.query(`SELECT pg_advisory_xact_lock(hashtext('enrollment.roster:' || $1))`, [o.districtId]);
      const stored = await this.loadRecords(m);
      const existing = {} as Record<RosterKind, ReadonlySet<string>>;
      for (const k of ROSTER_KINDS) existing[k] = new Set(stored[k].keys());
      phase('load roster records');
      const checked = checkRoster(files, existing);
      phase('check files');
      const schoolOrgIds = await this.schoolOrgIds(m, checked);
      const students = await this.loadStudents(m);
      const erased = await this.erasedIndexes(m);
      phase('load students');
      const records = studentRecords(checked, new Set(students.keys()), schoolOrgIds);
      const errors = [...checked.errors, ...records.errors].sort(
        (a, b) => a.file.localeCompare(b.file) || a.line - b.line,
      );
      const report: RosterImportReport = {
        valid: errors.length === 0,
        applied: false,
        rows: checked.rowCount,
        errors,
        changes: {},
        students: { created: 0, updated: 0, deactivated: 0, unchanged: 0, erasedSkipped: 0 },
        enrolments: { updated: 0, withdrawn: 0 },
        events: 0,
      };
      if (o.dryRun || (errors.length > 0 && !o.applyValidRows)) return report;
      const invalidStudentLines = new Set(records.errors.map((e) => e.line));
      for (const kind of APPLY_ORDER) {
        if (checked.modes[kind] === 'absent') continue;
        const rows =
          kind === 'users' ? checked.rows.users.filter((r) => !invalidStudentLines.has(r.line)) : checked.rows[kind];
        report.changes[kind] = await this.applyRecords(m, o.districtId, kind, checked, rows, stored[kind]);
        phase(`apply ${kind}`);
      }
      const schoolIds = await this.applySchools(m, o, checked);
      const messages = await this.applyStudents(m, o, checked, records, students, schoolIds, report, erased);
      phase('apply students');
      for (const chunk of chunks(messages)) await enqueueOutbox(m, this.schema, chunk);
      phase('outbox');
      report.events = messages.length;
      report.events += await this.applyToEnrolments(m, o, [...students.values()], report);
      phase('apply to enrolments');
      report.applied = true;
      return report;
    });
  }

  /**
   * A student's new school or grade is recorded on each of their open enrolments and re-sent (students topic, and
   * the serving vendor's assignments topic); a student who left the roster is withdrawn from them (left_roster), so
   * the vendor's view drops them. After the student events in the outbox: consumers see the roster change first.
   */
  private async applyToEnrolments(
    m: EntityManager,
    o: RosterImportOptions,
    students: StudentState[],
    report: RosterImportReport,
  ): Promise<number> {
    const moved = new Map<string, StudentState>();
    for (const s of students) {
      if (s.isNew || !s.dirty || s.erased || s.before === null) continue;
      const [schoolId, grade, , active] = JSON.parse(s.before) as [string, string, unknown, boolean];
      if (s.schoolId !== schoolId || s.grade !== grade || (active && !s.active)) moved.set(s.studentId, s);
    }
    if (moved.size === 0) return 0;
    const open = (await m.query(
      `SELECT enrolment_id, student_id, status, snapshot->>'changedAt' AS changed_at FROM ${this.schema}.enrolments
        WHERE student_id = ANY($1::uuid[]) AND status NOT IN ('withdrawn', 'exited') ORDER BY enrolment_id`,
      [[...moved.keys()]],
    )) as { enrolment_id: string; student_id: string; status: string; changed_at: string }[];
    if (open.length === 0) return 0;
    const enrolments = new PostgresEnrolmentStore(this.dataSource, this.schema);
    const date = await districtToday(m, this.schema, o.now);
    let events = 0;
    for (const row of open) {
      const s = moved.get(row.student_id) as StudentState;
      const at = o.now.toISOString();
      const next = await enrolments.executeIn(
        m,
        o.districtId,
        row.enrolment_id,
        () => ({
          type: 'ApplyRosterChange',
          data: { schoolId: s.schoolId, grade: s.grade, active: s.active, date, at },
        }),
        { now: o.now, newId: o.newId },
      );
      if (next.changedAt === row.changed_at) continue;
      if (next.status === 'withdrawn') report.enrolments.withdrawn++;
      else report.enrolments.updated++;
      events += next.vendorId ? 2 : 1;
    }
    return events;
  }

  private async loadRecords(m: EntityManager): Promise<Record<RosterKind, Map<string, string>>> {
    const out = Object.fromEntries(ROSTER_KINDS.map((k) => [k, new Map<string, string>()])) as Record<
      RosterKind,
      Map<string, string>
    >;
    const rows = (await m.query(`SELECT kind, sourced_id, hash FROM ${this.schema}.roster_records`)) as {
      kind: RosterKind;
      sourced_id: string;
      hash: string;
    }[];
    for (const r of rows) out[r.kind]?.set(r.sourced_id, r.hash);
    return out;
  }

  /** Orgs of type school after this import: stored ones, minus deletions, plus this set's valid rows. */
  private async schoolOrgIds(m: EntityManager, checked: CheckedRoster): Promise<Set<string>> {
    const rows = (await m.query(
      `SELECT sourced_id FROM ${this.schema}.schools WHERE active AND sourced_id IS NOT NULL`,
    )) as {
      sourced_id: string;
    }[];
    const ids = checked.modes.orgs === 'bulk' ? new Set<string>() : new Set(rows.map((r) => r.sourced_id));
    for (const row of checked.rows.orgs) {
      if (row.deleted || row.values['type'] !== 'school') ids.delete(row.sourcedId);
      else ids.add(row.sourcedId);
    }
    return ids;
  }

  /** Erased students are remembered only by a keyed hash of their SIS id, so a roster cannot bring them back. */
  private async erasedIndexes(m: EntityManager): Promise<Set<string>> {
    const rows = (await m.query(`SELECT erased_index FROM ${this.schema}.students WHERE erased_index IS NOT NULL`)) as {
      erased_index: string;
    }[];
    return new Set(rows.map((r) => r.erased_index));
  }

  private async loadStudents(m: EntityManager): Promise<Map<string, StudentState>> {
    const rows = (await m.query(
      `SELECT s.student_id, s.sourced_id, s.school_id, s.grade, s.economically_disadvantaged, s.multilingual_learner, s.iep,
              s.active, s.users_hash, s.demographics_hash, s.pii, s.demographics_pii, s.local_number_index, s.erased_at,
              k.wrapped_key
         FROM ${this.schema}.students s LEFT JOIN ${this.schema}.student_keys k USING (student_id)
        WHERE s.sourced_id IS NOT NULL`,
    )) as {
      student_id: string;
      sourced_id: string;
      school_id: string;
      grade: string;
      economically_disadvantaged: boolean;
      multilingual_learner: boolean;
      iep: boolean;
      active: boolean;
      users_hash: string | null;
      demographics_hash: string | null;
      pii: Buffer | null;
      demographics_pii: Buffer | null;
      local_number_index: string | null;
      erased_at: Date | null;
      wrapped_key: Buffer | null;
    }[];
    const map = new Map<string, StudentState>();
    for (const r of rows) {
      const s: StudentState = {
        studentId: r.student_id,
        sourcedId: r.sourced_id,
        schoolId: r.school_id,
        grade: r.grade,
        flags: {
          economicallyDisadvantaged: r.economically_disadvantaged,
          multilingualLearner: r.multilingual_learner,
          iep: r.iep,
        },
        active: r.active,
        usersHash: r.users_hash,
        demographicsHash: r.demographics_hash,
        pii: r.pii,
        demographicsPii: r.demographics_pii,
        localNumberIndex: r.local_number_index,
        erased: r.erased_at !== null,
        isNew: false,
        dirty: false,
        dataKey: null,
        wrappedKey: r.wrapped_key,
        before: null,
      };
      s.before = publicView(s);
      map.set(r.sourced_id, s);
    }
    return map;
  }

  private async applyRecords(
    m: EntityManager,
    districtId: string,
    kind: RosterKind,
    checked: CheckedRoster,
    rows: RosterRow[],
    stored: Map<string, string>,
  ): Promise<KindChanges> {
    const changes: KindChanges = { created: 0, updated: 0, deleted: 0, unchanged: 0 };
    const deletes: string[] = [];
    // Written a chunk at a time as the rows are compared: only one chunk's serialised rows are held at once.
    for (const chunk of chunks(rows)) {
      const upserts: { id: string; hash: string; data: string }[] = [];
      for (const row of chunk) {
        if (row.deleted) {
          if (stored.has(row.sourcedId)) deletes.push(row.sourcedId);
          continue;
        }
        const content = rowContent(row);
        const hash = this.crypto.blindIndex(`roster:${kind}`, JSON.stringify(content));
        const previous = stored.get(row.sourcedId);
        if (previous === hash) {
          changes.unchanged++;
          continue;
        }
        if (previous === undefined) changes.created++;
        else changes.updated++;
        upserts.push({ id: row.sourcedId, hash, data: JSON.stringify(PII_KINDS.has(kind) ? {} : content) });
      }
      if (upserts.length === 0) continue;
      await m.query(
        `INSERT INTO ${this.schema}.roster_records (district_id, kind, sourced_id, hash, data)
         SELECT $1, $2, u.id, u.hash, u.data FROM unnest($3::text[], $4::text[], $5::jsonb[]) AS u(id, hash, data)
         ON CONFLICT (district_id, kind, sourced_id) DO UPDATE SET hash = EXCLUDED.hash, data = EXCLUDED.data`,
        [districtId, kind, upserts.map((u) => u.id), upserts.map((u) => u.hash), upserts.map((u) => u.data)],
      );
    }
    if (checked.modes[kind] === 'bulk') {
      for (const id of stored.keys()) if (!checked.seenIds[kind].has(id)) deletes.push(id);
    }
    for (const chunk of chunks(deletes)) {
      await m.query(`DELETE FROM ${this.schema}.roster_records WHERE kind = $1 AND sourced_id = ANY($2::text[])`, [
        kind,
        chunk,
      ]);
    }
    changes.deleted = deletes.length;
    return changes;
  }

  /** School orgs become schools (id minted once, kept across imports); a deleted school org is deactivated. */
  private async applySchools(
    m: EntityManager,
    o: RosterImportOptions,
    checked: CheckedRoster,
  ): Promise<Map<string, string>> {
    const rows = (await m.query(
      `SELECT school_id, sourced_id, name, active FROM ${this.schema}.schools WHERE sourced_id IS NOT NULL`,
    )) as {
      school_id: string;
      sourced_id: string;
      name: string;
      active: boolean;
    }[];
    const bySourced = new Map(rows.map((r) => [r.sourced_id, r]));
    const orgs = checked.rows.orgs;
    if (checked.modes.orgs !== 'absent') {
      const keep = new Set<string>();
      for (const row of orgs) {
        const school = bySourced.get(row.sourcedId);
        const isSchool = !row.deleted && row.values['type'] === 'school';
        if (isSchool) keep.add(row.sourcedId);
        const name = row.values['name'] ?? '';
        if (isSchool && !school) {
          const id = o.newId();
          await m.query(
            `INSERT INTO ${this.schema}.schools (school_id, district_id, sourced_id, name, active) VALUES ($1, $2, $3, $4, true)`,
            [id, o.districtId, row.sourcedId, name],
          );
          bySourced.set(row.sourcedId, { school_id: id, sourced_id: row.sourcedId, name, active: true });
        } else if (isSchool && school && (school.name !== name || !school.active)) {
          await m.query(`UPDATE ${this.schema}.schools SET name = $2, active = true WHERE school_id = $1`, [
            school.school_id,
            name,
          ]);
        } else if (!isSchool && school?.active) {
          await m.query(`UPDATE ${this.schema}.schools SET active = false WHERE school_id = $1`, [school.school_id]);
        }
      }
      if (checked.modes.orgs === 'bulk') {
        const gone = rows.filter((r) => r.active && !keep.has(r.sourced_id) && !checked.seenIds.orgs.has(r.sourced_id));
        if (gone.length) {
          await m.query(`UPDATE ${this.schema}.schools SET active = false WHERE school_id = ANY($1::uuid[])`, [
            gone.map((g) => g.school_id),
          ]);
        }
      }
    }
    return new Map([...bySourced.values()].map((r) => [r.sourced_id, r.school_id]));
  }

  private async dataKeyOf(s: StudentState): Promise<Buffer> {
    if (s.dataKey) return s.dataKey;
    if (!s.wrappedKey) throw new Error('student has no data key (erased)');
    s.dataKey = await this.crypto.wrapper.unwrap(s.wrappedKey);
    return s.dataKey;
  }

  private async applyStudents(
    m: EntityManager,
    o: RosterImportOptions,
    checked: CheckedRoster,
    records: ReturnType<typeof studentRecords>,
    students: Map<string, StudentState>,
    schoolIds: Map<string, string>,
    report: RosterImportReport,
    erased: ReadonlySet<string>,
  ): Promise<OutboxMessage[]> {
    const counts = report.students;
    for (const part of records.users) {
      if (!students.has(part.sourcedId) && erased.has(this.crypto.blindIndex('erased-student', part.sourcedId))) {
        counts.erasedSkipped++;
        continue;
      }
      const { line: _line, ...content } = part;
      const hash = this.crypto.blindIndex('student:users', JSON.stringify(content));
      let s = students.get(part.sourcedId);
      if (s?.erased) {
        counts.erasedSkipped++;
        continue;
      }
      if (s && s.usersHash === hash) continue;
      const schoolId = schoolIds.get(part.schoolSourcedId);
      if (!schoolId) throw new Error(`school ${part.schoolSourcedId} has no id`);
      if (!s) {
        const dataKey = this.crypto.newDataKey();
        s = {
          studentId: o.newId(),
          sourcedId: part.sourcedId,
          schoolId,
          grade: part.grade,
          flags: { economicallyDisadvantaged: false, multilingualLearner: false, iep: false },
          active: part.active,
          usersHash: null,
          demographicsHash: null,
          pii: null,
          demographicsPii: null,
          localNumberIndex: null,
          erased: false,
          isNew: true,
          dirty: true,
          dataKey,
          wrappedKey: await this.crypto.wrapper.wrap(dataKey),
          before: null,
        };
        students.set(part.sourcedId, s);
      }
      s.schoolId = schoolId;
      s.grade = part.grade;
      s.active = part.active;
      s.usersHash = hash;
      s.pii = this.crypto.seal(await this.dataKeyOf(s), s.studentId, part.pii);
      s.localNumberIndex = part.pii.localNumber ? this.crypto.blindIndex('local-number', part.pii.localNumber) : null;
      s.dirty = true;
    }
    const gone = new Set(records.deletedUserIds);
    if (checked.modes.users === 'bulk') {
      for (const sid of students.keys()) if (!checked.seenIds.users.has(sid)) gone.add(sid);
    }
    for (const sid of gone) {
      const s = students.get(sid);
      if (s && !s.erased && s.active) {
        s.active = false;
        s.dirty = true;
      }
    }
    for (const part of records.demographics) {
      const s = students.get(part.sourcedId);
      if (!s || s.erased) continue;
      if (part.deleted) {
        if (s.demographicsHash === null) continue;
        s.flags = { economicallyDisadvantaged: false, multilingualLearner: false, iep: false };
        s.demographicsPii = null;
        s.demographicsHash = null;
        s.dirty = true;
        continue;
      }
      const { line: _line, deleted: _deleted, ...content } = part;
      const hash = this.crypto.blindIndex('student:demographics', JSON.stringify(content));
      if (s.demographicsHash === hash) continue;
      s.flags = part.flags;
      s.demographicsPii = this.crypto.seal(await this.dataKeyOf(s), s.studentId, { birthDate: part.birthDate });
      s.demographicsHash = hash;
      s.dirty = true;
    }
    const dirty = [...students.values()].filter((s) => s.dirty);
    await this.writeStudents(m, o, dirty);
    const messages: OutboxMessage[] = [];
    for (const s of students.values()) {
      if (!s.dirty) {
        if (!s.erased) counts.unchanged++;
        continue;
      }
      if (s.isNew) counts.created++;
      else if (s.before !== null && JSON.parse(s.before)[3] === true && !s.active) counts.deactivated++;
      else counts.updated++;
      if (publicView(s) === s.before) continue;
      const data: StudentRosteredV1 = {
        studentId: s.studentId,
        districtId: o.districtId,
        schoolId: s.schoolId,
        grade: s.grade,
        flags: s.flags,
        active: s.active,
      };
      messages.push(
        internalMessage(ENROLLMENT_STUDENTS_TOPIC, s.studentId, STUDENT_ROSTERED_V1, data, {
          id: o.newId(),
          time: o.now.toISOString(),
          districtId: o.districtId,
        }),
      );
    }
    return messages;
  }

  private async writeStudents(m: EntityManager, o: RosterImportOptions, dirty: StudentState[]): Promise<void> {
    for (const chunk of chunks(dirty)) {
      await m.query(
        `INSERT INTO ${this.schema}.students (student_id, district_id, sourced_id, school_id, grade, economically_disadvantaged,
                multilingual_learner, iep, active, users_hash, demographics_hash, pii, demographics_pii, local_number_index, updated_at)
         SELECT u.student_id, $1::uuid, u.sourced_id, u.school_id, u.grade, u.ed, u.ml, u.iep, u.active, u.users_hash,
                u.demographics_hash, u.pii, u.demographics_pii, u.local_number_index, $2::timestamptz
           FROM unnest($3::uuid[], $4::text[], $5::uuid[], $6::text[], $7::bool[], $8::bool[],
                $9::bool[], $10::bool[], $11::text[], $12::text[], $13::bytea[], $14::bytea[], $15::text[])
           AS u(student_id, sourced_id, school_id, grade, ed, ml, iep, active, users_hash, demographics_hash, pii, demographics_pii, local_number_index)
         ON CONFLICT (student_id) DO UPDATE SET school_id = EXCLUDED.school_id, grade = EXCLUDED.grade,
                economically_disadvantaged = EXCLUDED.economically_disadvantaged, multilingual_learner = EXCLUDED.multilingual_learner,
                iep = EXCLUDED.iep, active = EXCLUDED.active, users_hash = EXCLUDED.users_hash,
                demographics_hash = EXCLUDED.demographics_hash, pii = EXCLUDED.pii, demographics_pii = EXCLUDED.demographics_pii,
                local_number_index = EXCLUDED.local_number_index, updated_at = EXCLUDED.updated_at`,
        [
          o.districtId,
          o.now,
          chunk.map((s) => s.studentId),
          chunk.map((s) => s.sourcedId),
          chunk.map((s) => s.schoolId),
          chunk.map((s) => s.grade),
          chunk.map((s) => s.flags.economicallyDisadvantaged),
          chunk.map((s) => s.flags.multilingualLearner),
          chunk.map((s) => s.flags.iep),
          chunk.map((s) => s.active),
          chunk.map((s) => s.usersHash),
          chunk.map((s) => s.demographicsHash),
          chunk.map((s) => s.pii),
          chunk.map((s) => s.demographicsPii),
          chunk.map((s) => s.localNumberIndex),
        ],
      );
      const fresh = chunk.filter((s) => s.isNew);
      if (fresh.length) {
        await m.query(
          `INSERT INTO ${this.schema}.student_keys (student_id, district_id, wrapped_key, key_id)
           SELECT u.id, $1, u.k, $2 FROM unnest($3::uuid[], $4::bytea[]) AS u(id, k)`,
          [o.districtId, this.crypto.wrapper.keyId, fresh.map((s) => s.studentId), fresh.map((s) => s.wrappedKey)],
        );
      }
    }
  }
}
