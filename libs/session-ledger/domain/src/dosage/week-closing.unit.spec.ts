import { judgeStudentWeek, StudentWeekFacts } from './dosage-judgement';
import { lastClosedWeek, nextIsoWeek, previousIsoWeek, weekEndInstant, weeksToClose } from './week-closing';

const CHICAGO = 'America/Chicago';

describe('week closing in the district zone', () => {
  it('ends a week at the next Monday local midnight, an hour later in UTC in the week DST ends', () => {
    // 2026-W44 is Oct 26 – Nov 1; DST ends in Chicago on Sunday Nov 1 (CDT −5 → CST −6).
    expect(weekEndInstant('2026-W43', CHICAGO).toISOString()).toBe('2026-10-26T05:00:00.000Z');
    expect(weekEndInstant('2026-W44', CHICAGO).toISOString()).toBe('2026-11-02T06:00:00.000Z');
    expect(weekEndInstant('2026-W44', 'Pacific/Auckland').toISOString()).toBe('2026-11-01T11:00:00.000Z');
  });

  it('closes a week only once its end plus the grace has passed', () => {
    const end = weekEndInstant('2026-W44', CHICAGO).getTime();
    expect(lastClosedWeek(new Date(end - 1), CHICAGO, 0)).toBe('2026-W43');
    expect(lastClosedWeek(new Date(end), CHICAGO, 0)).toBe('2026-W44');
    // With the old (CDT) offset the week would have closed an hour early: 05:00Z is still Sunday 23:00 CST.
    expect(lastClosedWeek(new Date('2026-11-02T05:30:00Z'), CHICAGO, 0)).toBe('2026-W43');
    expect(lastClosedWeek(new Date(end + 23 * 3_600_000), CHICAGO, 24)).toBe('2026-W43');
    expect(lastClosedWeek(new Date(end + 24 * 3_600_000), CHICAGO, 24)).toBe('2026-W44');
  });

  it('steps weeks across a year with 53 weeks', () => {
    expect(nextIsoWeek('2026-W53')).toBe('2027-W01');
    expect(previousIsoWeek('2027-W01')).toBe('2026-W53');
    expect(nextIsoWeek('2027-W52')).toBe('2028-W01');
  });

  it('lists the weeks to close: every week since the last closed one, or a bounded catch-up on a first visit', () => {
    const now = new Date('2026-11-18T12:00:00Z'); // Wednesday of W47
    const opts = { graceHours: 24, catchUpWeeks: 3 };
    expect(weeksToClose(null, now, CHICAGO, opts)).toEqual(['2026-W44', '2026-W45', '2026-W46']);
    expect(weeksToClose('2026-W43', now, CHICAGO, opts)).toEqual(['2026-W44', '2026-W45', '2026-W46']);
    expect(weeksToClose('2026-W46', now, CHICAGO, opts)).toEqual([]);
    // Monday 10:00 local: W46 ended 10 h ago, inside the 24 h grace.
    expect(weeksToClose('2026-W45', new Date('2026-11-16T16:00:00Z'), CHICAGO, opts)).toEqual([]);
  });
});

describe('judging a student week', () => {
  const facts = (over: Partial<StudentWeekFacts> = {}): StudentWeekFacts => ({
    studentId: 's',
    schoolId: 'school',
    programId: 'p',
    target: { sessionsPerWeek: 3, minutesPerSession: 30 },
    instructional: true,
    attendedMinutes: 90,
    countedSessions: 3,
    previous: null,
    ...over,
  });

  it('is below target when sessions or minutes fall short', () => {
    expect(judgeStudentWeek(facts())).toMatchObject({ below: false, consecutiveWeeks: 0, targetMinutes: 90 });
    expect(judgeStudentWeek(facts({ attendedMinutes: 89 }))).toMatchObject({ below: true, consecutiveWeeks: 1 });
    expect(judgeStudentWeek(facts({ countedSessions: 2, attendedMinutes: 120 }))).toMatchObject({ below: true });
  });

  it('counts consecutive instructional weeks below target from the previous judgement', () => {
    const prevBelow = { isoWeek: '2026-W45', below: true, consecutiveWeeks: 1 };
    expect(judgeStudentWeek(facts({ attendedMinutes: 0, countedSessions: 0, previous: prevBelow }))).toMatchObject({
      below: true,
      consecutiveWeeks: 2,
    });
    const prevAt = { isoWeek: '2026-W45', below: false, consecutiveWeeks: 0 };
    expect(judgeStudentWeek(facts({ attendedMinutes: 0, previous: prevAt }))?.consecutiveWeeks).toBe(1);
    expect(judgeStudentWeek(facts({ previous: prevBelow }))?.consecutiveWeeks).toBe(0);
  });

  it('does not judge a week without an instructional day', () => {
    expect(judgeStudentWeek(facts({ instructional: false, attendedMinutes: 0 }))).toBeNull();
  });
});
