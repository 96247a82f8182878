// fast-check generators for session events: valid samples, and samples mutated in one or more places.
// Test-only (imports fast-check); deliberately not exported from testing.ts.
import fc from 'fast-check';
import { ATTENDANCE_STATUSES, MODALITIES, NOTE_PROGRESS } from '../lib/limits';
import type { SessionCorrectedV1, SessionDeliveredV1, SessionVoidedV1 } from '../lib/event-data.types';

const hex = (length: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: length, maxLength: length });
export const uuidArb = fc.tuple(hex(8), hex(4), hex(4), hex(4), hex(12)).map((parts) => parts.join('-'));
const sessionIdArb = fc.string({ unit: fc.constantFrom(...'Ab9._:-xyz'), minLength: 1, maxLength: 128 });
const offsetArb = fc.constantFrom('Z', '+00:00', '-05:00', '+05:30', '-10:00', '+14:00');

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
/** Renders epoch ms as RFC 3339 in the given offset. */
export const rfc3339 = (epochMs: number, offset: string, withMillis: boolean): string => {
  const minutes =
    offset === 'Z'
      ? 0
      : (offset.startsWith('-') ? -1 : 1) * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)));
  const d = new Date(epochMs + minutes * 60_000);
  const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  return `${date}T${time}${withMillis ? `.${pad(d.getUTCMilliseconds(), 3)}` : ''}${offset}`;
};

const START_MIN = Date.parse('2024-08-01T00:00:00Z');
const START_MAX = Date.parse('2026-06-30T00:00:00Z');

export const validSessionDeliveredArb: fc.Arbitrary<SessionDeliveredV1> = fc
  .record({
    sessionId: sessionIdArb,
    vendorId: uuidArb,
    districtId: uuidArb,
    tutorId: uuidArb,
    groupId: fc.option(uuidArb, { nil: null }),
    scheduledSessionId: fc.option(uuidArb, { nil: null }),
    subject: fc.constantFrom('math', 'ela', 'science_8', 'sel'),
    modality: fc.constantFrom(...MODALITIES),
    start: fc.integer({ min: START_MIN, max: START_MAX }),
    durationMs: fc.integer({ min: 1_000, max: 4 * 3_600_000 }),
    offsets: fc.tuple(offsetArb, offsetArb),
    millis: fc.boolean(),
    students: fc.uniqueArray(uuidArb, { minLength: 1, maxLength: 6 }),
    statuses: fc.array(fc.constantFrom(...ATTENDANCE_STATUSES), { minLength: 6, maxLength: 6 }),
    minuteShares: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 6, maxLength: 6 }),
    noteCount: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
    progress: fc.constantFrom(...NOTE_PROGRESS),
    comment: fc.string({ maxLength: 40 }),
  })
  .map((r) => {
    const start = r.millis ? r.start : r.start - (r.start % 1000);
    const end = start + (r.millis ? r.durationMs : r.durationMs - (r.durationMs % 1000) || 1000);
    const maxMinutes = Math.ceil((end - start) / 60_000);
    const attendance = r.students.map((studentId, i) => ({
      studentId,
      status: r.statuses[i] ?? 'present',
      minutes: Math.floor((r.minuteShares[i] ?? 0) * maxMinutes),
    }));
    const session: SessionDeliveredV1 = {
      sessionId: r.sessionId,
      vendorId: r.vendorId,
      districtId: r.districtId,
      tutorId: r.tutorId,
      groupId: r.groupId,
      scheduledSessionId: r.scheduledSessionId,
      subject: r.subject,
      modality: r.modality,
      startedAt: rfc3339(start, r.offsets[0], r.millis),
      endedAt: rfc3339(end, r.offsets[1], r.millis),
      attendance,
    };
    if (r.noteCount === undefined) return session;
    const notes = r.students
      .slice(0, r.noteCount)
      .map((studentId) => ({ studentId, skill: 'CCSS.ELA.RL.3.1', progress: r.progress, comment: r.comment }));
    return { ...session, notes };
  });

export const validSessionCorrectedArb: fc.Arbitrary<SessionCorrectedV1> = fc
  .tuple(validSessionDeliveredArb, fc.string({ minLength: 1, maxLength: 500 }))
  .map(([session, reason]) => ({ ...session, reason }));

export const validSessionVoidedArb: fc.Arbitrary<SessionVoidedV1> = fc.record({
  sessionId: sessionIdArb,
  vendorId: uuidArb,
  districtId: uuidArb,
  reason: fc.string({ minLength: 1, maxLength: 500 }),
});

/** Values likely to break a field: wrong types, edge strings, edge numbers, JSON junk. */
const junkArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    null,
    '',
    ' ',
    0,
    -1,
    1.5,
    241,
    240,
    4e9,
    true,
    [],
    {},
    'math',
    'Math',
    'present',
    'virtual',
    'x'.repeat(129),
    'x'.repeat(501),
  ),
  fc.constantFrom(
    '2025-03-04T10:00:00',
    '2025-02-29T10:00:00Z',
    '2025-03-04T10:00:00Z',
    '2025-03-04T23:59:60Z',
    '2025-03-04',
  ),
  uuidArb.map((u) => u.toUpperCase()),
  uuidArb,
  fc.jsonValue({ maxDepth: 2 }),
);

type Path = Array<string | number>;
type Mutation = { path: Path; op: 'delete' } | { path: Path; op: 'set'; value: unknown };

const pathsOf = (value: unknown, prefix: Path = []): Path[] => {
  if (typeof value !== 'object' || value === null) return [prefix];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return [prefix, ...entries.flatMap(([k, v]) => pathsOf(v, [...prefix, k]))];
};

const apply = (root: unknown, mutation: Mutation): unknown => {
  const copy = structuredClone(root) as Record<string | number, unknown>;
  if (mutation.path.length === 0) return mutation.op === 'set' ? mutation.value : {};
  const parent = mutation.path
    .slice(0, -1)
    .reduce<unknown>((node, key) => (node as Record<string | number, unknown>)[key], copy);
  const key = mutation.path[mutation.path.length - 1] as string | number;
  const target = parent as Record<string | number, unknown>;
  if (mutation.op === 'delete') {
    if (Array.isArray(target)) target.splice(Number(key), 1);
    else delete target[key];
  } else target[key] = mutation.value;
  return copy;
};

/** A valid sample with 1..3 random edits: delete a field, replace it with junk, add an unknown property, duplicate a line. */
export const mutatedArb = (valid: fc.Arbitrary<object>): fc.Arbitrary<unknown> =>
  valid.chain((sample) => {
    const paths = pathsOf(sample);
    const mutation: fc.Arbitrary<Mutation> = fc.oneof(
      fc.record({ path: fc.constantFrom(...paths), op: fc.constant('delete' as const) }),
      fc.record({ path: fc.constantFrom(...paths), op: fc.constant('set' as const), value: junkArb }),
      fc.record({
        path: fc.constantFrom(...paths).map((p) => [...p, 'extra']),
        op: fc.constant('set' as const),
        value: junkArb,
      }),
    );
    const duplicateLine = (s: unknown) => {
      const bag = (typeof s === 'object' && s !== null ? s : {}) as { attendance?: unknown[] };
      return Array.isArray(bag.attendance) && bag.attendance.length > 0
        ? { ...bag, attendance: [...bag.attendance, bag.attendance[0]] }
        : s;
    };
    return fc.tuple(fc.array(mutation, { minLength: 1, maxLength: 3 }), fc.boolean()).map(([mutations, dup]) => {
      const edited = mutations.reduce<unknown>((acc, m) => {
        try {
          return apply(acc, m);
        } catch {
          return acc; // an earlier edit removed the path; skip this one
        }
      }, sample);
      // Through JSON, as every input arrives (HTTP body, Kafka value): no holes in arrays, no named array members.
      return JSON.parse(JSON.stringify(dup ? duplicateLine(edited) : edited)) as unknown;
    });
  });
