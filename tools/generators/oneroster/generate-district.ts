/**
 * Generates a synthetic OneRoster 1.2 CSV district (bulk): manifest, orgs, academicSessions, courses, users, roles
 * (teachers), classes, enrollments, demographics, plus an assessments.csv (BOY/MOY scores) for the same students.
 * Deterministic for a given seed. Every person is invented; names come from short lists, local numbers are S + 7
 * digits. Tests pass --canary-names: every student is then named from the shared canary list
 * (libs/shared/testing/src/canary.ts), which the test run's final check looks for in every topic and log.
 *
 *   node -r ./tools/register.js tools/generators/oneroster/generate-district.ts --out tmp/district --students 30000
 *
 * Options: --students N (default 30000) --schools N (default students/500) --seed N (default 1)
 *          --school-year 2026-2027 --canary NAME (the first student is called NAME NAME: for leak tests)
 *          --canary-names (every student's names come from the shared canary list)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
// The list alone (the testing lib's index loads database and Kafka helpers this script does not need).
// eslint-disable-next-line @nx/enforce-module-boundaries
import { CANARY_NAMES } from '../../../libs/shared/testing/src/canary-names';

export interface GenerateOptions {
  students: number;
  schools?: number;
  seed?: number;
  schoolYear?: string;
  canary?: string;
  /** Every student's given and family names from the shared canary list (tests). */
  canaryNames?: boolean;
}

const GIVEN = [
  'Ava',
  'Liam',
  'Mia',
  'Noah',
  'Zoe',
  'Eli',
  'Ivy',
  'Leo',
  'Ana',
  'Kai',
  'Maya',
  'Omar',
  'Lina',
  'Yusuf',
  'Rosa',
  'Tariq',
];
const FAMILY = [
  'Garcia',
  'Nguyen',
  'Smith',
  'Patel',
  'Johnson',
  'Kim',
  'Lopez',
  'Brown',
  'Ali',
  'Chen',
  'Diaz',
  'Okafor',
  'Silva',
  'Haddad',
];
const GRADES = ['KG', '01', '02', '03', '04', '05', '06', '07', '08'];

/** mulberry32: small, fast, deterministic. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
/** Stable, UUID-shaped sourcedIds (OneRoster sourcedIds are opaque strings; SIS exports often use GUIDs). */
const sid = (kind: number, n: number) => `${hex(kind, 8)}-0000-4000-8000-${hex(n, 12)}`;

export function generateDistrict(o: GenerateOptions): Record<string, string> {
  const random = rng(o.seed ?? 1);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const schoolCount = o.schools ?? Math.max(1, Math.ceil(o.students / 500));
  const [y1, y2] = (o.schoolYear ?? '2026-2027').split('-');
  const districtId = sid(1, 1);
  const yearId = sid(2, 1);
  const terms = [sid(2, 2), sid(2, 3)];
  const orgs = [
    'sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId',
    `${districtId},,,Synthetic Unified,district,D001,`,
  ];
  const schools: string[] = [];
  for (let s = 1; s <= schoolCount; s++) {
    const id = sid(3, s);
    schools.push(id);
    orgs.push(`${id},,,School ${s},school,SCH${String(s).padStart(3, '0')},${districtId}`);
  }
  const sessions = [
    'sourcedId,status,dateLastModified,title,type,startDate,endDate,parentSourcedId,schoolYear',
    `${yearId},,,${y1}-${y2},schoolYear,${y1}-08-24,${y2}-06-04,,${y2}`,
    `${terms[0]},,,Fall ${y1},term,${y1}-08-24,${y1}-12-18,${yearId},${y2}`,
    `${terms[1]},,,Spring ${y2},term,${y2}-01-05,${y2}-06-04,${yearId},${y2}`,
  ];
  const userHeader =
    'sourcedId,status,dateLastModified,enabledUser,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password,userMasterIdentifier,resourceSourcedIds,preferredGivenName,preferredMiddleName,preferredFamilyName,primaryOrgSourcedId,pronouns';
  const users = [userHeader];
  const classes = [
    'sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,location,schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods',
  ];
  const enrollments = [
    'sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,primary,beginDate,endDate',
  ];
  const demographics = [
    'sourcedId,status,dateLastModified,birthDate,sex,americanIndianOrAlaskaNative,asian,blackOrAfricanAmerican,nativeHawaiianOrOtherPacificIslander,white,demographicRaceTwoOrMoreRaces,hispanicOrLatinoEthnicity,countryOfBirthCode,stateOfBirthAbbreviation,cityOfBirth,publicSchoolResidenceStatus,metadata.economicallyDisadvantaged,metadata.multilingualLearner,metadata.iep',
  ];
  const assessments = ['localStudentId,schoolYear,window,subject,scaleScore,percentile,growthPercentile'];
  const courses = [
    'sourcedId,status,dateLastModified,schoolYearSourcedId,title,courseCode,grades,orgSourcedId,subjects,subjectCodes',
  ];
  const roles = [
    'sourcedId,status,dateLastModified,userSourcedId,roleType,role,beginDate,endDate,orgSourcedId,userProfileSourcedId',
  ];
  // One district course per grade and subject; one teacher and two classes (math, ela) per school and grade.
  const courseOf = new Map<string, string>();
  let courseN = 0;
  for (const grade of GRADES) {
    for (const subject of ['math', 'ela']) {
      const c = sid(8, ++courseN);
      courseOf.set(`${grade}:${subject}`, c);
      courses.push(
        `${c},,,${yearId},Grade ${grade} ${subject},${subject.toUpperCase()}-${grade},${grade},${districtId},${subject},`,
      );
    }
  }
  let classN = 0;
  let teacherN = 0;
  let enrolN = 0;
  const classOf = new Map<string, [string, string]>();
  for (const [si, school] of schools.entries()) {
    for (const grade of GRADES) {
      const teacher = sid(4, ++teacherN);
      users.push(
        `${teacher},,,true,t${teacherN},,${pick(GIVEN)},${pick(FAMILY)},,T${String(teacherN).padStart(6, '0')},t${teacherN}@synthetic.example,,,,${grade},,,,,,,${school},`,
      );
      roles.push(`${sid(9, teacherN)},,,${teacher},primary,teacher,${y1}-08-24,,${school},`);
      const pair: string[] = [];
      for (const subject of ['math', 'ela']) {
        const c = sid(5, ++classN);
        pair.push(c);
        classes.push(
          `${c},,,Grade ${grade} ${subject} ${si + 1},${grade},${courseOf.get(`${grade}:${subject}`)},${subject.toUpperCase()}-${grade}-${si + 1},scheduled,,${school},"${terms[0]},${terms[1]}",${subject},,1`,
        );
        enrollments.push(`${sid(6, ++enrolN)},,,${c},${school},${teacher},teacher,true,${y1}-08-24,`);
      }
      classOf.set(`${school}:${grade}`, pair as [string, string]);
    }
  }
  for (let n = 1; n <= o.students; n++) {
    const id = sid(7, n);
    const school = schools[(n - 1) % schools.length] as string;
    const grade = GRADES[Math.floor(random() * GRADES.length)] as string;
    const givenList = o.canaryNames ? CANARY_NAMES : GIVEN;
    const familyList = o.canaryNames ? CANARY_NAMES : FAMILY;
    const given = n === 1 && o.canary ? o.canary : pick(givenList);
    const family = n === 1 && o.canary ? o.canary : pick(familyList);
    const local = `S${String(n).padStart(7, '0')}`;
    users.push(
      `${id},,,true,s${n},,${given},${family},,${local},s${n}@students.synthetic.example,,,,${grade},,,,,,,${school},`,
    );
    for (const c of classOf.get(`${school}:${grade}`) ?? []) {
      enrollments.push(`${sid(6, ++enrolN)},,,${c},${school},${id},student,false,${y1}-08-24,`);
    }
    const gradeNumber = grade === 'KG' ? 0 : Number(grade);
    const birthYear = Number(y1) - 5 - gradeNumber;
    const birth = `${birthYear}-${String(1 + Math.floor(random() * 12)).padStart(2, '0')}-${String(1 + Math.floor(random() * 28)).padStart(2, '0')}`;
    const flags = [random() < 0.45, random() < 0.2, random() < 0.14].map(String).join(',');
    demographics.push(
      `${id},,,${birth},${random() < 0.5 ? 'female' : 'male'},false,false,false,false,false,false,false,,,,,${flags}`,
    );
    const percentile = 1 + Math.floor(random() * 99);
    assessments.push(`${local},${y1}-${y2},BOY,math,${150 + percentile * 2},${percentile},`);
  }
  const manifest = [
    'propertyName,value',
    'manifest.version,1.0',
    'oneroster.version,1.2',
    ...['academicSessions', 'classes', 'courses', 'demographics', 'enrollments', 'orgs', 'roles', 'users'].map(
      (f) => `file.${f},bulk`,
    ),
    'source.systemName,synthetic-generator',
  ];
  const csv = (lines: string[]) => `${lines.join('\n')}\n`;
  return {
    'manifest.csv': csv(manifest),
    'orgs.csv': csv(orgs),
    'academicSessions.csv': csv(sessions),
    'courses.csv': csv(courses),
    'users.csv': csv(users),
    'roles.csv': csv(roles),
    'classes.csv': csv(classes),
    'enrollments.csv': csv(enrollments),
    'demographics.csv': csv(demographics),
    'assessments/assessments.csv': csv(assessments),
  };
}

export function writeDistrict(dir: string, o: GenerateOptions): string[] {
  mkdirSync(join(dir, 'assessments'), { recursive: true });
  const files = generateDistrict(o);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return Object.keys(files);
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

if (require.main === module) {
  const out = arg('out');
  if (!out) {
    process.stderr.write(
      'usage: generate-district.ts --out DIR [--students N] [--schools N] [--seed N] [--canary NAME] [--canary-names]\n',
    );
    process.exit(64);
  }
  const students = Number(arg('students') ?? 30000);
  const schools = arg('schools');
  const files = writeDistrict(out, {
    students,
    schools: schools ? Number(schools) : undefined,
    seed: Number(arg('seed') ?? 1),
    schoolYear: arg('school-year'),
    canary: arg('canary'),
    canaryNames: process.argv.includes('--canary-names'),
  });
  process.stdout.write(`wrote ${files.length} files for ${students} students to ${out}\n`);
}
