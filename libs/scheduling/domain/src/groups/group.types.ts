import type { RecurringSlot } from '../slots/recurring-slot';
import type { GradeRange } from './grades';
import type { LocalDate } from '../time/local-time';

export interface ScheduledGroup {
  groupId: string;
  districtId: string;
  programId: string;
  schoolId: string;
  vendorId: string;
  tutorId: string;
  studentIds: string[];
  slots: RecurringSlot[];
  version: number;
  status: 'active' | 'dissolved';
  /** Tutor changes after formation (the tutor-consistency indicator counts them). */
  reassignments: number;
}

/** What scheduling knows of a program (from enrollment's ProgramDefined). */
export interface ProgramRules {
  programId: string;
  subject: string;
  gradeBand: GradeRange;
  maxGroupSize: number;
  target: { sessionsPerWeek: number; minutesPerSession: number; weeks: number };
  startDate: LocalDate;
  endDate: LocalDate;
  vendorIds: string[];
}

/** What scheduling knows of a student in one program (roster + enrolment). */
export interface StudentPlacement {
  studentId: string;
  schoolId: string;
  grade: string;
  /** Vendor of the student's enrolment in the program when enrolled (and consented); null otherwise. */
  enrolledVendorId: string | null;
}

/** What scheduling knows of a tutor (from enrollment's TutorRegistered). */
export interface TutorProfile {
  tutorId: string;
  vendorId: string;
  clearedUntil: LocalDate | null;
  subjects: string[];
  gradeBands: GradeRange[];
  availability: { weekday: number; from: string; to: string }[];
  maxGroups: number;
  active: boolean;
}
