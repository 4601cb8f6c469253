/**
 * The two-sample Kolmogorov-Smirnov test: whether two samples come from one distribution. It
 * compares whole distributions (location, spread and shape), so a timing side channel cannot
 * hide in a tail the mean would not show.
 */

export interface KsResult {
  /** The largest distance between the two empirical distribution functions (0..1). */
  readonly statistic: number;
  /** Asymptotic probability of a distance at least this large if both samples share a distribution. */
  readonly pValue: number;
  readonly sizes: readonly [number, number];
}

/**
 * @example
 * twoSampleKs([1, 2, 3], [1, 2, 3]).pValue // 1
 */
export function twoSampleKs(first: readonly number[], second: readonly number[]): KsResult {
  if (first.length === 0 || second.length === 0) throw new RangeError('both samples need values');
  const a = [...first].sort((x, y) => x - y);
  const b = [...second].sort((x, y) => x - y);
  let i = 0;
  let j = 0;
  let statistic = 0;
  while (i < a.length && j < b.length) {
    const value = Math.min(a[i] as number, b[j] as number);
    while (i < a.length && (a[i] as number) <= value) i += 1;
    while (j < b.length && (b[j] as number) <= value) j += 1;
    statistic = Math.max(statistic, Math.abs(i / a.length - j / b.length));
  }
  const effective = (a.length * b.length) / (a.length + b.length);
  const lambda = (Math.sqrt(effective) + 0.12 + 0.11 / Math.sqrt(effective)) * statistic;
  return { statistic, pValue: kolmogorovQ(lambda), sizes: [a.length, b.length] };
}

/** The critical distance at significance `alpha` for sample sizes `n` and `m` (large-sample form). */
export function ksCriticalValue(alpha: number, n: number, m: number): number {
  return Math.sqrt(-Math.log(alpha / 2) / 2) * Math.sqrt((n + m) / (n * m));
}

/** Q_KS(λ) = 2 Σ (-1)^(k-1) exp(-2 k² λ²), the Kolmogorov distribution's survival function. */
function kolmogorovQ(lambda: number): number {
  if (lambda < 1.18) {
    // The alternating series converges slowly here; use the complementary form.
    if (lambda <= 0) return 1;
    const y = Math.exp(-(Math.PI ** 2) / (8 * lambda ** 2));
    const cdf = (Math.sqrt(2 * Math.PI) / lambda) * (y + y ** 9 + y ** 25 + y ** 49);
    return Math.min(1, Math.max(0, 1 - cdf));
  }
  let sum = 0;
  for (let k = 1; k <= 100; k += 1) {
    const term = (k % 2 === 1 ? 1 : -1) * Math.exp(-2 * k * k * lambda * lambda);
    sum += term;
    if (Math.abs(term) < 1e-12) break;
  }
  return Math.min(1, Math.max(0, 2 * sum));
}

/** The p-th quantile (0..1) of a sample, nearest rank. */
export function quantile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((x, y) => x - y);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[index] as number;
}
