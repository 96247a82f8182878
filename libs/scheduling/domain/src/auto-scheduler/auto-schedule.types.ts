// The auto-scheduler's input and output. A "cell" is one period on one weekday of the school's weekly bell
// schedule, written 'weekday:period' (e.g. '1:P3' = Monday period 3).

export type Cell = string;
export const cellOf = (weekday: number, period: string): Cell => `${weekday}:${period}`;

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
  students: AutoScheduleStudent[];
  tutors: AutoScheduleTutor[];
}

/** A weekly meeting pattern: the same period on `sessionsPerWeek` weekdays. */
export interface Pattern {
  id: number;
  weekdays: number[];
  period: string;
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
