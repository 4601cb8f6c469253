/** The bench's arithmetic and its command line, as pure functions. */
import { describe, expect, it } from 'vitest';
import { heapTrend, rotated } from '../../bench/measure';
import { BenchUsageError, DEFAULTS, parseOptions } from '../../bench/options';
import { median, percentile, robustSlope } from '../../bench/stats';

describe('median', () => {
  it.each([
    { values: [3], expected: 3 },
    { values: [3, 1, 2], expected: 2 },
    { values: [4, 1, 3, 2], expected: 2.5 },
  ])('of $values is $expected', ({ values, expected }) => {
    expect(median(values)).toBe(expected);
  });

  it('refuses an empty list', () => {
    expect(() => median([])).toThrow(RangeError);
  });
});

describe('percentile (nearest rank)', () => {
  const hundred = Array.from({ length: 100 }, (_, i) => 100 - i);
  it.each([
    { p: 50, expected: 50 },
    { p: 99, expected: 99 },
    { p: 100, expected: 100 },
    { p: 0, expected: 1 },
  ])('p$p of 1..100 is $expected', ({ p, expected }) => {
    expect(percentile(hundred, p)).toBe(expected);
  });
});

describe('parseOptions', () => {
  it('uses the defaults when told nothing', () => {
    expect(parseOptions([], {})).toEqual(DEFAULTS);
  });

  it.each([
    { argv: ['--cold-runs', '3'], env: {}, expected: { coldRuns: 3 } },
    { argv: ['--warm-invocations=50'], env: {}, expected: { warmInvocations: 50 } },
    { argv: [], env: { BENCH_LATENCY_MS: '0' }, expected: { latencyMs: 0 } },
    { argv: ['--latency-ms', '40'], env: { BENCH_LATENCY_MS: '10' }, expected: { latencyMs: 40 } },
    {
      argv: ['--out', 'x.json', '--experiments'],
      env: {},
      expected: { out: 'x.json', experiments: true },
    },
  ])('reads $argv with $env', ({ argv, env, expected }) => {
    expect(parseOptions(argv, env)).toEqual({ ...DEFAULTS, ...expected });
  });

  it.each([
    { argv: ['--cold-runs', '0'] },
    { argv: ['--cold-runs', 'many'] },
    { argv: ['--warm-rounds'] },
    { argv: ['--fast'] },
  ])('rejects $argv', ({ argv }) => {
    expect(() => parseOptions(argv, {})).toThrow(BenchUsageError);
  });
});

describe('robustSlope (Theil-Sen)', () => {
  it.each([
    { name: 'a steady leak', points: [0, 1, 2, 3, 4].map((x) => ({ x, y: 3 * x })), expected: 3 },
    {
      name: 'a flat heap with one late collection',
      points: [0, 1, 2, 3, 4].map((x) => ({ x, y: x === 2 ? 900 : 100 })),
      expected: 0,
    },
    { name: 'no pairs', points: [{ x: 1, y: 1 }], expected: 0 },
  ])('of $name is $expected', ({ points, expected }) => {
    expect(robustSlope(points)).toBeCloseTo(expected, 10);
  });
});

describe('rotated (interleaving order)', () => {
  it.each([
    { round: 0, expected: ['a', 'b', 'c'] },
    { round: 1, expected: ['b', 'c', 'a'] },
    { round: 2, expected: ['c', 'a', 'b'] },
    { round: 3, expected: ['a', 'b', 'c'] },
  ])('starts round $round at $expected.0', ({ round, expected }) => {
    expect(rotated(['a', 'b', 'c'], round)).toEqual(expected);
  });
});

describe('heapTrend', () => {
  const run = (heapAt: (after: number) => number) =>
    Array.from({ length: 41 }, (_, i) => ({ after: i * 100, heapUsed: heapAt(i * 100) }));

  it.each([
    { name: 'a leak of 100 B per invocation', heapAt: (n: number) => 1e7 + 100 * n, expected: 100 },
    {
      name: 'a flat heap after warm-up',
      heapAt: (n: number) => (n < 1000 ? 5e6 + 5000 * n : 1e7),
      expected: 0,
    },
    {
      name: 'one 500 KB step in the last quarter',
      heapAt: (n: number) => (n < 3500 ? 1e7 : 1e7 + 500_000),
      expected: 0,
    },
  ])('is $expected B/invocation for $name', ({ heapAt, expected }) => {
    expect(heapTrend(run(heapAt), 4000)).toBeCloseTo(expected, 6);
  });
});
