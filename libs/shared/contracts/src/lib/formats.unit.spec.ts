import fc from 'fast-check';
import { isLocalDate, isTimestamp, isUuid, timestampToEpochMs } from './formats';

/** An independent reading of the same grammar, with a regular expression and Date, to compare the parser with. */
const referenceEpochMs = (value: string): number | null => {
  const m = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/.exec(
    value,
  );
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as number[] as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  const [offsetHours, offsetMinutes] = [Number(m[9] ?? 0), Number(m[10] ?? 0)];
  if (offsetHours > 23 || offsetMinutes > 59) return null;
  date.setUTCHours(hour, minute, second, Number((m[7] ?? '0').padEnd(3, '0').slice(0, 3)));
  return date.getTime() - (m[8] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMinutes) * 60_000;
};

const digits = (n: number): fc.Arbitrary<string> =>
  fc.array(fc.constantFrom(...'0123456789'), { minLength: n, maxLength: n }).map((d) => d.join(''));
/** Strings shaped like timestamps, with every part free to be out of range or malformed. */
const timestampLike = fc
  .tuple(
    fc.oneof(digits(4), fc.constantFrom('0000', '0050', '1900', '2000', '2024', '2100', '9999', '20x5')),
    fc.oneof(digits(2), fc.constantFrom('00', '01', '02', '12', '13')),
    fc.oneof(digits(2), fc.constantFrom('00', '28', '29', '30', '31', '32')),
    fc.constantFrom('T', 't', ' ', 'x'),
    fc.oneof(digits(2), fc.constantFrom('00', '23', '24')),
    digits(2),
    fc.oneof(digits(2), fc.constantFrom('59', '60')),
    fc.oneof(
      fc.constant(''),
      fc.integer({ min: 0, max: 11 }).chain((n) => digits(n).map((f) => `.${f}`)),
    ),
    fc.oneof(
      fc.constantFrom('Z', 'z', '', 'Q', '+0500', '+05:0'),
      fc
        .tuple(fc.constantFrom('+', '-'), fc.oneof(digits(2), fc.constant('24')), digits(2))
        .map(([sign, h, m]) => `${sign}${h}:${m}`),
    ),
    fc.constantFrom('-', '/'),
    fc.constantFrom(':', '.'),
  )
  .map(([y, mo, d, t, h, mi, s, f, z, dash, colon]) => `${y}${dash}${mo}-${d}${t}${h}${colon}${mi}:${s}${f}${z}`);

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

  it('reads every string as an independent regular-expression reading does (fast-check)', () => {
    fc.assert(
      fc.property(fc.oneof(timestampLike, fc.string(), fc.string({ unit: 'binary' })), (value) =>
        expect(timestampToEpochMs(value)).toBe(referenceEpochMs(value)),
      ),
      { numRuns: 5000 },
    );
  });

  it('agrees with Date.parse on every valid instant from year 0 to 9999', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('0000-01-01T00:00:00Z'),
          max: new Date('9999-12-31T23:59:59.999Z'),
          noInvalidDate: true,
        }),
        (d) => expect(timestampToEpochMs(d.toISOString())).toBe(d.getTime()),
      ),
      { numRuns: 2000 },
    );
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
