import { checkRoster, type ExistingIds, type RosterFileInput } from './roster.check';
import { ROSTER_KINDS } from './oneroster.spec';
import { studentRecords } from './student-records';

const none = (): ExistingIds => Object.fromEntries(ROSTER_KINDS.map((k) => [k, new Set<string>()])) as unknown as ExistingIds;
const file = (fileName: string, lines: string[]): RosterFileInput => ({ fileName, text: `${lines.join('\n')}\n` });

const ORGS = ['sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId', 'sch1,,,School 1,school,S1,'];
const SESSIONS = [
  'sourcedId,status,dateLastModified,title,type,startDate,endDate,parentSourcedId,schoolYear',
  'y1,,,2026-2027,schoolYear,2026-08-24,2027-06-04,,2027',
];
const USERS = [
  'sourcedId,status,dateLastModified,enabledUser,givenName,familyName,grades,primaryOrgSourcedId',
  't1,,,true,Tea,Cher,,sch1',
  's1,,,true,Stu,Dent,07,sch1',
];
const COURSES = [
  'sourcedId,status,dateLastModified,schoolYearSourcedId,title,courseCode,grades,orgSourcedId,subjects,subjectCodes',
  'c1,,,y1,Math 7,M7,07,sch1,math,',
];
const ROLES = [
  'sourcedId,status,dateLastModified,userSourcedId,roleType,role,beginDate,endDate,orgSourcedId,userProfileSourcedId',
  'r1,,,t1,primary,teacher,2026-08-24,,sch1,',
  'r2,,,s1,primary,student,,,sch1,',
];
const CLASSES = [
  'sourcedId,status,dateLastModified,title,classType,schoolSourcedId,termSourcedIds,courseSourcedId',
  'k1,,,Math 7 A,scheduled,sch1,y1,c1',
];
const manifest = (kinds: string[], mode = 'bulk') =>
  file('manifest.csv', ['propertyName,value', 'oneroster.version,1.2', ...kinds.map((k) => `file.${k},${mode}`)]);

const set = (overrides: Record<string, string[] | null> = {}) => {
  const files: Record<string, string[]> = {
    orgs: ORGS,
    academicSessions: SESSIONS,
    users: USERS,
    courses: COURSES,
    roles: ROLES,
    classes: CLASSES,
  };
  for (const [k, v] of Object.entries(overrides)) {
    if (v === null) delete files[k];
    else files[k] = v;
  }
  return [manifest(Object.keys(files)), ...Object.entries(files).map(([k, lines]) => file(`${k}.csv`, lines))];
};

describe('OneRoster roles.csv and courses.csv checks', () => {
  it('accepts a valid set: roles name a teacher and a student, classes name their course', () => {
    const checked = checkRoster(set(), none());
    expect(checked.errors).toEqual([]);
    expect(checked.rows.roles.map((r) => r.sourcedId)).toEqual(['r1', 'r2']);
    expect(checked.rows.courses.map((r) => r.sourcedId)).toEqual(['c1']);
    // a student role makes s1 a student without any student enrollment; t1 stays a sourcedId only
    const records = studentRecords(checked, new Set(), new Set(['sch1']));
    expect(records.users.map((u) => u.sourcedId)).toEqual(['s1']);
    expect(records.otherUserIds).toEqual(['t1']);
  });

  it.each<[string, Record<string, string[]>, { file: string; line: number; column: string | null; reason: RegExp }]>([
    [
      'unknown column in roles.csv',
      { roles: [ROLES[0] + ',nickname', 'r1,,,t1,primary,teacher,,,sch1,,x'] },
      { file: 'roles.csv', line: 1, column: 'nickname', reason: /unknown column/ },
    ],
    [
      'missing required column in courses.csv',
      { courses: ['sourcedId,status,dateLastModified,title', 'c1,,,Math'] },
      { file: 'courses.csv', line: 1, column: 'orgSourcedId', reason: /required column is missing/ },
    ],
    [
      'bad date in roles.csv',
      { roles: [ROLES[0] as string, 'r1,,,t1,primary,teacher,2026-13-01,,sch1,'] },
      { file: 'roles.csv', line: 2, column: 'beginDate', reason: /not a date/ },
    ],
    [
      'unknown role',
      { roles: [ROLES[0] as string, 'r1,,,t1,primary,wizard,,,sch1,'] },
      { file: 'roles.csv', line: 2, column: 'role', reason: /not one of/ },
    ],
    [
      'unknown roleType',
      { roles: [ROLES[0] as string, 'r1,,,t1,main,teacher,,,sch1,'] },
      { file: 'roles.csv', line: 2, column: 'roleType', reason: /not one of/ },
    ],
    [
      'role of an unknown user',
      { roles: [ROLES[0] as string, 'r1,,,nobody,primary,teacher,,,sch1,'] },
      { file: 'roles.csv', line: 2, column: 'userSourcedId', reason: /unknown reference "nobody"/ },
    ],
    [
      'duplicate sourcedId in roles.csv',
      { roles: [ROLES[0] as string, 'r1,,,t1,primary,teacher,,,sch1,', 'r1,,,s1,primary,student,,,sch1,'] },
      { file: 'roles.csv', line: 3, column: 'sourcedId', reason: /duplicate sourcedId "r1" \(first on line 2\)/ },
    ],
    [
      'course of an unknown org',
      { courses: [COURSES[0] as string, 'c1,,,y1,Math 7,M7,07,nowhere,math,'] },
      { file: 'courses.csv', line: 2, column: 'orgSourcedId', reason: /unknown reference "nowhere"/ },
    ],
    [
      'class naming an unknown course when courses.csv is in the set',
      { classes: [CLASSES[0] as string, 'k1,,,Math 7 A,scheduled,sch1,y1,c9'] },
      { file: 'classes.csv', line: 2, column: 'courseSourcedId', reason: /unknown reference "c9" \(no such courses/ },
    ],
    ['empty roles.csv', { roles: [''] }, { file: 'roles.csv', line: 1, column: null, reason: /file is empty/ }],
  ])('%s: a row-level report, and the row is not kept', (_name, overrides, expected) => {
    const checked = checkRoster(set(overrides), none());
    expect(checked.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          file: expected.file,
          line: expected.line,
          column: expected.column,
          reason: expect.stringMatching(expected.reason),
        }),
      ]),
    );
  });

  it('a class may name a course when the district uses no courses.csv (nothing to check it against)', () => {
    const checked = checkRoster(set({ courses: null }), none());
    expect(checked.errors).toEqual([]);
    expect(checked.rows.classes).toHaveLength(1);
  });

  it('a class naming an unknown course is refused once courses are stored, even without courses.csv', () => {
    const existing = none();
    existing.courses = new Set(['c2']);
    const checked = checkRoster(set({ courses: null }), existing);
    expect(checked.errors).toEqual([
      expect.objectContaining({ file: 'classes.csv', line: 2, column: 'courseSourcedId' }),
    ]);
  });
});
