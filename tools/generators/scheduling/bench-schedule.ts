// npm run bench:schedule — the auto-scheduler on the full generated district (30 schools, 6,000 students, 1,500
// tutors), beside the first-fit baseline measured in the same run, both checked by the independent validator.
import 'reflect-metadata'; // the contracts' DTO decorators load with the scheduling libs
import { performance } from 'node:perf_hooks';
import { autoScheduleWithHighs, greedyBaselineSchedule } from '@tutoring/scheduling/infrastructure';
import { FULL_DISTRICT, generateDistrict, type DistrictShape } from './district.generator';
import { validateSchedule } from './schedule.validator';

const shape: DistrictShape = {
  ...FULL_DISTRICT,
  ...(process.env['BENCH_SCHOOLS'] ? { schools: Number(process.env['BENCH_SCHOOLS']) } : {}),
  ...(process.env['BENCH_SEED'] ? { seed: Number(process.env['BENCH_SEED']) } : {}),
};

const main = async (): Promise<void> => {
  let t = performance.now();
  const district = generateDistrict(shape);
  const genMs = performance.now() - t;
  const n = district.students.length;
  console.log(
    `district: seed ${shape.seed}, ${shape.schools} schools, ${n} students, ${district.tutors.length} tutors (generated in ${genMs.toFixed(0)} ms)`,
  );

  t = performance.now();
  const greedy = greedyBaselineSchedule(district);
  const greedyMs = performance.now() - t;
  const greedyCheck = validateSchedule(district, greedy.groups);

  t = performance.now();
  const milp = await autoScheduleWithHighs(district);
  const milpMs = performance.now() - t;
  const milpCheck = validateSchedule(district, milp.groups);

  const pct = (x: number) => `${((100 * x) / n).toFixed(2)} %`;
  const solverMs = milp.schools.reduce((s, x) => s + x.solveMs, 0);
  console.log('');
  console.log('                     full dose      time        violations');
  console.log(
    `first-fit baseline   ${pct(greedyCheck.fullDose).padEnd(14)} ${`${greedyMs.toFixed(0)} ms`.padEnd(11)} ${greedyCheck.violations.length}`,
  );
  console.log(
    `HiGHS MILP + repair  ${pct(milpCheck.fullDose).padEnd(14)} ${`${milpMs.toFixed(0)} ms`.padEnd(11)} ${milpCheck.violations.length}`,
  );
  console.log('');
  console.log(
    `placed: MILP ${milpCheck.fullDose} / baseline ${greedyCheck.fullDose} = ${(milpCheck.fullDose / Math.max(1, greedyCheck.fullDose)).toFixed(3)}x`,
  );
  console.log(
    `time:   MILP ${milpMs.toFixed(0)} ms / baseline ${greedyMs.toFixed(0)} ms = ${(milpMs / Math.max(1, greedyMs)).toFixed(1)}x (solver itself ${solverMs} ms)`,
  );
  console.log(
    `optimality gap (sum of per-school bounds): ${(100 * milp.gap).toFixed(3)} %; schools proven optimal: ${milp.schools.filter((s) => s.status === 'optimal').length}/${milp.schools.length}`,
  );
  console.log(
    `largest school model: ${Math.max(...milp.schools.map((s) => s.columns))} columns, ${Math.max(...milp.schools.map((s) => s.rows))} rows`,
  );
  const reasons = new Map<string, number>();
  for (const u of milp.unplaced) reasons.set(u.reason, (reasons.get(u.reason) ?? 0) + 1);
  console.log(`unplaced by reason: ${[...reasons].map(([r, c]) => `${r}=${c}`).join(', ') || 'none'}`);
  console.log(
    `acceptance (>= 95 % full dose, <= 60 s, 0 violations): ${milpCheck.fullDose >= 0.95 * n && milpMs <= 60_000 && milpCheck.violations.length === 0 ? 'PASS' : 'FAIL'}`,
  );
  if (milpCheck.violations.length) console.log(milpCheck.violations.slice(0, 20).join('\n'));
};

void main();
