/**
 * Flat memory, measured where a leak would live (issue 7): the two API handlers invoked in this
 * process tens of thousands of times, the JS heap read after a full garbage collection between
 * rounds. A handler that kept anything per request (events, log keys, metrics, promises, timers)
 * shows a steady growth per invocation; a settled one does not. The local stack's resident
 * memory (sustained-load.test.ts) mixes in the emulators and V8's heap sizing, so this is the
 * precise check and that one the end-to-end one.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { apiEvent, confirmEvent, forgotEvent } from '../support/api-events';
import { lambdaContext } from '../support/lambda-context';
import { activeTimers } from '../support/leaks';
import { captureLogs } from '../support/log-capture';
import { useApiFakes } from '../support/suite-fakes';

const WARM_UP = 1_500;
const ROUNDS = 4;
const PER_ROUND = 2_000;
const CONCURRENCY = 16;
/** A leak of even a small event copy per request is well above this. */
const MAX_BYTES_PER_INVOCATION = 200;

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

const aws = useApiFakes(() => ({
  ConfirmForgotPassword: (request) =>
    (request.body as { ConfirmationCode?: string }).ConfirmationCode === 'wrong-code'
      ? {
          status: 400,
          body: {
            __type: 'CodeMismatchException',
            message: 'Invalid verification code provided, please try again.',
          },
        }
      : { body: {} },
}));

/** One of the kinds of request the service sees, in turn. */
async function invoke(index: number): Promise<number> {
  const context = lambdaContext({ remainingMs: 5_000 });
  switch (index % 4) {
    case 0:
      return (
        await aws.forgot(
          forgotEvent(`user-${index}@example.test`, { clientMetadata: { k: String(index) } }),
          context,
        )
      ).statusCode;
    case 1:
      return (
        await aws.confirm(
          confirmEvent(`user-${index}@example.test`, `code-${index}`, `Password-${index}-abcdef`),
          context,
        )
      ).statusCode;
    case 2:
      return (
        await aws.confirm(
          confirmEvent(`user-${index}@example.test`, 'wrong-code', 'Password-abcdef-123'),
          context,
        )
      ).statusCode;
    default:
      return (
        await aws.forgot(
          apiEvent({ path: '/password/forgot', body: { username: '', extra: index } }),
          context,
        )
      ).statusCode;
  }
}

async function run(count: number, statuses: Map<number, number>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const status = await invoke(next);
      next += 1;
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

function heapAfterGc(): number {
  // The fake services' request logs are the test's memory, not the handlers'.
  aws.cognito.clear();
  aws.secretsManager.clear();
  collectGarbage();
  collectGarbage();
  return process.memoryUsage().heapUsed;
}

describe('API handler memory over many invocations', () => {
  it(`does not grow per invocation (${ROUNDS} x ${PER_ROUND} after ${WARM_UP} warm-up)`, async () => {
    // Prepare
    const statuses = new Map<number, number>();
    const logs = captureLogs({ keep: false });
    const heap: number[] = [];
    try {
      await run(WARM_UP, statuses);
      heap.push(heapAfterGc());

      // Act
      for (let round = 0; round < ROUNDS; round += 1) {
        await run(PER_ROUND, statuses);
        heap.push(heapAfterGc());
      }
    } finally {
      logs.restore();
    }

    // Assess
    const n = heap.length;
    const meanX = (n - 1) / 2;
    const meanY = heap.reduce((sum, value) => sum + value, 0) / n;
    let numerator = 0;
    let denominator = 0;
    heap.forEach((value, index) => {
      numerator += (index - meanX) * (value - meanY);
      denominator += (index - meanX) ** 2;
    });
    const bytesPerInvocation = numerator / denominator / PER_ROUND;
    const figures = {
      invocations: WARM_UP + ROUNDS * PER_ROUND,
      heapMiBAfterEachRound: heap.map((value) => Number((value / 1024 / 1024).toFixed(2))),
      bytesPerInvocation: Math.round(bytesPerInvocation),
      statuses: Object.fromEntries(statuses),
    };
    const directory = join(import.meta.dirname, '..', '..', 'test-results');
    mkdirSync(directory, { recursive: true });
    writeFileSync(join(directory, 'handler-memory.json'), `${JSON.stringify(figures, null, 2)}\n`);
    // Every kind of request was answered as the contract says. On a machine whose cores are busy
    // elsewhere, the fake AWS (in this same process, behind 16 concurrent invocations) can be slow
    // to accept a connection past the SDK's 1 s connection timeout: the contract's answer to that
    // is 503 SERVICE_UNAVAILABLE (seen in one of three stressed CI runs), and it says nothing
    // about memory. Nothing else may appear.
    for (const status of [202, 204, 400])
      expect(statuses.get(status), String(status)).toBeGreaterThan(0);
    expect([...statuses.keys()].filter((status) => ![202, 204, 400, 503].includes(status))).toEqual(
      [],
    );
    expect(bytesPerInvocation, JSON.stringify(figures)).toBeLessThan(MAX_BYTES_PER_INVOCATION);
    expect(activeTimers()).toBeLessThanOrEqual(1);
  }, 120_000);
});
