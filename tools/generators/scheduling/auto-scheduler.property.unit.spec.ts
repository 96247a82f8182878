// On many small random districts: the auto-scheduler never breaks a hard rule (independent validator), accounts
// for every student (placed or explained), and never places fewer students than the first-fit baseline.
import fc from 'fast-check';
import { autoScheduleWithHighs, greedyBaselineSchedule } from '@tutoring/scheduling/infrastructure';
import { generateDistrict } from './district.generator';
import { validateSchedule } from './schedule.validator';

describe('auto-scheduler on random small districts (property)', () => {
  it('keeps every hard rule, explains the rest, and places at least as many as first-fit', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
          schools: fc.integer({ min: 1, max: 2 }),
          studentsPerSchool: fc.integer({ min: 4, max: 40 }),
          tutorsPerSchool: fc.integer({ min: 2, max: 12 }),
          vendors: fc.integer({ min: 1, max: 3 }),
          periods: fc.integer({ min: 2, max: 6 }),
          rotatingEvery: fc.integer({ min: 1, max: 2 }), // all schools, or every other one, on A/B days
        }),
        async (shape) => {
          const district = generateDistrict(shape);
          // Break the planted schedule now and then: take away tutors so not everyone fits.
          if (shape.seed % 2 === 0) district.tutors = district.tutors.filter((_, i) => i % 3 !== 0);
          const milp = await autoScheduleWithHighs(district);
          const greedy = greedyBaselineSchedule(district);
          const check = validateSchedule(district, milp.groups);
          expect(check.violations).toEqual([]);
          expect(validateSchedule(district, greedy.groups).violations).toEqual([]);
          expect(check.fullDose).toBe(milp.placed);
          expect(milp.placed + milp.unplaced.length).toBe(district.students.length);
          expect(milp.placed).toBeGreaterThanOrEqual(greedy.placed);
        },
      ),
      { numRuns: 25 },
    );
  }, 120_000);
});
