import fc from 'fast-check';
import {
  divideRoundHalfUp,
  exactDecimal,
  formatBasisPoints,
  percentOfCents,
  shareBasisPoints,
  sumDecimals,
} from './money';

describe('money', () => {
  it('rounds half away from zero, exactly at the half', () => {
    expect(divideRoundHalfUp(1001, 2)).toBe(501); // 500.5 → 501
    expect(divideRoundHalfUp(1003, 4)).toBe(251); // 250.75 → 251
    expect(divideRoundHalfUp(1001, 4)).toBe(250); // 250.25 → 250
    expect(divideRoundHalfUp(-1001, 2)).toBe(-501); // −500.5 → −501
    expect(divideRoundHalfUp(-1001, 4)).toBe(-250);
    expect(divideRoundHalfUp(0, 7)).toBe(0);
    expect(() => divideRoundHalfUp(1, 0)).toThrow(RangeError);
    expect(() => divideRoundHalfUp(0.5, 1)).toThrow(RangeError);
  });

  it('takes percentages in basis points, half-up to the cent', () => {
    expect(percentOfCents(12_345, 2000)).toBe(2469); // 2469.0
    expect(percentOfCents(12_346, 2500)).toBe(3087); // 3086.5 → 3087
    expect(percentOfCents(1, 5000)).toBe(1); // 0.5 → 1
    expect(percentOfCents(1, 4999)).toBe(0); // 0.4999 → 0
  });

  it('prints quarter quantities as exact decimals and sums them exactly', () => {
    expect(exactDecimal(7, 4)).toBe('1.75');
    expect(exactDecimal(2, 4)).toBe('0.5');
    expect(exactDecimal(8, 4)).toBe('2');
    expect(exactDecimal(-1, 4)).toBe('-0.25');
    expect(sumDecimals(['1.75', '0.5', '-0.25', '3'])).toBe('5');
    expect(sumDecimals(['0.1', '0.2'])).toBe('0.3');
    expect(sumDecimals([])).toBe('0');
    expect(formatBasisPoints(7000)).toBe('70.00 %');
    expect(formatBasisPoints(6666)).toBe('66.66 %');
    expect(shareBasisPoints(2, 3)).toBe(6666); // rounded down: a gate is never passed by rounding
    expect(shareBasisPoints(0, 0)).toBe(0);
  });

  it('property: half-up division is within half a unit and never a float', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), fc.integer({ min: 1, max: 1e6 }), (n, d) => {
        const q = divideRoundHalfUp(n, d);
        expect(Number.isInteger(q)).toBe(true);
        expect(Math.abs(2 * (n - q * d))).toBeLessThanOrEqual(d);
      }),
    );
  });
});
