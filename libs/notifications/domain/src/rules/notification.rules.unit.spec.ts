import fc from 'fast-check';
import { DEFAULT_SETTINGS, resolveSettings, settingsProblems } from '../settings/district-settings';
import { address } from './address';
import {
  dosageAlert,
  familySummary,
  missingSessionReports,
  payoutStatementIssued,
  sessionExceptions,
  teacherDigest,
  PlannedOccurrence,
  StudentNote,
} from './notification.rules';
import type { RecipientChannel } from './notification.types';

const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';
const C = '00000000-0000-4000-8000-00000000000c';
const zone = 'America/Chicago';
const noon = new Date('2026-11-18T18:00:00Z'); // 12:00 in Chicago
const recipient = (over: Partial<RecipientChannel> = {}): RecipientChannel => ({
  recipientId: 'lead-1',
  channel: 'email',
  language: 'en',
  timeZone: null,
  optedOutRules: [],
  ...over,
});
const signal = (consecutiveWeeks: number) => ({
  studentId: A,
  isoWeek: '2026-W47',
  attendedMinutes: 30,
  targetMinutes: 90,
  consecutiveWeeks,
});

describe('dosage below target', () => {
  it('given the default threshold of 2 weeks, when a streak reaches 2, then it alerts once (not at 1 or 3)', () => {
    expect(dosageAlert(signal(1), 'Math', DEFAULT_SETTINGS)).toBeNull();
    expect(dosageAlert(signal(2), 'Math', DEFAULT_SETTINGS)).toMatchObject({
      studentId: A,
      consecutiveWeeks: 2,
      programName: 'Math',
    });
    expect(dosageAlert(signal(3), 'Math', DEFAULT_SETTINGS)).toBeNull();
  });

  it('given a district with threshold 3 and weekly repeats, when streaks of 2, 3 and 4 arrive, then 3 and 4 alert', () => {
    const settings = resolveSettings({ dosage: { consecutiveWeeks: 3, repeatWeekly: true } });
    expect([2, 3, 4].map((w) => dosageAlert(signal(w), null, settings) !== null)).toEqual([false, true, true]);
  });
});

describe('session exceptions', () => {
  it('given a session with one exception line, then only that line is reported; a void or a clean session says nothing', () => {
    const lines = [
      { studentId: A, exceptionCodes: ['not_enrolled'] },
      { studentId: B, exceptionCodes: [] },
    ];
    expect(sessionExceptions({ sessionId: 's-1', kind: 'delivered', localDate: '2026-11-18', lines })).toEqual({
      sessionId: 's-1',
      localDate: '2026-11-18',
      lines: [{ studentId: A, codes: ['not_enrolled'] }],
    });
    expect(sessionExceptions({ sessionId: 's-1', kind: 'voided', localDate: null, lines })).toBeNull();
    expect(
      sessionExceptions({
        sessionId: 's-2',
        kind: 'delivered',
        localDate: null,
        lines: [{ studentId: B, exceptionCodes: [] }],
      }),
    ).toBeNull();
  });
});

describe('missing session report', () => {
  const occ = (over: Partial<PlannedOccurrence>): PlannedOccurrence => ({
    occurrenceId: 'o',
    vendorId: 'v',
    groupId: 'g',
    date: '2026-11-16',
    startsAt: '2026-11-16T15:00:00Z',
    endsAt: '2026-11-16T15:30:00Z',
    cancelled: false,
    reported: false,
    ...over,
  });

  it('given occurrences ended 23 h, 25 h and 20 days ago, when the sweep runs, then only the 25 h one is due', () => {
    const now = new Date('2026-11-20T12:00:00Z');
    const ago = (h: number) => new Date(now.getTime() - h * 3_600_000).toISOString();
    const due = missingSessionReports(
      [
        occ({ occurrenceId: '23h', endsAt: ago(23) }),
        occ({ occurrenceId: '25h', endsAt: ago(25) }),
        occ({ occurrenceId: 'old', endsAt: ago(20 * 24) }),
      ],
      now,
      DEFAULT_SETTINGS,
    );
    expect(due.map((d) => d.occurrenceId)).toEqual(['25h']);
  });

  it('given a cancelled or reported occurrence, then it is never due', () => {
    const now = new Date('2026-11-20T12:00:00Z');
    expect(missingSessionReports([occ({ cancelled: true }), occ({ reported: true })], now, DEFAULT_SETTINGS)).toEqual(
      [],
    );
  });
});

describe('family weekly summary', () => {
  it('given a group session with two students, then the family of A hears only about A, and no student id at all', () => {
    const lines = [
      { studentId: A, localDate: '2026-11-16', status: 'present', minutes: 30 },
      { studentId: B, localDate: '2026-11-16', status: 'present', minutes: 30 },
      { studentId: A, localDate: '2026-11-17', status: 'absent_excused', minutes: 0 },
    ];
    const notes: StudentNote[] = [
      { studentId: A, skill: '3.NF.A.1', progress: 'progressing', comment: 'fractions', localDate: '2026-11-16' },
      { studentId: B, skill: '3.OA.A.1', progress: 'not_yet', comment: 'secret about B', localDate: '2026-11-16' },
    ];
    const summary = familySummary(A, '2026-W47', lines, notes);
    expect(summary).toEqual({
      isoWeek: '2026-W47',
      sessionsAttended: 1,
      sessionsMissed: 1,
      minutesAttended: 30,
      notes: [{ skill: '3.NF.A.1', progress: 'progressing', comment: 'fractions', date: '2026-11-16' }],
    });
    expect(JSON.stringify(summary)).not.toContain(B);
    expect(JSON.stringify(summary)).not.toContain('secret about B');
  });

  it('property: whatever other students are in the input, the summary never mentions them', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ studentId: fc.constantFrom(A, B, C), comment: fc.string({ maxLength: 20 }) })),
        (raw) => {
          const notes = raw.map((r) => ({
            ...r,
            skill: 'k',
            progress: 'mastered',
            localDate: null,
            comment: `${r.studentId}:${r.comment}`,
          }));
          const text = JSON.stringify(familySummary(A, 'w', [], notes));
          return !text.includes(B) && !text.includes(C);
        },
      ),
    );
  });
});

describe('teacher digest', () => {
  it('given notes about A, B and C, when the teacher has A and C, then the digest holds A and C only; none → null', () => {
    const notes: StudentNote[] = [A, B, C].map((studentId) => ({
      studentId,
      skill: 'k',
      progress: 'mastered',
      comment: `about ${studentId}`,
      localDate: '2026-11-16',
    }));
    const digest = teacherDigest([A, C], '2026-W47', notes);
    expect(digest?.students.map((s) => s.studentId)).toEqual([A, C]);
    expect(JSON.stringify(digest)).not.toContain(B);
    expect(
      teacherDigest(
        [B],
        '2026-W47',
        notes.filter((n) => n.studentId !== B),
      ),
    ).toBeNull();
  });
});

describe('payout statement issued', () => {
  it('given a statement with per-student lines, then the approvers get totals and a line count, never student ids', () => {
    const p = payoutStatementIssued({
      statementId: 's',
      contractId: 'c',
      vendorId: 'v',
      kind: 'base',
      periodStart: '2026-11-01',
      periodEnd: '2026-11-30',
      totalCents: 1050,
      currency: 'USD',
      lines: [{ studentId: A }, { studentId: B }],
    });
    expect(p).toMatchObject({ totalCents: 1050, lineCount: 2 });
    expect(JSON.stringify(p)).not.toContain(A);
  });
});

describe('addressing: on/off, opt-outs, language, quiet hours, digests', () => {
  const ctx = { settings: DEFAULT_SETTINGS, now: noon, districtZone: zone };

  it('given a rule turned off for the district, then nobody is addressed and the skip is recorded', () => {
    const settings = resolveSettings({ rules: { payout_statement_issued: { enabled: false } } });
    const out = address(
      'payout_statement_issued',
      'evt',
      payoutStatementIssued({
        statementId: 's',
        contractId: 'c',
        vendorId: 'v',
        kind: 'base',
        periodStart: 'a',
        periodEnd: 'b',
        totalCents: 1,
        currency: 'USD',
        lines: [],
      }),
      [recipient()],
      { ...ctx, settings },
    );
    expect(out.decisions).toEqual([]);
    expect(out.skipped).toEqual([expect.objectContaining({ reason: 'rule_disabled' })]);
  });

  it('given one recipient opted out of the rule and one not, then only the other is addressed', () => {
    const out = address(
      'dosage_below_target',
      'evt',
      { ...signal(2), programName: null },
      [recipient({ recipientId: 'out', optedOutRules: ['dosage_below_target'] }), recipient({ recipientId: 'in' })],
      ctx,
    );
    expect(out.decisions.map((d) => d.recipientId)).toEqual(['in']);
    expect(out.skipped).toEqual([expect.objectContaining({ recipientId: 'out', reason: 'opted_out' })]);
  });

  it('given noon and a 60-minute digest window, then email waits one hour; at 21:30 local it waits for 07:00 in the recipient zone', () => {
    const [day] = address(
      'dosage_below_target',
      'e',
      { ...signal(2), programName: null },
      [recipient()],
      ctx,
    ).decisions;
    expect(day?.notBefore).toBe('2026-11-18T19:00:00.000Z');
    const late = new Date('2026-11-19T02:30:00Z'); // 20:30 Chicago, +60 min digest = 21:30 → 07:00 next day
    const [night] = address('dosage_below_target', 'e', { ...signal(2), programName: null }, [recipient()], {
      ...ctx,
      now: late,
    }).decisions;
    expect(night?.notBefore).toBe('2026-11-19T13:00:00.000Z');
    const [ny] = address(
      'dosage_below_target',
      'e',
      { ...signal(2), programName: null },
      [recipient({ timeZone: 'America/New_York' })],
      { ...ctx, now: late },
    ).decisions;
    expect(ny?.notBefore).toBe('2026-11-19T12:00:00.000Z');
  });

  it('given a webhook or inbox recipient at night, then quiet hours do not hold it back', () => {
    const late = new Date('2026-11-19T04:00:00Z');
    const out = address(
      'payout_statement_issued',
      'e',
      payoutStatementIssued({
        statementId: 's',
        contractId: 'c',
        vendorId: 'v',
        kind: 'base',
        periodStart: 'a',
        periodEnd: 'b',
        totalCents: 1,
        currency: 'USD',
        lines: [],
      }),
      [recipient({ channel: 'webhook' }), recipient({ channel: 'inbox' })],
      { ...ctx, now: late },
    );
    expect(out.decisions.map((d) => d.notBefore)).toEqual([late.toISOString(), late.toISOString()]);
  });

  it('given a family language es-MX, then Spanish; an unknown language falls back to English', () => {
    const p = familySummary(A, 'w', [], []);
    expect(address('family_weekly_summary', 'k', p, [recipient()], ctx, 'es-MX').decisions[0]?.language).toBe('es');
    expect(address('family_weekly_summary', 'k', p, [recipient()], ctx, 'tlh').decisions[0]?.language).toBe('en');
  });
});

describe('settings validation', () => {
  it('refuses malformed quiet hours, unknown rules and out-of-range thresholds', () => {
    expect(
      settingsProblems({
        quietHours: { from: '25:00', to: '07:00' },
        dosage: { consecutiveWeeks: 0 },
        rules: { nope: { enabled: true } } as never,
      }),
    ).toEqual(['quietHours.from: must be HH:MM', 'rules.nope: unknown rule', 'dosage.consecutiveWeeks: 1..52']);
    expect(settingsProblems({ quietHours: null, rules: { teacher_digest: { enabled: false } } })).toEqual([]);
  });
});
