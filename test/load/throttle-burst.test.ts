/**
 * Bursts over the throttles (issue 7), both of which answer 429 `TOO_MANY_REQUESTS` with
 * `Retry-After` (contract section 2), never a 5xx:
 * - API Gateway's stage throttling, through the real local stack (`npm start`, whose gateway
 *   emulates it per method with the CDK context's limits from `cdk.json`), driven by autocannon;
 * - Cognito's account-recovery quota behind it: the handlers driven directly against a loopback
 *   Cognito that enforces the quota as Cognito does (30 requests/s, token bucket) and answers
 *   `TooManyRequestsException` past it (its quota error; `LimitExceededException` is one user's
 *   attempt limit, which answers like an unknown account); the handlers must not amplify the
 *   overload with retries.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { problemOf, problemViolations } from '../support/answers';
import { confirmEvent, forgotEvent } from '../support/api-events';
import { FAKE_DELIVERY } from '../support/aws-fakes';
import type { Answer } from '../support/fault-server';
import { lambdaContext } from '../support/lambda-context';
import { type LocalStack, startLocalStack } from '../support/local-stack';
import { captureLogs } from '../support/log-capture';
import { useApiFakes } from '../support/suite-fakes';

const QUOTA_PER_SECOND = 30;
const BURST_REQUESTS = 400;
const CONCURRENCY = 50;

/** Cognito's quota: a bucket of `rate` tokens refilled continuously. */
function tokenBucket(rate: number, normal: () => Answer) {
  let tokens = rate;
  let last = performance.now();
  return (): Answer => {
    const current = performance.now();
    tokens = Math.min(rate, tokens + ((current - last) / 1_000) * rate);
    last = current;
    if (tokens < 1) {
      return {
        status: 429,
        body: { __type: 'TooManyRequestsException', message: 'Too many requests' },
      };
    }
    tokens -= 1;
    return normal();
  };
}

const aws = useApiFakes(() => {
  const limited = tokenBucket(QUOTA_PER_SECOND, () => ({ body: {} }));
  return {
    ForgotPassword: () => {
      const answer = limited();
      return answer.status === 429 ? answer : { body: { CodeDeliveryDetails: FAKE_DELIVERY } };
    },
    ConfirmForgotPassword: limited,
  };
});

describe('a burst over the Cognito account-recovery quota', () => {
  it(`answers ${BURST_REQUESTS} requests at ${CONCURRENCY} in flight with successes and 429s only`, async () => {
    // Prepare
    const answers: { operation: string; result: APIGatewayProxyResult; requestId: string }[] = [];
    let next = 0;
    const logs = captureLogs();
    const worker = async () => {
      while (next < BURST_REQUESTS) {
        const index = next;
        next += 1;
        const context = lambdaContext({ remainingMs: 5_000 });
        const isForgot = index % 2 === 0;
        const result = isForgot
          ? await aws.forgot(forgotEvent(`burst-${index}@example.test`), context)
          : await aws.confirm(
              confirmEvent(`burst-${index}@example.test`, '123456', 'Burst-Password-123456'),
              context,
            );
        answers.push({
          operation: isForgot ? 'forgot' : 'confirm',
          result,
          requestId: context.awsRequestId,
        });
      }
    };

    // Act
    const started = performance.now();
    try {
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    } finally {
      logs.restore();
    }
    const elapsedS = (performance.now() - started) / 1_000;

    // Assess
    const statuses = answers.map((answer) => answer.result.statusCode);
    expect(statuses.filter((status) => status >= 500)).toEqual([]);
    const throttled = answers.filter((answer) => answer.result.statusCode === 429);
    // The quota let through at most its bucket plus what it refilled while the burst ran, however
    // slowly a busy machine ran it; everything else must have come back as a 429.
    const admitted = QUOTA_PER_SECOND + Math.ceil(QUOTA_PER_SECOND * elapsedS) + 1;
    expect(admitted, 'the burst outran the quota (premise)').toBeLessThan(BURST_REQUESTS);
    expect(throttled.length, 'every request past the quota').toBeGreaterThanOrEqual(
      BURST_REQUESTS - admitted,
    );
    for (const answer of throttled) {
      expect(problemViolations(answer.result, answer.requestId)).toEqual([]);
      expect(problemOf(answer.result).code).toBe('TOO_MANY_REQUESTS');
    }
    for (const answer of answers.filter((entry) => entry.result.statusCode !== 429)) {
      expect(answer.result.statusCode).toBe(answer.operation === 'forgot' ? 202 : 204);
    }
    // No retry amplification: one Cognito request per API request, throttled or not.
    expect(aws.cognito.count('ForgotPassword') + aws.cognito.count('ConfirmForgotPassword')).toBe(
      BURST_REQUESTS,
    );
  }, 60_000);
});

/** The stage throttling the CDK stack deploys (and the local stack therefore applies). */
const context = (
  JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'cdk.json'), 'utf8')) as {
    context: { throttleRateLimit: number; throttleBurstLimit: number };
  }
).context;
const GATEWAY_BURST_REQUESTS = 300;

interface GatewayAnswer {
  readonly method: 'forgot' | 'confirm';
  readonly status: number;
  readonly body: string;
  readonly headers: Record<string, string>;
}

describe('a burst over API Gateway stage throttling, through the local stack', () => {
  let stack: LocalStack;

  beforeAll(async () => {
    // The cdk.json limits (no override), the timing floor off so the burst is a real burst.
    stack = await startLocalStack({
      FORGOT_MIN_RESPONSE_MS: '0',
      CONFIRM_MIN_RESPONSE_MS: '0',
      ATTEMPT_LIMIT: '0',
      THROTTLE_RATE_LIMIT: '',
      THROTTLE_BURST_LIMIT: '',
    });
  }, 90_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it(`answers ${GATEWAY_BURST_REQUESTS} requests at ${CONCURRENCY} connections with successes and throttling problems only`, async () => {
    // Prepare
    const answers: GatewayAnswer[] = [];
    const origin = stack.info.allowedOrigins[0] ?? '';
    const headers = { 'content-type': 'application/json', origin };
    const record =
      (method: GatewayAnswer['method']) =>
      (status: number, body: string, _context: unknown, raw: Record<string, string>) => {
        const lower = Object.fromEntries(
          Object.entries(raw).map(([name, value]) => [name.toLowerCase(), String(value)]),
        );
        answers.push({ method, status, body, headers: lower });
      };
    const started = performance.now();

    // Act
    const result = await autocannon({
      url: stack.info.apiUrl,
      connections: CONCURRENCY,
      amount: GATEWAY_BURST_REQUESTS,
      timeout: 10,
      requests: [
        {
          method: 'POST',
          path: '/password/forgot',
          headers,
          body: JSON.stringify({ username: 'nobody-in-a-burst@example.test' }),
          onResponse: record('forgot'),
        },
        {
          method: 'POST',
          path: '/password/confirm',
          headers,
          body: JSON.stringify({
            username: 'nobody-in-a-burst@example.test',
            code: '000000',
            password: 'Burst-Test-Password-1234',
          }),
          onResponse: record('confirm'),
        },
      ],
    });
    const elapsedS = (performance.now() - started) / 1_000;
    const count = (method: string, throttled: boolean) =>
      answers.filter((a) => a.method === method && (a.status === 429) === throttled).length;
    const directory = join(import.meta.dirname, '..', '..', 'test-results');
    mkdirSync(directory, { recursive: true });
    writeFileSync(
      join(directory, 'throttle-burst.json'),
      `${JSON.stringify(
        {
          limits: { rate: context.throttleRateLimit, burst: context.throttleBurstLimit },
          requests: GATEWAY_BURST_REQUESTS,
          connections: CONCURRENCY,
          elapsedS: Number(elapsedS.toFixed(2)),
          served: { forgot: count('forgot', false), confirm: count('confirm', false) },
          throttled: { forgot: count('forgot', true), confirm: count('confirm', true) },
          statusCodes: Object.fromEntries(
            Object.entries(result.statusCodeStats).map(([code, stat]) => [code, stat.count]),
          ),
          errors: result.errors,
          latencyMs: { p50: result.latency.p50, p99: result.latency.p99 },
        },
        null,
        2,
      )}\n`,
    );

    // Assess: nothing broke
    expect({ errors: result.errors, timeouts: result.timeouts, '5xx': result['5xx'] }).toEqual({
      errors: 0,
      timeouts: 0,
      '5xx': 0,
    });
    expect(answers).toHaveLength(GATEWAY_BURST_REQUESTS);
    // Each method has its own bucket: the burst, plus what the rate refilled meanwhile
    for (const method of ['forgot', 'confirm'] as const) {
      const served = answers.filter((answer) => answer.method === method && answer.status !== 429);
      expect(served.length, `${method} served`).toBeGreaterThanOrEqual(context.throttleBurstLimit);
      expect(served.length, `${method} served`).toBeLessThanOrEqual(
        context.throttleBurstLimit + Math.ceil(context.throttleRateLimit * elapsedS) + 1,
      );
      for (const answer of served) {
        expect(answer.status).toBe(method === 'forgot' ? 202 : 400);
      }
    }
    // Every throttled answer is the gateway's problem document
    // At least what neither bucket could serve in the time the burst took (a busy machine takes
    // longer, and the rate refills the buckets meanwhile)
    const throttled = answers.filter((answer) => answer.status === 429);
    const mostServed =
      2 * (context.throttleBurstLimit + Math.ceil(context.throttleRateLimit * elapsedS) + 1);
    expect(throttled.length).toBeGreaterThanOrEqual(GATEWAY_BURST_REQUESTS - mostServed);
    expect(throttled.length + answers.filter((a) => a.status !== 429).length).toBe(
      GATEWAY_BURST_REQUESTS,
    );
    for (const answer of throttled) {
      const problem = JSON.parse(answer.body) as Record<string, unknown>;
      expect(problem).toMatchObject({
        type: 'about:blank',
        status: 429,
        code: 'TOO_MANY_REQUESTS',
        title: 'Too many requests',
      });
      expect(answer.headers).toMatchObject({
        'content-type': 'application/problem+json',
        'retry-after': '5',
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        'strict-transport-security': 'max-age=63072000; includeSubDomains',
        'access-control-allow-origin': origin,
        'x-request-id': problem.requestId,
      });
    }
  }, 60_000);
});
