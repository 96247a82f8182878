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
        fc.constantFrom('America/Chicago', 'America/New_York', 'Europe/Madrid', 'UTC', 'Asia/Kolkata'),
        (epoch, from, to, zone) => {
          const now = new Date(Math.floor(epoch / 60_000) * 60_000);
          const release = endOfQuietHours(now, zone, { from, to });
          const local = toLocal(release, zone).minuteOfDay;
          return (
            release.getTime() >= now.getTime() &&
            release.getTime() - now.getTime() <= 25 * 3_600_000 &&
            (from === to || !inside(local, minutes(from), minutes(to)) || release.getTime() === now.getTime())
          );
        },
      ),
      { numRuns: 500 },
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
