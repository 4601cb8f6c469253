/**
 * Warm child: imports one bundle and invokes it many times in one process (one warm container),
 * timing each invocation and sampling the heap after a forced collection at regular intervals,
 * then reports on file descriptor 3. Needs `--expose-gc`.
 *
 * The fake AWS endpoints run in this process, with no added latency, before the bundle is
 * imported: a warm invocation then costs the handler's own CPU plus one loopback round trip in
 * the same event loop, so the warm ratios show what the product adds per invocation rather than
 * the scheduling of a second process. (Cold runs keep the parent's fake, with latency.)
 *
 * Usage: node --expose-gc warm.mjs <bundle path> <operation> <invocations> <heap samples>
 */
import { writeSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { OPERATIONS, startFakeAws } from '../fake-aws';
import { assertSucceeded, invocationFor, type Operation } from './invocation';

const [bundle, operation, countArg, samplesArg] = process.argv.slice(2) as [
  string,
  Operation,
  string,
  string,
];
const invocations = Number(countArg);
const samples = Math.max(2, Number(samplesArg));
const collect = (globalThis as { gc?: () => void }).gc;
if (collect === undefined) throw new Error('warm child needs --expose-gc');

const aws = await startFakeAws(0, { log: false });
// Every address of the parent's fake (one URL for every endpoint, see runners.ts) moves to this
// one: the endpoints, and the queue URL the trigger sends to (the SQS client sends to the queue
// URL's host, not to its endpoint).
const coldUrl = process.env.AWS_ENDPOINT_URL_SQS;
for (const [name, value] of Object.entries(process.env)) {
  if (coldUrl && value?.startsWith(coldUrl)) {
    process.env[name] = `${aws.url}${value.slice(coldUrl.length)}`;
  }
}

const module = (await import(pathToFileURL(bundle).href)) as {
  handler: (event: unknown, context: unknown) => Promise<unknown>;
};

// The first invocation is the cold one: run it, check it, and leave it out of the warm figures.
const first = invocationFor(operation);
assertSucceeded(operation, first, await module.handler(first.event, first.context));

const durations = new Float64Array(invocations);
const heap: { after: number; heapUsed: number; rss: number }[] = [];
const sampleEvery = Math.max(1, Math.floor(invocations / samples));
const sample = (after: number): void => {
  collect();
  const { heapUsed, rss } = process.memoryUsage();
  heap.push({ after, heapUsed, rss });
};
sample(0);
for (let i = 0; i < invocations; i += 1) {
  const invocation = invocationFor(operation);
  const start = performance.now();
  const result = await module.handler(invocation.event, invocation.context);
  durations[i] = performance.now() - start;
  assertSucceeded(operation, invocation, result);
  if ((i + 1) % sampleEvery === 0) sample(i + 1);
}

writeSync(
  3,
  `${JSON.stringify({
    node: process.version,
    durations: Array.from(durations),
    heap,
    secretCalls: aws.count(OPERATIONS.getSecretValue),
    calls: Object.fromEntries(Object.values(OPERATIONS).map((op) => [op, aws.count(op)])),
  })}\n`,
);
process.exit(0);
