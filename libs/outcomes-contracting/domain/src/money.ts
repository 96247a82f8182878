// Money is integer cents; every division says how it rounds. Nothing here ever touches a float amount.

/** A whole number of cents (may be negative for withheld or deducted money). */
export type Cents = number;

const assertSafeInteger = (value: number, what: string): void => {
  if (!Number.isSafeInteger(value)) throw new RangeError(`${what} must be a safe integer, got ${value}`);
};

/**
 * numerator / denominator rounded to the nearest integer, halves away from zero ("half-up" on magnitudes):
 * 250.5 → 251, −250.5 → −251, 250.49 → 250. Exact integer arithmetic (BigInt), so no float ever rounds.
 */
export const divideRoundHalfUp = (numerator: number, denominator: number): number => {
  assertSafeInteger(numerator, 'numerator');
  assertSafeInteger(denominator, 'denominator');
  if (denominator <= 0) throw new RangeError('denominator must be positive');
  const n = BigInt(Math.abs(numerator));
  const d = BigInt(denominator);
  const magnitude = (2n * n + d) / (2n * d);
  const result = Number(magnitude);
  return numerator < 0 ? -result : result;
};

/** amount × basisPoints / 10 000, half-up to the cent (1 bp = 0.01 %). */
export const percentOfCents = (amount: Cents, basisPoints: number): Cents =>
  divideRoundHalfUp(amount * basisPoints, 10_000);

/** Exact decimal text of numerator/denominator when the denominator divides a power of ten (quarters: /4). */
export const exactDecimal = (numerator: number, denominator: 1 | 2 | 4): string => {
  assertSafeInteger(numerator, 'numerator');
  const scale = 100; // 1/4 = 0.25 needs two decimals
  const scaled = (Math.abs(numerator) * scale) / denominator; // exact: 100 is a multiple of 1, 2 and 4
  const whole = Math.floor(scaled / scale);
  const fraction = scaled % scale;
  const sign = numerator < 0 ? '-' : '';
  if (fraction === 0) return `${sign}${whole}`;
  return `${sign}${whole}.${String(fraction).padStart(2, '0').replace(/0$/, '')}`;
};

/** Sum of decimal strings (as produced by exactDecimal or integers), exact: scaled BigInt arithmetic. */
export const sumDecimals = (values: readonly string[]): string => {
  const SCALE = 4;
  let total = 0n;
  for (const v of values) {
    const negative = v.startsWith('-');
    const [whole = '0', fraction = ''] = (negative ? v.slice(1) : v).split('.');
    if (fraction.length > SCALE) throw new RangeError(`too many decimals in ${v}`);
    const scaled = BigInt(whole) * 10n ** BigInt(SCALE) + BigInt(fraction.padEnd(SCALE, '0'));
    total += negative ? -scaled : scaled;
  }
  const negative = total < 0n;
  const abs = negative ? -total : total;
  const whole = abs / 10n ** BigInt(SCALE);
  const fraction = (abs % 10n ** BigInt(SCALE)).toString().padStart(SCALE, '0').replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
};

/** "70.00 %" from basis points, for descriptions. */
export const formatBasisPoints = (bp: number): string =>
  `${Math.floor(bp / 100)}.${String(bp % 100).padStart(2, '0')} %`;

/** A share as basis points, rounded DOWN (a gate is never passed by rounding): 2/3 → 6666. */
export const shareBasisPoints = (part: number, whole: number): number =>
  whole === 0 ? 0 : Math.floor((part * 10_000) / whole);
