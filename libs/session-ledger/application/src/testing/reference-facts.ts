import type { ReferenceUpdate } from '@tutoring/session-ledger/domain';

/**
 * The program the ledger's tests judge sessions against: math, groups of at most 4, 3 sessions of 30 minutes a week,
 * the 2026–27 school year, sessions plausible from 07:00 to 18:00 local time. For tests only.
 */
export const mathProgram = (
  districtId: string,
  programId: string,
  vendorIds: string[],
): Extract<ReferenceUpdate, { kind: 'program' }> => ({
  kind: 'program',
  programId,
  districtId,
  subject: 'math',
  maxGroupSize: 4,
  targetSessionsPerWeek: 3,
  targetMinutesPerSession: 30,
  startDate: '2026-09-01',
  endDate: '2027-06-15',
  plausibleFrom: '07:00',
  plausibleTo: '18:00',
  vendorIds,
});
