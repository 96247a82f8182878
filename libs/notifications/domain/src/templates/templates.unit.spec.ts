import { LANGUAGES, RULE_IDS } from '../settings/district-settings';
import { isoWeekOf, weekBounds } from '@tutoring/shared/time';
import { lastCompletedWeek } from '../time/local-time';
import { formatCents, render, renderDigest } from './templates';
import { SAMPLE_PAYLOADS } from './sample-payloads';

describe('templates', () => {
  it.each(RULE_IDS.flatMap((rule) => LANGUAGES.map((lang) => [rule, lang] as const)))(
    '%s renders in %s with a subject and a body',
    (rule, lang) => {
      const message = render(rule, lang, SAMPLE_PAYLOADS[rule]);
      expect(message.subject.length).toBeGreaterThan(5);
      expect(message.text.length).toBeGreaterThan(20);
      expect(message.text).not.toContain('undefined');
    },
  );

  it('the family summary is in plain words, in Spanish when asked', () => {
    expect(render('family_weekly_summary', 'en', SAMPLE_PAYLOADS.family_weekly_summary).text).toContain(
      'is making progress on 3.NF.A.1',
    );
    expect(render('family_weekly_summary', 'es', SAMPLE_PAYLOADS.family_weekly_summary).text).toContain(
      'está avanzando en 3.NF.A.1',
    );
  });

  it('money is formatted from integer cents', () => {
    expect([formatCents(1234567, 'USD'), formatCents(5, 'USD'), formatCents(-100, 'USD')]).toEqual([
      '$12,345.67',
      '$0.05',
      '-$1.00',
    ]);
  });

  it('several notifications become one message; a single one is sent as is', () => {
    const one = render('payout_statement_issued', 'en', SAMPLE_PAYLOADS.payout_statement_issued);
    expect(renderDigest('en', [one])).toEqual(one);
    expect(renderDigest('es', [one, one]).subject).toBe('2 novedades de tutoría');
  });
});

describe('weeks in the district zone', () => {
  it('ISO weeks, including the year boundary', () => {
    expect([isoWeekOf('2026-11-18'), isoWeekOf('2027-01-01'), isoWeekOf('2026-12-28')]).toEqual([
      '2026-W47',
      '2026-W53',
      '2026-W53',
    ]);
    expect(weekBounds('2026-11-18')).toEqual({ from: '2026-11-16', to: '2026-11-22' });
  });

  it('the last completed week depends on the zone: Monday 03:00 UTC is still Sunday in Chicago', () => {
    const now = new Date('2026-11-23T03:00:00Z');
    expect(lastCompletedWeek(now, 'Europe/Madrid').isoWeek).toBe('2026-W47');
    expect(lastCompletedWeek(now, 'America/Chicago').isoWeek).toBe('2026-W46');
  });
});
