/**
 * A burst over the throttle (issue 7). The local stack does not emulate API Gateway's stage
 * throttling (see the issue note), so this drives the handlers directly, against a loopback
 * Cognito that enforces the account-recovery quota as Cognito does (30 requests/s, token bucket)
 * and answers `LimitExceededException` past it. Every answer must be the contract's success or a
 * 429 `TOO_MANY_REQUESTS` problem document with `Retry-After`, never a 5xx, and the handlers must
 * not amplify the overload with retries.
 */
import type { APIGatewayProxyResult } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { problemOf, problemViolations } from '../support/answers';
import { confirmEvent, forgotEvent } from '../support/api-events';
import { FAKE_DELIVERY, startFakeCognito, startFakeSecretsManager } from '../support/aws-fakes';
import type { Answer, FaultServer } from '../support/fault-server';
import { type ApiHandler, loadApiHandler, restoreEnv } from '../support/handlers';
import { lambdaContext } from '../support/lambda-context';
import { captureLogs } from '../support/log-capture';

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
        status: 400,
        body: {
          __type: 'LimitExceededException',
          message: 'Attempt limit exceeded, please try after some time.',
        },
      };
    }
    tokens -= 1;
    return normal();
  };
}

let cognito: FaultServer;
let secretsManager: FaultServer;
let forgot: ApiHandler;
let confirm: ApiHandler;

beforeAll(async () => {
  cognito = await startFakeCognito();
  const limited = tokenBucket(QUOTA_PER_SECOND, () => ({ body: {} }));
  cognito.respond('ForgotPassword', () => {
    const answer = limited();
    return answer.status === 400 ? answer : { body: { CodeDeliveryDetails: FAKE_DELIVERY } };
  });
  cognito.respond('ConfirmForgotPassword', limited);
  secretsManager = await startFakeSecretsManager();
  const env = { cognitoUrl: cognito.url, secretsManagerUrl: secretsManager.url };
  forgot = await loadApiHandler('forgot-password', env);
  confirm = await loadApiHandler('confirm-forgot-password', env);
});

afterAll(async () => {
  restoreEnv();
  await cognito.stop();
  await secretsManager.stop();
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
          ? await forgot(forgotEvent(`burst-${index}@example.test`), context)
          : await confirm(
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
    try {
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    } finally {
      logs.restore();
    }

    // Assess
    const statuses = answers.map((answer) => answer.result.statusCode);
    expect(statuses.filter((status) => status >= 500)).toEqual([]);
    const throttled = answers.filter((answer) => answer.result.statusCode === 429);
    expect(throttled.length, 'the burst went over the quota').toBeGreaterThan(BURST_REQUESTS / 3);
    for (const answer of throttled) {
      expect(problemViolations(answer.result, answer.requestId)).toEqual([]);
      expect(problemOf(answer.result).code).toBe('TOO_MANY_REQUESTS');
    }
    for (const answer of answers.filter((entry) => entry.result.statusCode !== 429)) {
      expect(answer.result.statusCode).toBe(answer.operation === 'forgot' ? 202 : 204);
    }
    // No retry amplification: one Cognito request per API request, throttled or not.
    expect(cognito.count('ForgotPassword') + cognito.count('ConfirmForgotPassword')).toBe(
      BURST_REQUESTS,
    );
  }, 60_000);
});
