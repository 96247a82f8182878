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
  (line.status === 'present' || line.status === 'late' || line.status === 'left_early') && line.minutes > 0;

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
 * `no_verdict`): money is never paid on a line whose rules were not checked.
 */
export const projectedEntryOf = (row: StoredLedgerRow): ProjectedEntry => {
  const kind = entryKindOf(row.eventType);
  const base = {
    position: row.position,
    districtId: row.districtId,
    vendorId: row.vendorId,
    sessionId: row.sessionId,
    ...(row.streamVersion === undefined ? {} : { streamVersion: row.streamVersion }),
    kind,
  };
  if (kind === 'voided') return { ...base, localDate: null, tutorId: null, groupId: null, lines: [] };
  const data = (row.data ?? {}) as StoredSession;
  const verdicts = new Map(
    ((Array.isArray(row.verdicts) ? row.verdicts : []) as StoredVerdict[]).map((v) => [v.studentId, v]),
  );
  const lines = (data.attendance ?? []).map((a): ProjectedLine => {
    const v = verdicts.get(a.studentId);
    return {
      studentId: a.studentId,
      status: a.status,
      minutes: a.minutes,
      billable: v?.billable ?? false,
      exceptionCodes: v ? (v.exceptionCodes ?? []) : ['no_verdict'],
    };
  });
  return { ...base, localDate: row.localDate, tutorId: data.tutorId ?? null, groupId: data.groupId ?? null, lines };
};
