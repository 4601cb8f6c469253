/**
 * The bench's knobs, from command-line flags or environment variables (flags win). Defaults
 * keep a full run under about three minutes on two cores.
 */

export interface BenchOptions {
  /** Fresh processes per variant for the cold figures. */
  readonly coldRuns: number;
  /** Warm processes per variant. */
  readonly warmRounds: number;
  /** Timed invocations per warm process. */
  readonly warmInvocations: number;
  /** Latency the fake AWS endpoints add to every call during cold runs (ms). */
  readonly latencyMs: number;
  /** Where `results.json` goes. */
  readonly out: string;
  /** Also price individual bundle options and library choices (slower). */
  readonly experiments: boolean;
  /** Exit with status 1 when a budget fails (for CI); otherwise the verdicts are only printed. */
  readonly check: boolean;
  /** Measure only these variant ids (the floor is always kept: every ratio needs it). */
  readonly only: readonly string[] | undefined;
}

export const DEFAULTS: BenchOptions = {
  coldRuns: 25,
  warmRounds: 2,
  warmInvocations: 5000,
  latencyMs: 25,
  out: 'dist/bench/results.json',
  experiments: false,
  check: false,
  only: undefined,
};

const FLAGS = {
  '--cold-runs': ['coldRuns', 'BENCH_COLD_RUNS'],
  '--warm-rounds': ['warmRounds', 'BENCH_WARM_ROUNDS'],
  '--warm-invocations': ['warmInvocations', 'BENCH_WARM_INVOCATIONS'],
  '--latency-ms': ['latencyMs', 'BENCH_LATENCY_MS'],
} as const;

export const USAGE = `npm run bench -- [--cold-runs N] [--warm-rounds N] [--warm-invocations N]
                     [--latency-ms MS] [--out FILE] [--experiments] [--check]
                     [--only ID,ID...]
  env: BENCH_COLD_RUNS, BENCH_WARM_ROUNDS, BENCH_WARM_INVOCATIONS, BENCH_LATENCY_MS, BENCH_OUT
  defaults: ${JSON.stringify(DEFAULTS)}`;

/** Thrown for a flag or value the bench does not understand. */
export class BenchUsageError extends Error {
  override readonly name = 'BenchUsageError';
}

function count(name: string, raw: string, min: number): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    throw new BenchUsageError(`${name} must be an integer >= ${min}, got ${JSON.stringify(raw)}`);
  }
  return value;
}

/**
 * Reads the options from argv (without node and script) and the environment.
 *
 * @example
 * parseOptions(['--cold-runs', '3'], {}) // { ...DEFAULTS, coldRuns: 3 }
 */
export function parseOptions(argv: readonly string[], env: NodeJS.ProcessEnv): BenchOptions {
  const values: Record<string, number> = {};
  for (const [, [key, variable]] of Object.entries(FLAGS)) {
    const raw = env[variable];
    if (raw !== undefined && raw !== '')
      values[key] = count(variable, raw, key === 'latencyMs' ? 0 : 1);
  }
  let out = env.BENCH_OUT || DEFAULTS.out;
  let only: string[] | undefined;
  let experiments = false;
  let check = false;
  for (let i = 0; i < argv.length; i += 1) {
    const flag = argv[i] as string;
    if (flag === '--experiments' || flag === '--check') {
      if (flag === '--experiments') experiments = true;
      else check = true;
      continue;
    }
    const [name, inline] = flag.split('=', 2) as [string, string | undefined];
    let raw = inline;
    if (raw === undefined) {
      i += 1;
      raw = argv[i];
    }
    if (raw === undefined) throw new BenchUsageError(`${name} needs a value`);
    if (name === '--out') {
      out = raw;
      continue;
    }
    if (name === '--only') {
      only = raw.split(',').filter((id) => id !== '');
      continue;
    }
    const known = FLAGS[name as keyof typeof FLAGS];
    if (known === undefined) throw new BenchUsageError(`unknown option ${name}`);
    values[known[0]] = count(name, raw, known[0] === 'latencyMs' ? 0 : 1);
  }
  return { ...DEFAULTS, ...values, out, experiments, check, only };
}
