/**
 * Cold child: runs in a fresh Node process, imports one bundle and invokes it once, then reports
 * on file descriptor 3 (stdout belongs to the handler's logs, as on Lambda). `performance.now()`
 * counts from the process's time origin, so `processStartMs` is Node's own start-up, the same
 * for every variant; `initMs` is the module's import and evaluation (including any top-level
 * await, e.g. a secret fetched at load, as Lambda's init phase would); `firstRequestMs` is
 * import plus the first invocation.
 *
 * Usage: node cold.mjs <bundle path> <operation>
 */
import { writeSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { assertSucceeded, invocationFor, type Operation } from './invocation';

const [bundle, operation] = process.argv.slice(2) as [string, Operation];
const url = pathToFileURL(bundle).href;
const invocation = invocationFor(operation);

const cpuStart = process.cpuUsage();
const importStart = performance.now();
const module = (await import(url)) as {
  handler: (event: unknown, context: unknown) => Promise<unknown>;
};
const importEnd = performance.now();
const cpuImported = process.cpuUsage(cpuStart);
const result = await module.handler(invocation.event, invocation.context);
const invokeEnd = performance.now();
const cpuInvoked = process.cpuUsage(cpuStart);

assertSucceeded(operation, invocation, result);
writeSync(
  3,
  `${JSON.stringify({
    node: process.version,
    processStartMs: importStart,
    initCpuMs: (cpuImported.user + cpuImported.system) / 1000,
    firstRequestCpuMs: (cpuInvoked.user + cpuInvoked.system) / 1000,
    initMs: importEnd - importStart,
    invokeMs: invokeEnd - importEnd,
    firstRequestMs: invokeEnd - importStart,
    importStartEpoch: performance.timeOrigin + importStart,
    importEndEpoch: performance.timeOrigin + importEnd,
  })}\n`,
);
process.exit(0);
