// The subset of OneRoster 1.2 CSV the platform reads, column by column (1EdTech OneRoster 1.2 CSV binding).
// Columns not listed are refused unless they are extension columns (`metadata.*`). Need flags for eligibility
// travel as demographics extension columns: metadata.economicallyDisadvantaged, metadata.multilingualLearner,
// metadata.iep (true/false). roles.csv says who is a teacher (or a student) where; teacher enrollments say which
// classes a teacher teaches, and so which students they may see (object-level scope of the teacher role).
export const ROSTER_KINDS = [
  'academicSessions',
  'orgs',
  'courses',
  'users',
  'roles',
  'classes',
  'enrollments',
  'demographics',
] as const;
export type RosterKind = (typeof ROSTER_KINDS)[number];
export type FileMode = 'bulk' | 'delta' | 'absent';

export interface ReferenceRule {
  column: string;
  kind: RosterKind;
  /** Comma-separated list of sourcedIds in one field. */
  multiple?: boolean;
  optional?: boolean;
  /**
   * Checked only when the district uses the referenced file (it is in this set, or rows of it are stored): a
   * feed without courses.csv may still name courses in classes.csv.
   */
  whenKindInUse?: boolean;
}

export interface FileSpec {
  columns: readonly string[];
  required: readonly string[];
  dates: readonly string[];
  enums: Readonly<Record<string, readonly string[]>>;
  booleans: readonly string[];
  references: readonly ReferenceRule[];
}

const COMMON = ['sourcedId', 'status', 'dateLastModified'] as const;

export const ROSTER_FILE_SPECS: Record<RosterKind, FileSpec> = {
  academicSessions: {
    columns: [...COMMON, 'title', 'type', 'startDate', 'endDate', 'parentSourcedId', 'schoolYear'],
    required: ['title', 'type', 'startDate', 'endDate', 'schoolYear'],
    dates: ['startDate', 'endDate'],
    enums: { type: ['gradingPeriod', 'semester', 'schoolYear', 'term'] },
    booleans: [],
    references: [{ column: 'parentSourcedId', kind: 'academicSessions', optional: true }],
  },
  orgs: {
    columns: [...COMMON, 'name', 'type', 'identifier', 'parentSourcedId'],
    required: ['name', 'type'],
    dates: [],
    enums: { type: ['department', 'school', 'district', 'local', 'state', 'national'] },
    booleans: [],
    references: [{ column: 'parentSourcedId', kind: 'orgs', optional: true }],
  },
  courses: {
    columns: [
      ...COMMON,
      'schoolYearSourcedId',
      'title',
      'courseCode',
      'grades',
      'orgSourcedId',
      'subjects',
      'subjectCodes',
    ],
    required: ['title', 'orgSourcedId'],
    dates: [],
    enums: {},
    booleans: [],
    references: [
      { column: 'schoolYearSourcedId', kind: 'academicSessions', optional: true },
      { column: 'orgSourcedId', kind: 'orgs' },
    ],
  },
  users: {
    columns: [
      ...COMMON,
      'enabledUser',
      'username',
      'userIds',
      'givenName',
      'familyName',
      'middleName',
      'identifier',
      'email',
      'sms',
      'phone',
      'agentSourcedIds',
      'grades',
      'password',
      'userMasterIdentifier',
      'resourceSourcedIds',
      'preferredGivenName',
      'preferredMiddleName',
      'preferredFamilyName',
      'primaryOrgSourcedId',
      'pronouns',
    ],
    required: ['enabledUser', 'givenName', 'familyName'],
    dates: [],
    enums: {},
    booleans: ['enabledUser'],
    references: [{ column: 'primaryOrgSourcedId', kind: 'orgs', optional: true }],
  },
  roles: {
    columns: [
      ...COMMON,
      'userSourcedId',
      'roleType',
      'role',
      'beginDate',
      'endDate',
      'orgSourcedId',
      'userProfileSourcedId',
    ],
    required: ['userSourcedId', 'roleType', 'role', 'orgSourcedId'],
    dates: ['beginDate', 'endDate'],
    enums: {
      roleType: ['primary', 'secondary'],
      role: [
        'aide',
        'counselor',
        'districtAdministrator',
        'guardian',
        'parent',
        'principal',
        'proctor',
        'relative',
        'siteAdministrator',
        'student',
        'systemAdministrator',
        'teacher',
      ],
    },
    booleans: [],
    references: [
      { column: 'userSourcedId', kind: 'users' },
      { column: 'orgSourcedId', kind: 'orgs' },
    ],
  },
  classes: {
    columns: [
      ...COMMON,
      'title',
      'grades',
      'courseSourcedId',
      'classCode',
      'classType',
      'location',
      'schoolSourcedId',
      'termSourcedIds',
      'subjects',
      'subjectCodes',
      'periods',
    ],
    required: ['title', 'classType', 'schoolSourcedId', 'termSourcedIds'],
    dates: [],
    enums: { classType: ['homeroom', 'scheduled'] },
    booleans: [],
    references: [
      { column: 'schoolSourcedId', kind: 'orgs' },
      { column: 'termSourcedIds', kind: 'academicSessions', multiple: true },
      { column: 'courseSourcedId', kind: 'courses', optional: true, whenKindInUse: true },
    ],
  },
  enrollments: {
    columns: [
      ...COMMON,
      'classSourcedId',
      'schoolSourcedId',
      'userSourcedId',
      'role',
      'primary',
      'beginDate',
      'endDate',
    ],
    required: ['classSourcedId', 'schoolSourcedId', 'userSourcedId', 'role'],
    dates: ['beginDate', 'endDate'],
    enums: { role: ['administrator', 'proctor', 'student', 'teacher', 'aide', 'guardian', 'parent', 'relative'] },
    booleans: ['primary'],
    references: [
      { column: 'classSourcedId', kind: 'classes' },
      { column: 'schoolSourcedId', kind: 'orgs' },
      { column: 'userSourcedId', kind: 'users' },
    ],
  },
  demographics: {
    columns: [
      ...COMMON,
      'birthDate',
      'sex',
      'americanIndianOrAlaskaNative',
      'asian',
      'blackOrAfricanAmerican',
      'nativeHawaiianOrOtherPacificIslander',
      'white',
      'demographicRaceTwoOrMoreRaces',
      'hispanicOrLatinoEthnicity',
      'countryOfBirthCode',
      'stateOfBirthAbbreviation',
      'cityOfBirth',
      'publicSchoolResidenceStatus',
    ],
    required: [],
    dates: ['birthDate'],
    enums: { sex: ['male', 'female', 'unspecified', 'other'] },
    booleans: [
      'americanIndianOrAlaskaNative',
      'asian',
      'blackOrAfricanAmerican',
      'nativeHawaiianOrOtherPacificIslander',
      'white',
      'demographicRaceTwoOrMoreRaces',
      'hispanicOrLatinoEthnicity',
      'metadata.economicallyDisadvantaged',
      'metadata.multilingualLearner',
      'metadata.iep',
    ],
    references: [{ column: 'sourcedId', kind: 'users' }],
  },
};

/** Order in which files are checked and applied: a file only refers to files before it. */
export const APPLY_ORDER: readonly RosterKind[] = [
  'orgs',
  'academicSessions',
  'courses',
  'users',
  'roles',
  'classes',
  'enrollments',
  'demographics',
];

/** CEDS grade codes as OneRoster writes them → the platform's grade. Others are not served by tutoring programs. */
export const normaliseGrade = (code: string): string | null => {
  const c = code.trim();
  if (c === 'PK' || c === 'TK') return 'PK';
  if (c === 'KG' || c === 'K') return 'K';
  const n = /^0?([1-9]|1[0-2])$/.exec(c);
  return n ? (n[1] as string) : null;
};
