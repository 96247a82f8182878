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
import { schoolPatterns } from './patterns';
import { buildSchoolModel, decodeSchool, GROUP_COST, type SchoolProblem } from './school-milp';

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
    for (const c of g.cells) u.busy.add(c);
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
      p = schoolPatterns(input, schoolId);
      cache.set(schoolId, p);
    }
    return p;
  };
};

const releaseUsage = (usage: Map<string, TutorUsage>, groups: ProposedGroup[]): void => {
  for (const g of groups) {
    const u = usage.get(g.tutorId);
    if (!u) continue;
    u.groups--;
    for (const c of g.cells) u.busy.delete(c);
  }
};

interface SchoolOutcome {
  groups: ProposedGroup[];
  stat: SchoolSolveStats;
  seconds: number;
}

/** One school: build its model on the tutors' remaining time, solve, decode, record usage, first-fit the rest. */
const solveSchool = async (
  problem: SchoolProblem,
  total: number,
  solver: MilpSolver,
  timeLimitSeconds: number,
  absoluteGap: number,
): Promise<SchoolOutcome> => {
  const built = buildSchoolModel(problem);
  let groups: ProposedGroup[] = [];
  let stat: SchoolSolveStats = {
    schoolId: problem.schoolId,
    students: total,
    placed: 0,
    columns: built.model.cost.length,
    rows: built.model.rows.length,
    status: 'empty',
    objective: 0,
    bound: 0,
    solveMs: 0,
  };
  let seconds = 0;
  if (built.model.cost.length > 0) {
    const solution = await solver.solve(built.model, { timeLimitSeconds, absoluteGap });
    seconds = solution.seconds;
    if (solution.status === 'optimal' || solution.status === 'time_limit')
      groups = decodeSchool(problem, built, solution.values);
    stat = {
      ...stat,
      status: solution.status,
      objective: solution.objective,
      bound: solution.bound,
      solveMs: Math.round(seconds * 1000),
    };
  }
  groups = groups.filter((g) => g.studentIds.length > 0);
  recordUsage(problem.usage, groups);
  // Repair: whoever the rounding or a time-limited solve left out gets first-fit into remaining room.
  const placed = new Set(groups.flatMap((g) => g.studentIds));
  firstFit(
    problem,
    groups,
    problem.students.filter((s) => !placed.has(s.studentId)),
  );
  const placedNow = groups.reduce((n, g) => n + g.studentIds.length, 0);
  // The objective of the final answer (after repair), so the reported gap is that of what is returned.
  const objective = Math.max(stat.objective, placedNow - GROUP_COST * groups.length);
  return { groups, stat: { ...stat, placed: placedNow, objective }, seconds };
};

export const autoSchedule = async (
  input: AutoScheduleInput,
  solver: MilpSolver,
  options: AutoScheduleOptions = DEFAULT_AUTO_SCHEDULE_OPTIONS,
): Promise<AutoScheduleResult> => {
  const patternsOf = patternCache(input);
  const usage = new Map<string, TutorUsage>();
  const schools = [...bySchool(input.students)];
  const outcomes = new Map<string, SchoolOutcome & { problem: SchoolProblem; total: number }>();
  let used = 0;
  let left = schools.length;
  for (const [schoolId, all] of schools) {
    const timeLimitSeconds = Math.max(options.timeLimitSecondsPerSchool, (options.totalTimeLimitSeconds - used) / left);
    left--;
    const students = all.filter((s) => s.vendorId !== null);
    const problem: SchoolProblem = { schoolId, input, students, patterns: patternsOf(schoolId), usage };
    const outcome = await solveSchool(problem, all.length, solver, timeLimitSeconds, options.absoluteGap);
    used += outcome.seconds;
    outcomes.set(schoolId, { ...outcome, problem, total: all.length });
  }
  // Second pass: schools stopped by their time limit with students possibly still to gain get the budget left over,
  // largest gap first; a re-solve is kept only if it places more students.
  const unfinished = [...outcomes.values()]
    .filter((o) => o.stat.status === 'time_limit' && o.stat.bound - o.stat.objective >= 1)
    .sort((a, b) => b.stat.bound - b.stat.objective - (a.stat.bound - a.stat.objective));
  for (const [i, previous] of unfinished.entries()) {
    const timeLimitSeconds = (options.totalTimeLimitSeconds - used) / (unfinished.length - i);
    if (timeLimitSeconds < options.timeLimitSecondsPerSchool) break;
    releaseUsage(usage, previous.groups);
    const again = await solveSchool(previous.problem, previous.total, solver, timeLimitSeconds, options.absoluteGap);
    used += again.seconds;
    const solveMs = previous.stat.solveMs + again.stat.solveMs;
    if (again.stat.placed > previous.stat.placed) {
      outcomes.set(previous.stat.schoolId, { ...previous, ...again, stat: { ...again.stat, solveMs } });
    } else {
      releaseUsage(usage, again.groups);
      recordUsage(usage, previous.groups);
      outcomes.set(previous.stat.schoolId, { ...previous, stat: { ...previous.stat, solveMs } });
    }
  }
  const all = [...outcomes.values()];
  return finish(
    input,
    all.flatMap((o) => o.groups),
    patternsOf,
    all.map((o) => o.stat),
  );
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
