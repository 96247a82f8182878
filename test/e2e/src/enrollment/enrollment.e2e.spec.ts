/**
 * Enrollment driven from outside as a district would: organisation over HTTP, a OneRoster upload, audited PII
 * reads and erasure. Students carry canary names (the shared list) that must never reach Kafka or the service's logs.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DevIssuer, startDevIssuer } from '@tutoring/shared/auth';
import {
  DISTRICT_CONFIGURED_V1,
  ENROLLMENT_ORGANISATION_TOPIC,
  ENROLLMENT_STUDENTS_TOPIC,
  PROGRAM_DEFINED_V1,
  SCHOOL_CALENDAR_SET_V1,
  STUDENT_ROSTERED_V1,
  validateInternalEvent,
} from '@tutoring/shared/contracts';
import { DEV_AUDIENCE, Stack, startStack } from '@tutoring/shared/dev-stack';
import { findFreePort } from '@tutoring/shared/local-infra';
import {
  CANARY_NAMES,
  collectMessages,
  findCanaries,
  freshDatabase,
  FreshDatabase,
  testKafkaBrokers,
  testTelemetryEnv,
} from '@tutoring/shared/testing';
import { collectUntil, EnrollmentApi } from './enrollment-api';

const root = join(__dirname, '..', '..', '..', '..');
const district = randomUUID();
const STUDENTS = 40;
const logDir = join(root, 'tmp', 'e2e-logs', `enrollment-${Date.now().toString(36)}`);

describe('enrollment: organisation, OneRoster import, audited PII, erasure, canary', () => {
  let db: FreshDatabase;
  let issuer: DevIssuer;
  let stack: Stack;
  let admin: EnrollmentApi;
  let rosterDir: string;
  const brokers = testKafkaBrokers();

  beforeAll(async () => {
    db = await freshDatabase('enrollment_e2e');
    issuer = await startDevIssuer({ audience: DEV_AUDIENCE, port: 0, log: () => undefined });
    stack = await startStack({
      root,
      postgresAdminUrl: db.url,
      kafkaBrokers: brokers,
      issuer,
      services: ['enrollment'],
      ports: { enrollment: await findFreePort() },
      logDir,
      logLevel: 'debug',
      extraEnv: { enrollment: { ENROLLMENT_MASTER_KEY: randomBytes(32).toString('base64'), ...testTelemetryEnv() } },
    });
    admin = new EnrollmentApi(
      stack.get('enrollment').url,
      await issuer.mintToken({ sub: 'admin-e2e', roles: ['district_admin'], district_id: district }),
    );
    rosterDir = mkdtempSync(join(tmpdir(), 'enrollment-e2e-'));
    execFileSync(
      'node',
      [
        '-r',
        './tools/register.js',
        'tools/generators/oneroster/generate-district.ts',
        '--out',
        rosterDir,
        '--students',
        String(STUDENTS),
        '--schools',
        '2',
        '--canary-names',
      ],
      { cwd: root, stdio: 'pipe' },
    );
  });

  afterAll(async () => {
    await stack?.stop();
    await issuer?.stop();
    await db?.drop();
    if (rosterDir) rmSync(rosterDir, { recursive: true, force: true });
  });

  it('configures the district, a school calendar and a program, each published once as a valid event', async () => {
    expect((await admin.call('PUT', '/v1/district', { timeZone: 'Mars/Olympus' })).status).toBe(422);
    expect((await admin.call('PUT', '/v1/district', { timeZone: 'America/Chicago' })).json).toMatchObject({
      changed: true,
    });
    expect((await admin.call('PUT', '/v1/district', { timeZone: 'America/Chicago' })).json).toMatchObject({
      changed: false,
    });
    const school = await admin.call('POST', '/v1/schools', { name: 'Lincoln Middle' });
    expect(school.status).toBe(201);
    const calendar = await admin.call('PUT', `/v1/schools/${school.json.schoolId}/calendars/2026-2027`, {
      firstDay: '2026-08-24',
      lastDay: '2026-09-04',
      holidays: ['2026-09-04'],
      earlyReleaseDays: ['2026-08-28'],
    });
    expect(calendar.status).toBe(200);
    expect(calendar.json.instructionalDays).toEqual([
      '2026-08-24',
      '2026-08-25',
      '2026-08-26',
      '2026-08-27',
      '2026-08-28',
      '2026-08-31',
      '2026-09-01',
      '2026-09-02',
      '2026-09-03',
    ]);
    const vendor = await admin.call('POST', '/v1/vendors', { name: 'Canary Check Tutoring' });
    const program = {
      name: 'Grade 6-8 math',
      subject: 'math',
      gradeBand: { from: '6', to: '8' },
      startDate: '2026-09-08',
      endDate: '2027-05-28',
      consentMode: 'opt_out',
      vendorIds: [vendor.json.vendorId],
    };
    expect((await admin.call('POST', '/v1/programs', { ...program, vendorIds: [randomUUID()] })).status).toBe(422);
    const created = await admin.call('POST', '/v1/programs', program);
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({
      maxGroupSize: 4,
      target: { sessionsPerWeek: 3, minutesPerSession: 30, weeks: 10 },
    });

    const events = await collectUntil(
      brokers,
      ENROLLMENT_ORGANISATION_TOPIC,
      (m) => m.headers['ce_districtid'] === district,
      (ms) => ms.length >= 3,
    );
    expect(events.map((e) => e.headers['ce_type'])).toEqual([
      DISTRICT_CONFIGURED_V1,
      SCHOOL_CALENDAR_SET_V1,
      PROGRAM_DEFINED_V1,
    ]);
    for (const e of events) {
      expect(e.key).toBe(district);
      expect(validateInternalEvent(e.headers['ce_type'] as never, JSON.parse(e.value ?? 'null')).ok).toBe(true);
    }
  });

  let canaryId = '';

  it('imports a OneRoster upload, and a re-import changes nothing', async () => {
    const first = await admin.importRoster(rosterDir);
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ valid: true, applied: true, students: { created: STUDENTS }, events: STUDENTS });
    const again = await admin.importRoster(rosterDir);
    expect(again.json).toMatchObject({
      valid: true,
      applied: true,
      events: 0,
      students: { created: 0, updated: 0, unchanged: STUDENTS },
    });
    const list = await admin.call('GET', '/v1/students?limit=200&purpose=e2e%20check');
    expect(list.json.items).toHaveLength(STUDENTS);
    for (const s of list.json.items) {
      const pii = await admin.call('GET', `/v1/students/${s.studentId}/pii?purpose=find%20the%20canary`);
      if (!canaryId && CANARY_NAMES.includes(pii.json.pii?.givenName)) canaryId = s.studentId;
    }
    expect(canaryId).not.toBe('');
  });

  it('records every read of student records in the audit log (who, which, why)', async () => {
    const audit = await admin.call('GET', `/v1/audit?resourceId=${canaryId}&limit=50`);
    expect(audit.status).toBe(200);
    expect(audit.json.items).toContainEqual(
      expect.objectContaining({
        actorSub: 'admin-e2e',
        action: 'read',
        resourceType: 'student.pii',
        resourceIds: [canaryId],
        purpose: expect.stringContaining('find the canary'),
      }),
    );
    expect((await admin.call('GET', `/v1/students/${canaryId}/pii`)).status).toBe(400); // no purpose, no read
  });

  it('erasure: the PII cannot be read back by any route, a re-import does not bring it back, the id stays', async () => {
    const erased = await admin.call('POST', `/v1/students/${canaryId}/erasure`, { reason: 'parent request 17' });
    expect(erased.json).toMatchObject({ erased: true, alreadyErased: false });
    const after = await admin.call('GET', `/v1/students/${canaryId}/pii?purpose=after%20erasure`);
    expect(after.json).toMatchObject({ studentId: canaryId, erased: true, pii: null });
    const reimport = await admin.importRoster(rosterDir);
    expect(reimport.json).toMatchObject({ applied: true, students: { created: 0, erasedSkipped: 1 } });
    const list = await admin.call('GET', '/v1/students?limit=200&purpose=after%20erasure');
    expect(findCanaries(JSON.stringify(list.json), 'GET /v1/students')).toEqual([]);
    expect(list.json.items.find((s: { studentId: string }) => s.studentId === canaryId)).toMatchObject({
      erased: true,
      active: false,
    });
    const students = await collectUntil(
      brokers,
      ENROLLMENT_STUDENTS_TOPIC,
      (m) => m.headers['ce_districtid'] === district,
      (ms) =>
        ms.some((m) => m.key === canaryId && (JSON.parse(m.value ?? '{}') as { erased?: boolean }).erased === true),
    );
    const last = students.filter((m) => m.key === canaryId).pop();
    expect(JSON.parse(last?.value ?? '{}')).toMatchObject({ studentId: canaryId, active: false, erased: true });
    expect(students.every((m) => m.headers['ce_type'] === STUDENT_ROSTERED_V1)).toBe(true);
  });

  it('a school leader sees only the students of their schools', async () => {
    const all = (await admin.call('GET', '/v1/students?limit=200&purpose=scoping%20test')).json.items as {
      studentId: string;
      schoolId: string;
    }[];
    const mine = all[0];
    if (!mine) throw new Error('no students');
    const other = all.find((s) => s.schoolId !== mine.schoolId);
    const leader = new EnrollmentApi(
      stack.get('enrollment').url,
      await issuer.mintToken({
        sub: 'leader-1',
        roles: ['school_leader'],
        district_id: district,
        school_ids: [mine.schoolId],
      }),
    );
    const visible = (await leader.call('GET', '/v1/students?limit=200&purpose=my%20school')).json.items as {
      schoolId: string;
    }[];
    expect(visible.length).toBeGreaterThan(0);
    expect(visible.every((s) => s.schoolId === mine.schoolId)).toBe(true);
    if (other) expect((await leader.call('GET', `/v1/students/${other.studentId}/pii?purpose=peek`)).status).toBe(404);
  });

  it('a teacher (teacher_id = their OneRoster sourcedId) sees their own students and their names only', async () => {
    const teacherApi = async (n: number, claim: 'teacher_id' | 'sub') => {
      const sourcedId = `00000004-0000-4000-8000-${String(n).padStart(12, '0')}`;
      const claims = claim === 'sub' ? { sub: sourcedId } : { sub: `teacher-${n}`, teacher_id: sourcedId };
      return new EnrollmentApi(
        stack.get('enrollment').url,
        await issuer.mintToken({ ...claims, roles: ['teacher'], district_id: district }),
      );
    };
    const ids = async (api: EnrollmentApi) => {
      const res = await api.call('GET', '/v1/students?limit=200&purpose=my%20class');
      expect(res.status).toBe(200);
      return (res.json.items as { studentId: string }[]).map((s) => s.studentId);
    };
    // generator layout: teacher n teaches grade n (KG, 01, …) of school 1; find two teachers with students
    const teachers = await Promise.all([1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => teacherApi(n, 'teacher_id')));
    const lists = await Promise.all(teachers.map(ids));
    const [a, b] = lists.map((l, i) => ({ l, i })).filter((x) => x.l.length > 0);
    if (!a || !b) throw new Error('the roster has too few classes with students');
    expect(a.l.filter((id) => b.l.includes(id))).toEqual([]);
    expect(await ids(await teacherApi(a.i + 1, 'sub'))).toEqual(a.l); // sub works when there is no teacher_id
    const mine = teachers[a.i] as EnrollmentApi;
    const own = await mine.call('GET', `/v1/students/${a.l[0]}/pii?purpose=parent%20conference`);
    expect(own.status).toBe(200);
    expect(Object.keys(own.json.pii ?? {}).sort()).toEqual([
      'familyName',
      'givenName',
      'middleName',
      'preferredFamilyName',
      'preferredGivenName',
    ]);
    expect((await mine.call('GET', `/v1/students/${b.l[0]}/pii?purpose=peek`)).status).toBe(404);
    const enrolments = await mine.call('GET', '/v1/enrolments?limit=200');
    expect(enrolments.status).toBe(200);
    expect((enrolments.json.items as { studentId: string }[]).every((e) => a.l.includes(e.studentId))).toBe(true);
    const audit = await admin.call('GET', `/v1/audit?resourceId=${a.l[0]}&limit=50`);
    expect(audit.json.items).toContainEqual(
      expect.objectContaining({ actorSub: `teacher-${a.i + 1}`, resourceType: 'student.names' }),
    );
    // a user who teaches nothing sees nothing
    expect(await ids(await teacherApi(999, 'teacher_id'))).toEqual([]);
  });

  it('refuses a 200 MB upload from its size, without reading it', async () => {
    const size = 200 * 1024 * 1024;
    const url = new URL(`${stack.get('enrollment').url}/v1/roster/imports`);
    const token = await issuer.mintToken({ sub: 'admin-e2e', roles: ['district_admin'], district_id: district });
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          headers: {
            authorization: `Bearer ${token}`,
            'content-type': 'multipart/form-data; boundary=x',
            'content-length': size,
          },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
          req.destroy();
        },
      );
      req.on('error', (e) => (e.message.includes('EPIPE') || e.message.includes('ECONNRESET') ? undefined : reject(e)));
      req.write(Buffer.alloc(64 * 1024, 'a'));
    });
    expect(status).toBe(413);
  });

  it('canary: the distinctive name is in no Kafka topic and no log line', async () => {
    for (const topic of [ENROLLMENT_ORGANISATION_TOPIC, ENROLLMENT_STUDENTS_TOPIC]) {
      const messages = await collectMessages(brokers, topic, { timeoutMs: 5_000 });
      expect(messages.length).toBeGreaterThan(0);
      expect(findCanaries(JSON.stringify(messages), topic)).toEqual([]);
    }
    const log = readFileSync(join(logDir, 'enrollment.log'), 'utf8');
    expect(log.length).toBeGreaterThan(0);
    expect(findCanaries(log, 'enrollment.log')).toEqual([]);
    expect(log).not.toContain('S0000001');
  });
});
