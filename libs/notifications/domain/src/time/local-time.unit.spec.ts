import fc from 'fast-check';
import { toLocal } from '@tutoring/shared/time';
import { endOfQuietHours } from './local-time';

const hhmm = fc
  .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
  .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
const minutes = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3));
const inside = (local: number, from: number, to: number) =>
  from < to ? local >= from && local < to : local >= from || local < to;

describe('quiet hours', () => {
  it('property: the release is never before now, never inside the window, and at most a day later', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2027, 11, 31) }),
        hhmm,
        hhmm,
        fc.constantFrom(
          'America/Chicago',
          'America/New_York',
          'Europe/Madrid',
          'UTC',
          'Asia/Kolkata',
          'Australia/Lord_Howe', // DST of 30 minutes
          'America/Havana', // DST starts at midnight
        ),
        (epoch, from, to, zone) => {
          const now = new Date(Math.floor(epoch / 60_000) * 60_000);
          const release = endOfQuietHours(now, zone, { from, to });
          const { date, minuteOfDay: local } = toLocal(release, zone);
          // When DST starts inside the skipped hour, the clock jumps past the window's end without showing it: the
          // release is that jump, and the minute before it reads earlier than the end (on the day before, when the
          // zone jumps at midnight).
          const before = toLocal(new Date(release.getTime() - 60_000), zone);
          const beforeMinute = before.minuteOfDay - (before.date === date ? 0 : 1440);
          const jumpedPastEnd = beforeMinute < minutes(to) && local > minutes(to);
          return (
            release.getTime() >= now.getTime() &&
            release.getTime() - now.getTime() <= 25 * 3_600_000 &&
            (from === to ||
              !inside(local, minutes(from), minutes(to)) ||
              jumpedPastEnd ||
              release.getTime() === now.getTime())
          );
        },
      ),
      { numRuns: 500 },
    );
  });

  it('given a wrapping window (03:00–02:00) and the night DST ends, then the release waits for 02:00 on the new clock', () => {
    // Found by the property above (seed 1064346873): 23 h of elapsed time ended at 01:00 CST, inside the window.
    const q = { from: '03:00', to: '02:00' };
    expect(endOfQuietHours(new Date('2027-11-06T08:00:00Z'), 'America/Chicago', q).toISOString()).toBe(
      '2027-11-07T08:00:00.000Z',
    );
  });

  it('given a window whose end falls in the hour skipped when DST starts, then the release is the jump', () => {
    // 2026-03-08 America/New_York: 01:59 EST is followed by 03:00 EDT (07:00Z); 02:30 never shows.
    const q = { from: '03:00', to: '02:30' };
    expect(endOfQuietHours(new Date('2026-03-07T08:00:00Z'), 'America/New_York', q).toISOString()).toBe(
      '2026-03-08T07:00:00.000Z',
    );
  });

  it('given the hour repeated when DST ends, then a window ending inside it ends on its second pass too', () => {
    // 2026-11-01 America/Chicago: 01:00–02:00 CDT, then 01:00–02:00 CST. 01:10 CST is 07:10Z.
    const q = { from: '01:00', to: '01:30' };
    expect(endOfQuietHours(new Date('2026-11-01T06:10:00Z'), 'America/Chicago', q).toISOString()).toBe(
      '2026-11-01T06:30:00.000Z',
    );
    expect(endOfQuietHours(new Date('2026-11-01T07:10:00Z'), 'America/Chicago', q).toISOString()).toBe(
      '2026-11-01T07:30:00.000Z',
    );
  });

  it('given a window that does not wrap midnight (12:00–13:00), then 12:30 waits for 13:00 and 13:00 goes at once', () => {
    const q = { from: '12:00', to: '13:00' };
    expect(endOfQuietHours(new Date('2026-11-18T12:30:00Z'), 'UTC', q).toISOString()).toBe('2026-11-18T13:00:00.000Z');
    expect(endOfQuietHours(new Date('2026-11-18T13:00:00Z'), 'UTC', q).toISOString()).toBe('2026-11-18T13:00:00.000Z');
    expect(endOfQuietHours(new Date('2026-11-18T12:30:00Z'), 'UTC', null).toISOString()).toBe(
      '2026-11-18T12:30:00.000Z',
    );
  });
});
