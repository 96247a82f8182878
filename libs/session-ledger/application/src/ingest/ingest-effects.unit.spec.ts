import type { SessionEnvelope } from '@tutoring/session-ledger/domain';
import { LEDGER_TOPIC } from '@tutoring/shared/contracts';
import {
  Accepted,
  attendedStudents,
  entryMessages,
  PUBLISHED_FROM_LEDGER,
  publishedFromLedger,
  sessionUnderReview,
  tenantOf,
} from './ingest-effects';
import type { IngestOrigin } from './session-ingest.service';

const D1 = '11111111-1111-4111-8111-111111111111';
const D2 = '22222222-2222-4222-8222-222222222222';
const V = '33333333-3333-4333-8333-333333333333';
const origin = (extra: Partial<IngestOrigin> = {}): IngestOrigin => ({
  channel: 'kafka',
  ref: 't/0/1',
  vendorId: V,
  metadata: {},
  ...extra,
});
const envelope = (districtid: string | undefined, data: unknown) =>
  ({ districtid, data }) as unknown as SessionEnvelope;

describe('tenantOf (the same on the per-message and batched paths)', () => {
  it('takes the caller district first, whatever the message claims', () => {
    expect(
      tenantOf({ ok: true, envelope: envelope(D2, { districtId: D2 }) }, origin({ authenticatedDistrictId: D1 })),
    ).toBe(D1);
  });

  it('takes the claimed district of a decoded message: the ce_districtid attribute, else data.districtId', () => {
    expect(tenantOf({ ok: true, envelope: envelope(D1, { districtId: D2 }) }, origin())).toBe(D1);
    expect(tenantOf({ ok: true, envelope: envelope(undefined, { districtId: D2 }) }, origin())).toBe(D2);
    expect(tenantOf({ ok: true, envelope: envelope('not-a-uuid', {}) }, origin())).toBeNull();
  });

  it('judges an undecodable message in the district its header names, when that is a UUID', () => {
    const undecodable = { ok: false as const, errors: [], eventId: null };
    expect(tenantOf(undecodable, origin({ claimedDistrictId: D1 }))).toBe(D1);
    expect(tenantOf(undecodable, origin({ claimedDistrictId: 'x' }))).toBeNull();
    expect(tenantOf(undecodable, origin())).toBeNull();
  });
});

describe('session under review and outgoing messages', () => {
  const data = {
    sessionId: 's-1',
    vendorId: V,
    districtId: D1,
    tutorId: '44444444-4444-4444-8444-444444444444',
    groupId: null,
    scheduledSessionId: null,
    subject: 'math',
    modality: 'virtual',
    startedAt: '2026-11-02T14:00:00Z',
    endedAt: '2026-11-02T14:30:00Z',
    attendance: [
      { studentId: '55555555-5555-4555-8555-555555555555', status: 'present', minutes: 30 },
      { studentId: '66666666-6666-4666-8666-666666666666', status: 'absent_excused', minutes: 0 },
    ],
  };
  const checked = (kind: 'delivered' | 'voided') =>
    ({
      ok: true,
      kind,
      vendorId: V,
      districtId: D1,
      sessionId: 's-1',
      eventId: 'e-1',
      data: kind === 'voided' ? { sessionId: 's-1', vendorId: V, districtId: D1, reason: 'twice' } : data,
    }) as unknown as Accepted;

  it('reviews a delivered session and indexes only its attended students; a void has nothing to review', () => {
    const session = sessionUnderReview(checked('delivered'));
    expect(session).toMatchObject({ sessionId: 's-1', tutorId: data.tutorId });
    expect(attendedStudents(session)).toEqual(['55555555-5555-4555-8555-555555555555']);
    expect(sessionUnderReview(checked('voided'))).toBeNull();
    expect(attendedStudents(null)).toEqual([]);
  });

  const entry = (position: number) => ({
    position,
    transactionId: '900',
    streamVersion: 1,
    districtId: D1,
    vendorId: V,
    eventId: 'e-1',
    eventType: 'org.tutoring.session.delivered.v1',
    data,
    metadata: { channel: 'kafka', ref: 't/0/1', ...PUBLISHED_FROM_LEDGER },
    verdicts: [{ studentId: data.attendance[0]!.studentId, billable: false, exceptionCodes: ['no_consent'] }],
    localDate: '2026-11-02',
    recordedAt: '2026-11-02T15:00:00.000Z',
  });

  it('builds the feedback and the schema-valid ledger event of a stored entry, ids and times from the entry alone', () => {
    const [feedback, recorded] = entryMessages(entry(42));
    expect(feedback).toMatchObject({ topic: `tutoring.vendor.${V}.feedback.v1`, key: 's-1' });
    expect(feedback?.event).toMatchObject({
      subject: 's-1',
      districtid: D1,
      time: '2026-11-02T15:00:00.000Z',
      data: { ledgerPosition: 42, exceptions: [{ studentId: data.attendance[0]!.studentId, code: 'no_consent' }] },
    });
    expect(recorded).toMatchObject({ topic: LEDGER_TOPIC, key: `${V}:s-1` });
    expect(recorded?.event.data).toMatchObject({ ledgerPosition: 42, streamVersion: 1, localDate: '2026-11-02' });
    // A republished entry carries the same ce_ids (consumers dedupe); another entry gets others.
    const again = entryMessages(entry(42));
    expect(again.map((x) => x.event.id)).toEqual([feedback?.event.id, recorded?.event.id]);
    expect(new Set([...again, ...entryMessages(entry(43))].map((x) => x.event.id)).size).toBe(4);
  });

  it('leaves entries written before the ledger publisher to the outbox that already holds their messages', () => {
    expect(publishedFromLedger(entry(1).metadata)).toBe(true);
    expect(publishedFromLedger({ channel: 'kafka', ref: 't/0/1' })).toBe(false);
  });
});
