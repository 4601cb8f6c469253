/**
 * `npm run bench -- --experiments` with tiny counts, for the experiments that replace parts of
 * the product through bench shims: each still builds against the current `lambda/` code and
 * serves a successful request (the child runner rejects any other answer), and the shims that
 * take over the secret's fetch keep the product's one fetch per container. It judges no timing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BenchResults, runBench } from '../../bench/bench';
import { DEFAULTS } from '../../bench/options';
import { EXPERIMENTS } from '../../bench/variants';

const root = resolve(import.meta.dirname, '../..');
const SHIMMED = ['x-primed', 'x-secret-first', 'x-early-secret', 'x-lite'] as const;

describe('npm run bench -- --experiments, with tiny counts', () => {
  let dir: string;
  let results: BenchResults;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bench-experiments-'));
    results = await runBench(
      {
        ...DEFAULTS,
        coldRuns: 1,
        warmRounds: 1,
        warmInvocations: 10,
        latencyMs: 5,
        out: join(dir, 'results.json'),
        experiments: true,
        only: [...SHIMMED],
      },
      root,
    );
  }, 120_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('lists every shimmed experiment among the experiments', () => {
    // Assess
    expect(EXPERIMENTS.map((v) => v.id)).toEqual(expect.arrayContaining([...SHIMMED]));
  });

  it.each(SHIMMED)('builds and serves %s, fetching the secret once per container', (id) => {
    // Act
    const measured = results.variants.find((v) => v.id === id);

    // Assess
    expect(results.missing).not.toContain(id);
    expect(measured?.cold.runs).toBe(1);
    expect(measured?.warm.secretCallsPerContainer).toBe(1);
  });
});
