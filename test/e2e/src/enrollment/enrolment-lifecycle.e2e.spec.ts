/**
 * Consent and enrolment lifecycle over HTTP, and what each vendor receives: its own enrolled students on its
 * assignments topic (pseudonymous id, grade, school), nothing about another vendor's students.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DevIssuer, startDevIssuer } from '@tutoring/shared/auth';
import {
  ENROLLMENT_STUDENTS_TOPIC,
  ASSESSMENT_RECORDED_V1,
  ENROLLMENT_ASSESSMENTS_TOPIC,
  ENROLLMENT_TUTORS_TOPIC,
  ENROLMENT_CHANGED_V1,
  TUTOR_REGISTERED_V1,
  validateInternalEvent,
  vendorAssignmentsTopic,
} from '@tutoring/shared/contracts';
import { DEV_AUDIENCE, Stack, startStack } from '@tutoring/shared/dev-stack';
import { findFreePort } from '@tutoring/shared/local-infra';
import { freshDatabase, FreshDatabase, testKafkaBrokers, testTelemetryEnv } from '@tutoring/shared/testing';
import { collectUntil, EnrollmentApi } from './enrollment-api';

const root = join(__dirname, '..', '..', '..', '..');
const district = randomUUID();

describe('enrolment lifecycle and vendor assignments', () => {
  let db: FreshDatabase;
  let issuer: DevIssuer;
  let stack: Stack;
  let admin: EnrollmentApi;
  let dir: string;
  const brokers = testKafkaBrokers();

  beforeAll(async () => {
    db = await freshDatabase('enrolment_e2e');
    issuer = await startDevIssuer({ audience: DEV_AUDIENCE, port: 0, log: () => undefined });
    stack = await startStack({
      root,
      postgresAdminUrl: db.url,
      kafkaBrokers: brokers,
      issuer,
      services: ['enrollment'],
      ports: { enrollment: await findFreePort() },
      logDir: join(root, 'tmp', 'e2e-logs', `enrolment-${Date.now().toString(36)}`),
      extraEnv: { enrollment: { ENROLLMENT_MASTER_KEY: randomBytes(32).toString('hex'), ...testTelemetryEnv() } },
    });
    admin = new EnrollmentApi(
      stack.get('enrollment').url,
      await issuer.mintToken({ sub: 'pm-e2e', roles: ['district_admin'], district_id: district }),
    );
    dir = mkdtempSync(join(tmpdir(), 'enrolment-e2e-'));
    execFileSync(
      'node',
      [
        '-r',
        './tools/register.js',
        'tools/generators/oneroster/generate-district.ts',
        '--out',
        dir,
        '--students',
        '12',
        '--schools',
        '1',
        '--canary-names',
      ],
      {
        cwd: root,
        stdio: 'pipe',
      },
    );
  });

  afterAll(async () => {
    await stack?.stop();
    await issuer?.stop();
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('runs identified → invited → consented → enrolled → exited, refuses what the rules forbid, and scopes vendors', async () => {
    expect((await admin.importRoster(dir)).json).toMatchObject({ applied: true });
    const vendorA = (await admin.call('POST', '/v1/vendors', { name: 'Alpha Tutors' })).json.vendorId as string;
    const vendorB = (await admin.call('POST', '/v1/vendors', { name: 'Beta Tutors' })).json.vendorId as string;
    const program = await admin.call('POST', '/v1/programs', {
      name: 'K-8 math',
      subject: 'math',
      gradeBand: { from: 'K', to: '8' },
      startDate: '2026-09-08',
      endDate: '2027-05-28',
      consentMode: 'opt_out',
      vendorIds: [vendorA, vendorB],
    });
    const programId = program.json.programId as string;
    const students = (await admin.call('GET', '/v1/students?purpose=enrolment%20test')).json.items as {
      studentId: string;
      grade: string;
      schoolId: string;
    }[];
    const [s1, s2, s3] = students;
    if (!s1 || !s2 || !s3) throw new Error('roster too small');

    const walk = async (studentId: string, vendorId: string | null, decision: 'not_opted_out' | 'opted_out') => {
      const identified = await admin.call('POST', `/v1/programs/${programId}/enrolments`, {
        studentId,
        contactPreferences: { language: 'es', channel: 'sms' },
      });
      expect(identified.json).toMatchObject({ status: 'identified', consent: 'pending' });
      const id = identified.json.enrolmentId as string;
      expect(
        (await admin.call('POST', `/v1/enrolments/${id}/consent`, { decision, date: '2026-09-02' })).json,
      ).toMatchObject({ code: 'not_invited' });
      expect((await admin.call('POST', `/v1/enrolments/${id}/invitation`)).json).toMatchObject({ status: 'invited' });
      await admin.call('POST', `/v1/enrolments/${id}/consent`, { decision, date: '2026-09-03' });
      if (vendorId) {
        expect(
          (await admin.call('POST', `/v1/enrolments/${id}/enrolment`, { vendorId, startDate: '2026-09-14' })).json,
        ).toMatchObject({ status: 'enrolled', vendorId });
      }
      return id;
    };
    const e1 = await walk(s1.studentId, vendorA, 'not_opted_out');
    const e2 = await walk(s2.studentId, vendorB, 'not_opted_out');
    const e3 = await walk(s3.studentId, null, 'opted_out');
    expect((await admin.call('GET', `/v1/enrolments/${e3}`)).json).toMatchObject({
      status: 'withdrawn',
      consent: 'opted_out',
      reason: 'opted_out',
    });
    const refused = await admin.call('POST', `/v1/enrolments/${e3}/enrolment`, {
      vendorId: vendorA,
      startDate: '2026-09-14',
    });
    expect(refused.status).toBe(422);
    expect((await admin.call('POST', `/v1/programs/${programId}/enrolments`, { studentId: s1.studentId })).status).toBe(
      422,
    );
    expect(
      (await admin.call('POST', `/v1/enrolments/${e1}/exit`, { date: '2027-01-15', reason: 'moved_school' })).json,
    ).toMatchObject({
      status: 'exited',
      endDate: '2027-01-15',
    });

    const forA = await collectUntil(
      brokers,
      vendorAssignmentsTopic(vendorA),
      () => true,
      (ms) => ms.length >= 2,
    );
    const forB = await collectUntil(
      brokers,
      vendorAssignmentsTopic(vendorB),
      () => true,
      (ms) => ms.length >= 1,
    );
    expect(forA.map((m) => JSON.parse(m.value ?? '{}').status)).toEqual(['enrolled', 'exited']);
    expect(forB.map((m) => JSON.parse(m.value ?? '{}').status)).toEqual(['enrolled']);
    for (const [messages, student, vendor] of [
      [forA, s1, vendorA],
      [forB, s2, vendorB],
    ] as const) {
      for (const m of messages) {
        const data = JSON.parse(m.value ?? '{}');
        expect(m.headers['ce_type']).toBe(ENROLMENT_CHANGED_V1);
        expect(validateInternalEvent(ENROLMENT_CHANGED_V1, data).ok).toBe(true);
        expect(data).toMatchObject({
          studentId: student.studentId,
          grade: student.grade,
          schoolId: student.schoolId,
          vendorId: vendor,
        });
      }
    }
    expect(JSON.stringify(forA)).not.toContain(s2.studentId);
    expect(JSON.stringify(forB)).not.toContain(s1.studentId);

    const all = await collectUntil(
      brokers,
      ENROLLMENT_STUDENTS_TOPIC,
      (m) => m.headers['ce_type'] === ENROLMENT_CHANGED_V1 && m.key === s1.studentId,
      (ms) => ms.length >= 5,
    );
    expect(all.map((m) => JSON.parse(m.value ?? '{}').status)).toEqual([
      'identified',
      'invited',
      'consented',
      'enrolled',
      'exited',
    ]);

    const vendorToken = await issuer.mintToken({
      sub: 'vendor-a',
      roles: ['vendor'],
      district_id: district,
      vendor_id: vendorA,
    });
    const asVendorA = new EnrollmentApi(stack.get('enrollment').url, vendorToken);
    const visible = (await asVendorA.call('GET', '/v1/enrolments')).json.items as { enrolmentId: string }[];
    expect(visible.map((e) => e.enrolmentId)).toEqual([e1]);
    expect((await asVendorA.call('GET', `/v1/enrolments/${e2}`)).status).toBe(404);
    expect((await asVendorA.call('GET', '/v1/students?purpose=peek')).status).toBe(403);
    const audit = await admin.call('GET', `/v1/audit?actorSub=vendor-a&limit=50`);
    expect(audit.json.items).toContainEqual(
      expect.objectContaining({ action: 'read', resourceType: 'student.enrolment', resourceIds: [s1.studentId] }),
    );

    // The roster moves s2 (served by vendor B) to another grade: vendor B gets the new snapshot; then s2 leaves the
    // roster: vendor B gets the withdrawal (reason left_roster), and vendor A hears of neither.
    const username = (await admin.call('GET', `/v1/students/${s2.studentId}/pii?purpose=roster%20delta%20test`)).json
      .pii.username as string;
    const sourcedId = `00000007-0000-4000-8000-${Number(username.slice(1)).toString(16).padStart(12, '0')}`;
    const users = readFileSync(join(dir, 'users.csv'), 'utf8').trim().split('\n');
    const row = users.find((l) => l.startsWith(`${sourcedId},`)) as string;
    const newGrade = s2.grade === '8' ? '07' : '08';
    const delta = async (line: string) => {
      const deltaDir = mkdtempSync(join(tmpdir(), 'enrolment-delta-'));
      writeFileSync(
        join(deltaDir, 'manifest.csv'),
        'propertyName,value\nmanifest.version,1.0\noneroster.version,1.2\nfile.users,delta\n',
      );
      writeFileSync(join(deltaDir, 'users.csv'), `${users[0]}\n${line}\n`);
      try {
        return (await admin.importRoster(deltaDir)).json;
      } finally {
        rmSync(deltaDir, { recursive: true, force: true });
      }
    };
    const active = (l: string, status = 'active') => l.replace(/^([^,]+),,,/, `$1,${status},2026-10-01T00:00:00Z,`);
    expect(await delta(active(row).replace(/,(KG|0[1-8]),/, `,${newGrade},`))).toMatchObject({
      applied: true,
      enrolments: { updated: 1, withdrawn: 0 },
    });
    expect(await delta(active(row, 'tobedeleted'))).toMatchObject({
      applied: true,
      enrolments: { updated: 0, withdrawn: 1 },
    });
    const laterB = await collectUntil(
      brokers,
      vendorAssignmentsTopic(vendorB),
      () => true,
      (ms) => ms.length >= 3,
    );
    expect(laterB.map((m) => JSON.parse(m.value ?? '{}'))).toEqual([
      expect.objectContaining({ status: 'enrolled', grade: s2.grade }),
      expect.objectContaining({ status: 'enrolled', grade: newGrade.replace(/^0/, ''), studentId: s2.studentId }),
      expect.objectContaining({ status: 'withdrawn', reason: 'left_roster', studentId: s2.studentId }),
    ]);
    for (const m of laterB)
      expect(validateInternalEvent(ENROLMENT_CHANGED_V1, JSON.parse(m.value ?? '{}')).ok).toBe(true);
    expect(
      JSON.stringify(
        await collectUntil(
          brokers,
          vendorAssignmentsTopic(vendorA),
          () => true,
          (ms) => ms.length >= 2,
        ),
      ),
    ).not.toContain(s2.studentId);
  });
  it('tutors: a vendor registers its own tutors only; clearance on a date is reported with the reason', async () => {
    const vendorA = (await admin.call('POST', '/v1/vendors', { name: 'Gamma Tutors' })).json.vendorId as string;
    const vendorB = (await admin.call('POST', '/v1/vendors', { name: 'Delta Tutors' })).json.vendorId as string;
    const asA = new EnrollmentApi(
      stack.get('enrollment').url,
      await issuer.mintToken({ sub: 'vendor-g', roles: ['vendor'], district_id: district, vendor_id: vendorA }),
    );
    const tutorId = randomUUID();
    const body = {
      vendorId: vendorA,
      clearedUntil: '2026-12-31',
      subjects: ['math'],
      gradeBands: [{ from: '6', to: '8' }],
      credentials: ['hit-microcredential'],
      availability: [{ weekday: 1, from: '08:00', to: '12:00' }],
    };
    expect((await asA.call('PUT', `/v1/tutors/${tutorId}`, { ...body, vendorId: vendorB })).status).toBe(403);
    const saved = await asA.call('PUT', `/v1/tutors/${tutorId}`, body);
    expect(saved.json).toMatchObject({ tutorId, vendorId: vendorA, changed: true });
    expect((await asA.call('PUT', `/v1/tutors/${tutorId}`, body)).json).toMatchObject({ changed: false });
    expect((await asA.call('GET', `/v1/tutors/${tutorId}/clearance?date=2026-12-31`)).json).toMatchObject({
      cleared: true,
    });
    expect((await asA.call('GET', `/v1/tutors/${tutorId}/clearance?date=2027-01-04`)).json).toMatchObject({
      cleared: false,
      reason: 'clearance_expired',
    });
    const asB = new EnrollmentApi(
      stack.get('enrollment').url,
      await issuer.mintToken({ sub: 'vendor-d', roles: ['vendor'], district_id: district, vendor_id: vendorB }),
    );
    expect((await asB.call('GET', `/v1/tutors/${tutorId}/clearance?date=2026-10-01`)).status).toBe(404);
    expect((await asB.call('GET', '/v1/tutors')).json.items).toEqual([]);
    const events = await collectUntil(
      brokers,
      ENROLLMENT_TUTORS_TOPIC,
      (m) => m.key === tutorId,
      (ms) => ms.length >= 1,
    );
    expect(events).toHaveLength(1);
    expect(events[0]?.headers['ce_type']).toBe(TUTOR_REGISTERED_V1);
    expect(validateInternalEvent(TUTOR_REGISTERED_V1, JSON.parse(events[0]?.value ?? 'null')).ok).toBe(true);
  });
  it('assessments: imported by local id, published pseudonymously, idempotent; eligibility ranks with reasons and capacity', async () => {
    const file = join(dir, 'assessments', 'assessments.csv');
    const upload = async (path: string) => {
      const form = new FormData();
      form.append('file', new Blob([readFileSync(path)]), 'assessments.csv');
      const token = await issuer.mintToken({ sub: 'pm-e2e', roles: ['program_manager'], district_id: district });
      const res = await fetch(`${stack.get('enrollment').url}/v1/assessments/imports`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
        body: form,
      });
      return (await res.json()) as Record<string, unknown>;
    };
    const broken = join(dir, 'assessments', 'broken.csv');
    writeFileSync(broken, `${readFileSync(file, 'utf8')}S9999999,2026-2027,BOY,math,200,10,\n`);
    const refused = await upload(broken);
    expect(refused).toMatchObject({ valid: false, applied: false });
    expect(refused['errors']).toEqual([
      { file: 'assessments.csv', line: 14, column: 'localStudentId', reason: expect.stringContaining('no student') },
    ]);
    expect(await upload(file)).toMatchObject({ valid: true, applied: true, created: 12, events: 12 });
    expect(await upload(file)).toMatchObject({ applied: true, created: 0, unchanged: 12, events: 0 });
    const events = await collectUntil(
      brokers,
      ENROLLMENT_ASSESSMENTS_TOPIC,
      (m) => m.headers['ce_districtid'] === district,
      (ms) => ms.length >= 12,
    );
    expect(events).toHaveLength(12);
    for (const e of events)
      expect(validateInternalEvent(ASSESSMENT_RECORDED_V1, JSON.parse(e.value ?? 'null')).ok).toBe(true);
    expect(JSON.stringify(events)).not.toMatch(/S000000/);

    const vendorId = (await admin.call('POST', '/v1/vendors', { name: 'Epsilon Tutors' })).json.vendorId as string;
    const program = await admin.call('POST', '/v1/programs', {
      name: 'All grades math',
      subject: 'math',
      gradeBand: { from: 'K', to: '8' },
      startDate: '2026-09-08',
      endDate: '2027-05-28',
      consentMode: 'opt_in',
      vendorIds: [vendorId],
      maxGroupSize: 2,
    });
    await admin.call('PUT', `/v1/tutors/${randomUUID()}`, {
      vendorId,
      clearedUntil: '2027-06-30',
      subjects: ['math'],
      gradeBands: [{ from: 'K', to: '8' }],
      credentials: [],
      availability: [{ weekday: 2, from: '09:00', to: '10:30' }],
    });
    const result = await admin.call(
      'GET',
      `/v1/programs/${program.json.programId}/eligibility?schoolYear=2026-2027&maxPercentile=100&purpose=ranking%20test`,
    );
    expect(result.status).toBe(200);
    expect(result.json).toMatchObject({
      capacity: { tutors: 1, groups: 1, seats: 2, groupMinutesPerWeek: 90 },
      served: 2,
    });
    const items = result.json.items as {
      rank: number;
      percentile: number;
      served: boolean;
      reasons: string[];
      needs: string[];
    }[];
    expect(items.length).toBe(result.json.eligible);
    expect(items.filter((i) => i.served).map((i) => i.rank)).toEqual([1, 2]);
    expect(items[0]?.reasons.join('; ')).toMatch(/BOY math percentile \d+ < 100/);
    const top = items.filter((i) => i.needs.includes('economicallyDisadvantaged'));
    if (top.length > 0) expect(items[0]?.needs).toContain('economicallyDisadvantaged');
  });
});
