/**
 * The demo district of the quick start, built over the public API as a district admin would: the district's time
 * zone, one vendor (so its Kafka topics exist), a small OneRoster roster of invented, pseudonymous-by-design
 * students in one school with its calendar, a math program served by the vendor, the students enrolled with it
 * (opt-out consent), and two cleared tutors. Idempotent across restarts. Student PII needs ENROLLMENT_MASTER_KEY
 * on enrollment: without it the roster steps are skipped (and said so).
 */
import { Kafka, logLevel } from 'kafkajs';
import type { DevIssuer } from '@tutoring/shared/auth';
import { DEMO_DISTRICT_ID } from '@tutoring/shared/dev-stack';

const DEMO_VENDOR_NAME = 'Bright Path Tutoring';

export interface DemoDistrict {
  vendorId: string;
  /** Roster part of the demo (null when enrollment has no master key). */
  roster: { schoolId: string; programId: string; studentIds: string[]; tutorIds: string[] } | null;
  vendorName: string;
  adminToken: string;
  topics: { sessions: string; feedback: string; assignments: string };
}

async function waitForTopics(brokers: string, topics: string[], timeoutMs = 60_000): Promise<void> {
  const admin = new Kafka({ brokers: brokers.split(','), clientId: 'demo-seed', logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const existing = new Set(await admin.listTopics());
      if (topics.every((t) => existing.has(t))) return;
      await new Promise((r) => setTimeout(r, 500));
    }
    throw new Error(`the vendor topics did not appear within ${timeoutMs} ms: ${topics.join(', ')}`);
  } finally {
    await admin.disconnect();
  }
}

export async function seedDemoDistrict(o: {
  issuer: DevIssuer;
  enrollmentUrl: string;
  brokers: string;
}): Promise<DemoDistrict> {
  const adminToken = await o.issuer.mintToken(
    { sub: 'demo-district-admin', roles: ['district_admin'], district_id: DEMO_DISTRICT_ID },
    { expiresInSec: 12 * 3600 },
  );
  const headers = { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' };
  const list = await fetch(`${o.enrollmentUrl}/v1/vendors?limit=100`, { headers });
  if (!list.ok) throw new Error(`GET /v1/vendors answered ${list.status}: ${await list.text()}`);
  const page = (await list.json()) as { items: { vendorId: string; name: string }[] };
  let vendor = page.items.find((v) => v.name === DEMO_VENDOR_NAME);
  if (!vendor) {
    const created = await fetch(`${o.enrollmentUrl}/v1/vendors`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ name: DEMO_VENDOR_NAME }),
    });
    if (created.status !== 201) throw new Error(`POST /v1/vendors answered ${created.status}: ${await created.text()}`);
    vendor = (await created.json()) as { vendorId: string; name: string };
  }
  const topics = {
    sessions: `tutoring.vendor.${vendor.vendorId}.sessions.v1`,
    feedback: `tutoring.vendor.${vendor.vendorId}.feedback.v1`,
    assignments: `tutoring.vendor.${vendor.vendorId}.assignments.v1`,
  };
  await waitForTopics(o.brokers, Object.values(topics));
  const roster = await seedRoster(o.enrollmentUrl, headers, vendor.vendorId);
  return { vendorId: vendor.vendorId, vendorName: vendor.name, adminToken, topics, roster };
}

// ── roster, calendar, program, enrolments and tutors ─────────────────────────────────────────────────────────
const SCHOOL_SOURCED_ID = 'demo-school-1';
const DEMO_PROGRAM_NAME = 'Demo middle school math';
const DEMO_TUTOR_IDS = ['0b5e1c2a-6d1f-4c8e-9a3b-1f2e3d4c5b01', '0b5e1c2a-6d1f-4c8e-9a3b-1f2e3d4c5b02'];
const GIVEN = ['Ava', 'Liam', 'Mia', 'Noah', 'Zoe', 'Eli', 'Ivy', 'Leo'];

/** A OneRoster 1.2 bulk set: one school, one math class, eight invented grade 6–8 students. */
function demoRosterFiles(): Record<string, string> {
  const users = [
    'sourcedId,status,dateLastModified,enabledUser,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password,userMasterIdentifier,resourceSourcedIds,preferredGivenName,preferredMiddleName,preferredFamilyName,primaryOrgSourcedId,pronouns',
    `demo-teacher-1,,,true,teacher1,,Dana,Rivera,,T0001,,,,,07,,,,,,,${SCHOOL_SOURCED_ID},`,
  ];
  const enrollments = [
    'sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,primary,beginDate,endDate',
    `demo-enr-t,,,demo-class-1,${SCHOOL_SOURCED_ID},demo-teacher-1,teacher,true,2026-08-24,`,
  ];
  const demographics = [
    'sourcedId,status,dateLastModified,birthDate,sex,americanIndianOrAlaskaNative,asian,blackOrAfricanAmerican,nativeHawaiianOrOtherPacificIslander,white,demographicRaceTwoOrMoreRaces,hispanicOrLatinoEthnicity,countryOfBirthCode,stateOfBirthAbbreviation,cityOfBirth,publicSchoolResidenceStatus,metadata.economicallyDisadvantaged,metadata.multilingualLearner,metadata.iep',
  ];
  GIVEN.forEach((given, i) => {
    const id = `demo-student-${i + 1}`;
    const grade = `0${6 + (i % 3)}`;
    users.push(
      `${id},,,true,s${i + 1},,${given},Demo,,D${String(i + 1).padStart(6, '0')},,,,,${grade},,,,,,,${SCHOOL_SOURCED_ID},`,
    );
    enrollments.push(`demo-enr-${i + 1},,,demo-class-1,${SCHOOL_SOURCED_ID},${id},student,false,2026-08-24,`);
    demographics.push(
      `${id},,,${2013 - (i % 3)}-0${1 + (i % 9)}-15,,,,,,,,,,,,,${i % 2 === 0},${i % 3 === 0},${i % 4 === 0}`,
    );
  });
  const csv = (lines: string[]) => `${lines.join('\n')}\n`;
  return {
    'manifest.csv': csv([
      'propertyName,value',
      'manifest.version,1.0',
      'oneroster.version,1.2',
      ...['academicSessions', 'orgs', 'users', 'classes', 'enrollments', 'demographics'].map((f) => `file.${f},bulk`),
    ]),
    'orgs.csv': csv([
      'sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId',
      `${SCHOOL_SOURCED_ID},,,Demo Middle School,school,DMS,`,
    ]),
    'academicSessions.csv': csv([
      'sourcedId,status,dateLastModified,title,type,startDate,endDate,parentSourcedId,schoolYear',
      'demo-year,,,2026-2027,schoolYear,2026-08-24,2027-06-04,,2027',
    ]),
    'users.csv': csv(users),
    'classes.csv': csv([
      'sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,location,schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods',
      `demo-class-1,,,Math 6-8,"06,07,08",,M678,scheduled,,${SCHOOL_SOURCED_ID},demo-year,math,,1`,
    ]),
    'enrollments.csv': csv(enrollments),
    'demographics.csv': csv(demographics),
  };
}

async function seedRoster(
  url: string,
  headers: Record<string, string>,
  vendorId: string,
): Promise<DemoDistrict['roster']> {
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, json: (text ? JSON.parse(text) : null) as Record<string, unknown> };
  };
  const must = async (method: string, path: string, body?: unknown, ok: number[] = [200, 201]) => {
    const r = await call(method, path, body);
    if (!ok.includes(r.status)) throw new Error(`${method} ${path} answered ${r.status}: ${JSON.stringify(r.json)}`);
    return r.json;
  };
  await must('PUT', '/v1/district', { timeZone: 'America/Chicago' });
  const form = new FormData();
  for (const [name, text] of Object.entries(demoRosterFiles())) form.append('files', new Blob([text]), name);
  const imported = await fetch(`${url}/v1/roster/imports`, {
    method: 'POST',
    headers: { authorization: headers['authorization'] ?? '' },
    body: form,
  });
  if (imported.status === 503) return null; // no ENROLLMENT_MASTER_KEY: no student can be stored
  const answer = await imported.text();
  const report = (answer.startsWith('{') ? JSON.parse(answer) : {}) as { applied?: boolean; errors?: unknown[] };
  if (!report.applied) {
    throw new Error(
      `demo roster import answered ${imported.status}: ${answer} (enrollment log: .cache/logs/enrollment.log)`,
    );
  }
  const schools = (await must('GET', '/v1/schools?limit=200')) as unknown as {
    items: { schoolId: string; sourcedId: string | null }[];
  };
  const school = schools.items.find((s) => s.sourcedId === SCHOOL_SOURCED_ID);
  if (!school) throw new Error('the demo school was not imported');
  await must('PUT', `/v1/schools/${school.schoolId}/calendars/2026-2027`, {
    firstDay: '2026-08-24',
    lastDay: '2027-06-04',
    holidays: [
      '2026-09-07',
      '2026-11-26',
      '2026-11-27',
      ...weekdaysBetween('2026-12-21', '2027-01-01'),
      '2027-01-18',
      ...weekdaysBetween('2027-03-15', '2027-03-19'),
      '2027-05-31',
    ],
    earlyReleaseDays: ['2026-10-09', '2027-02-12'],
  });
  const programs = (await must('GET', '/v1/programs?limit=200')) as unknown as {
    items: { programId: string; name: string }[];
  };
  const programId =
    programs.items.find((p) => p.name === DEMO_PROGRAM_NAME)?.programId ??
    (
      (await must('POST', '/v1/programs', {
        name: DEMO_PROGRAM_NAME,
        subject: 'math',
        gradeBand: { from: '6', to: '8' },
        startDate: '2026-09-08',
        endDate: '2027-05-28',
        consentMode: 'opt_out',
        vendorIds: [vendorId],
      })) as { programId: string }
    ).programId;
  for (const [i, tutorId] of DEMO_TUTOR_IDS.entries()) {
    await must('PUT', `/v1/tutors/${tutorId}`, {
      vendorId,
      clearedUntil: '2027-06-30',
      subjects: ['math'],
      gradeBands: [{ from: '6', to: '8' }],
      credentials: ['hit-microcredential'],
      availability: [1, 2, 3, 4, 5].map((weekday) => ({
        weekday,
        from: i === 0 ? '08:00' : '12:00',
        to: i === 0 ? '11:00' : '15:00',
      })),
    });
  }
  const students = (await must('GET', '/v1/students?limit=200&purpose=demo%20seed%20enrolment')) as unknown as {
    items: { studentId: string; schoolId: string }[];
  };
  const studentIds = students.items.filter((s) => s.schoolId === school.schoolId).map((s) => s.studentId);
  for (const studentId of studentIds) {
    const identified = await call('POST', `/v1/programs/${programId}/enrolments`, {
      studentId,
      contactPreferences: { language: 'en', channel: 'email' },
    });
    if (identified.status === 422) continue; // already in the program from an earlier start
    if (identified.status !== 201)
      throw new Error(`identify answered ${identified.status}: ${JSON.stringify(identified.json)}`);
    const enrolmentId = identified.json['enrolmentId'] as string;
    await must('POST', `/v1/enrolments/${enrolmentId}/invitation`);
    await must('POST', `/v1/enrolments/${enrolmentId}/consent`, { decision: 'not_opted_out', date: '2026-09-01' });
    await must('POST', `/v1/enrolments/${enrolmentId}/enrolment`, { vendorId, startDate: '2026-09-08' });
  }
  return { schoolId: school.schoolId, programId, studentIds, tutorIds: DEMO_TUTOR_IDS };
}

function weekdaysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = Date.parse(`${from}T00:00:00Z`); d <= Date.parse(`${to}T00:00:00Z`); d += 86_400_000) {
    const day = new Date(d).getUTCDay();
    if (day !== 0 && day !== 6) out.push(new Date(d).toISOString().slice(0, 10));
  }
  return out;
}
