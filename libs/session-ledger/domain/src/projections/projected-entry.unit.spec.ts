import { projectedEntryOf, StoredLedgerRow } from './projected-entry';

const row = (over: Partial<StoredLedgerRow>): StoredLedgerRow => ({
  position: 7,
  districtId: 'd-1',
  vendorId: 'v-1',
  sessionId: 's-1',
  eventType: 'org.tutoring.session.delivered.v1',
  data: {
    tutorId: 't-1',
    groupId: null,
    attendance: [
      { studentId: 'st-1', status: 'present', minutes: 30 },
      { studentId: 'st-2', status: 'absent_excused', minutes: 0 },
      { studentId: 'st-3', status: 'late', minutes: 20 },
    ],
  },
  verdicts: [
    { studentId: 'st-2', billable: true, exceptionCodes: [] },
    { studentId: 'st-1', billable: true, exceptionCodes: [] },
    { studentId: 'st-1', billable: false, exceptionCodes: ['not_enrolled'] },
  ],
  localDate: '2026-11-02',
  ...over,
});

describe('a stored ledger row as the projections see it', () => {
  it('pairs each attendance line with its verdict (the last, should there be two); no verdict is not billable', () => {
    expect(projectedEntryOf(row({ streamVersion: 2 }))).toEqual({
      position: 7,
      districtId: 'd-1',
      vendorId: 'v-1',
      sessionId: 's-1',
      streamVersion: 2,
      kind: 'delivered',
      localDate: '2026-11-02',
      tutorId: 't-1',
      groupId: null,
      lines: [
        { studentId: 'st-1', status: 'present', minutes: 30, billable: false, exceptionCodes: ['not_enrolled'] },
        { studentId: 'st-2', status: 'absent_excused', minutes: 0, billable: true, exceptionCodes: [] },
        { studentId: 'st-3', status: 'late', minutes: 20, billable: false, exceptionCodes: ['no_verdict'] },
      ],
    });
  });

  it('reads a void as no lines, no date and no tutor, and leaves the stream version out when unknown', () => {
    const entry = projectedEntryOf(row({ eventType: 'org.tutoring.session.voided.v1', data: { reason: 'twice' } }));
    expect(entry).toEqual({
      position: 7,
      districtId: 'd-1',
      vendorId: 'v-1',
      sessionId: 's-1',
      kind: 'voided',
      localDate: null,
      tutorId: null,
      groupId: null,
      lines: [],
    });
    expect('streamVersion' in entry).toBe(false);
  });

  it('takes a row without verdicts as all lines unchecked, and refuses an event type that is not a session event', () => {
    const entry = projectedEntryOf(row({ eventType: 'org.tutoring.session.corrected.v1', verdicts: null }));
    expect(entry.kind).toBe('corrected');
    expect(entry.lines.map((l) => [l.billable, l.exceptionCodes])).toEqual([
      [false, ['no_verdict']],
      [false, ['no_verdict']],
      [false, ['no_verdict']],
    ]);
    expect(() => projectedEntryOf(row({ eventType: 'org.tutoring.roster.changed.v1' }))).toThrow(
      'not a session event type',
    );
  });
});
