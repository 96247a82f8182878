// Conflicts a schedule change can run into. Each is a stable code plus a sentence naming the conflict, so the
// person making a manual change learns exactly what to fix.

export const CONFLICT_CODES = [
  'group_over_size',
  'group_empty',
  'student_double_booked',
  'student_not_enrolled',
  'grade_band_incompatible',
  'tutor_double_booked',
  'tutor_over_capacity',
  'tutor_not_cleared',
  'tutor_not_qualified',
  'tutor_unavailable',
  'tutor_inactive',
  'vendor_mismatch',
  'slot_on_holiday',
  'slot_unknown_period',
  'slot_longer_than_period',
  'reason_required',
  'group_dissolved',
  'occurrence_not_planned',
  'students_not_in_occurrence',
  'proposal_stale',
  'proposal_applied',
] as const;
export type ConflictCode = (typeof CONFLICT_CODES)[number];

export interface Conflict {
  code: ConflictCode;
  message: string;
}

/** Thrown by deciders: the change was refused for these conflicts (the message lists them all). */
export class ScheduleConflictError extends Error {
  constructor(readonly conflicts: Conflict[]) {
    super(conflicts.map((c) => c.message).join('; '));
    this.name = 'ScheduleConflictError';
  }
}

/** An auto-schedule proposal can no longer be applied as it is: what it relied on changed, or it was applied. */
export class StaleProposalError extends ScheduleConflictError {
  constructor(
    readonly proposalId: string,
    conflicts: Conflict[],
  ) {
    super(conflicts);
    this.name = 'StaleProposalError';
  }
}

export const conflict = (code: ConflictCode, message: string): Conflict => ({ code, message });

export const WEEKDAY_NAMES = ['', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
