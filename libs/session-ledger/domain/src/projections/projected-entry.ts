/**
 * What the projections read from one ledger entry: the session's current version (delivered / corrected) with the
 * verdict of each attendance line decided at append, or a void. Parsed from the stored row once, so projections
 * never look at raw vendor JSON.
 */
export type AttendanceStatus = 'present' | 'late' | 'left_early' | 'absent_excused' | 'absent_unexcused';
export type EntryKind = 'delivered' | 'corrected' | 'voided';

export interface ProjectedLine {
  studentId: string;
  status: AttendanceStatus;
  minutes: number;
  billable: boolean;
  exceptionCodes: string[];
}

export interface ProjectedEntry {
  position: number;
  districtId: string;
  vendorId: string;
  sessionId: string;
  /** Version of the entry in its session's stream (1 = the session's first entry), when the reader knows it. */
  streamVersion?: number;
  kind: EntryKind;
  /** Local date of the session in the district's zone; null for a void. */
  localDate: string | null;
  tutorId: string | null;
  groupId: string | null;
  /** Empty for a void. */
  lines: ProjectedLine[];
}

/** Statuses that give dose (DESIGN.md §2), with minutes > 0. A rebuild's SQL sums lines by this list. */
export const DOSE_STATUSES: readonly AttendanceStatus[] = ['present', 'late', 'left_early'];

/** Status that gives dose (DESIGN.md §2): present, late or left early, with minutes > 0. */
export const countsForDosage = (line: Pick<ProjectedLine, 'status' | 'minutes'>): boolean =>
  DOSE_STATUSES.includes(line.status) && line.minutes > 0;

export const sessionKeyOf = (vendorId: string, sessionId: string): string => `${vendorId}/${sessionId}`;

export const entryKindOf = (eventType: string): EntryKind => {
  if (eventType.includes('.voided.')) return 'voided';
  if (eventType.includes('.corrected.')) return 'corrected';
  if (eventType.includes('.delivered.')) return 'delivered';
  throw new Error(`not a session event type: ${eventType}`);
};

interface StoredVerdict {
  studentId: string;
  billable: boolean;
  exceptionCodes?: string[];
}

interface StoredSession {
  tutorId?: string | null;
  groupId?: string | null;
  attendance?: { studentId: string; status: AttendanceStatus; minutes: number }[];
}

export interface StoredLedgerRow {
  position: number;
  streamVersion?: number;
  districtId: string;
  vendorId: string;
  sessionId: string;
  eventType: string;
  data: unknown;
  verdicts: unknown;
  localDate: string | null;
}

/**
 * A stored row as the projections see it. A line without a recorded verdict is not billable (exception
 * `no_verdict`): money is never paid on a line whose rules were not checked. Called once per entry a rebuild
 * replays, so it builds the entry directly (no intermediate objects, verdicts found by a scan of the few lines).
 */
export const projectedEntryOf = (row: StoredLedgerRow): ProjectedEntry => {
  const kind = entryKindOf(row.eventType);
  const voided = kind === 'voided';
  const data = (voided ? {} : (row.data ?? {})) as StoredSession;
  const verdicts = (Array.isArray(row.verdicts) ? row.verdicts : []) as StoredVerdict[];
  const attendance = data.attendance ?? [];
  const lines = new Array<ProjectedLine>(attendance.length);
  for (let i = 0; i < attendance.length; i++) {
    const a = attendance[i]!;
    const v = verdictOf(verdicts, a.studentId);
    lines[i] = {
      studentId: a.studentId,
      status: a.status,
      minutes: a.minutes,
      billable: v?.billable ?? false,
      exceptionCodes: v ? (v.exceptionCodes ?? []) : ['no_verdict'],
    };
  }
  const entry: ProjectedEntry = {
    position: row.position,
    districtId: row.districtId,
    vendorId: row.vendorId,
    sessionId: row.sessionId,
    kind,
    localDate: voided ? null : row.localDate,
    tutorId: data.tutorId ?? null,
    groupId: data.groupId ?? null,
    lines,
  };
  if (row.streamVersion !== undefined) entry.streamVersion = row.streamVersion;
  return entry;
};

/** The verdict recorded for a student (the last one, should a row hold two). */
const verdictOf = (verdicts: readonly StoredVerdict[], studentId: string): StoredVerdict | undefined => {
  for (let i = verdicts.length - 1; i >= 0; i--) if (verdicts[i]!.studentId === studentId) return verdicts[i];
  return undefined;
};
