import { isOnTrack, shareBasisPoints, tutorConsistency, weekAtTarget, weeklyTargetMinutes } from './dosage.rules';

const nssa = { sessionsPerWeek: 3, minutesPerSession: 30 };

describe('dosage rules', () => {
  it('is on track at exactly 90 % of the target minutes of the instructional weeks elapsed', () => {
    expect(weeklyTargetMinutes(nssa)).toBe(90);
    expect(isOnTrack(810, 10, nssa)).toBe(true); // 90 % of 900
    expect(isOnTrack(809, 10, nssa)).toBe(false);
    expect(isOnTrack(0, 0, nssa)).toBe(true); // no instructional week yet: nothing owed
  });

  it('needs both the sessions and the minutes of the weekly target for a week at target', () => {
    expect(weekAtTarget(90, 3, nssa)).toBe(true);
    expect(weekAtTarget(120, 2, nssa)).toBe(false);
    expect(weekAtTarget(89, 4, nssa)).toBe(false);
  });

  it('rounds shares half up in basis points and measures tutor consistency by the most frequent tutor', () => {
    expect(shareBasisPoints(1, 3)).toBe(3333);
    expect(shareBasisPoints(2, 3)).toBe(6667);
    expect(shareBasisPoints(1, 8)).toBe(1250);
    expect(shareBasisPoints(0, 0)).toBe(0);
    expect(tutorConsistency([5, 1, 2])).toEqual({ primarySessions: 5, totalSessions: 8 });
  });
});
