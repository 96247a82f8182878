import { contractsTesting, vendorSessionsTopic } from '@tutoring/shared/contracts';
import { checkSessionMessage, SessionEnvelope } from './session-message.check';

const { aSessionDelivered, TEST_IDS } = contractsTesting;
const vendorId = TEST_IDS.vendorId;
const districtId = TEST_IDS.districtId;
const envelope = (overrides: Partial<SessionEnvelope> = {}): SessionEnvelope => ({
  id: 'e-1',
  source: `urn:tutoring:vendor:${vendorId}`,
  type: 'org.tutoring.session.delivered.v1',
  data: aSessionDelivered(),
  ...overrides,
});
const origin = { topic: vendorSessionsTopic(vendorId), vendorDistrictId: districtId };
const codes = (r: ReturnType<typeof checkSessionMessage>) => (r.ok ? [] : r.errors.map((e) => `${e.path}:${e.code}`));

describe('checkSessionMessage (contract layer of ingest)', () => {
  it('accepts a valid delivery on the vendor own topic', () => {
    const r = checkSessionMessage(envelope(), origin);
    expect(r).toMatchObject({
      ok: true,
      kind: 'delivered',
      eventId: 'e-1',
      vendorId,
      districtId,
      sessionId: 'vendor-session-0001',
    });
  });

  it('rejects an unknown event type, naming ce_type', () => {
    expect(codes(checkSessionMessage(envelope({ type: 'org.tutoring.session.teleported.v1' }), origin))).toEqual([
      'ce_type:unknown_type',
    ]);
  });

  it('rejects a source that is not the topic vendor', () => {
    const other = TEST_IDS.studentIds[0] as string;
    expect(codes(checkSessionMessage(envelope({ source: `urn:tutoring:vendor:${other}` }), origin))).toContain(
      'ce_source:mismatch',
    );
  });

  it('rejects a vendor that is not registered, and a district other than the vendor one', () => {
    expect(codes(checkSessionMessage(envelope(), { ...origin, vendorDistrictId: null }))).toEqual([
      'vendorId:unknown_vendor',
    ]);
    expect(codes(checkSessionMessage(envelope(), { ...origin, vendorDistrictId: TEST_IDS.tutorId }))).toEqual([
      'districtId:mismatch',
    ]);
  });

  it('rejects a message handled for a district where the vendor is not registered, though it is elsewhere', () => {
    expect(
      codes(checkSessionMessage(envelope(), { ...origin, vendorDistrictId: null, vendorRegisteredElsewhere: true })),
    ).toEqual(['districtId:mismatch']);
  });

  it('rejects a ce_districtid that disagrees with the data', () => {
    expect(codes(checkSessionMessage(envelope({ districtid: TEST_IDS.tutorId }), origin))).toEqual([
      'ce_districtid:mismatch',
    ]);
  });

  it('reports contract field errors with the session id when it can be read', () => {
    const r = checkSessionMessage(envelope({ data: { ...aSessionDelivered(), attendance: [] } }), origin);
    expect(r.ok).toBe(false);
    expect(r.ok ? null : r.sessionId).toBe('vendor-session-0001');
    expect(codes(r).some((c) => c.startsWith('attendance'))).toBe(true);
  });
});
