// The auto-scheduler wired to HiGHS, for the application layer and the bench/acceptance tools.
import {
  autoSchedule,
  DEFAULT_AUTO_SCHEDULE_OPTIONS,
  greedySchedule,
  type AutoScheduleInput,
  type AutoScheduleOptions,
  type AutoScheduleResult,
} from '@tutoring/scheduling/domain';
import { HighsMilpSolver } from './highs.solver';

export type { AutoScheduleInput, AutoScheduleOptions, AutoScheduleResult };

export const autoScheduleWithHighs = (
  input: AutoScheduleInput,
  options: AutoScheduleOptions = DEFAULT_AUTO_SCHEDULE_OPTIONS,
): Promise<AutoScheduleResult> => autoSchedule(input, new HighsMilpSolver(), options);

/** The first-fit baseline (no solver), same rules and decomposition. */
export const greedyBaselineSchedule = (input: AutoScheduleInput): AutoScheduleResult => greedySchedule(input);
