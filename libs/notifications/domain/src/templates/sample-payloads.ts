import type { RuleId } from '../settings/district-settings';
import type { PayloadByRule } from '../rules/notification.types';

/** Invented data for template previews: ids are obviously fake, nothing comes from a real record. */
export const SAMPLE_PAYLOADS: { [R in RuleId]: PayloadByRule[R] } = {
  dosage_below_target: {
    studentId: '00000000-0000-4000-8000-000000000001',
    isoWeek: '2026-W47',
    attendedMinutes: 30,
    targetMinutes: 90,
    consecutiveWeeks: 2,
    programName: 'Grade 3 Math',
  },
  session_exceptions: {
    sessionId: 'sample-session-1',
    localDate: '2026-11-18',
    lines: [{ studentId: '00000000-0000-4000-8000-000000000001', codes: ['not_instructional_day'] }],
  },
  missing_session_report: {
    occurrenceId: '00000000-0000-4000-8000-0000000000a1',
    date: '2026-11-18',
    startsAt: '2026-11-18T14:00:00Z',
    endsAt: '2026-11-18T14:30:00Z',
    groupId: '00000000-0000-4000-8000-0000000000b1',
  },
  family_weekly_summary: {
    isoWeek: '2026-W47',
    sessionsAttended: 3,
    sessionsMissed: 0,
    minutesAttended: 90,
    notes: [{ skill: '3.NF.A.1', progress: 'progressing', comment: 'Great effort with fractions', date: '2026-11-18' }],
  },
  teacher_digest: {
    isoWeek: '2026-W47',
    students: [
      {
        studentId: '00000000-0000-4000-8000-000000000001',
        notes: [
          {
            skill: '3.NF.A.1',
            progress: 'mastered',
            comment: 'Ready for unit fractions on a number line',
            date: '2026-11-18',
          },
        ],
      },
    ],
  },
  payout_statement_issued: {
    statementId: '00000000-0000-4000-8000-0000000000c1',
    contractId: '00000000-0000-4000-8000-0000000000c2',
    vendorId: '00000000-0000-4000-8000-0000000000c3',
    kind: 'base',
    periodStart: '2026-11-01',
    periodEnd: '2026-11-30',
    totalCents: 1234567,
    currency: 'USD',
    lineCount: 42,
  },
};
