import {
  decide,
  emptySessionStream,
  evolve,
  RecordSessionEvent,
  SessionEventRecorded,
  SessionEventType,
} from './session-stream.decider';

const cmd = (kind: SessionEventType, eventId = `e-${kind}`): RecordSessionEvent => ({
  type: 'RecordSessionEvent',
  data: { kind, vendorId: 'v', sessionId: 's-1', eventId, payload: { any: 1 } },
});
const given = (kinds: SessionEventType[]) =>
  kinds
    .flatMap((k, i): SessionEventRecorded[] => [{ type: 'SessionEventRecorded', data: { ...cmd(k, `e${i}`).data } }])
    .reduce(evolve, emptySessionStream);

describe('session stream decider', () => {
  it('records a first delivery', () => {
    expect(decide(cmd('delivered'), given([]))).toEqual([
      { type: 'SessionEventRecorded', data: cmd('delivered').data },
    ]);
  });
  it('records corrections and a void after a delivery, counting versions', () => {
    expect(decide(cmd('corrected'), given(['delivered']))).toHaveLength(1);
    expect(decide(cmd('voided'), given(['delivered', 'corrected']))).toHaveLength(1);
    expect(given(['delivered', 'corrected', 'voided'])).toEqual({ version: 3, status: 'voided' });
  });
  it('rejects a second delivery of the same session', () => {
    expect(() => decide(cmd('delivered'), given(['delivered']))).toThrow(/already delivered/);
  });
  it.each<SessionEventType>(['corrected', 'voided'])('rejects %s before any delivery', (kind) => {
    expect(() => decide(cmd(kind), given([]))).toThrow(/has not been delivered/);
  });
  it.each<SessionEventType>(['delivered', 'corrected', 'voided'])('rejects %s after a void', (kind) => {
    expect(() => decide(cmd(kind), given(['delivered', 'voided']))).toThrow(/was voided/);
  });
});
