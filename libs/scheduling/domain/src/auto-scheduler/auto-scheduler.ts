// The auto-scheduler: decomposes the district per school (schools share no students; a tutor serving several
// schools carries its booked cells and groups from one school's solve to the next), solves each school's
// assignment MILP, fills any leftover room first-fit, and explains every student it could not place.
import type {
  AutoScheduleInput,
  AutoScheduleResult,
  AutoScheduleStudent,
  MilpSolver,
  Pattern,
  ProposedGroup,
  SchoolSolveStats,
} from './auto-schedule.types';
import type { TutorUsage } from './eligibility';
import { explainUnplaced } from './explain';
import { firstFit } from './greedy';
import { weeklyPatterns } from './patterns';
import { buildSchoolModel, decodeSchool, type SchoolProblem } from './school-milp';

export interface AutoScheduleOptions {
  /** Floor of each school's time limit. */
  timeLimitSecondsPerSchool: number;
  /**
   * Solver budget for the whole district: a school may use its share of what is left ((budget − used) / schools
   * left, at least the floor), so time a quickly solved school did not need goes to the harder ones.
   */
  totalTimeLimitSeconds: number;
  /**
   * Absolute gap at which a school's solve stops. Below 1, the number of students placed is proven optimal; only
   * the secondary goal (fewer groups, worth GROUP_COST each) may still be improvable.
   */
  absoluteGap: number;
}

export const DEFAULT_AUTO_SCHEDULE_OPTIONS: AutoScheduleOptions = {
  timeLimitSecondsPerSchool: 1.5,
  totalTimeLimitSeconds: 40,
  absoluteGap: 0.99,
};

const bySchool = (students: AutoScheduleStudent[]): Map<string, AutoScheduleStudent[]> => {
  const m = new Map<string, AutoScheduleStudent[]>();
  for (const s of students) m.set(s.schoolId, [...(m.get(s.schoolId) ?? []), s]);
  return new Map([...m].sort(([a], [b]) => a.localeCompare(b)));
};

const recordUsage = (usage: Map<string, TutorUsage>, groups: ProposedGroup[]): void => {
  for (const g of groups) {
    const u = usage.get(g.tutorId) ?? { busy: new Set<string>(), groups: 0 };
    u.groups++;
    for (const d of g.weekdays) u.busy.add(`${d}:${g.period}`);
    usage.set(g.tutorId, u);
  }
};

const finish = (
  input: AutoScheduleInput,
  groups: ProposedGroup[],
  patternsOf: (schoolId: string) => Pattern[],
  schools: SchoolSolveStats[],
): AutoScheduleResult => {
  const kept = groups.filter((g) => g.studentIds.length > 0);
  const placed = new Set(kept.flatMap((g) => g.studentIds));
  const unplaced = input.students
    .filter((s) => !placed.has(s.studentId))
    .map((s) => explainUnplaced(input, s, patternsOf(s.schoolId)));
  const bound = schools.reduce((n, s) => n + s.bound, 0);
  const objective = schools.reduce((n, s) => n + s.objective, 0);
  return {
    groups: kept,
    unplaced,
    placed: placed.size,
    students: input.students.length,
    gap: bound > 0 ? Math.max(0, (bound - objective) / bound) : 0,
    schools,
  };
};

const patternCache = (input: AutoScheduleInput) => {
  const cache = new Map<string, Pattern[]>();
  return (schoolId: string): Pattern[] => {
    let p = cache.get(schoolId);
    if (!p) {
      p = weeklyPatterns(input.weekdays, input.periodsBySchool[schoolId] ?? [], input.program.sessionsPerWeek);
      cache.set(schoolId, p);
    }
    return p;
  };
};

export const autoSchedule = async (
  input: AutoScheduleInput,
  solver: MilpSolver,
  options: AutoScheduleOptions = DEFAULT_AUTO_SCHEDULE_OPTIONS,
): Promise<AutoScheduleResult> => {
  const patternsOf = patternCache(input);
  const usage = new Map<string, TutorUsage>();
  const groups: ProposedGroup[] = [];
  const stats: SchoolSolveStats[] = [];
  const schools = bySchool(input.students);
  let used = 0;
  let left = schools.size;
  for (const [schoolId, all] of schools) {
    const timeLimitSeconds = Math.max(options.timeLimitSecondsPerSchool, (options.totalTimeLimitSeconds - used) / left);
    left--;
    const students = all.filter((s) => s.vendorId !== null);
    const problem: SchoolProblem = { schoolId, input, students, patterns: patternsOf(schoolId), usage };
    const built = buildSchoolModel(problem);
    let schoolGroups: ProposedGroup[] = [];
    let stat: SchoolSolveStats = {
      schoolId,
      students: all.length,
      placed: 0,
      columns: built.model.cost.length,
      rows: built.model.rows.length,
      status: 'empty',
      objective: 0,
      bound: 0,
      solveMs: 0,
    };
    if (built.model.cost.length > 0) {
      const solution = await solver.solve(built.model, { timeLimitSeconds, absoluteGap: options.absoluteGap });
      used += solution.seconds;
      if (solution.status === 'optimal' || solution.status === 'time_limit')
        schoolGroups = decodeSchool(problem, built, solution.values);
      stat = {
        ...stat,
        status: solution.status,
        objective: solution.objective,
        bound: solution.bound,
        solveMs: Math.round(solution.seconds * 1000),
      };
    }
    schoolGroups = schoolGroups.filter((g) => g.studentIds.length > 0);
    recordUsage(usage, schoolGroups);
    // Repair: whoever the rounding or a time-limited solve left out gets first-fit into remaining room.
    const placed = new Set(schoolGroups.flatMap((g) => g.studentIds));
    firstFit(
      problem,
      schoolGroups,
      students.filter((s) => !placed.has(s.studentId)),
    );
    groups.push(...schoolGroups);
    stats.push({ ...stat, placed: schoolGroups.reduce((n, g) => n + g.studentIds.length, 0) });
  }
  return finish(input, groups, patternsOf, stats);
};

/** The baseline: first-fit only, same decomposition and rules, no solver. */
export const greedySchedule = (input: AutoScheduleInput): AutoScheduleResult => {
  const patternsOf = patternCache(input);
  const usage = new Map<string, TutorUsage>();
  const groups: ProposedGroup[] = [];
  const stats: SchoolSolveStats[] = [];
  for (const [schoolId, all] of bySchool(input.students)) {
    const students = all.filter((s) => s.vendorId !== null);
    const schoolGroups: ProposedGroup[] = [];
    const placed = firstFit(
      { schoolId, input, students, patterns: patternsOf(schoolId), usage },
      schoolGroups,
      students,
    );
    groups.push(...schoolGroups);
    stats.push({
      schoolId,
      students: all.length,
      placed: placed.size,
      columns: 0,
      rows: 0,
      status: 'greedy',
      objective: placed.size,
      bound: placed.size,
      solveMs: 0,
    });
  }
  return finish(input, groups, patternsOf, stats);
};
