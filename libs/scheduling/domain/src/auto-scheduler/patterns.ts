import { cellOf, type AutoScheduleInput, type Pattern, type RotatingSchool } from './auto-schedule.types';

const combinations = (items: number[], k: number): number[][] => {
  if (k === 0) return [[]];
  if (items.length < k) return [];
  const [first, ...rest] = items as [number, ...number[]];
  return [...combinations(rest, k - 1).map((c) => [first, ...c]), ...combinations(rest, k)];
};

/** Every way to meet `sessionsPerWeek` times a week in one period (the same period each day, as a recurring slot). */
export const weeklyPatterns = (weekdays: number[], periods: string[], sessionsPerWeek: number): Pattern[] => {
  const days = combinations(
    [...weekdays].sort((a, b) => a - b),
    sessionsPerWeek,
  );
  const out: Pattern[] = [];
  for (const period of periods)
    for (const ds of days)
      out.push({
        id: out.length,
        weekdays: ds,
        period,
        periodsByDayType: null,
        cells: ds.map((d) => cellOf(d, period)),
      });
  return out;
};

/** Every choice of one period per day type (cartesian product), day types in the given order. */
const periodChoices = (types: string[], periods: Record<string, string[]>): Record<string, string>[] =>
  types.reduce<Record<string, string>[]>(
    (acc, t) => acc.flatMap((choice) => (periods[t] ?? []).map((p) => ({ ...choice, [t]: p }))),
    [{}],
  );

/**
 * Patterns on a rotating schedule: `sessionsPerWeek` weekdays, and for every day type that falls on one of them
 * over the horizon, the period the group meets in on that day type. The group then meets on each chosen weekday
 * every week, whichever day type it is. Weekdays on which no day type falls (no instructional day) are never used.
 */
export const rotatingPatterns = (weekdays: number[], school: RotatingSchool, sessionsPerWeek: number): Pattern[] => {
  const typesOn = (d: number): string[] =>
    (school.dayTypesOn[String(d)] ?? []).filter((t) => (school.periods[t] ?? []).length > 0);
  const usable = [...weekdays].sort((a, b) => a - b).filter((d) => typesOn(d).length > 0);
  const out: Pattern[] = [];
  for (const ds of combinations(usable, sessionsPerWeek)) {
    const types = [...new Set(ds.flatMap(typesOn))].sort();
    for (const choice of periodChoices(types, school.periods)) {
      const cells = ds.flatMap((d) => typesOn(d).map((t) => cellOf(d, choice[t] ?? '', t)));
      out.push({ id: out.length, weekdays: ds, period: choice[types[0] ?? ''] ?? '', periodsByDayType: choice, cells });
    }
  }
  return out;
};

/** The patterns a school offers: rotating when the school is on a rotating schedule, weekly otherwise. */
export const schoolPatterns = (input: AutoScheduleInput, schoolId: string): Pattern[] => {
  const rotating = input.rotatingSchools?.[schoolId];
  return rotating
    ? rotatingPatterns(input.weekdays, rotating, input.program.sessionsPerWeek)
    : weeklyPatterns(input.weekdays, input.periodsBySchool[schoolId] ?? [], input.program.sessionsPerWeek);
};

/** Identifies a pattern by what it means (weekdays and periods), independent of its position in a list. */
export const patternKey = (p: Pick<Pattern, 'weekdays' | 'period' | 'periodsByDayType'>): string =>
  `${p.weekdays.join(',')}/${
    p.periodsByDayType
      ? Object.entries(p.periodsByDayType)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([t, code]) => `${t}=${code}`)
          .join(',')
      : p.period
  }`;

export const fits = (pattern: Pattern, cells: ReadonlySet<string>): boolean => pattern.cells.every((c) => cells.has(c));
