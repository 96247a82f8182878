import fc from 'fast-check';
import {
  decide,
  emptySessionStream,
  SessionStreamRejection,
  SessionStreamState,
  evolve as evolveStream,
} from '../ingest/session-stream.decider';
import {
  AttendanceStatus,
  countsForDosage,
  DOSE_STATUSES,
  EntryKind,
  ProjectedEntry,
  sessionKeyOf,
} from './projected-entry';
import {
  DosageWeekRow,
  evolveDosageWeek,
  evolvePaymentPeriod,
  evolveStudentTutor,
  StudentTutorRow,
  PaymentPeriodRow,
  priorStateNeeds,
  projectBatch,
  SessionRow,
} from './session.projection';

// ── what vendors send: random interleavings of delivered / corrected / voided, duplicated and conflicting ids ──
const VENDORS = ['v-a', 'v-b'];
const SESSIONS = ['s-1', 's-2', 's-3', 's-4'];
const STUDENTS = ['st-1', 'st-2', 'st-3', 'st-4', 'st-5'];
const DATES = ['2026-10-29', '2026-10-31', '2026-11-01', '2026-11-02', '2026-11-30', '2026-12-01', '2027-01-01'];
const STATUSES: AttendanceStatus[] = ['present', 'late', 'left_early', 'absent_excused', 'absent_unexcused'];

interface Line {
  studentId: string;
  status: AttendanceStatus;
  minutes: number;
  billable: boolean;
}
interface Message {
  eventId: string;
  kind: EntryKind;
  vendorId: string;
  sessionId: string;
  localDate: string;
  tutorId: string;
  lines: Line[];
}

const lineArb = fc.record({
  studentId: fc.constantFrom(...STUDENTS),
  status: fc.constantFrom(...STATUSES),
  minutes: fc.integer({ min: 0, max: 60 }),
  billable: fc.boolean(),
});
const messageArb: fc.Arbitrary<Message> = fc.record({
  // a small id pool: the same ce_id comes back with the same data (duplicate) or different data (conflict)
  eventId: fc.constantFrom(...Array.from({ length: 14 }, (_, i) => `e-${i}`)),
  kind: fc.constantFrom<EntryKind>('delivered', 'delivered', 'corrected', 'corrected', 'voided'),
  vendorId: fc.constantFrom(...VENDORS),
  sessionId: fc.constantFrom(...SESSIONS),
  localDate: fc.constantFrom(...DATES),
  tutorId: fc.constantFrom('t-1', 't-2'),
  lines: fc.uniqueArray(lineArb, { minLength: 1, maxLength: 4, selector: (l) => l.studentId }),
});
/** Redeliveries: some messages are sent again verbatim. */
const streamArb = fc
  .array(fc.tuple(messageArb, fc.boolean()), { minLength: 1, maxLength: 40 })
  .map((pairs) => pairs.flatMap(([m, again]) => (again ? [m, m] : [m])));

/** The ledger's admission, as ingest applies it: dedupe by (vendor, ce_id), refuse conflicts, stream rules. */
const admit = (messages: Message[]): ProjectedEntry[] => {
  const seen = new Map<string, string>();
  const streams = new Map<string, SessionStreamState>();
  const entries: ProjectedEntry[] = [];
  const versions = new Map<string, number>();
  for (const m of messages) {
    const idKey = `${m.vendorId}/${m.eventId}`;
    const body = JSON.stringify(m);
    if (seen.has(idKey)) continue; // same data: no-op; different data: rejected as a conflict
    const key = sessionKeyOf(m.vendorId, m.sessionId);
    const state = streams.get(key) ?? emptySessionStream;
    try {
      const events = decide(
        {
          type: 'RecordSessionEvent',
          data: { kind: m.kind, vendorId: m.vendorId, sessionId: m.sessionId, eventId: m.eventId, payload: m },
        },
        state,
      );
      streams.set(key, events.reduce(evolveStream, state));
    } catch (error) {
      if (error instanceof SessionStreamRejection) continue;
      throw error;
    }
    seen.set(idKey, body);
    versions.set(key, (versions.get(key) ?? 0) + 1);
    entries.push({
      position: entries.length + 1,
      districtId: 'd-1',
      vendorId: m.vendorId,
      sessionId: m.sessionId,
      streamVersion: versions.get(key),
      kind: m.kind,
      localDate: m.kind === 'voided' ? null : m.localDate,
      tutorId: m.kind === 'voided' ? null : m.tutorId,
      groupId: null,
      lines:
        m.kind === 'voided' ? [] : m.lines.map((l) => ({ ...l, exceptionCodes: l.billable ? [] : ['not_enrolled'] })),
    });
  }
  return entries;
};

// ── read models kept as maps, maintained the way the Postgres projector maintains its tables ──
interface Model {
  sessions: Map<string, SessionRow>;
  dosage: Map<string, DosageWeekRow>;
  payment: Map<string, PaymentPeriodRow>;
  tutors: Map<string, StudentTutorRow>;
}
const emptyModel = (): Model => ({ sessions: new Map(), dosage: new Map(), payment: new Map(), tutors: new Map() });

/**
 * `loadOnlyNeeded`: as the Postgres store does, hand the fold only the sessions `priorStateNeeds` asks for, and
 * check that the ones it calls fresh really have no row.
 */
const applyBatch = (model: Model, entries: ProjectedEntry[], loadOnlyNeeded = false): void => {
  let before: ReadonlyMap<string, SessionRow> = model.sessions;
  if (loadOnlyNeeded) {
    const needs = priorStateNeeds(entries);
    for (const key of needs.fresh) expect(model.sessions.has(key)).toBe(false);
    before = new Map(
      needs.load.flatMap((k) => {
        const row = model.sessions.get(sessionKeyOf(k.vendorId, k.sessionId));
        return row ? [[sessionKeyOf(k.vendorId, k.sessionId), row] as const] : [];
      }),
    );
  }
  const batch = projectBatch(before, entries);
  for (const [k, s] of batch.sessions) {
    if (s) model.sessions.set(k, s);
    else model.sessions.delete(k);
  }
  for (const [k, d] of batch.dosage) {
    const next = evolveDosageWeek(model.dosage.get(k) ?? null, d);
    if (next) model.dosage.set(k, next);
    else model.dosage.delete(k);
  }
  for (const [k, d] of batch.payment) {
    const next = evolvePaymentPeriod(model.payment.get(k) ?? null, d);
    if (next) model.payment.set(k, next);
    else model.payment.delete(k);
  }
  for (const [k, d] of batch.tutors) {
    const next = evolveStudentTutor(model.tutors.get(k) ?? null, d);
    if (next) model.tutors.set(k, next);
    else model.tutors.delete(k);
  }
};

const incremental = (entries: ProjectedEntry[], cuts: number[], loadOnlyNeeded = false): Model => {
  const model = emptyModel();
  const bounds = [...new Set(cuts.map((c) => c % (entries.length + 1)))].sort((a, b) => a - b);
  let from = 0;
  for (const to of [...bounds, entries.length]) {
    applyBatch(model, entries.slice(from, Math.max(from, to)), loadOnlyNeeded);
    from = Math.max(from, to);
  }
  return model;
};

const rebuild = (entries: ProjectedEntry[]): Model => {
  const model = emptyModel();
  applyBatch(model, entries);
  return model;
};

// ── reference: written independently (last version wins, then plain sums; ISO week by counting Thursdays) ──
const referenceWeek = (localDate: string): string => {
  const d = new Date(`${localDate}T12:00:00Z`);
  const thursday = new Date(d);
  thursday.setUTCDate(d.getUTCDate() + 3 - ((d.getUTCDay() + 6) % 7));
  const year = thursday.getUTCFullYear();
  let week = 1;
  for (let t = new Date(thursday); t.getUTCFullYear() === year; t.setUTCDate(t.getUTCDate() - 7)) week++;
  return `${year}-W${String(week - 1).padStart(2, '0')}`;
};

const reference = (entries: ProjectedEntry[]) => {
  const last = new Map<string, ProjectedEntry>();
  for (const e of entries) last.set(`${e.vendorId}/${e.sessionId}`, e);
  const dosage: Record<string, { minutes: number; sessions: number }> = {};
  const payment: Record<string, { bm: number; bs: number; el: number; em: number }> = {};
  const tutors: Record<string, number> = {};
  for (const e of last.values()) {
    if (e.kind === 'voided' || !e.localDate) continue;
    for (const l of e.lines) {
      if (['present', 'late', 'left_early'].includes(l.status) && l.minutes > 0) {
        const k = `${l.studentId}|${referenceWeek(e.localDate)}`;
        dosage[k] = { minutes: (dosage[k]?.minutes ?? 0) + l.minutes, sessions: (dosage[k]?.sessions ?? 0) + 1 };
        if (e.tutorId) tutors[`${l.studentId}|${e.tutorId}`] = (tutors[`${l.studentId}|${e.tutorId}`] ?? 0) + 1;
      }
      const p = `${e.vendorId}|${e.localDate.slice(0, 7)}`;
      const row = (payment[p] ??= { bm: 0, bs: 0, el: 0, em: 0 });
      if (l.billable) {
        row.bm += l.minutes;
        row.bs += 1;
      } else {
        row.el += 1;
        row.em += l.minutes;
      }
    }
  }
  return { dosage, payment, tutors };
};

const view = (m: Model) => ({
  dosage: Object.fromEntries(
    [...m.dosage].map(([k, r]) => [k, { minutes: r.attendedMinutes, sessions: r.countedSessions }]),
  ),
  payment: Object.fromEntries(
    [...m.payment].map(([k, r]) => [
      k,
      { bm: r.billableMinutes, bs: r.billableSessions, el: r.exceptionLines, em: r.exceptionMinutes },
    ]),
  ),
  tutors: Object.fromEntries([...m.tutors].map(([k, r]) => [k, r.countedSessions])),
});

describe('dosage and payment projections (property)', () => {
  it('incremental (any batch boundaries) == rebuild from scratch == independent reference', () => {
    fc.assert(
      fc.property(streamArb, fc.array(fc.nat(), { maxLength: 8 }), (messages, cuts) => {
        const entries = admit(messages);
        const inc = incremental(entries, cuts);
        const re = rebuild(entries);
        const ref = reference(entries);
        expect(view(inc)).toEqual(view(re));
        expect(view(re)).toEqual(ref);
        expect(new Map([...inc.sessions].sort())).toEqual(new Map([...re.sessions].sort()));
        // Loading only the sessions that are not new by their stream version changes nothing.
        const lean = incremental(entries, cuts, true);
        expect(view(lean)).toEqual(view(inc));
        expect(new Map([...lean.sessions].sort())).toEqual(new Map([...inc.sessions].sort()));
      }),
      { numRuns: 400 },
    );
  });

  it('folds the same sessions without aggregates (a rebuild derives those from the session rows), with no deltas', () => {
    fc.assert(
      fc.property(streamArb, (messages) => {
        const entries = admit(messages);
        const full = projectBatch(new Map(), entries);
        const lean = projectBatch(new Map(), entries, { aggregates: false });
        expect(lean.sessions).toEqual(full.sessions);
        expect([lean.dosage.size, lean.tutors.size, lean.payment.size]).toEqual([0, 0, 0]);
      }),
      { numRuns: 200 },
    );
  });

  it('lists in DOSE_STATUSES exactly the statuses countsForDosage counts (the SQL of a rebuild sums by that list)', () => {
    for (const status of STATUSES) {
      expect(countsForDosage({ status, minutes: 1 })).toBe(DOSE_STATUSES.includes(status));
      expect(countsForDosage({ status, minutes: 0 })).toBe(false);
    }
  });

  it('never keeps an empty row and never goes negative', () => {
    fc.assert(
      fc.property(streamArb, fc.array(fc.nat(), { maxLength: 8 }), (messages, cuts) => {
        const m = incremental(admit(messages), cuts);
        for (const r of m.dosage.values()) expect(r.countedSessions > 0 && r.attendedMinutes > 0).toBe(true);
        for (const r of m.payment.values())
          expect(
            Math.min(r.billableMinutes, r.billableSessions, r.exceptionLines, r.exceptionMinutes),
          ).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 200 },
    );
  });
});
