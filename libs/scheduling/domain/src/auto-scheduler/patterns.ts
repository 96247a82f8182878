import { cellOf, type Pattern } from './auto-schedule.types';

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
    for (const ds of days) out.push({ id: out.length, weekdays: ds, period, cells: ds.map((d) => cellOf(d, period)) });
  return out;
};

export const fits = (pattern: Pattern, cells: ReadonlySet<string>): boolean => pattern.cells.every((c) => cells.has(c));
