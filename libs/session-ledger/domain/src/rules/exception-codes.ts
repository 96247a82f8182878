/**
 * Stable reason codes of a session line that is recorded but not billable (DESIGN.md §2). Vendors and finance
 * match on the code; the message is for humans. Never rename a code: add a new one.
 */
export const EXCEPTION_MESSAGES = {
  district_time_zone_unknown: 'the district time zone is not known yet, so the local date and hours cannot be checked',
  not_enrolled: 'the student is not enrolled with this vendor in a program running on the session date',
  no_consent: 'the student has no consent on file for this program',
  not_instructional_day: 'the session date is not an instructional day in the school calendar',
  outside_plausible_hours: 'the session is outside the plausible local hours of the program',
  tutor_not_of_vendor: 'the tutor is not registered with this vendor',
  tutor_not_cleared: 'the tutor background check is not valid on the session date',
  group_too_large: 'more students attended than the program maximum group size',
  minutes_exceed_duration: 'the minutes present exceed the session duration',
  overlapping_session: 'the student attended another session overlapping this one',
  duplicate_session: 'the same vendor, tutor, student and start time were already recorded under another sessionId',
} as const;

export type ExceptionCode = keyof typeof EXCEPTION_MESSAGES;
export const EXCEPTION_CODES = Object.keys(EXCEPTION_MESSAGES) as ExceptionCode[];
