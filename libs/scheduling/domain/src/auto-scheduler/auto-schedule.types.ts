// The auto-scheduler's input and output. A "cell" is one period on one weekday: on a weekly bell schedule
// 'weekday:period' (e.g. '1:P3' = Monday period 3); on a rotating (A/B) schedule the day type comes first,
// 'dayType/weekday:period' (e.g. 'B/1:P3' = period 3 of a B day falling on a Monday), because the period, its
// time, the students' free periods and the tutors' availability all depend on the day type.

export type Cell = string;
export const cellOf = (weekday: number, period: string, dayType?: string | null): Cell =>
  dayType && dayType !== '*' ? `${dayType}/${weekday}:${period}` : `${weekday}:${period}`;

/**
 * A school on a rotating (A/B…) bell schedule, its rotation resolved over the planning horizon: which day types
 * actually fall on each weekday (e.g. with A/B over five-day weeks, every weekday is sometimes A and sometimes B),
 * and the period codes each day type has (long enough for a session).
 */
export interface RotatingSchool {
  /** Period codes per day type, e.g. { A: ['P1'…'P7'], B: ['P1'…'P6'] }. */
  periods: Record<string, string[]>;
  /** Day types met on each ISO weekday over the horizon (keyed '1'…'7'); a weekday absent or empty never meets. */
  dayTypesOn: Record<string, string[]>;
}

export interface AutoScheduleStudent {
  studentId: string;
  schoolId: string;
  grade: string;
  /** Vendor of the student's enrolment (enrolled and consented); null = cannot be scheduled. */
  vendorId: string | null;
  /** Cells in which the student is free for tutoring (intervention blocks). */
  free: Cell[];
}

export interface AutoScheduleTutor {
  tutorId: string;
  vendorId: string;
  /** Schools the tutor can serve. */
  schoolIds: string[];
  subjects: string[];
  gradeBands: { from: string; to: string }[];
  clearedUntil: string | null;
  active: boolean;
  /** Most groups the tutor may lead. */
  maxGroups: number;
  /** Cells in which the tutor is available, per school (computed from the tutor's weekly windows and the bell schedule). */
  available: Record<string, Cell[]>;
}

export interface AutoScheduleProgram {
  programId: string;
  subject: string;
  maxGroupSize: number;
  sessionsPerWeek: number;
  minutesPerSession: number;
  /** Clearance must hold through this date. */
  endDate: string;
}

export interface AutoScheduleInput {
  program: AutoScheduleProgram;
  /** Weekdays the schools run (ISO, e.g. [1,2,3,4,5]) and the period codes of each school's weekly schedule. */
  weekdays: number[];
  periodsBySchool: Record<string, string[]>;
  /** Schools on a rotating schedule (their entry in periodsBySchool is then ignored); absent = weekly. */
  rotatingSchools?: Record<string, RotatingSchool>;
  students: AutoScheduleStudent[];
  tutors: AutoScheduleTutor[];
}

/**
 * A weekly meeting pattern: `sessionsPerWeek` weekdays, meeting on every one of them whatever its day type. On a
 * weekly schedule the same period each day; on a rotating one a period per day type (the same or not), so the group
 * meets on each of those weekdays every week: its cells are every (day type, weekday) that occurs, with that day
 * type's period — the student must be free and the tutor available in all of them.
 */
export interface Pattern {
  id: number;
  weekdays: number[];
  /** The period (on a rotating schedule: of the first day type; see periodsByDayType). */
  period: string;
  /** Rotating schedules: the period on each day type that falls on these weekdays; null on a weekly schedule. */
  periodsByDayType: Record<string, string> | null;
  cells: Cell[];
}

export interface ProposedGroup {
  schoolId: string;
  vendorId: string;
  tutorId: string;
  gradeBand: string;
  studentIds: string[];
  weekdays: number[];
  period: string;
  /** Rotating schedules: the period on each day type (one recurring slot per day type); null on a weekly one. */
  periodsByDayType: Record<string, string> | null;
  /** Every cell the group occupies (its tutor and students are booked there). */
  cells: Cell[];
}

export const UNPLACED_REASONS = [
  'not_enrolled_with_vendor',
  'no_free_pattern',
  'no_qualified_tutor',
  'no_tutor_in_free_periods',
  'capacity_exhausted',
] as const;
export type UnplacedReason = (typeof UNPLACED_REASONS)[number];

export interface UnplacedStudent {
  studentId: string;
  schoolId: string;
  reason: UnplacedReason;
  explanation: string;
}

export interface SchoolSolveStats {
  schoolId: string;
  students: number;
  placed: number;
  columns: number;
  rows: number;
  status: string;
  /** Objective value found and the solver's proven bound on it (students placed, minus a tiny group cost). */
  objective: number;
  bound: number;
  solveMs: number;
}

export interface AutoScheduleResult {
  groups: ProposedGroup[];
  unplaced: UnplacedStudent[];
  placed: number;
  students: number;
  /** Relative optimality gap over all schools: (bound − placed) / bound, 0 when every school was proven optimal. */
  gap: number;
  schools: SchoolSolveStats[];
}

// ── the solver port (HiGHS in infrastructure) ──────────────────────────────────────────────────────────────
export interface MilpModel {
  /** Maximise Σ cost·x. */
  cost: number[];
  lower: number[];
  upper: number[];
  integer: boolean[];
  /** Sparse rows: lower ≤ Σ values·x[indices] ≤ upper. */
  rows: { indices: number[]; values: number[]; lower: number; upper: number }[];
}

export interface MilpSolution {
  status: 'optimal' | 'time_limit' | 'infeasible' | 'error';
  values: ArrayLike<number>;
  objective: number;
  /** Proven upper bound on the objective (maximisation). */
  bound: number;
  /** Wall-clock seconds the solver ran. */
  seconds: number;
}

export interface MilpSolver {
  /** Stops at the time limit, or once the incumbent is within `absoluteGap` of the proven bound. */
  solve(model: MilpModel, options: { timeLimitSeconds: number; absoluteGap: number }): Promise<MilpSolution>;
}
