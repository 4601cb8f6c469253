/**
 * `npm run bench`: the cold-start benchmark of contract section 6 and issue 6. Builds what it
 * needs, prints the table and the budgets' verdicts, writes `dist/bench/results.json`. With
 * `--check` it exits 1 when a budget fails or a product function is missing; 2 on a usage error.
 */
import { resolve } from 'node:path';
import { runBench } from './bench';
import { BenchUsageError, parseOptions, USAGE } from './options';

const root = resolve(import.meta.dirname, '..');

try {
  const options = parseOptions(process.argv.slice(2), process.env);
  const started = performance.now();
  const results = await runBench(options, root, (message) => console.error(`bench: ${message}`));
  console.log(`\nNode ${results.node}, ${results.machine.cpus} x ${results.machine.cpuModel}`);
  console.log(
    `cold runs ${options.coldRuns}/variant, warm ${options.warmRounds} x ${options.warmInvocations} invocations, latency ${options.latencyMs} ms\n`,
  );
  console.log(results.table);
  if (results.experimentsTable !== undefined) {
    console.log(
      `\nexperiments (difference to the shipped function in brackets):\n${results.experimentsTable}`,
    );
  }
  const deployed = results.variants
    .filter((v) => v.bundle.matchesDistLambda !== undefined)
    .map((v) => {
      const state = v.bundle.matchesDistLambda;
      return `${v.id}: ${state === true ? 'identical' : state === false ? 'DIFFERS (stale: run npm run build)' : 'not built yet'}`;
    });
  if (deployed.length > 0)
    console.log(`\ndist/lambda bundles vs this build: ${deployed.join(', ')}`);
  if (results.missing.length > 0) {
    console.log(`\nnot measured (no source yet): ${results.missing.join(', ')}`);
  }
  console.log(
    `\nwrote ${options.out} in ${((performance.now() - started) / 1000).toFixed(0)} s; ${results.allBudgetsHold ? 'every budget holds' : 'NOT every budget holds'}`,
  );
  process.exitCode = options.check && !results.allBudgetsHold ? 1 : 0;
} catch (error) {
  if (error instanceof BenchUsageError) {
    console.error(`${error.message}\n${USAGE}`);
    process.exitCode = 2;
  } else {
    throw error;
  }
}
