// Districts, school calendars and programs: pure validation and the snapshots other services receive.
import { datesBetween, isLocalDate, isoWeekday } from './local-date';

export class OrganisationRuleViolation extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** True for a zone the runtime's IANA database knows (Intl is part of the language, not I/O). */
export const isIanaTimeZone = (zone: string): boolean => {
  if (!/^(UTC|[A-Z][A-Za-z_]+(\/[A-Za-z0-9_+-]+){1,2})$/.test(zone)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

export interface DistrictSnapshot {
  districtId: string;
  timeZone: string;
}

export const configureDistrict = (input: DistrictSnapshot): DistrictSnapshot => {
  if (!isIanaTimeZone(input.timeZone)) {
    throw new OrganisationRuleViolation('invalid_time_zone', `${input.timeZone} is not an IANA time zone`);
  }
  return { districtId: input.districtId, timeZone: input.timeZone };
};

/** How a calendar is described: the first and last day, the weekdays taught, and days off. */
export interface CalendarInput {
  schoolYear: string;
  firstDay: string;
  lastDay: string;
  /** ISO weekdays with instruction (default Monday–Friday). */
  weekdays?: number[];
  holidays: string[];
  earlyReleaseDays: string[];
}

export interface CalendarSnapshot {
  schoolYear: string;
  instructionalDays: string[];
  earlyReleaseDays: string[];
}

const MAX_YEAR_DAYS = 400;

export const buildCalendar = (input: CalendarInput): CalendarSnapshot => {
  const bad = [input.firstDay, input.lastDay, ...input.holidays, ...input.earlyReleaseDays].find(
    (d) => !isLocalDate(d),
  );
  if (bad !== undefined) throw new OrganisationRuleViolation('invalid_date', `${bad} is not a date (YYYY-MM-DD)`);
  const [start, end] = input.schoolYear.split('-').map(Number);
  if (!/^\d{4}-\d{4}$/.test(input.schoolYear) || end !== (start ?? 0) + 1) {
    throw new OrganisationRuleViolation('invalid_school_year', 'schoolYear must look like 2026-2027');
  }
  if (input.lastDay < input.firstDay)
    throw new OrganisationRuleViolation('invalid_range', 'lastDay is before firstDay');
  const range = datesBetween(input.firstDay, input.lastDay);
  if (range.length > MAX_YEAR_DAYS)
    throw new OrganisationRuleViolation('invalid_range', `a school year spans at most ${MAX_YEAR_DAYS} days`);
  const weekdays = new Set(input.weekdays ?? [1, 2, 3, 4, 5]);
  const holidays = new Set(input.holidays);
  const instructionalDays = range.filter((d) => weekdays.has(isoWeekday(d)) && !holidays.has(d));
  const taught = new Set(instructionalDays);
  const notTaught = input.earlyReleaseDays.find((d) => !taught.has(d));
  if (notTaught !== undefined) {
    throw new OrganisationRuleViolation('early_release_not_instructional', `${notTaught} is not an instructional day`);
  }
  const earlyReleaseDays = [...new Set(input.earlyReleaseDays)].sort();
  return { schoolYear: input.schoolYear, instructionalDays, earlyReleaseDays };
};

export const GRADES = ['PK', 'K', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12'] as const;
export type Grade = (typeof GRADES)[number];
export const gradeIndex = (grade: string): number => (GRADES as readonly string[]).indexOf(grade);
export const inGradeBand = (grade: string, band: { from: string; to: string }): boolean => {
  const i = gradeIndex(grade);
  return i >= 0 && i >= gradeIndex(band.from) && i <= gradeIndex(band.to);
};

export interface ProgramSnapshot {
  programId: string;
  districtId: string;
  name: string;
  subject: string;
  gradeBand: { from: string; to: string };
  target: { sessionsPerWeek: number; minutesPerSession: number; weeks: number };
  maxGroupSize: number;
  startDate: string;
  endDate: string;
  consentMode: 'opt_in' | 'opt_out';
  vendorIds: string[];
  plausibleHours: { from: string; to: string };
}

/** NSSA defaults apply where the program does not say otherwise; the result is the full snapshot. */
export const defineProgram = (input: ProgramSnapshot, knownVendorIds: ReadonlySet<string>): ProgramSnapshot => {
  const fail = (code: string, message: string): never => {
    throw new OrganisationRuleViolation(code, message);
  };
  if (gradeIndex(input.gradeBand.from) < 0 || gradeIndex(input.gradeBand.to) < 0)
    fail('invalid_grade', 'grades are PK, K, 1..12');
  if (gradeIndex(input.gradeBand.from) > gradeIndex(input.gradeBand.to))
    fail('invalid_grade_band', 'gradeBand.from is above gradeBand.to');
  if (!isLocalDate(input.startDate) || !isLocalDate(input.endDate)) fail('invalid_date', 'dates are YYYY-MM-DD');
  if (input.endDate < input.startDate) fail('invalid_range', 'endDate is before startDate');
  if (input.plausibleHours.to <= input.plausibleHours.from)
    fail('invalid_hours', 'plausibleHours.to must be after from');
  const unknown = input.vendorIds.find((v) => !knownVendorIds.has(v));
  if (unknown !== undefined) fail('unknown_vendor', `vendor ${unknown} is not registered in this district`);
  return { ...input, vendorIds: [...new Set(input.vendorIds)].sort() };
};

export const DEFAULT_PLAUSIBLE_HOURS = { from: '06:00', to: '20:00' } as const;
