/**
 * A Lambda context for invoking handlers in-process. The remaining time counts down on a
 * monotonic clock captured at import, so tests that move `Date.now` (secret-cache expiry) do not
 * move the deadline.
 */
import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

const monotonicNow = performance.now.bind(performance);

export interface TestContext extends Context {
  /** Monotonic time (ms) at which the invocation's deadline passes. */
  readonly deadlineAt: number;
}

/**
 * @example
 * const context = lambdaContext({ remainingMs: 1_500 });
 * const started = monotonicNow();
 * await handler(event, context);
 * expect(monotonicNow()).toBeLessThan(context.deadlineAt);
 */
export function lambdaContext(
  options: { remainingMs?: number; functionName?: string; awsRequestId?: string } = {},
): TestContext {
  const remainingMs = options.remainingMs ?? 10_000;
  const functionName = options.functionName ?? 'password-reset-test';
  const deadlineAt = monotonicNow() + remainingMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-west-1:${'0'.repeat(12)}:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: options.awsRequestId ?? randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'test',
    deadlineAt,
    getRemainingTimeInMillis: () => Math.max(0, Math.floor(deadlineAt - monotonicNow())),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** Milliseconds on the same monotonic clock as {@link TestContext.deadlineAt}. */
export function now(): number {
  return monotonicNow();
}
