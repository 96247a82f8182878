// Properties over random ledgers and rate cards: totals add up, caps hold, exceptions are never paid, a
// recomputation is byte-for-byte identical, and what finance receives always passes the fixed contract.
import fc from 'fast-check';
import { STATEMENT_ISSUED_V1, validateEvent, type AttendanceStatus } from '@tutoring/shared/contracts';
import { computeBaseStatement } from './base-statement';
import { toStatementIssuedV1 } from './finance-event';
import type { LedgerEntryFact } from './payment-facts';
import { HOUR_ROUNDINGS, BASE_UNITS } from './rate-card';
import type { PayoutStatement, PriorStatement } from './statement.types';
import { contract, rateCard, student, uuid } from './testing/builders';

const STATUSES: AttendanceStatus[] = ['present', 'late', 'left_early', 'absent_excused', 'absent_unexcused'];

const arbLine = fc.record({
  studentId: fc.integer({ min: 1, max: 6 }).map(student),
  status: fc.constantFrom(...STATUSES),
  minutes: fc.integer({ min: 0, max: 120 }),
  billable: fc.boolean(),
});

/** A ledger of sessions over Sep–Nov, some corrected or voided later. */
const arbLedger = fc
  .array(
    fc.record({
      session: fc.integer({ min: 1, max: 12 }),
      day: fc.integer({ min: 1, max: 28 }),
      month: fc.constantFrom('09', '10', '11'),
      voided: fc.boolean(),
      lines: fc.uniqueArray(arbLine, { minLength: 1, maxLength: 4, selector: (l) => l.studentId }),
    }),
    { maxLength: 40 },
  )
  .map((raw) => {
    const seen = new Set<number>();
    return raw.map((r, i): LedgerEntryFact => {
      const first = !seen.has(r.session);
      seen.add(r.session);
      const voided = !first && r.voided;
      return {
        ledgerPosition: i + 1,
        sessionId: `s-${r.session}`,
        kind: first ? 'delivered' : voided ? 'voided' : 'corrected',
        localDate: voided ? null : `2026-${r.month}-${String(r.day).padStart(2, '0')}`,
        scheduledSessionId: null,
        lines: voided ? [] : r.lines.map((l) => ({ ...l, exceptionCodes: l.billable ? [] : ['not_enrolled'] })),
      };
    });
  });

const arbCard = fc.record({
  unit: fc.constantFrom(...BASE_UNITS),
  price: fc.integer({ min: 1, max: 20_000 }),
  rounding: fc.constantFrom(...HOUR_ROUNDINGS),
  holdbackBp: fc.integer({ min: 0, max: 4000 }),
  capPerStudent: fc.option(fc.integer({ min: 0, max: 30_000 }), { nil: null }),
  capPerContract: fc.option(fc.integer({ min: 0, max: 80_000 }), { nil: null }),
});

type CardInput = typeof arbCard extends fc.Arbitrary<infer T> ? T : never;

/** Sep, Oct, Nov statements, each at a growing ledger position, each seeing the earlier ones. */
const run = (ledger: LedgerEntryFact[], card: CardInput): PayoutStatement[] => {
  const c = contract(
    rateCard({
      base: { unit: card.unit, unitPriceCents: card.price, hourRounding: card.rounding },
      holdbackBp: card.holdbackBp,
      capPerStudentCents: card.capPerStudent,
      capPerContractCents: card.capPerContract,
    }),
  );
  const prior: PriorStatement[] = [];
  const out: PayoutStatement[] = [];
  ['2026-09', '2026-10', '2026-11'].forEach((month, i) => {
    const at = Math.floor((ledger.length * (i + 1)) / 3);
    const s = computeBaseStatement({
      statementId: uuid(i + 1, 'f'),
      contract: c,
      month,
      facts: ledger,
      ledgerPosition: at,
      prior: [...prior],
      disputes: [],
      computedAt: '2026-12-01T00:00:00Z',
    });
    out.push(s);
    prior.push({
      kind: s.kind,
      label: s.label,
      periodStart: s.periodStart,
      periodEnd: s.periodEnd,
      ledgerPosition: s.ledgerPosition,
      lines: s.lines,
    });
  });
  return out;
};

describe('statement properties', () => {
  it('total = sum of lines; caps never exceeded; exception lines never paid; recomputation identical; finance contract valid', () => {
    fc.assert(
      fc.property(arbLedger, arbCard, (ledger, card) => {
        const statements = run(ledger, card);
        const again = run(ledger, card);
        expect(JSON.stringify(again)).toBe(JSON.stringify(statements));
        const all = statements.flatMap((s) => s.lines);
        for (const s of statements) {
          expect(s.totalCents).toBe(s.lines.reduce((a, l) => a + l.amountCents, 0));
          const validated = validateEvent(STATEMENT_ISSUED_V1, toStatementIssuedV1(s));
          expect(validated.ok ? [] : validated.errors).toEqual([]);
          // no paid line for a student-month made only of exception lines
          const paidKeys = new Set(s.lines.filter((l) => l.kind === 'base').map((l) => l.studentId));
          const view = ledger.filter((e) => e.ledgerPosition <= s.ledgerPosition);
          const currentBySession = new Map(view.map((e) => [e.sessionId, e]));
          const monthLines = [...currentBySession.values()]
            .filter((e) => e.localDate?.startsWith(s.label))
            .flatMap((e) => e.lines);
          for (const studentId of paidKeys) {
            expect(
              monthLines.some(
                (l) =>
                  l.studentId === studentId &&
                  l.billable &&
                  l.minutes > 0 &&
                  ['present', 'late', 'left_early'].includes(l.status),
              ),
            ).toBe(true);
          }
        }
        if (card.capPerStudent !== null) {
          const perStudent = new Map<string, number>();
          for (const l of all)
            if (l.studentId) perStudent.set(l.studentId, (perStudent.get(l.studentId) ?? 0) + l.amountCents);
          for (const total of perStudent.values()) expect(total).toBeLessThanOrEqual(card.capPerStudent);
        }
        if (card.capPerContract !== null)
          expect(all.reduce((a, l) => a + l.amountCents, 0)).toBeLessThanOrEqual(card.capPerContract);
      }),
      { numRuns: 300 },
    );
  });

  it('a ledger of exception lines only pays nothing and lists every line', () => {
    fc.assert(
      fc.property(arbLedger, (ledger) => {
        const exceptionsOnly = ledger.map((e) => ({
          ...e,
          lines: e.lines.map((l) => ({ ...l, billable: false, exceptionCodes: ['duplicate'] })),
        }));
        const s = computeBaseStatement({
          statementId: uuid(1, 'f'),
          contract: contract(),
          month: '2026-10',
          facts: exceptionsOnly,
          ledgerPosition: exceptionsOnly.length,
          prior: [],
          disputes: [],
          computedAt: 'x',
        });
        expect(s.lines).toEqual([]);
        expect(s.totalCents).toBe(0);
        const current = new Map(exceptionsOnly.map((e) => [e.sessionId, e]));
        const expected = [...current.values()]
          .filter((e) => e.localDate?.startsWith('2026-10'))
          .reduce((n, e) => n + e.lines.length, 0);
        expect(s.exceptions).toHaveLength(expected);
      }),
    );
  });
});
