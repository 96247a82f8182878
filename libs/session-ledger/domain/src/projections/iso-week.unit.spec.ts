import { isoWeekday, isoWeekOf, isoWeekStart, localDateIn, paymentPeriodOf } from './iso-week';

describe('ISO weeks in the district zone', () => {
  it('numbers weeks across year boundaries as ISO 8601 does', () => {
    expect(isoWeekOf('2026-01-01')).toBe('2026-W01'); // Thursday
    expect(isoWeekOf('2027-01-01')).toBe('2026-W53'); // Friday of the last week of 2026
    expect(isoWeekOf('2024-12-30')).toBe('2025-W01'); // Monday belonging to 2025
    expect(isoWeekOf('2026-11-23')).toBe('2026-W48');
    expect(isoWeekStart('2026-11-29')).toBe('2026-11-23');
    expect(isoWeekday('2026-11-29')).toBe(7);
    expect(paymentPeriodOf('2026-11-29')).toBe('2026-11');
  });

  it('counts the week in which daylight saving time ends (America/Chicago, Sunday 2026-11-01) in the local zone', () => {
    const zone = 'America/Chicago';
    // Sunday 23:30 local (CST, UTC-6 after the fall back) is still the Sunday: week 44, not week 45.
    expect(localDateIn('2026-11-02T05:30:00Z', zone)).toBe('2026-11-01');
    expect(isoWeekOf(localDateIn('2026-11-02T05:30:00Z', zone))).toBe('2026-W44');
    // Monday 00:30 local is the next week, although UTC is only one hour later.
    expect(localDateIn('2026-11-02T06:30:00Z', zone)).toBe('2026-11-02');
    expect(isoWeekOf(localDateIn('2026-11-02T06:30:00Z', zone))).toBe('2026-W45');
    // Monday of the DST week at 00:30 CDT (UTC-5) and the repeated hour 01:30 both fall in week 44.
    expect(isoWeekOf(localDateIn('2026-10-26T05:30:00Z', zone))).toBe('2026-W44');
    expect(isoWeekOf(localDateIn('2026-11-01T06:30:00Z', zone))).toBe('2026-W44');
    expect(isoWeekOf(localDateIn('2026-11-01T07:30:00Z', zone))).toBe('2026-W44');
    // The same instant is a Monday in UTC: counting in UTC would put the session in the wrong week.
    expect(isoWeekOf('2026-11-02')).toBe('2026-W45');
  });

  it('uses the zone of the district, not of the server (Pacific/Auckland ends DST in April)', () => {
    expect(localDateIn('2026-04-05T11:30:00Z', 'Pacific/Auckland')).toBe('2026-04-05'); // 23:30 NZST Sunday
    expect(isoWeekOf(localDateIn('2026-04-05T11:30:00Z', 'Pacific/Auckland'))).toBe('2026-W14');
    expect(isoWeekOf(localDateIn('2026-04-05T12:30:00Z', 'Pacific/Auckland'))).toBe('2026-W15');
  });
});
