/**
 * The measurements proper: cold runs (one fresh process each, variants interleaved A B A B so
 * that machine drift hits every variant alike) and warm runs (one process, thousands of
 * invocations), with the fake AWS calls each run made attributed to it.
 */
import type { BuiltChildren, BuiltVariant } from './build';
import { type FakeAws, OPERATIONS } from './fake-aws';
import { childEnv, runChild } from './runners';
import { median, percentile, robustSlope } from './stats';

interface ColdReport {
  node: string;
  initCpuMs: number;
  firstRequestCpuMs: number;
  processStartMs: number;
  initMs: number;
  invokeMs: number;
  firstRequestMs: number;
  importStartEpoch: number;
  importEndEpoch: number;
}

interface WarmReport {
  node: string;
  durations: number[];
  heap: { after: number; heapUsed: number; rss: number }[];
  /** Secrets Manager calls the child's in-process fake received (load and every invocation). */
  secretCalls: number;
  /** Calls per operation the child's in-process fake received (load and every invocation). */
  calls: Record<string, number>;
}

/** One cold run, as measured by the child, plus what the fake saw during it. */
export interface ColdRun {
  /** CPU time (user + system, all threads) of the import, and of import plus first request. */
  readonly initCpuMs: number;
  readonly firstRequestCpuMs: number;
  readonly processStartMs: number;
  readonly initMs: number;
  readonly invokeMs: number;
  readonly firstRequestMs: number;
  /** Secrets Manager calls that arrived while the module was still loading. */
  readonly secretCallsDuringInit: number;
  /** When the first secret request arrived, in ms after the import began (undefined: none). */
  readonly secretRequestAtMs: number | undefined;
  /** AWS calls made by the run, in arrival order. */
  readonly calls: readonly string[];
}

export interface ColdSummary {
  readonly runs: number;
  /** Node's own start-up, the same for every variant: reported so the totals can be rebuilt. */
  readonly processStartMs: number;
  readonly initMs: number;
  readonly firstRequestMs: number;
  readonly invokeMs: number;
  /**
   * CPU time of the same spans: less disturbed than wall time when other processes compete for
   * the cores, so a cross-check of the wall-clock ratios on a busy machine.
   */
  readonly initCpuMs: number;
  readonly firstRequestCpuMs: number;
  /** Fraction of runs in which the module waited for a secret before it finished loading. */
  readonly secretAwaitedAtLoad: number;
  readonly secretRequestAtMs: number | undefined;
  readonly callsPerRun: Readonly<Record<string, number>>;
}

export interface WarmRound {
  readonly invocations: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Heap growth per invocation that persists through the run (bytes), see {@link heapTrend}. */
  readonly heapSlopeBytesPerInvocation: number;
  readonly heapStartBytes: number;
  readonly heapEndBytes: number;
  readonly rssStartBytes: number;
  readonly rssEndBytes: number;
  /** Secrets Manager calls this container made, module load and first invocation included. */
  readonly secretCalls: number;
  /**
   * Calls per operation this container made to its in-process fake, the cold invocation included:
   * every upstream call of a warm invocation must land there, never on the cold runs' fake.
   */
  readonly calls: Readonly<Record<string, number>>;
  readonly durationMs: number;
  /** The post-GC heap samples themselves: invocations done, heap used, RSS (bytes). */
  readonly heapSamples: readonly { after: number; heapUsed: number; rss: number }[];
}

export interface WarmSummary {
  readonly rounds: readonly WarmRound[];
  readonly invocationsPerRound: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly heapSlopeBytesPerInvocation: number;
  /** The fitted growth across one whole run: slope times invocations. */
  readonly heapGrowthBytes: number;
  readonly rssGrowthBytes: number;
  readonly secretCallsPerContainer: number;
  readonly secretCallsPer1000: number;
}

/**
 * The variants in round-robin order, starting one further each round (A B C, B C A, ...), so that
 * no variant always runs right after the same neighbour or always first.
 */
export function rotated<T>(items: readonly T[], round: number): T[] {
  if (items.length === 0) return [];
  const start = round % items.length;
  return [...items.slice(start), ...items.slice(0, start)];
}

/** Runs `count` cold processes of every variant, interleaved, and returns them per variant. */
export async function measureCold(
  node: string,
  children: BuiltChildren,
  variants: readonly BuiltVariant[],
  aws: FakeAws,
  xrayPort: number,
  count: number,
  progress: (message: string) => void,
): Promise<{ runs: Map<string, ColdRun[]>; node: string }> {
  const runs = new Map<string, ColdRun[]>(variants.map((v) => [v.id, []]));
  let nodeVersion = '';
  for (let round = 0; round < count; round += 1) {
    for (const variant of rotated(variants, round)) {
      aws.calls.length = 0;
      const report = await runChild<ColdReport>(
        node,
        [children.cold, variant.bundle, variant.operation],
        childEnv(variant, aws, xrayPort),
        60_000,
      );
      nodeVersion = report.node;
      const secretCalls = aws.calls.filter((c) => c.operation === OPERATIONS.getSecretValue);
      runs.get(variant.id)?.push({
        initCpuMs: report.initCpuMs,
        firstRequestCpuMs: report.firstRequestCpuMs,
        processStartMs: report.processStartMs,
        initMs: report.initMs,
        invokeMs: report.invokeMs,
        firstRequestMs: report.firstRequestMs,
        secretCallsDuringInit: secretCalls.filter((c) => c.arrivedAt < report.importEndEpoch)
          .length,
        secretRequestAtMs:
          secretCalls[0] === undefined
            ? undefined
            : secretCalls[0].arrivedAt - report.importStartEpoch,
        calls: aws.calls.map((c) => c.operation),
      });
    }
    progress(`cold round ${round + 1}/${count}`);
  }
  return { runs, node: nodeVersion };
}

/** Medians of a variant's cold runs. */
export function summariseCold(runs: readonly ColdRun[], latencyMs: number): ColdSummary {
  const of = (pick: (run: ColdRun) => number): number => median(runs.map(pick));
  const secretAt = runs
    .map((run) => run.secretRequestAtMs)
    .filter((at): at is number => at !== undefined);
  const callsPerRun: Record<string, number> = {};
  for (const run of runs) {
    for (const call of run.calls) callsPerRun[call] = (callsPerRun[call] ?? 0) + 1 / runs.length;
  }
  return {
    runs: runs.length,
    processStartMs: of((r) => r.processStartMs),
    initMs: of((r) => r.initMs),
    firstRequestMs: of((r) => r.firstRequestMs),
    invokeMs: of((r) => r.invokeMs),
    initCpuMs: of((r) => r.initCpuMs),
    firstRequestCpuMs: of((r) => r.firstRequestCpuMs),
    secretAwaitedAtLoad:
      runs.filter(
        (r) =>
          r.secretCallsDuringInit > 0 &&
          r.secretRequestAtMs !== undefined &&
          r.secretRequestAtMs + latencyMs <= r.initMs,
      ).length / runs.length,
    secretRequestAtMs: secretAt.length === 0 ? undefined : median(secretAt),
    callsPerRun,
  };
}

/** Runs `rounds` warm processes of every variant, interleaved, with `invocations` each. */
export async function measureWarm(
  node: string,
  children: BuiltChildren,
  variants: readonly BuiltVariant[],
  aws: FakeAws,
  xrayPort: number,
  rounds: number,
  invocations: number,
  progress: (message: string) => void,
): Promise<Map<string, WarmRound[]>> {
  const results = new Map<string, WarmRound[]>(variants.map((v) => [v.id, []]));
  const samples = Math.min(40, Math.max(4, Math.floor(invocations / 25)));
  for (let round = 0; round < rounds; round += 1) {
    for (const variant of rotated(variants, round)) {
      const started = performance.now();
      const report = await runChild<WarmReport>(
        node,
        [
          '--expose-gc',
          children.warm,
          variant.bundle,
          variant.operation,
          String(invocations),
          String(samples),
        ],
        childEnv(variant, aws, xrayPort),
        600_000,
      );
      const steady = report.heap.filter((s) => s.after >= invocations / 2);
      const first = steady[0] ?? report.heap[0];
      const last = report.heap[report.heap.length - 1];
      results.get(variant.id)?.push({
        invocations,
        p50Ms: percentile(report.durations, 50),
        p99Ms: percentile(report.durations, 99),
        heapSlopeBytesPerInvocation: heapTrend(report.heap, invocations),
        heapStartBytes: first?.heapUsed ?? 0,
        heapEndBytes: last?.heapUsed ?? 0,
        rssStartBytes: first?.rss ?? 0,
        rssEndBytes: last?.rss ?? 0,
        secretCalls: report.secretCalls,
        calls: report.calls,
        durationMs: performance.now() - started,
        heapSamples: report.heap,
      });
    }
    progress(`warm round ${round + 1}/${rounds}`);
  }
  return results;
}

/**
 * The heap's growth trend in bytes per invocation: the smaller of the Theil-Sen slopes of the
 * third and the fourth quarter of the run. The first half is warm-up (JIT, inline caches, the
 * SDK's lazily built state). A leak grows the heap in both late quarters; a one-off step (a table
 * reaching its next capacity) lands in one of them only, and is not a trend.
 */
export function heapTrend(
  samples: readonly { after: number; heapUsed: number }[],
  invocations: number,
): number {
  const quarter = (from: number, to: number) =>
    samples
      .filter((s) => s.after >= from * invocations && s.after <= to * invocations)
      .map((s) => ({ x: s.after, y: s.heapUsed }));
  return Math.min(robustSlope(quarter(0.5, 0.75)), robustSlope(quarter(0.75, 1)));
}

/** Medians across a variant's warm rounds. */
export function summariseWarm(rounds: readonly WarmRound[]): WarmSummary {
  const of = (pick: (round: WarmRound) => number): number => median(rounds.map(pick));
  const invocations = rounds[0]?.invocations ?? 0;
  const heapSlope = of((r) => r.heapSlopeBytesPerInvocation);
  const secretCallsPerContainer = Math.max(...rounds.map((r) => r.secretCalls));
  return {
    rounds,
    invocationsPerRound: invocations,
    p50Ms: of((r) => r.p50Ms),
    p99Ms: of((r) => r.p99Ms),
    heapSlopeBytesPerInvocation: heapSlope,
    heapGrowthBytes: heapSlope * invocations,
    rssGrowthBytes: of((r) => r.rssEndBytes - r.rssStartBytes),
    secretCallsPerContainer,
    // Each container also ran one cold invocation before the timed ones.
    secretCallsPer1000: of((r) => (r.secretCalls / (r.invocations + 1)) * 1000),
  };
}
