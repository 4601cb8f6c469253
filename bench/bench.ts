/**
 * The whole bench as one function, so that `bench/run.ts` and the smoke test run the same code:
 * build, start the fake AWS endpoints, measure cold and warm, judge the budgets, write
 * `results.json`.
 */
import { createSocket } from 'node:dgram';
import { mkdir, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { arch, cpus, platform, release, totalmem } from 'node:os';
import { dirname, resolve } from 'node:path';
import { type BuiltVariant, buildChildren, buildVariant } from './build';
import { startFakeAws } from './fake-aws';
import { measureCold, measureWarm, summariseCold, summariseWarm } from './measure';
import { type BenchOptions, BenchUsageError } from './options';
import {
  type Budget,
  budgets,
  formatExperiments,
  formatTable,
  ratios,
  type VariantResult,
} from './report';
import { nodeBinary } from './runners';
import { EXPERIMENTS, FLOOR_OF, VARIANTS } from './variants';

export interface BenchResults {
  readonly generatedAt: string;
  readonly node: string;
  readonly machine: {
    readonly platform: string;
    readonly release: string;
    readonly arch: string;
    readonly cpuModel: string;
    readonly cpus: number;
    readonly memoryBytes: number;
  };
  readonly options: BenchOptions;
  readonly method: string;
  readonly variants: readonly VariantResult[];
  /** Product functions whose source does not exist (yet): not measured. */
  readonly missing: readonly string[];
  /** Every variant's figures over the floor's. */
  readonly ratios: Record<string, Record<string, number>>;
  /** The same over the floor built with the environment-only credential alias too. */
  readonly ratiosVsFloorEnv: Record<string, Record<string, number>>;
  readonly budgets: readonly Budget[];
  readonly allBudgetsHold: boolean;
  readonly table: string;
  /** With `--experiments`: the per-change table. */
  readonly experimentsTable?: string;
}

const METHOD =
  'Each variant is bundled with scripts/bundle-options.ts. Cold: one fresh Node process per run ' +
  '(node_modules/.bin/node), variants interleaved round-robin (A B C, B C A, ...); init = import() until the module has ' +
  'evaluated (top-level awaits included), first request = init + the first invocation; the fake ' +
  'AWS endpoints on 127.0.0.1 add latencyMs to every call. Warm: one process per round, the cold ' +
  'invocation excluded, then warmInvocations invocations timed one by one against zero-latency fake ' +
  'AWS endpoints in the same process; every API invocation is the REST proxy event API Gateway ' +
  'sends (test/api/fixtures/apigw-rest-proxy-event.json, headers included); the heap is sampled ' +
  'after a forced GC; the heap trend is the smaller of the Theil-Sen ' +
  'slopes of the third and fourth quarters of the run. Every figure is the median over runs (warm: over rounds).';

/** Runs the bench and writes `options.out`; returns everything it measured. */
export async function runBench(
  options: BenchOptions,
  root: string,
  progress: (message: string) => void = () => undefined,
): Promise<BenchResults> {
  progress('building variants and child runners');
  const out = resolve(root, options.out);
  const workDir = dirname(out);
  const children = await buildChildren(root, workDir);
  const built: BuiltVariant[] = [];
  const missing: string[] = [];
  const candidates = options.experiments ? [...VARIANTS, ...EXPERIMENTS] : VARIANTS;
  const unknown = (options.only ?? []).filter((id) => !candidates.some((v) => v.id === id));
  if (unknown.length > 0) {
    throw new BenchUsageError(
      `unknown variant(s) ${unknown.join(', ')}; known: ${candidates.map((v) => v.id).join(', ')}`,
    );
  }
  const wanted = (id: string): boolean =>
    options.only === undefined ||
    options.only.includes(id) ||
    Object.entries(FLOOR_OF).some(([of, floor]) => floor === id && options.only?.includes(of));
  const selected = candidates.filter((v) => v.role === 'floor' || wanted(v.id));
  for (const variant of selected) {
    const result = await buildVariant(root, variant, workDir);
    if (result === undefined) missing.push(variant.id);
    else built.push(result);
  }

  const aws = await startFakeAws(options.latencyMs);
  const xray = createSocket('udp4');
  await new Promise<void>((done) => xray.bind(0, '127.0.0.1', done));
  xray.on('message', () => undefined);
  const xrayPort = (xray.address() as AddressInfo).port;
  const node = nodeBinary(root);
  try {
    aws.latencyMs = options.latencyMs;
    const cold = await measureCold(
      node,
      children,
      built,
      aws,
      xrayPort,
      options.coldRuns,
      progress,
    );
    const warm = await measureWarm(
      node,
      children,
      built,
      aws,
      xrayPort,
      options.warmRounds,
      options.warmInvocations,
      progress,
    );
    const variants: VariantResult[] = built.map((v) => ({
      id: v.id,
      role: v.role,
      operation: v.operation,
      entry: v.entry,
      note: v.note,
      bundle: {
        bytes: v.bytes,
        gzipBytes: v.gzipBytes,
        ...(v.matchesDistLambda === undefined ? {} : { matchesDistLambda: v.matchesDistLambda }),
      },
      cold: summariseCold(cold.runs.get(v.id) ?? [], options.latencyMs),
      warm: summariseWarm(warm.get(v.id) ?? []),
    }));
    const main = variants.filter((v) => v.role !== 'experiment');
    const ratioTable = ratios(variants, options.latencyMs);
    const versusFloorEnv = ratios(variants, options.latencyMs, 'floor-env');
    const budgetList = budgets(main, options.latencyMs);
    const cpuList = cpus();
    const results: BenchResults = {
      generatedAt: new Date().toISOString(),
      node: cold.node,
      machine: {
        platform: platform(),
        release: release(),
        arch: arch(),
        cpuModel: cpuList[0]?.model ?? 'unknown',
        cpus: cpuList.length,
        memoryBytes: totalmem(),
      },
      options,
      method: METHOD,
      variants,
      missing,
      ratios: ratioTable,
      ratiosVsFloorEnv: versusFloorEnv,
      budgets: budgetList,
      allBudgetsHold:
        missing.length === 0 && options.only === undefined && budgetList.every((b) => b.holds),
      table: formatTable(main, ratioTable, budgetList, options.latencyMs, versusFloorEnv),
      ...(options.experiments
        ? {
            experimentsTable: formatExperiments(
              variants.filter(
                (v) => ['floor', 'floor-env', 'confirm'].includes(v.id) || v.role === 'experiment',
              ),
            ),
          }
        : {}),
    };
    await mkdir(workDir, { recursive: true });
    await writeFile(out, `${JSON.stringify(results, null, 2)}\n`);
    return results;
  } finally {
    xray.close();
    await aws.close();
  }
}
