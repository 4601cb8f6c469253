/**
 * The statistic the timing test relies on, checked on cases with known answers, so that a
 * "distributions are indistinguishable" verdict cannot come from a broken test.
 */
import { describe, expect, it } from 'vitest';
import { ksCriticalValue, quantile, twoSampleKs } from './kolmogorov-smirnov';
// A deterministic uniform generator (mulberry32), so these checks never flake.
import { seeded as uniform } from './latency-model';

describe('two-sample Kolmogorov-Smirnov', () => {
  it('finds no difference between identical samples', () => {
    const sample = [5, 1, 4, 2, 3];
    expect(twoSampleKs(sample, sample)).toMatchObject({ statistic: 0, pValue: 1 });
  });

  it('finds complete separation between disjoint samples', () => {
    const result = twoSampleKs(
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
      [11, 12, 13, 14, 15, 16, 17, 18, 19, 20],
    );
    expect(result.statistic).toBe(1);
    expect(result.pValue).toBeLessThan(0.001);
  });

  it('matches a textbook value: D = 0.5 for two interleaved halves', () => {
    expect(twoSampleKs([1, 2, 3, 4], [3, 4, 5, 6]).statistic).toBe(0.5);
  });

  it('accepts two draws of one distribution and rejects a 10 % shift, at 300 samples each', () => {
    const random = uniform(42);
    const draw = (offset: number) => Array.from({ length: 300 }, () => offset + random());
    expect(twoSampleKs(draw(0), draw(0)).pValue).toBeGreaterThan(0.01);
    expect(twoSampleKs(draw(0), draw(0.2)).pValue).toBeLessThan(0.001);
  });

  it('has the usual critical value (1.36 sqrt(2/n) at 5 %)', () => {
    expect(ksCriticalValue(0.05, 100, 100)).toBeCloseTo(1.358 * Math.sqrt(2 / 100), 2);
  });

  it('takes nearest-rank quantiles', () => {
    expect(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.5)).toBe(5);
    expect(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.99)).toBe(10);
  });
});
