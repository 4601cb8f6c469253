/**
 * Load through the local stack (issue 7): `npm start`'s API gateway, the real handlers in their
 * workers, and the local Cognito, driven by autocannon at 50 connections for a bounded time.
 * The requests are ones the upstream answers fast (unknown users, wrong codes, invalid bodies),
 * with the timing floor and the stage throttling off so throughput is the stack's own. Every
 * answer must be one the contract expects for its request, with zero errors and timeouts, and
 * the stack must retain nothing per request (heaps after full GC, see below).
 *
 * The p50/p99, throughput and memory figures go to `test-results/load.json` for the issue note.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { describe, expect, it } from 'vitest';
import { useLocalStack } from '../support/local-stack';

const CONNECTIONS = 50;
const WARM_UP_S = 12;
const MIB = 1024 * 1024;
/**
 * The leak criterion. The stack's resident size mostly shows how far V8 grew its heaps (a dozen
 * isolates: the main thread and the function containers), so it is recorded and only loosely
 * bounded. What the stack keeps is measured directly: after a warm-up at full load, the run is
 * rounds of a growing number of requests, and before and after each, with nothing in flight, the
 * stack collects all its heaps (`GET {memoryUrl}`: main thread and each container, JS heap plus
 * Buffers, after a full GC). A leak grows each round's retained bytes with the round's requests;
 * noise does not: a collected heap at rest moves by a few MiB between measurements (sockets,
 * timers, code caches, and on a busy machine V8 still optimising the handlers), once, in some
 * round. So a round leaks when it keeps more than 256 B per request on top of 2 MiB of noise,
 * and the stack leaks when every one of the later, larger rounds does and the larger keeps more
 * (by at least half the bound per extra request): the first round is more warm-up. The largest
 * round is run twice: a leak keeps its bytes in every repetition, while noise on a busy machine
 * (the code of a dozen isolates still being optimised while other test files run) was seen to
 * exceed the bound in two rounds in a row, never in three. Counting requests rather than seconds
 * keeps the criterion the same on a fast machine and on a busy one. Measured: a settled stack
 * 0-100 B/request; the gateway keeping a JSON copy of each proxy event ~1,700 B/request (fails
 * every round by far).
 */
const MAX_RETAINED_BYTES_PER_REQUEST = 256;
const RETAINED_NOISE_BYTES = 2 * 1024 * 1024;
/** Requests per measured round; the rounds from `JUDGED_FROM_ROUND` on are the ones judged. */
const ROUNDS = [2_000, 4_000, 8_000, 8_000] as const;
const JUDGED_FROM_ROUND = 1;
/**
 * The test's own timeout is derived from the slowest throughput it allows: it fails on time only
 * where the stack answers fewer than this many requests a second (quiet: ~1,000).
 */
const MIN_REQUESTS_PER_SECOND = 100;
const TEST_TIMEOUT_MS =
  (WARM_UP_S + ROUNDS.reduce((sum, n) => sum + n, 0) / MIN_REQUESTS_PER_SECOND + 30) * 1_000;
/** Resident size of the whole stack process (generous: V8 heap sizing, not retention). */
const MAX_RSS_MIB = 1_024;

/** Least-squares slope of (x, y) points, in y units per x unit. */
function slope(points: readonly (readonly [number, number])[]): number {
  const n = points.length;
  const meanX = points.reduce((sum, [x]) => sum + x, 0) / n;
  const meanY = points.reduce((sum, [, y]) => sum + y, 0) / n;
  let numerator = 0;
  let denominator = 0;
  for (const [x, y] of points) {
    numerator += (x - meanX) * (y - meanY);
    denominator += (x - meanX) ** 2;
  }
  return denominator === 0 ? 0 : numerator / denominator;
}

interface MemoryReport {
  readonly rssBytes: number;
  readonly mainHeapBytes: number;
  readonly containerHeapBytes: Record<string, number[]>;
  readonly totalHeapBytes: number;
}

async function memory(): Promise<MemoryReport> {
  const url = (stack.info as { memoryUrl?: string }).memoryUrl;
  if (!url) throw new Error('stack.json has no memoryUrl');
  return (await (await fetch(url)).json()) as MemoryReport;
}

// Stage throttling off: this run measures the stack, not API Gateway's limits.
const stack = useLocalStack({
  FORGOT_MIN_RESPONSE_MS: '0',
  CONFIRM_MIN_RESPONSE_MS: '0',
  ATTEMPT_LIMIT: '0',
  THROTTLE_RATE_LIMIT: '0',
});

interface Tally {
  readonly unexpected: string[];
  readonly byKind: Record<string, number>;
}

function expectAnswer(
  tally: Tally,
  kind: string,
  check: (status: number, body: string) => boolean,
) {
  return (status: number, body: string) => {
    tally.byKind[kind] = (tally.byKind[kind] ?? 0) + 1;
    if (!check(status, body) && tally.unexpected.length < 20) {
      tally.unexpected.push(`${kind}: ${status} ${body.slice(0, 200)}`);
    }
  };
}

function problemCode(body: string): string | undefined {
  try {
    return (JSON.parse(body) as { code?: string }).code;
  } catch {
    return undefined;
  }
}

describe('the local stack under sustained load', () => {
  it(
    `answers ${CONNECTIONS} connections for ${ROUNDS.join(' + ')} requests with only expected statuses, no errors, no retained growth`,
    async () => {
      // Prepare
      const tally: Tally = { unexpected: [], byKind: {} };
      const headers = { 'content-type': 'application/json' };
      const requests = [
        {
          method: 'POST',
          path: '/password/forgot',
          headers,
          body: JSON.stringify({ username: 'nobody-under-load@example.test' }),
          onResponse: expectAnswer(
            tally,
            'forgot unknown user',
            (status, body) => status === 202 && body.includes('If an account matches'),
          ),
        },
        {
          method: 'POST',
          path: '/password/confirm',
          headers,
          body: JSON.stringify({
            username: 'nobody-under-load@example.test',
            code: '000000',
            password: 'Load-Test-Password-1234',
          }),
          onResponse: expectAnswer(
            tally,
            'confirm wrong code',
            (status, body) => status === 400 && problemCode(body) === 'INVALID_CODE',
          ),
        },
        {
          method: 'POST',
          path: '/password/forgot',
          headers,
          body: JSON.stringify({ username: '' }),
          onResponse: expectAnswer(
            tally,
            'forgot invalid body',
            (status, body) => status === 400 && problemCode(body) === 'VALIDATION_FAILED',
          ),
        },
      ];
      // Warm-up at full load: workers loaded, secret cached, JIT warm, heaps grown
      await autocannon({
        url: stack.info.apiUrl,
        connections: CONNECTIONS,
        duration: WARM_UP_S,
        requests,
      });
      // Act: rounds of growing size at full load, the stack's heaps collected and measured at rest
      // before and after each (at rest nothing is in flight, so only what is kept remains)
      const atRest = [await memory()];
      const warmRss = stack.rssBytes();
      const rssSamples: number[] = [];
      const rssSampler = setInterval(() => rssSamples.push(stack.rssBytes()), 1_000);
      for (const key of Object.keys(tally.byKind)) delete tally.byKind[key];
      tally.unexpected.length = 0;
      const rounds: Awaited<ReturnType<typeof autocannon>>[] = [];
      try {
        for (const amount of ROUNDS) {
          rounds.push(
            await autocannon({
              url: stack.info.apiUrl,
              connections: CONNECTIONS,
              amount,
              timeout: 10,
              requests,
            }),
          );
          atRest.push(await memory());
        }
      } finally {
        clearInterval(rssSampler);
      }
      const result = rounds[rounds.length - 1] as (typeof rounds)[0];
      const endRss = stack.rssBytes();
      const retainedByRound = rounds.map((round, i) => {
        const before = atRest[i] as MemoryReport;
        const after = atRest[i + 1] as MemoryReport;
        const retained = after.totalHeapBytes - before.totalHeapBytes;
        return {
          requests: round.requests.total,
          retainedBytes: retained,
          allowedBytes:
            RETAINED_NOISE_BYTES + MAX_RETAINED_BYTES_PER_REQUEST * round.requests.total,
          bytesPerRequest: Math.round(retained / round.requests.total),
        };
      });
      const judged = retainedByRound.slice(JUDGED_FROM_ROUND);
      // A leak keeps more than allowed in every judged round, and more in a larger round: the
      // growth from the smallest judged round to each repetition of the largest is at least half
      // the bound times their difference in requests.
      const [smallest, ...largest] = judged as [(typeof judged)[0], ...typeof judged];
      const leaks =
        judged.every((round) => round.retainedBytes > round.allowedBytes) &&
        largest.every(
          (round) =>
            round.retainedBytes - smallest.retainedBytes >
            (MAX_RETAINED_BYTES_PER_REQUEST / 2) * (round.requests - smallest.requests),
        );
      const rssHalf = Math.floor(rssSamples.length / 2);
      const rssMiBPerS = (values: number[]) =>
        slope(values.map((value, index) => [index, value] as const)) / MIB;
      const total = (key: 'errors' | 'timeouts' | '5xx') =>
        rounds.reduce((sum, round) => sum + round[key], 0);

      // Record
      const mib = (bytes: number) => Number((bytes / MIB).toFixed(2));
      const figures = {
        connections: CONNECTIONS,
        rounds: ROUNDS,
        requests: rounds.reduce((sum, round) => sum + round.requests.total, 0),
        requestsPerSecond: Math.round(result.requests.average),
        // The last round: the settled stack
        latencyMs: {
          p50: result.latency.p50,
          p90: result.latency.p90,
          p99: result.latency.p99,
          max: result.latency.max,
        },
        byRound: rounds.map((round) => ({
          requestsPerSecond: Math.round(round.requests.average),
          durationS: round.duration,
          latencyMs: { p50: round.latency.p50, p99: round.latency.p99 },
        })),
        statusCodes: Object.fromEntries(
          rounds
            .flatMap((round) => Object.entries(round.statusCodeStats))
            .reduce(
              (counts, [code, stat]) => counts.set(code, (counts.get(code) ?? 0) + stat.count),
              new Map<string, number>(),
            ),
        ),
        errors: total('errors'),
        timeouts: total('timeouts'),
        heapAfterGcAtRestMiB: {
          atRest: atRest.map((report) => mib(report.totalHeapBytes)),
          mainThread: atRest.map((report) => mib(report.mainHeapBytes)),
          containers: atRest.map((report) =>
            Object.values(report.containerHeapBytes).flat().map(mib),
          ),
          retainedByRound,
        },
        rssMiB: {
          afterWarmUp: Number((warmRss / MIB).toFixed(1)),
          max: Number((Math.max(...rssSamples, endRss) / MIB).toFixed(1)),
          end: Number((endRss / MIB).toFixed(1)),
          perSecond: rssSamples.map((sample) => Math.round(sample / MIB)),
          growthMiBPerS: {
            firstHalf: Number(rssMiBPerS(rssSamples.slice(0, rssHalf)).toFixed(2)),
            secondHalf: Number(rssMiBPerS(rssSamples.slice(rssHalf)).toFixed(2)),
          },
        },
        answersByKind: tally.byKind,
      };
      const directory = join(import.meta.dirname, '..', '..', 'test-results');
      mkdirSync(directory, { recursive: true });
      writeFileSync(join(directory, 'load.json'), `${JSON.stringify(figures, null, 2)}\n`);

      // Assess
      expect(total('errors'), 'connection errors').toBe(0);
      expect(total('timeouts'), 'timeouts').toBe(0);
      expect(total('5xx'), '5xx answers').toBe(0);
      expect(Object.keys(figures.statusCodes).sort()).toEqual(['202', '400']);
      expect(tally.unexpected).toEqual([]);
      expect(figures.requests).toBe(ROUNDS.reduce((sum, n) => sum + n, 0));
      for (const kind of ['forgot unknown user', 'confirm wrong code', 'forgot invalid body']) {
        expect(tally.byKind[kind] ?? 0, kind).toBeGreaterThan(0);
      }
      const figuresText = JSON.stringify({
        heap: figures.heapAfterGcAtRestMiB,
        rss: figures.rssMiB,
      });
      expect(leaks, `retained heap grows with requests: ${figuresText}`).toBe(false);
      expect(figures.rssMiB.max, figuresText).toBeLessThan(MAX_RSS_MIB);
    },
    TEST_TIMEOUT_MS,
  );
});
