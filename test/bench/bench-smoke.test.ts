/**
 * `npm run bench` with tiny counts: every variant builds, runs cold and warm against the fake
 * AWS endpoints, and lands in `results.json` with every figure the issue asks for. It checks the
 * bench works and counts what it must count; it judges no timing (benchmarks measure, tests
 * never time anything).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BenchResults, runBench } from '../../bench/bench';
import { OPERATIONS } from '../../bench/fake-aws';
import { DEFAULTS } from '../../bench/options';
import { VARIANTS } from '../../bench/variants';

const root = resolve(import.meta.dirname, '../..');
const WARM_INVOCATIONS = 20;

describe('npm run bench, with tiny counts', () => {
  let dir: string;
  let out: string;
  let results: BenchResults;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bench-smoke-'));
    out = join(dir, 'results.json');
    results = await runBench(
      {
        ...DEFAULTS,
        coldRuns: 1,
        warmRounds: 1,
        warmInvocations: WARM_INVOCATIONS,
        latencyMs: 5,
        out,
      },
      root,
    );
  }, 120_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const variant = (id: string) => {
    const found = results.variants.find((v) => v.id === id);
    if (found === undefined) throw new Error(`variant ${id} missing from the results`);
    return found;
  };

  it('writes everything it measured to results.json, with the Node version and machine', () => {
    // Act
    const written = JSON.parse(readFileSync(out, 'utf8')) as BenchResults;

    // Assess
    expect(written).toEqual(JSON.parse(JSON.stringify(results)));
    expect(written.node).toMatch(/^v24\./);
    expect(written.machine.cpus).toBeGreaterThan(0);
    expect(written.options).toMatchObject({
      coldRuns: 1,
      warmInvocations: WARM_INVOCATIONS,
      latencyMs: 5,
    });
  });

  it('measures every variant whose source exists', () => {
    // Act
    const measured = results.variants.map((v) => v.id);

    // Assess
    expect([...measured, ...results.missing].sort()).toEqual(VARIANTS.map((v) => v.id).sort());
    expect(measured).toEqual(expect.arrayContaining(['floor', 'floor-env', 'typical']));
  });

  it.each(VARIANTS.map((v) => v.id))('reports every figure of %s', (id) => {
    if (results.missing.includes(id)) return;
    // Act
    const v = variant(id);

    // Assess
    expect(v.bundle.bytes).toBeGreaterThan(v.bundle.gzipBytes);
    expect(v.bundle.gzipBytes).toBeGreaterThan(0);
    expect(v.cold.runs).toBe(1);
    expect(v.cold.initMs).toBeGreaterThan(0);
    expect(v.cold.firstRequestMs).toBeGreaterThan(v.cold.initMs);
    expect(v.warm.invocationsPerRound).toBe(WARM_INVOCATIONS);
    expect(v.warm.p99Ms).toBeGreaterThanOrEqual(v.warm.p50Ms);
    expect(v.warm.p50Ms).toBeGreaterThan(0);
    expect(Number.isFinite(v.warm.heapSlopeBytesPerInvocation)).toBe(true);
    expect(Number.isFinite(v.warm.rssGrowthBytes)).toBe(true);
  });

  it('counts Secrets Manager calls: none for the floor, one per request for the typical code', () => {
    // Assess
    expect(variant('floor').warm.secretCallsPer1000).toBe(0);
    expect(variant('typical').warm.secretCallsPerContainer).toBe(WARM_INVOCATIONS + 1);
    expect(variant('typical').warm.secretCallsPer1000).toBe(1000);
  });

  it('sees the product fetch its secret once per container', () => {
    // Prepare
    const apis = ['confirm', 'forgot'].filter((id) => !results.missing.includes(id));

    // Assess
    for (const id of apis) expect(variant(id).warm.secretCallsPerContainer).toBe(1);
  });

  it('sends every warm call, the hand-off to the queue URL included, to the in-process fake', () => {
    // Prepare
    const perContainer = WARM_INVOCATIONS + 1;

    // Act
    const [round] = variant('trigger').warm.rounds;

    // Assess: a call left on the cold runs' fake would carry its latency into the warm figures
    expect(round?.calls[OPERATIONS.globalSignOut]).toBe(perContainer);
    expect(round?.calls[OPERATIONS.handOff]).toBe(perContainer);
    expect(variant('floor-trigger').warm.rounds[0]?.calls[OPERATIONS.handOff]).toBe(perContainer);
  });

  it('judges the trigger against its own floor, the same two calls', () => {
    // Act
    const budget = results.budgets.find(
      (b) => b.variant === 'trigger' && b.name === 'cold first request',
    );

    // Assess
    expect(budget?.rule).toBe('product <= 1.10 x (floor-trigger + 5 ms)');
    expect(budget?.value).toBeCloseTo(
      variant('trigger').cold.firstRequestMs / (variant('floor-trigger').cold.firstRequestMs + 5),
      6,
    );
    expect(variant('floor-trigger').cold.callsPerRun).toEqual({
      [OPERATIONS.globalSignOut]: 1,
      [OPERATIONS.handOff]: 1,
    });
    expect(variant('trigger').cold.callsPerRun).toEqual(variant('floor-trigger').cold.callsPerRun);
    expect(results.table).toContain('first req / (own floor+5ms)');
  });

  it('prints the ratios to the floor and a verdict for every budget', () => {
    // Assess
    expect(results.ratios.typical?.bundleKB).toBeCloseTo(
      variant('typical').bundle.bytes / variant('floor').bundle.bytes,
      6,
    );
    expect(results.table).toContain('typical/floor');
    expect(results.table).toContain('budgets (against floor):');
    const products = results.variants.filter((v) => v.role === 'product').length;
    expect(results.budgets.length).toBeGreaterThanOrEqual(products);
    for (const budget of results.budgets) {
      expect(budget.holds).toBe(budget.value <= budget.limit);
    }
  });
});
