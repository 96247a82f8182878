import { isLocalDate, isTimestamp, isUuid, timestampToEpochMs } from './formats';

describe('timestamps (RFC 3339 with offset)', () => {
  it.each([
    '2025-03-04T10:00:00Z',
    '2025-03-04T10:00:00z',
    '2025-03-04t10:00:00+00:00',
    '2025-03-04T10:00:00.123-05:00',
    '2025-03-04T10:00:00.123456789+14:00',
    '2024-02-29T23:59:59-12:00',
  ])('accepts %p', (value) => expect(isTimestamp(value)).toBe(true));

  it.each([
    '2025-03-04T10:00:00',
    '2025-03-04 10:00:00Z',
    '2025-03-04',
    '2025-02-29T10:00:00Z',
    '2025-13-01T10:00:00Z',
    '2025-03-04T24:00:00Z',
    '2025-03-04T23:59:60Z',
    '2025-03-04T10:00:00+24:00',
    '2025-03-04T10:00:00+0500',
    '2025-03-04T10:00:00.Z',
    '',
  ])('refuses %p', (value) => expect(isTimestamp(value)).toBe(false));

  it('applies the offset', () => {
    expect(timestampToEpochMs('2025-03-04T10:00:00-05:00')).toBe(Date.parse('2025-03-04T15:00:00Z'));
    expect(timestampToEpochMs('2025-03-04T10:00:00.5+01:30')).toBe(Date.parse('2025-03-04T08:30:00.500Z'));
  });

  it('does not map years 0..99 to the 1900s', () => {
    expect(timestampToEpochMs('0050-01-01T00:00:00Z')).toBe(Date.parse('0050-01-01T00:00:00Z'));
  });
});

describe('local dates and UUIDs', () => {
  it('checks the calendar', () => {
    expect(isLocalDate('2024-02-29')).toBe(true);
    expect(isLocalDate('2025-02-29')).toBe(false);
    expect(isLocalDate('2025-04-31')).toBe(false);
    expect(isLocalDate('2025-4-1')).toBe(false);
  });

  it('accepts lowercase canonical UUIDs only', () => {
    expect(isUuid('6f1c2b8e-3d4a-4b5c-9d6e-7f8091a2b3c4')).toBe(true);
    expect(isUuid('6F1C2B8E-3D4A-4B5C-9D6E-7F8091A2B3C4')).toBe(false);
    expect(isUuid('urn:uuid:6f1c2b8e-3d4a-4b5c-9d6e-7f8091a2b3c4')).toBe(false);
    expect(isUuid('6f1c2b8e3d4a4b5c9d6e7f8091a2b3c4')).toBe(false);
  });
});
