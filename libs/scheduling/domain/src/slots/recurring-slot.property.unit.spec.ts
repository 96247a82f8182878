import fc from 'fast-check';
import { calendar, slot, weeklyBell } from '../testing.builders';
import { checkGroupPlan } from '../conflicts/group-plan.check';
import { context, group, uid } from '../testing.builders';
import { datesBetween, isoWeekday, minutesOf } from '../time/local-time';
import { materialiseOccurrences } from './recurring-slot';

const ZONES = [
  'America/Chicago',
  'America/New_York',
  'America/Los_Angeles',
  'America/Phoenix',
  'Pacific/Honolulu',
  'Europe/London',
  'Australia/Sydney',
];
const localClock = (instant: string, zone: string): string =>
  new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  })
    .format(new Date(instant))
    .replace(/^(\d\d)\/(\d\d)\/(\d{4}), /, '$3-$2-$1 ');

describe('materialisation (property)', () => {
  const term = datesBetween('2026-09-07', '2027-04-30');
  it('every occurrence is on an instructional day and weekday of the slot, at the period start in the zone, none missing', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES),
        fc.uniqueArray(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 5 }),
        fc.constantFrom('P1', 'P2', 'P3'),
        fc.uniqueArray(fc.constantFrom(...term), { maxLength: 40 }),
        fc.integer({ min: 0, max: term.length - 30 }),
        (zone, weekdays, period, holidays, start) => {
          const from = term[start]!;
          const to = term[start + 29]!;
          const cal = calendar('2026-09-07', '2027-04-30', holidays);
          const bell = weeklyBell();
          const occurrences = materialiseOccurrences({
            slots: [slot({ weekdays, period })],
            schedule: bell,
            calendar: cal,
            timeZone: zone,
            from,
            to,
          });
          const expected = datesBetween(from, to).filter(
            (d) => cal.instructionalDays.has(d) && weekdays.includes(isoWeekday(d)),
          );
          expect(occurrences.map((o) => o.date)).toEqual(expected);
          const periodStart = bell.periods['*']!.find((p) => p.code === period)!.start;
          for (const o of occurrences) {
            expect(localClock(o.startsAt, zone)).toBe(`${o.date} ${periodStart}`);
            expect((Date.parse(o.endsAt) - Date.parse(o.startsAt)) / 60_000).toBe(30);
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('double-booking detection (property)', () => {
  const slotArb = fc.record({
    weekdays: fc.uniqueArray(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 5 }),
    period: fc.constantFrom('P1', 'P2', 'P3'),
    minutes: fc.integer({ min: 10, max: 45 }),
  });
  it('reports a shared student exactly when the two groups meet at overlapping minutes of some weekday', () => {
    fc.assert(
      fc.property(slotArb, slotArb, (a, b) => {
        const mine = group(10, { studentIds: [uid(1)], slots: [slot({ ...a, slotId: 'a' })] });
        const theirs = group(11, { tutorId: uid(101), studentIds: [uid(1)], slots: [slot({ ...b, slotId: 'b' })] });
        const conflicts = checkGroupPlan(mine, context({ otherGroups: [theirs] })).filter(
          (c) => c.code === 'student_double_booked',
        );
        const start = (p: string) => minutesOf(weeklyBell().periods['*']!.find((x) => x.code === p)!.start);
        const overlap =
          a.weekdays.some((d) => b.weekdays.includes(d)) &&
          start(a.period) < start(b.period) + b.minutes &&
          start(b.period) < start(a.period) + a.minutes;
        expect(conflicts.length).toBe(overlap ? 1 : 0);
      }),
      { numRuns: 200 },
    );
  });
});
