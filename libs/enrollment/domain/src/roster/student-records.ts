// Turns checked OneRoster rows into what enrollment keeps about each student: public (pseudonymous) fields
// that other services may see, and PII that only ever leaves this function to be encrypted.
import type { CheckedRoster, RosterError, RosterRow } from './roster.check';
import { normaliseGrade } from './oneroster.spec';

export interface StudentPii {
  givenName: string;
  familyName: string;
  middleName: string;
  preferredGivenName: string;
  preferredFamilyName: string;
  /** The district's local student number (OneRoster `identifier`). */
  localNumber: string;
  username: string;
  email: string;
  sms: string;
  phone: string;
}

/** A student as users.csv describes them. */
export interface StudentUserPart {
  sourcedId: string;
  line: number;
  active: boolean;
  schoolSourcedId: string;
  grade: string;
  pii: StudentPii;
}

export interface NeedFlags {
  economicallyDisadvantaged: boolean;
  multilingualLearner: boolean;
  iep: boolean;
}

/** A student as demographics.csv describes them. */
export interface StudentDemographicsPart {
  sourcedId: string;
  line: number;
  deleted: boolean;
  birthDate: string;
  flags: NeedFlags;
}

export interface StudentRecords {
  users: StudentUserPart[];
  /** Users of the set that are not students (teachers, …): only their sourcedIds are kept, never their PII. */
  otherUserIds: string[];
  deletedUserIds: string[];
  demographics: StudentDemographicsPart[];
  errors: RosterError[];
}

const flag = (row: RosterRow, column: string): boolean => row.values[column] === 'true';

/**
 * A user is a student when a student enrolment or a student role (roles.csv) names them (OneRoster 1.2 users.csv
 * carries no role), or when enrollment already knows them as one.
 */
export function studentRecords(
  roster: CheckedRoster,
  existingStudents: ReadonlySet<string>,
  schoolOrgIds: ReadonlySet<string>,
): StudentRecords {
  const studentIds = new Set(existingStudents);
  for (const e of roster.rows.enrollments)
    if (!e.deleted && e.values['role'] === 'student') studentIds.add(e.values['userSourcedId'] ?? '');
  for (const r of roster.rows.roles)
    if (!r.deleted && r.values['role'] === 'student') studentIds.add(r.values['userSourcedId'] ?? '');
  const errors: RosterError[] = [];
  const users: StudentUserPart[] = [];
  const otherUserIds: string[] = [];
  const deletedUserIds: string[] = [];
  for (const row of roster.rows.users) {
    if (row.deleted) {
      deletedUserIds.push(row.sourcedId);
      continue;
    }
    if (!studentIds.has(row.sourcedId)) {
      otherUserIds.push(row.sourcedId);
      continue;
    }
    const v = row.values;
    const school = v['primaryOrgSourcedId'] ?? '';
    const grade = normaliseGrade((v['grades'] ?? '').split(',')[0] ?? '');
    const err = (column: string, reason: string) => errors.push({ file: 'users.csv', line: row.line, column, reason });
    if (!schoolOrgIds.has(school)) {
      err('primaryOrgSourcedId', 'a student needs a primaryOrgSourcedId naming a school org');
      continue;
    }
    if (grade === null) {
      err('grades', 'a student needs a grade PK, KG or 01..12');
      continue;
    }
    users.push({
      sourcedId: row.sourcedId,
      line: row.line,
      active: v['enabledUser'] !== 'false',
      schoolSourcedId: school,
      grade,
      pii: {
        givenName: v['givenName'] ?? '',
        familyName: v['familyName'] ?? '',
        middleName: v['middleName'] ?? '',
        preferredGivenName: v['preferredGivenName'] ?? '',
        preferredFamilyName: v['preferredFamilyName'] ?? '',
        localNumber: v['identifier'] ?? '',
        username: v['username'] ?? '',
        email: v['email'] ?? '',
        sms: v['sms'] ?? '',
        phone: v['phone'] ?? '',
      },
    });
  }
  const demographics = roster.rows.demographics
    .filter((row) => studentIds.has(row.sourcedId))
    .map((row) => ({
      sourcedId: row.sourcedId,
      line: row.line,
      deleted: row.deleted,
      birthDate: row.values['birthDate'] ?? '',
      flags: {
        economicallyDisadvantaged: flag(row, 'metadata.economicallyDisadvantaged'),
        multilingualLearner: flag(row, 'metadata.multilingualLearner'),
        iep: flag(row, 'metadata.iep'),
      },
    }));
  return { users, otherUserIds, deletedUserIds, demographics, errors };
}
