import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import {
  applyMigrations,
  createServiceDataSource,
  inTenantTransaction,
  provisionServiceDatabase,
} from '@tutoring/shared/persistence';
import { findCanaries, freshDatabase, FreshDatabase } from '@tutoring/shared/testing';
import { StudentCrypto } from '../crypto/student-crypto';
import { ENROLLMENT_MIGRATIONS } from '../migrations';
import { PostgresAssessmentStore } from '../assessments/assessment.store';
import { decodeRosterFile, readRosterDirectory } from './roster-files';
import { PostgresRosterStore, RosterImportReport } from './roster.store';
import { PostgresStudentStore, StudentNotFound } from '../students/student.store';
import { PostgresEnrolmentStore } from '../enrolments/enrolment.store';
import { evolveEnrolment, initialEnrolmentState, type EnrolmentEvent } from '@tutoring/enrollment/domain';

const root = join(__dirname, '..', '..', '..', '..', '..');
const districtId = randomUUID();

function generate(students: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'roster-'));
  const args = [
    '-r',
    './tools/register.js',
    'tools/generators/oneroster/generate-district.ts',
    '--out',
    dir,
    '--students',
    String(students),
    '--schools',
    '3',
    '--canary-names',
  ];
  execFileSync('node', args, { cwd: root, stdio: 'pipe' });
  return dir;
}

describe('OneRoster import (real Postgres, runtime role, RLS)', () => {
  let db: FreshDatabase;
  let ds: DataSource;
  let store: PostgresRosterStore;
  let students: PostgresStudentStore;
  let crypto: StudentCrypto;
  let base: string;
  const dirs: string[] = [];

  const copy = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'roster-case-'));
    cpSync(base, dir, { recursive: true });
    dirs.push(dir);
    return dir;
  };
  const run = async (dir: string, opts: { applyValidRows?: boolean } = {}): Promise<RosterImportReport> =>
    store.import(await readRosterDirectory(dir), {
      districtId,
      applyValidRows: opts.applyValidRows ?? false,
      dryRun: false,
      now: new Date(),
      newId: randomUUID,
    });
  const snapshot = () =>
    inTenantTransaction(ds, districtId, async (m) => ({
      students: (await m.query(
        `SELECT student_id, grade, active, users_hash, demographics_hash FROM enrollment.students ORDER BY student_id`,
      )) as unknown[],
      records: (await m.query(
        `SELECT kind, sourced_id, hash FROM enrollment.roster_records ORDER BY kind, sourced_id`,
      )) as unknown[],
      outbox: Number(((await m.query(`SELECT count(*)::int AS n FROM enrollment.outbox`)) as { n: number }[])[0]?.n),
    }));

  beforeAll(async () => {
    db = await freshDatabase('enrollment_roster');
    const urls = await provisionServiceDatabase(db.url, 'enrollment');
    const config = {
      url: urls.runtimeUrl,
      migrationUrl: urls.migrationUrl,
      schema: 'enrollment',
      applicationName: 'test',
    };
    await applyMigrations(config, ENROLLMENT_MIGRATIONS);
    ds = createServiceDataSource(config);
    await ds.initialize();
    crypto = StudentCrypto.fromMasterKey(Buffer.from(randomUUID().replace(/-/g, '').repeat(2), 'hex'));
    store = new PostgresRosterStore(ds, 'enrollment', crypto);
    students = new PostgresStudentStore(ds, 'enrollment', crypto);
    base = generate(300);
    dirs.push(base);
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('imports a bulk set: students with encrypted PII, one pseudonymous event each, no PII anywhere in clear', async () => {
    const report = await run(base);
    expect(report.errors).toEqual([]);
    expect(report).toMatchObject({
      valid: true,
      applied: true,
      students: { created: 300, updated: 0, deactivated: 0 },
      events: 300,
    });
    expect(report.changes.users).toMatchObject({ created: 300 + 27 });
    expect(report.changes.roles).toMatchObject({ created: 27 }); // one teacher role per school and grade
    expect(report.changes.courses).toMatchObject({ created: 18 }); // one district course per grade and subject
    const dump = await inTenantTransaction(ds, districtId, async (m) =>
      JSON.stringify([
        await m.query(
          `SELECT encode(pii, 'escape') AS p, encode(demographics_pii, 'escape') AS d, * FROM enrollment.students`,
        ),
        await m.query(`SELECT * FROM enrollment.roster_records`),
        await m.query(`SELECT * FROM enrollment.outbox`),
      ]),
    );
    // every student is named from the shared canary list; none of the names is anywhere but encrypted
    expect(findCanaries(readFileSync(join(base, 'users.csv'), 'utf8'), 'users.csv').length).toBeGreaterThanOrEqual(600);
    expect(findCanaries(dump, 'database')).toEqual([]);
    expect(dump).not.toContain('S0000001');
    const outbox = (await inTenantTransaction(ds, districtId, (m) =>
      m.query(`SELECT payload FROM enrollment.outbox LIMIT 1`),
    )) as { payload: { data: object } }[];
    expect(Object.keys(outbox[0]?.payload.data ?? {}).sort()).toEqual([
      'active',
      'districtId',
      'flags',
      'grade',
      'schoolId',
      'studentId',
    ]);
  });

  it('re-importing the same files changes nothing and publishes nothing', async () => {
    const before = await snapshot();
    const report = await run(base);
    expect(report).toMatchObject({
      valid: true,
      applied: true,
      events: 0,
      students: { created: 0, updated: 0, deactivated: 0, unchanged: 300 },
    });
    expect(await snapshot()).toEqual(before);
  });

  it("imports the roster's assessment results in chunks: created, then unchanged, then one re-scored in place", async () => {
    const assessments = new PostgresAssessmentStore(ds, 'enrollment', crypto);
    // The generated results (one per student), spread over three years, windows and subjects: 27 per student.
    const [header, ...results] = readFileSync(join(base, 'assessments', 'assessments.csv'), 'utf8')
      .trim()
      .split('\n');
    const spread = results.flatMap((line) => {
      const [student, , , , score, percentile] = line.split(',');
      return ['2024-2025', '2025-2026', '2026-2027'].flatMap((year) =>
        ['BOY', 'MOY', 'EOY'].flatMap((window) =>
          ['math', 'reading', 'science'].map(
            (subject) => `${student},${year},${window},${subject},${score},${percentile},`,
          ),
        ),
      );
    });
    const text = [header, ...spread].join('\n') + '\n';
    const importText = (csv: string) =>
      assessments.import(decodeRosterFile('assessments.csv', Buffer.from(csv)), {
        districtId,
        applyValidRows: false,
        now: new Date(),
        newId: randomUUID,
      });
    const stored = () =>
      inTenantTransaction(
        ds,
        districtId,
        (m) =>
          m.query(
            `SELECT assessment_id, student_id, school_year, test_window, subject, scale_score, percentile, growth_percentile
               FROM enrollment.assessments ORDER BY student_id, test_window`,
          ) as Promise<{ assessment_id: string; scale_score: number }[]>,
      );
    const rows = text.trim().split('\n').length - 1;
    expect(rows).toBeGreaterThan(2000); // more than one chunk of 2,000
    expect(await importText(text)).toMatchObject({ applied: true, created: rows, updated: 0, events: rows });
    const first = await stored();
    expect(first).toHaveLength(rows);
    expect(await importText(text)).toMatchObject({ applied: true, created: 0, unchanged: rows, events: 0 });
    expect(await stored()).toEqual(first);

    // the last line re-scored: the same row (same assessment id) takes the new score, nothing else moves
    const lines = text.trim().split('\n');
    const last = (lines.pop() ?? '').split(',');
    last[4] = String(Number(last[4]) + 7);
    const rescored = await importText([...lines, last.join(',')].join('\n') + '\n');
    expect(rescored).toMatchObject({ applied: true, created: 0, updated: 1, unchanged: rows - 1, events: 1 });
    const after = await stored();
    const changed = after.filter((row, i) => JSON.stringify(row) !== JSON.stringify(first[i]));
    expect(changed).toHaveLength(1);
    const before = first.find((row) => row.assessment_id === changed[0]?.assessment_id);
    expect(changed[0]?.scale_score).toBe((before?.scale_score ?? 0) + 7);
  });

  it('a teacher sees only the students of the classes they teach (teacher_id or sub = their sourcedId)', async () => {
    const actor = { sub: 'teacher-test', roles: ['teacher'] };
    const teacher = (n: number) => ({
      teacherKey: `00000004-0000-4000-8000-${String(n).padStart(12, '0')}`,
      now: new Date(),
    });
    const list = async (key: string) =>
      (
        await students.list(
          districtId,
          { teacher: { teacherKey: key, now: new Date() }, limit: 500, offset: 0 },
          actor,
          'test',
        )
      )
        .map((s) => s.studentId)
        .sort();
    // teacher 1 teaches grade KG of school 1, teacher 2 grade 01 of school 1 (generator layout)
    const own = await list(teacher(1).teacherKey);
    const other = await list(teacher(2).teacherKey);
    expect(own.length).toBeGreaterThan(0);
    expect(other.length).toBeGreaterThan(0);
    expect(own.filter((id) => other.includes(id))).toEqual([]);
    const all = await students.list(districtId, { limit: 500, offset: 0 }, actor, 'test');
    const school1KG = all.filter((s) => s.grade === 'K' && own.includes(s.studentId));
    expect(school1KG).toHaveLength(own.length);
    expect(new Set(all.filter((s) => own.includes(s.studentId)).map((s) => s.schoolId)).size).toBe(1);
    // the claim is compared case-insensitively; a student's own sourcedId, or an unknown one, is no teacher
    expect(await list(teacher(1).teacherKey.toUpperCase())).toEqual(own);
    expect(await list('00000007-0000-4000-8000-000000000001')).toEqual([]);
    expect(await list('nobody')).toEqual([]);
    // names of their own student, nothing else; another teacher's student does not exist for them
    const read = await students.readPii(districtId, own[0] as string, actor, 'test', undefined, teacher(1));
    expect(Object.keys(read.pii ?? {}).sort()).toEqual([
      'familyName',
      'givenName',
      'middleName',
      'preferredFamilyName',
      'preferredGivenName',
    ]);
    await expect(
      students.readPii(districtId, other[0] as string, actor, 'test', undefined, teacher(1)),
    ).rejects.toBeInstanceOf(StudentNotFound);
  });

  it('a teacher whose class enrollments ended (delta) no longer sees those students; the next bulk restores them', async () => {
    const key = '00000004-0000-4000-8000-000000000003';
    const actor = { sub: 't', roles: ['teacher'] };
    const mine = () =>
      students.list(
        districtId,
        { teacher: { teacherKey: key, now: new Date() }, limit: 500, offset: 0 },
        actor,
        'test',
      );
    const before = await mine();
    expect(before.length).toBeGreaterThan(0);
    const dir = mkdtempSync(join(tmpdir(), 'roster-teacher-delta-'));
    dirs.push(dir);
    const lines = readFileSync(join(base, 'enrollments.csv'), 'utf8').trim().split('\n');
    const ended = lines
      .filter((l) => l.includes(`,${key},teacher,`))
      .map((l) => l.replace(/^([^,]+),,,/, '$1,active,2026-10-01T00:00:00Z,').replace(/,$/, ',2026-09-30'));
    expect(ended).toHaveLength(2);
    writeFileSync(
      join(dir, 'manifest.csv'),
      'propertyName,value\nmanifest.version,1.0\noneroster.version,1.2\nfile.enrollments,delta\n',
    );
    writeFileSync(join(dir, 'enrollments.csv'), [lines[0], ...ended].join('\n') + '\n');
    const delta = await run(dir);
    expect(delta.errors).toEqual([]);
    expect(delta.changes.enrollments).toMatchObject({ updated: 2 });
    expect(await mine()).toEqual([]);
    const restored = await run(base);
    expect(restored.changes.enrollments).toMatchObject({ updated: 2 });
    expect(restored.events).toBe(0); // the mirror changed; no student did
    expect(await mine()).toEqual(before);
  });

  it('is invisible to another district (row-level security)', async () => {
    const other = (await inTenantTransaction(ds, randomUUID(), (m) =>
      m.query(`SELECT count(*)::int AS n FROM enrollment.students`),
    )) as { n: number }[];
    expect(other[0]?.n).toBe(0);
  });

  it('a delta applies only its changes: one grade change, one student deleted', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'roster-delta-'));
    dirs.push(dir);
    const users = readFileSync(join(base, 'users.csv'), 'utf8').trim().split('\n');
    const header = users[0] as string;
    const students = users.filter((l) => l.startsWith('00000007-'));
    const changed = (students[1] as string)
      .replace(/,(KG|0[1-8]),/, ',05,')
      .replace(/^([^,]+),,,/, '$1,active,2026-10-01T00:00:00Z,');
    const deleted = (students[2] as string).replace(/^([^,]+),,,/, '$1,tobedeleted,2026-10-01T00:00:00Z,');
    writeFileSync(
      join(dir, 'manifest.csv'),
      'propertyName,value\nmanifest.version,1.0\noneroster.version,1.2\nfile.users,delta\n',
    );
    writeFileSync(join(dir, 'users.csv'), [header, changed, deleted].join('\n') + '\n');
    const report = await run(dir);
    expect(report.errors).toEqual([]);
    expect(report.students).toMatchObject({ created: 0, deactivated: 1, unchanged: 298 });
    expect(report.students.updated).toBeLessThanOrEqual(1);
    expect(report.events).toBe(report.students.updated + 1);
    const again = await run(dir);
    expect(again.events).toBe(0);
  });

  it('a grade or school change of an enrolled student is re-sent to their vendor; a student who leaves the roster is withdrawn', async () => {
    const enrolments = new PostgresEnrolmentStore(ds, 'enrollment');
    const vendorId = randomUUID();
    const program = {
      programId: randomUUID(),
      consentMode: 'opt_in' as const,
      vendorIds: [vendorId],
      startDate: '2026-09-08',
      endDate: '2027-06-30',
    };
    const users = readFileSync(join(base, 'users.csv'), 'utf8').trim().split('\n');
    const lines = users.filter((l) => l.startsWith('00000007-')).slice(3, 6);
    const sourcedIds = lines.map((l) => l.split(',')[0] as string);
    const ids = (await inTenantTransaction(ds, districtId, (m) =>
      m.query(`SELECT student_id, sourced_id, school_id, grade FROM enrollment.students WHERE sourced_id = ANY($1)`, [
        sourcedIds,
      ]),
    )) as { student_id: string; sourced_id: string; school_id: string; grade: string }[];
    const byId = (sid: string) => ids.find((r) => r.sourced_id === sid) as (typeof ids)[number];
    const [moving, leaving, staying] = sourcedIds.map(byId) as [
      (typeof ids)[number],
      (typeof ids)[number],
      (typeof ids)[number],
    ];
    const stamp = { now: new Date(), newId: randomUUID };
    const at = stamp.now.toISOString();
    const enrolmentOf: Record<string, string> = {};
    for (const s of [moving, leaving, staying]) {
      const enrolmentId = randomUUID();
      enrolmentOf[s.student_id] = enrolmentId;
      for (const command of [
        { type: 'IdentifyStudent', data: { enrolmentId, studentId: s.student_id, schoolId: s.school_id, program, at } },
        { type: 'InviteFamily', data: { at } },
        { type: 'RecordConsent', data: { decision: 'granted', date: '2026-09-01', at } },
        { type: 'EnrolStudent', data: { vendorId, startDate: '2026-09-14', program, at } },
      ] as const)
        await enrolments.execute(districtId, enrolmentId, () => command, stamp);
    }
    const outboxMark =
      (
        (await inTenantTransaction(ds, districtId, (m) =>
          m.query(`SELECT coalesce(max(id), 0)::int AS n FROM enrollment.outbox`),
        )) as { n: number }[]
      )[0]?.n ?? 0;
    // delta: `moving` goes to grade 05 at another school, `leaving` is deleted, `staying` changes only a name
    const schools = readFileSync(join(base, 'orgs.csv'), 'utf8')
      .trim()
      .split('\n')
      .filter((l) => l.includes(',school,'))
      .map((l) => l.split(',')[0] as string);
    const movingLine = lines[0] as string;
    const currentSchool = movingLine.split(',')[21] as string;
    const otherSchool = schools.find((x) => x !== currentSchool) as string;
    const newGrade = byId(sourcedIds[0] as string).grade === '5' ? '06' : '05';
    const changed = movingLine
      .replace(/^([^,]+),,,/, '$1,active,2026-10-01T00:00:00Z,')
      .replace(/,(KG|0[1-8]),/, `,${newGrade},`)
      .replace(currentSchool, otherSchool);
    const deleted = (lines[1] as string).replace(/^([^,]+),,,/, '$1,tobedeleted,2026-10-01T00:00:00Z,');
    const renamed = (lines[2] as string)
      .replace(/^([^,]+),,,/, '$1,active,2026-10-01T00:00:00Z,')
      .replace(/,true,s(\d+),,[^,]+,/, ',true,s$1,,Renamedgiven,');
    const dir = mkdtempSync(join(tmpdir(), 'roster-enrolled-delta-'));
    dirs.push(dir);
    writeFileSync(
      join(dir, 'manifest.csv'),
      'propertyName,value\nmanifest.version,1.0\noneroster.version,1.2\nfile.users,delta\n',
    );
    writeFileSync(join(dir, 'users.csv'), [users[0], changed, deleted, renamed].join('\n') + '\n');
    const report = await run(dir);
    expect(report.errors).toEqual([]);
    expect(report.enrolments).toEqual({ updated: 1, withdrawn: 1 });
    const outbox = (await inTenantTransaction(ds, districtId, (m) =>
      m.query(`SELECT topic, message_key, headers, payload FROM enrollment.outbox WHERE id > $1 ORDER BY id`, [
        outboxMark,
      ]),
    )) as {
      topic: string;
      message_key: string;
      headers: Record<string, string>;
      payload: { type: string; data: Record<string, unknown> };
    }[];
    const vendorTopic = `tutoring.vendor.${vendorId}.assignments.v1`;
    const onVendor = outbox.filter((r) => r.topic === vendorTopic).map((r) => r.payload.data);
    // one snapshot each, in no particular order between the two students
    expect(onVendor).toHaveLength(2);
    expect(onVendor).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          studentId: moving.student_id,
          status: 'enrolled',
          grade: newGrade.replace(/^0/, ''),
          schoolId: expect.not.stringMatching(moving.school_id),
        }),
        expect.objectContaining({
          studentId: leaving.student_id,
          status: 'withdrawn',
          reason: 'left_roster',
          vendorId,
        }),
      ]),
    );
    // nothing about `staying` (a name is no business of the vendor's); the same snapshots on the students topic,
    // after each student's own roster event
    expect(JSON.stringify(outbox)).not.toContain(staying.student_id);
    const studentsTopic = outbox.filter((r) => r.topic === 'tutoring.enrollment.students.v1');
    for (const s of [moving, leaving]) {
      const types = studentsTopic.filter((r) => r.message_key === s.student_id).map((r) => r.payload.type);
      expect(types).toHaveLength(2);
      expect(types[0]).toContain('student-rostered.v1');
      expect(types[1]).toContain('enrolment-changed.v1');
    }
    // the snapshot is what the append-only stream rebuilds to
    for (const s of [moving, leaving]) {
      const [events, snapshot] = await inTenantTransaction(
        ds,
        districtId,
        async (m) =>
          [
            (await m.query(
              `SELECT type, data FROM enrollment.enrolment_events WHERE enrolment_id = $1 ORDER BY version`,
              [enrolmentOf[s.student_id]],
            )) as EnrolmentEvent[],
            (
              (await m.query(`SELECT snapshot FROM enrollment.enrolments WHERE enrolment_id = $1`, [
                enrolmentOf[s.student_id],
              ])) as { snapshot: unknown }[]
            )[0]?.snapshot,
          ] as const,
      );
      expect(events.reduce(evolveEnrolment, initialEnrolmentState)).toEqual(snapshot);
    }
    // idempotent: the same delta again changes nothing and publishes nothing
    const again = await run(dir);
    expect(again).toMatchObject({ events: 0, enrolments: { updated: 0, withdrawn: 0 } });
  });

  describe('malformed inputs: a row-level report, and the data stays unchanged', () => {
    const edit = (file: string, change: (text: string) => string | Buffer): string => {
      const dir = copy();
      writeFileSync(join(dir, file), change(readFileSync(join(dir, file), 'utf8')));
      return dir;
    };
    const cases: [string, () => string, { file: string; line: number; column: string | null; reason: RegExp }][] = [
      [
        'wrong header',
        () => edit('users.csv', (t) => t.replace('givenName', 'firstName')),
        { file: 'users.csv', line: 1, column: 'firstName', reason: /unknown column/ },
      ],
      [
        'bad date',
        () =>
          edit('demographics.csv', (t) =>
            t.replace(/^(00000007-0000-4000-8000-000000000002,,,)\d{4}-\d{2}-\d{2}/m, '$12014-13-40'),
          ),
        { file: 'demographics.csv', line: 3, column: 'birthDate', reason: /not a date/ },
      ],
      [
        'unknown reference',
        () => edit('enrollments.csv', (t) => t.replace(/\n([^,]+),,,[^,]+,/, '\n$1,,,no-such-class,')),
        { file: 'enrollments.csv', line: 2, column: 'classSourcedId', reason: /unknown reference "no-such-class"/ },
      ],
      [
        'duplicate sourcedId',
        () => edit('orgs.csv', (t) => `${t}${t.trim().split('\n')[2]}\n`),
        { file: 'orgs.csv', line: 6, column: 'sourcedId', reason: /duplicate sourcedId/ },
      ],
      [
        'wrong encoding (Latin-1)',
        () =>
          edit('users.csv', (t) =>
            Buffer.from(t.replace(/\n(00000007[^\n]*?,true,s\d+,,)[^,]+,/, '\n$1Andrée,'), 'latin1'),
          ),
        { file: 'users.csv', line: 0, column: null, reason: /not valid UTF-8/ },
      ],
      ['empty file', () => edit('orgs.csv', () => ''), { file: 'orgs.csv', line: 1, column: null, reason: /empty/ }],
      [
        'roles.csv: role of an unknown user',
        () => edit('roles.csv', (t) => t.replace(/\n([^,]+),,,[^,]+,/, '\n$1,,,no-such-user,')),
        { file: 'roles.csv', line: 2, column: 'userSourcedId', reason: /unknown reference "no-such-user"/ },
      ],
      [
        'roles.csv: bad date',
        () => edit('roles.csv', (t) => t.replace(/,teacher,\d{4}-\d{2}-\d{2},/, ',teacher,2026-02-30,')),
        { file: 'roles.csv', line: 2, column: 'beginDate', reason: /not a date/ },
      ],
      [
        'courses.csv: wrong header',
        () => edit('courses.csv', (t) => t.replace('courseCode', 'code')),
        { file: 'courses.csv', line: 1, column: 'code', reason: /unknown column/ },
      ],
      [
        'classes.csv: unknown course',
        () => edit('classes.csv', (t) => t.replace(/\n([^,]+,,,[^,]+,[^,]+),[^,]+,/, '\n$1,no-such-course,')),
        { file: 'classes.csv', line: 2, column: 'courseSourcedId', reason: /unknown reference "no-such-course"/ },
      ],
    ];
    it.each(cases)('%s', async (_name, make, expected) => {
      const before = await snapshot();
      const report = await run(make());
      expect(report.valid).toBe(false);
      expect(report.applied).toBe(false);
      const match = report.errors.find(
        (e) => e.file === expected.file && e.column === expected.column && expected.reason.test(e.reason),
      );
      expect(match).toBeDefined();
      if (expected.line > 0) expect(match?.line).toBe(expected.line);
      else expect(match?.line).toBeGreaterThan(1);
      expect(await snapshot()).toEqual(before);
    });

    it('a 200 MB file is refused from its size, without being read', async () => {
      const dir = copy();
      truncateSync(join(dir, 'users.csv'), 200 * 1024 * 1024);
      const before = await snapshot();
      const used = process.memoryUsage().rss;
      const report = await run(dir);
      expect(process.memoryUsage().rss - used).toBeLessThan(100 * 1024 * 1024);
      expect(report.errors).toContainEqual(
        expect.objectContaining({ file: 'users.csv', reason: expect.stringMatching(/above the limit/) }),
      );
      expect(report.applied).toBe(false);
      expect(await snapshot()).toEqual(before);
    });

    it('applies the valid rows only when asked to', async () => {
      const dir = edit(
        'orgs.csv',
        (t) => `${t}zz-new-school,,,New School,school,X1,nope-parent\nzz-ok-school,,,Ok School,school,X2,\n`,
      );
      const refused = await run(dir);
      expect(refused.applied).toBe(false);
      const applied = await run(dir, { applyValidRows: true });
      expect(applied.applied).toBe(true);
      expect(applied.errors).toContainEqual(expect.objectContaining({ file: 'orgs.csv', column: 'parentSourcedId' }));
      expect(applied.changes.orgs).toMatchObject({ created: 1 });
    });
  });
});
