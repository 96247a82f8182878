// Tutors: who may tutor, what, when, and whether their background check covers a given date. Pure.
import { isLocalDate } from '../organisation/local-date';
import { gradeIndex } from '../organisation/organisation.rules';

export interface TutorSnapshot {
  tutorId: string;
  districtId: string;
  vendorId: string;
  /** Background check valid through this local date (inclusive); null = not cleared. */
  clearedUntil: string | null;
  subjects: string[];
  gradeBands: { from: string; to: string }[];
  credentials: string[];
  availability: { weekday: number; from: string; to: string }[];
  maxGroups: number;
  active: boolean;
}

export class TutorRuleViolation extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const SUBJECT = /^[a-z][a-z0-9_]{1,31}$/;
const TIME = /^([01][0-9]|2[0-3]):[0-5][0-9]$/;

export const registerTutor = (input: TutorSnapshot, knownVendorIds: ReadonlySet<string>): TutorSnapshot => {
  const fail = (code: string, message: string): never => {
    throw new TutorRuleViolation(code, message);
  };
  if (!knownVendorIds.has(input.vendorId)) fail('unknown_vendor', 'the vendor is not registered in this district');
  if (input.clearedUntil !== null && !isLocalDate(input.clearedUntil))
    fail('invalid_date', 'clearedUntil must be a date YYYY-MM-DD');
  const badSubject = input.subjects.find((s) => !SUBJECT.test(s));
  if (badSubject !== undefined) fail('invalid_subject', `${badSubject} is not a subject code`);
  for (const band of input.gradeBands) {
    if (gradeIndex(band.from) < 0 || gradeIndex(band.to) < 0 || gradeIndex(band.from) > gradeIndex(band.to)) {
      fail('invalid_grade_band', `${band.from}–${band.to} is not a grade band`);
    }
  }
  for (const w of input.availability) {
    if (!Number.isInteger(w.weekday) || w.weekday < 1 || w.weekday > 7)
      fail('invalid_weekday', 'weekday is 1 (Monday) to 7 (Sunday)');
    if (!TIME.test(w.from) || !TIME.test(w.to) || w.to <= w.from)
      fail('invalid_window', `${w.from}–${w.to} is not a window`);
  }
  const sorted = [...input.availability].sort((a, b) => a.weekday - b.weekday || a.from.localeCompare(b.from));
  for (let i = 1; i < sorted.length; i++) {
    const [prev, cur] = [sorted[i - 1], sorted[i]];
    if (prev && cur && prev.weekday === cur.weekday && cur.from < prev.to)
      fail('overlapping_windows', `availability overlaps on weekday ${cur.weekday}`);
  }
  return {
    ...input,
    subjects: [...new Set(input.subjects)].sort(),
    credentials: [...new Set(input.credentials.map((c) => c.trim()).filter(Boolean))].sort(),
    availability: sorted,
  };
};

export type ClearanceVerdict =
  | { cleared: true }
  | { cleared: false; reason: 'not_cleared' | 'clearance_expired' | 'tutor_inactive'; clearedUntil: string | null };

/**
 * Whether the tutor may be scheduled and paid for `date` (DESIGN.md §2: tutor belongs to the vendor and is cleared
 * on that date). `clearedUntil` is inclusive.
 */
export const tutorClearanceOn = (
  tutor: Pick<TutorSnapshot, 'clearedUntil' | 'active'>,
  date: string,
): ClearanceVerdict => {
  if (!isLocalDate(date)) throw new TutorRuleViolation('invalid_date', 'date must be YYYY-MM-DD');
  if (!tutor.active) return { cleared: false, reason: 'tutor_inactive', clearedUntil: tutor.clearedUntil };
  if (tutor.clearedUntil === null) return { cleared: false, reason: 'not_cleared', clearedUntil: null };
  if (date > tutor.clearedUntil)
    return { cleared: false, reason: 'clearance_expired', clearedUntil: tutor.clearedUntil };
  return { cleared: true };
};

/** Weekly minutes a tutor is available: the upper bound of what they can deliver. */
export const weeklyAvailableMinutes = (tutor: Pick<TutorSnapshot, 'availability'>): number =>
  tutor.availability.reduce((sum, w) => {
    const [fh, fm] = w.from.split(':').map(Number);
    const [th, tm] = w.to.split(':').map(Number);
    return sum + ((th ?? 0) * 60 + (tm ?? 0) - ((fh ?? 0) * 60 + (fm ?? 0)));
  }, 0);
