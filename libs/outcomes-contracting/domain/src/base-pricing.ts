// Base payment of one period, per student and rate card version, from the ledger as it stood at a position.
import type { LocalDate } from '@tutoring/shared/contracts';
import { versionAt, type Contract } from './contract';
import { divideRoundHalfUp, exactDecimal } from './money';
import { isPayable, type LedgerEntryFact, type PaymentFactLine } from './payment-facts';
import { within } from './periods';
import type { HourRounding } from './rate-card';
import type { ExceptionItem } from './statement.types';

/** Quarter hours billed for ONE session line (the per-session rounding rule, before any money). */
export const billedQuarterHours = (minutes: number, rounding: HourRounding): number => {
  if (!Number.isInteger(minutes) || minutes < 0) throw new RangeError('minutes must be a whole non-negative number');
  switch (rounding) {
    case 'quarter_hour_down':
      return Math.floor(minutes / 15);
    case 'quarter_hour_up':
      return Math.ceil(minutes / 15);
    case 'quarter_hour_nearest':
      return Math.floor((2 * minutes + 15) / 30);
    default: {
      const _exhaustive: never = rounding;
      throw new Error(`unknown rounding ${String(_exhaustive)}`);
    }
  }
};

/** What one student earned as base in a period under one version, before it becomes a line. */
export interface BaseAccrual {
  studentId: string;
  version: number;
  unit: 'student_hour' | 'student_session' | 'student_month';
  unitPriceCents: number;
  /** Quarter hours, sessions or months. */
  units: number;
  positions: Set<number>;
}

export const accrualAmount = (a: BaseAccrual): number =>
  a.unit === 'student_hour' ? divideRoundHalfUp(a.units * a.unitPriceCents, 4) : a.units * a.unitPriceCents;

export const accrualQuantity = (a: BaseAccrual): string =>
  a.unit === 'student_hour' ? exactDecimal(a.units, 4) : String(a.units);

interface PayableLine {
  entry: LedgerEntryFact;
  line: PaymentFactLine;
  date: LocalDate;
}

/** Lines of current entries dated within [from, to] and within the contract's term. */
const linesIn = (contract: Contract, current: readonly LedgerEntryFact[], from: LocalDate, to: LocalDate) => {
  const payable: PayableLine[] = [];
  const exceptions: ExceptionItem[] = [];
  for (const entry of current) {
    const date = entry.localDate;
    if (!date || !within(date, from, to) || !within(date, contract.startDate, contract.endDate)) continue;
    for (const line of entry.lines) {
      if (isPayable(line)) payable.push({ entry, line, date });
      else if (!line.billable)
        exceptions.push({
          ledgerPosition: entry.ledgerPosition,
          sessionId: entry.sessionId,
          studentId: line.studentId,
          localDate: date,
          minutes: line.minutes,
          codes: [...line.exceptionCodes].sort(),
        });
    }
  }
  return { payable, exceptions };
};

/**
 * Base accruals of a period. student_hour and student_session: one accrual per student and version in force on
 * each session's date. student_month: a student counts once in a month when they have at least one payable
 * session in it (a billable line already proves enrolment and consent on that date), priced at the version in
 * force on their first payable session of the month.
 */
export const accrueBase = (contract: Contract, current: readonly LedgerEntryFact[], from: LocalDate, to: LocalDate) => {
  const { payable, exceptions } = linesIn(contract, current, from, to);
  const accruals = new Map<string, BaseAccrual>();
  const firstDate = new Map<string, LocalDate>();
  for (const { entry, line, date } of payable) {
    const version = versionAt(contract, date);
    if (!version) continue; // before the first version: nothing was agreed, nothing is paid
    const { unit, unitPriceCents, hourRounding } = version.rateCard.base;
    if (unit === 'student_month') {
      const earliest = firstDate.get(line.studentId);
      if (!earliest || date < earliest) firstDate.set(line.studentId, date);
    }
    const key = unit === 'student_month' ? line.studentId : `${line.studentId}|${version.version}`;
    let accrual = accruals.get(key);
    if (!accrual) {
      accrual = {
        studentId: line.studentId,
        version: version.version,
        unit,
        unitPriceCents,
        units: 0,
        positions: new Set(),
      };
      accruals.set(key, accrual);
    }
    accrual.positions.add(entry.ledgerPosition);
    if (unit === 'student_hour') accrual.units += billedQuarterHours(line.minutes, hourRounding);
    else if (unit === 'student_session') accrual.units += 1;
    else accrual.units = 1;
  }
  for (const [studentId, date] of firstDate) {
    const accrual = accruals.get(studentId);
    const version = versionAt(contract, date);
    if (accrual && version) {
      accrual.version = version.version;
      accrual.unitPriceCents = version.rateCard.base.unitPriceCents;
    }
  }
  exceptions.sort(
    (a, b) =>
      a.ledgerPosition - b.ledgerPosition || (a.studentId < b.studentId ? -1 : a.studentId > b.studentId ? 1 : 0),
  );
  return { accruals: [...accruals.values()], exceptions };
};
