// Builders for the domain's unit tests (not exported from the library).
import type { BellSchedule, SchoolCalendar } from './calendar/bell-schedule';
import type { PlanContext } from './conflicts/group-plan.check';
import type { ProgramRules, ScheduledGroup, StudentPlacement, TutorProfile } from './groups/group.types';
import type { RecurringSlot } from './slots/recurring-slot';
import { datesBetween, isoWeekday } from './time/local-time';

export const uid = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
export const SCHOOL = uid(900);
export const VENDOR = uid(901);
export const PROGRAM = uid(902);
export const DISTRICT = uid(903);

export const weeklyBell = (overrides: Partial<BellSchedule> = {}): BellSchedule => ({
  schoolId: SCHOOL,
  rotation: { kind: 'weekly' },
  periods: {
    '*': [
      { code: 'P1', start: '08:00', end: '08:50' },
      { code: 'P2', start: '09:00', end: '09:50' },
      { code: 'P3', start: '10:00', end: '10:45' },
    ],
  },
  ...overrides,
});

/** Weekdays from `from` to `to` except the listed holidays. */
export const calendar = (from: string, to: string, holidays: string[] = []): SchoolCalendar => ({
  schoolId: SCHOOL,
  instructionalDays: new Set(datesBetween(from, to).filter((d) => isoWeekday(d) <= 5 && !holidays.includes(d))),
});

export const slot = (overrides: Partial<RecurringSlot> = {}): RecurringSlot => ({
  slotId: 'mwf-p2',
  weekdays: [1, 3, 5],
  period: 'P2',
  minutes: 30,
  dayTypes: null,
  location: 'Room 12',
  supervisorId: 'staff-1',
  ...overrides,
});

export const program = (overrides: Partial<ProgramRules> = {}): ProgramRules => ({
  programId: PROGRAM,
  subject: 'math',
  gradeBand: { from: '3', to: '5' },
  maxGroupSize: 4,
  target: { sessionsPerWeek: 3, minutesPerSession: 30, weeks: 10 },
  startDate: '2026-09-01',
  endDate: '2027-05-31',
  vendorIds: [VENDOR],
  ...overrides,
});

export const tutor = (n: number, overrides: Partial<TutorProfile> = {}): TutorProfile => ({
  tutorId: uid(n),
  vendorId: VENDOR,
  clearedUntil: '2027-12-31',
  subjects: ['math'],
  gradeBands: [{ from: '3', to: '5' }],
  availability: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, from: '07:30', to: '15:00' })),
  maxGroups: 3,
  active: true,
  ...overrides,
});

export const student = (n: number, grade = '4', overrides: Partial<StudentPlacement> = {}): StudentPlacement => ({
  studentId: uid(n),
  schoolId: SCHOOL,
  grade,
  enrolledVendorId: VENDOR,
  ...overrides,
});

export const group = (n: number, overrides: Partial<ScheduledGroup> = {}): ScheduledGroup => ({
  groupId: uid(n),
  districtId: DISTRICT,
  programId: PROGRAM,
  schoolId: SCHOOL,
  vendorId: VENDOR,
  tutorId: uid(100),
  studentIds: [uid(1), uid(2)],
  slots: [slot()],
  version: 1,
  status: 'active',
  reassignments: 0,
  ...overrides,
});

export const context = (overrides: Partial<PlanContext> = {}, tutors: TutorProfile[] = [tutor(100)]): PlanContext => ({
  program: program(),
  students: new Map([1, 2, 3, 4, 5, 6].map((n) => [uid(n), student(n)])),
  tutor: tutors[0],
  otherGroups: [],
  schedules: new Map([[SCHOOL, weeklyBell()]]),
  effectiveDate: '2026-11-02',
  ...overrides,
});
