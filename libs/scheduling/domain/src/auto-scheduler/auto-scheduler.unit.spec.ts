import type { AutoScheduleInput, MilpModel, MilpSolution, MilpSolver } from './auto-schedule.types';
import { autoSchedule } from './auto-scheduler';

const cells = ['1:P1', '3:P1', '5:P1'];
const input: AutoScheduleInput = {
  program: {
    programId: 'p',
    subject: 'math',
    maxGroupSize: 4,
    sessionsPerWeek: 3,
    minutesPerSession: 30,
    endDate: '2027-06-11',
  },
  weekdays: [1, 2, 3, 4, 5],
  periodsBySchool: { a: ['P1'] },
  students: ['s1', 's2'].map((studentId) => ({ studentId, schoolId: 'a', grade: '4', vendorId: 'v', free: cells })),
  tutors: [
    {
      tutorId: 't',
      vendorId: 'v',
      schoolIds: ['a'],
      subjects: ['math'],
      gradeBands: [{ from: '3', to: '5' }],
      clearedUntil: '2027-12-31',
      active: true,
      maxGroups: 1,
      available: { a: cells },
    },
  ],
};

/** A solver that answers from a script: what a time-limited first solve and a finished second solve look like. */
class ScriptedSolver implements MilpSolver {
  readonly limits: number[] = [];
  constructor(private readonly answers: ((model: MilpModel) => MilpSolution)[]) {}
  async solve(model: MilpModel, options: { timeLimitSeconds: number }): Promise<MilpSolution> {
    this.limits.push(options.timeLimitSeconds);
    const answer = this.answers.shift();
    if (!answer) throw new Error('no scripted answer left');
    return answer(model);
  }
}

const nothing = (model: MilpModel): MilpSolution => ({
  status: 'time_limit',
  values: model.cost.map(() => 0),
  objective: 0,
  bound: 5, // leaves students to gain: worth a second solve
  seconds: 1,
});
const everything = (model: MilpModel): MilpSolution => ({
  status: 'optimal',
  values: model.cost.map(() => 1),
  objective: 1.99,
  bound: 1.99,
  seconds: 1,
});

describe('auto-scheduler budget', () => {
  it('re-solves a school stopped by its time limit with the budget left, keeping the re-solve only if it places more', async () => {
    const solver = new ScriptedSolver([nothing, everything]);
    const result = await autoSchedule(input, solver, {
      timeLimitSecondsPerSchool: 1,
      totalTimeLimitSeconds: 10,
      absoluteGap: 0.99,
    });
    expect(solver.limits).toEqual([10, 9]); // the second solve gets what the first left of the budget
    expect(result.placed).toBe(2);
    // first-fit repair had already placed both after the empty first answer: the re-solve is no better, so kept as was
    expect(result.schools[0]).toMatchObject({ status: 'time_limit', solveMs: 2000, placed: 2, objective: 1.99 });
    expect(result.gap).toBeCloseTo((5 - 1.99) / 5, 6); // of the answer returned, against the proven bound
  });

  it('does not re-solve when no budget is left', async () => {
    const solver = new ScriptedSolver([nothing]);
    const result = await autoSchedule(input, solver, {
      timeLimitSecondsPerSchool: 1,
      totalTimeLimitSeconds: 1,
      absoluteGap: 0.99,
    });
    expect(solver.limits).toEqual([1]);
    expect(result.placed).toBe(2); // the first-fit repair still places them
    expect(result.schools[0]?.status).toBe('time_limit');
  });
});
