// The rate card of an outcomes-based contract (DESIGN.md §2) and the rules a valid one obeys.
import type { AssessmentWindow, LocalDate } from '@tutoring/shared/contracts';

export const BASE_UNITS = ['student_hour', 'student_session', 'student_month'] as const;
export type BaseUnit = (typeof BASE_UNITS)[number];

/**
 * How the attended minutes of ONE session line become billable hours, before any money is computed:
 * - quarter_hour_down: whole quarter hours only (29 min → 0.25 h): the district's default, never pays unattended time;
 * - quarter_hour_up: any started quarter counts (16 min → 0.5 h);
 * - quarter_hour_nearest: nearest quarter, ties impossible with whole minutes (7 min → 0, 8 min → 0.25 h).
 * The money of a student's month is then quarters × price / 4, rounded half-up to the cent ONCE per line.
 */
export const HOUR_ROUNDINGS = ['quarter_hour_down', 'quarter_hour_up', 'quarter_hour_nearest'] as const;
export type HourRounding = (typeof HOUR_ROUNDINGS)[number];

export const OUTCOME_METRICS = ['growth_percentile', 'scale_score_gain'] as const;
export type OutcomeMetric = (typeof OUTCOME_METRICS)[number];

export interface OutcomeTier {
  /** Lowest metric value (inclusive) that earns this tier. */
  min: number;
  /** Outcome payment per student in this tier. */
  cents: number;
}

export interface SettlementWindow {
  /** The outcome assessment window settled (MOY or EOY). */
  window: Exclude<AssessmentWindow, 'BOY'>;
  /** The baseline window growth is measured from (BOY, or MOY for EOY). */
  baseline: Exclude<AssessmentWindow, 'EOY'>;
  /** Last day (inclusive) of the attendance counted for the gate; the statement's periodEnd. */
  periodEnd: LocalDate;
}

export interface RateCard {
  base: { unit: BaseUnit; unitPriceCents: number; hourRounding: HourRounding };
  /** Outcome payments need at least this share of scheduled sessions attended, in basis points (7000 = 70 %). */
  attendanceGateBp: number;
  outcome: { metric: OutcomeMetric; subject: string; schoolYear: string; tiers: OutcomeTier[] } | null;
  /** Deducted once per student whose metric is below `below` (only students past the attendance gate). */
  declinePenalty: { below: number; cents: number } | null;
  /** Share of base withheld until settlement, basis points, at most 4000 (40 %). */
  holdbackBp: number;
  capPerStudentCents: number | null;
  capPerContractCents: number | null;
  settlementWindows: SettlementWindow[];
}

export interface RateCardError {
  path: string;
  code: string;
  message: string;
}

export const MAX_HOLDBACK_BP = 4000;
const MAX_CENTS = 100_000_000_000; // $1bn: far above any contract, far below 2^53

const centsError = (path: string, value: number, allowZero = true): RateCardError[] =>
  Number.isSafeInteger(value) && value >= (allowZero ? 0 : 1) && value <= MAX_CENTS
    ? []
    : [{ path, code: 'cents', message: `must be whole cents between ${allowZero ? 0 : 1} and ${MAX_CENTS}` }];

const tierErrors = (tiers: OutcomeTier[]): RateCardError[] => {
  const errors: RateCardError[] = tiers.flatMap((t, i) => [
    ...centsError(`outcome.tiers[${i}].cents`, t.cents),
    ...(Number.isFinite(t.min)
      ? []
      : [{ path: `outcome.tiers[${i}].min`, code: 'number', message: 'must be a number' }]),
  ]);
  for (let i = 1; i < tiers.length; i++) {
    const prev = tiers[i - 1] as OutcomeTier;
    const cur = tiers[i] as OutcomeTier;
    if (cur.min <= prev.min)
      errors.push({ path: `outcome.tiers[${i}].min`, code: 'order', message: 'tiers must ascend by min' });
    if (cur.cents < prev.cents)
      errors.push({ path: `outcome.tiers[${i}].cents`, code: 'order', message: 'a higher tier never pays less' });
  }
  return errors;
};

/** Every rule a rate card must obey; [] when valid. */
export const rateCardErrors = (card: RateCard): RateCardError[] => {
  const errors: RateCardError[] = [...centsError('base.unitPriceCents', card.base.unitPriceCents, false)];
  if (!Number.isInteger(card.attendanceGateBp) || card.attendanceGateBp < 0 || card.attendanceGateBp > 10_000)
    errors.push({ path: 'attendanceGateBp', code: 'range', message: 'must be 0..10000 basis points' });
  if (!Number.isInteger(card.holdbackBp) || card.holdbackBp < 0 || card.holdbackBp > MAX_HOLDBACK_BP)
    errors.push({
      path: 'holdbackBp',
      code: 'range',
      message: `must be 0..${MAX_HOLDBACK_BP} basis points (at most 40 %)`,
    });
  if (card.outcome) {
    if (card.outcome.tiers.length === 0)
      errors.push({ path: 'outcome.tiers', code: 'empty', message: 'needs at least one tier' });
    errors.push(...tierErrors(card.outcome.tiers));
  }
  if (card.declinePenalty) errors.push(...centsError('declinePenalty.cents', card.declinePenalty.cents));
  if (card.capPerStudentCents !== null) errors.push(...centsError('capPerStudentCents', card.capPerStudentCents));
  if (card.capPerContractCents !== null) errors.push(...centsError('capPerContractCents', card.capPerContractCents));
  const windows = card.settlementWindows.map((w) => w.window);
  if (new Set(windows).size !== windows.length)
    errors.push({ path: 'settlementWindows', code: 'duplicate', message: 'each window is settled once' });
  card.settlementWindows.forEach((w, i) => {
    if (w.baseline === 'MOY' && w.window === 'MOY')
      errors.push({
        path: `settlementWindows[${i}].baseline`,
        code: 'order',
        message: 'the baseline must precede the window',
      });
  });
  return errors;
};
