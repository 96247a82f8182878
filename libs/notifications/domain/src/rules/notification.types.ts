import type { Channel, Language, RuleId } from '../settings/district-settings';

/** Where and how one recipient is reached. The address itself never leaves this service. */
export interface RecipientChannel {
  /** Pseudonymous id: a user subject, a vendor id, a teacher id, or an enrolment id for a family. */
  recipientId: string;
  channel: Channel;
  language: string | null;
  /** IANA zone for quiet hours; null = the district's zone. */
  timeZone: string | null;
  optedOutRules: readonly string[];
}

export interface DosagePayload {
  studentId: string;
  isoWeek: string;
  attendedMinutes: number;
  targetMinutes: number;
  consecutiveWeeks: number;
  programName: string | null;
}

export interface SessionExceptionsPayload {
  sessionId: string;
  localDate: string | null;
  lines: { studentId: string; codes: string[] }[];
}

export interface MissingSessionPayload {
  occurrenceId: string;
  date: string;
  startsAt: string;
  endsAt: string;
  groupId: string;
}

export interface ProgressNote {
  skill: string;
  progress: string;
  comment: string;
  date: string | null;
}

/** What a family hears about: their own child only, and no id at all (the message is addressed to them). */
export interface FamilySummaryPayload {
  isoWeek: string;
  sessionsAttended: number;
  sessionsMissed: number;
  minutesAttended: number;
  notes: ProgressNote[];
}

export interface TeacherDigestPayload {
  isoWeek: string;
  students: { studentId: string; notes: ProgressNote[] }[];
}

export interface PayoutStatementPayload {
  statementId: string;
  contractId: string;
  vendorId: string;
  kind: string;
  periodStart: string;
  periodEnd: string;
  totalCents: number;
  currency: string;
  lineCount: number;
}

export interface PayloadByRule {
  dosage_below_target: DosagePayload;
  session_exceptions: SessionExceptionsPayload;
  missing_session_report: MissingSessionPayload;
  family_weekly_summary: FamilySummaryPayload;
  teacher_digest: TeacherDigestPayload;
  payout_statement_issued: PayoutStatementPayload;
}
export type NotificationPayload = PayloadByRule[RuleId];

/** One decided notification: who, how, in which language, from what, not before when. */
export interface NotificationDecision<R extends RuleId = RuleId> {
  rule: R;
  /** The source event id, or a deterministic key for a sweep (e.g. family summary: enrolment + week). */
  sourceKey: string;
  recipientId: string;
  channel: Channel;
  language: Language;
  payload: PayloadByRule[R];
  /** ISO instant: quiet hours and the digest window end. */
  notBefore: string;
}

/** Something the rules chose not to send, kept for the preference audit. */
export interface SkippedRecipient {
  rule: RuleId;
  sourceKey: string;
  recipientId: string;
  channel: Channel;
  reason: 'opted_out' | 'rule_disabled';
}

export interface Decisions<R extends RuleId = RuleId> {
  decisions: NotificationDecision<R>[];
  skipped: SkippedRecipient[];
}
