/**
 * The API handlers when Cognito misbehaves (issue 7, faults). Real HTTP against a loopback
 * Cognito that fails on command; the secret is cached (warm container) so that only Cognito is
 * at fault. For every fault: the contract's status and code (with `Retry-After` where it invites
 * a retry), the answer before the function's deadline, bounded upstream attempts, nothing left
 * behind, no secret in the logs, and the next request after recovery succeeds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { headersOf, problemOf, problemViolations } from '../support/answers';
import { apiOperations, forgotEvent } from '../support/api-events';
import {
  FAKE_CLIENT_SECRET,
  startFakeCognito,
  startFakeSecretsManager,
} from '../support/aws-fakes';
import type { FaultServer } from '../support/fault-server';
import { watchEachTest } from '../support/fault-watch';
import { type ApiHandler, loadApiHandler, restoreEnv } from '../support/handlers';
import { lambdaContext, now } from '../support/lambda-context';
import { activeTimers, settle } from '../support/leaks';
import {
  ADDED_LATENCY,
  ERROR_429,
  ERROR_500,
  ERROR_503,
  HANG,
  LIMIT_EXCEEDED,
  MALFORMED_JSON,
  type NamedFault,
  PROXY_502,
  REFUSED,
  RESET,
  SLOW_DRIP,
  TRUNCATED_JSON,
} from './fault-catalogue';

/** Remaining time given to each invocation: short to keep the suite fast. */
const REMAINING_MS = 1_500;
/** The SDK's default attempt count: no fault may make a handler call Cognito more often. */
const MAX_COGNITO_ATTEMPTS = 3;

const PASSWORD = 'Faulty-Pass-Phrase-7f3c9a';
const CODE = 'code-91d2e7';

/** `success`, the codes the answer may carry, or either of those per operation. */
type Expected =
  | 'success'
  | readonly string[]
  | Readonly<Record<'forgot-password' | 'confirm-forgot-password', 'success' | readonly string[]>>;

const CASES: readonly (readonly [NamedFault, Expected])[] = [
  [ADDED_LATENCY, 'success'],
  [HANG, ['UPSTREAM_TIMEOUT']],
  [REFUSED, ['SERVICE_UNAVAILABLE']],
  [RESET, ['SERVICE_UNAVAILABLE']],
  [ERROR_500, ['SERVICE_UNAVAILABLE']],
  [ERROR_503, ['SERVICE_UNAVAILABLE']],
  [PROXY_502, ['SERVICE_UNAVAILABLE']],
  [ERROR_429, ['TOO_MANY_REQUESTS']],
  // One user's attempt limit answers what an unknown account gets (issue 11 item 5).
  [LIMIT_EXCEEDED, { 'forgot-password': 'success', 'confirm-forgot-password': ['INVALID_CODE'] }],
  [MALFORMED_JSON, ['SERVICE_UNAVAILABLE']],
  [TRUNCATED_JSON, ['SERVICE_UNAVAILABLE']],
  [SLOW_DRIP, ['UPSTREAM_TIMEOUT']],
];

const OPERATIONS = apiOperations('fault-user@example.test', CODE, PASSWORD);

describe.each(OPERATIONS)('$name when Cognito fails', (operation) => {
  let cognito: FaultServer;
  let secretsManager: FaultServer;
  let handler: ApiHandler;

  beforeAll(async () => {
    cognito = await startFakeCognito();
    secretsManager = await startFakeSecretsManager();
    handler = await loadApiHandler(operation.name, {
      cognitoUrl: cognito.url,
      secretsManagerUrl: secretsManager.url,
    });
    // Warm the container: the secret is cached from here on.
    const warm = await handler(operation.event(), lambdaContext({ remainingMs: 5_000 }));
    expect(warm.statusCode).toBe(operation.successStatus);
  });

  afterAll(async () => {
    restoreEnv();
    await cognito.stop();
    await secretsManager.stop();
  });

  const watch = watchEachTest(() => cognito.recover());

  it.each(CASES.map(([fault, expected]) => ({ name: fault.name, fault, expected })))(
    '$name: answers as the contract says, in time, then recovers',
    async ({ fault, expected: expectedFor }) => {
      const expected =
        expectedFor === 'success' || Array.isArray(expectedFor)
          ? expectedFor
          : (expectedFor as Exclude<Expected, 'success' | readonly string[]>)[operation.name];
      // Prepare
      await settle(10);
      const timersBefore = activeTimers();
      const secretManagerCallsBefore = secretsManager.count();
      await fault.apply(cognito, operation.cognitoOperation);
      const context = lambdaContext({ remainingMs: REMAINING_MS });

      // Act
      const result = await handler(operation.event(), context);
      const answeredAt = now();

      // Assess: the answer
      expect(answeredAt, 'answered before the deadline').toBeLessThan(context.deadlineAt);
      if (expected === 'success') {
        expect(result.statusCode).toBe(operation.successStatus);
      } else {
        expect(problemViolations(result, context.awsRequestId)).toEqual([]);
        expect(expected).toContain(problemOf(result).code);
        if (
          operation.name === 'confirm-forgot-password' &&
          problemOf(result).code === 'UPSTREAM_TIMEOUT'
        ) {
          expect(problemOf(result).detail).toMatch(/password may already have been changed/i);
        }
      }
      // Assess: bounded attempts, and the secret was not refetched because Cognito failed
      const attempts = cognito.count(operation.cognitoOperation);
      expect(attempts).toBeLessThanOrEqual(MAX_COGNITO_ATTEMPTS);
      if (fault !== REFUSED) expect(attempts).toBeGreaterThanOrEqual(1);
      expect(secretsManager.count()).toBe(secretManagerCallsBefore);

      // Assess: the handler gave up its call rather than leaving it running
      await settle();
      expect(cognito.pendingRequests, 'a Cognito call left running after the answer').toBe(0);

      // Assess: nothing left behind once the endpoint recovered
      await cognito.recover();
      await watch.expectNothingLeftBehind(timersBefore);

      // Assess: nothing secret in the logs
      const secretHashes = cognito.requests.map(
        (request) => (request.body as { SecretHash?: string })?.SecretHash,
      );
      const text = watch.logs.text();
      for (const value of [PASSWORD, CODE, FAKE_CLIENT_SECRET, ...secretHashes.filter(Boolean)]) {
        expect(text).not.toContain(value);
      }

      // Assess: the next request after the fault clears succeeds
      const next = await handler(operation.event(), lambdaContext({ remainingMs: REMAINING_MS }));
      expect(next.statusCode).toBe(operation.successStatus);
      expect(headersOf(next)['x-request-id']).toBeTruthy();
    },
  );
});

describe('forgot-password timing floor under a Cognito hang', () => {
  it('never holds the answer past the function deadline', async () => {
    // Prepare: the default 400 ms floor, a deadline so close that the floor must give way
    const cognito = await startFakeCognito();
    const secretsManager = await startFakeSecretsManager();
    try {
      const handler = await loadApiHandler('forgot-password', {
        cognitoUrl: cognito.url,
        secretsManagerUrl: secretsManager.url,
        minResponseMs: 400,
      });
      await handler(forgotEvent(), lambdaContext({ remainingMs: 5_000 }));
      cognito.inject('ForgotPassword', { kind: 'hang' });
      const context = lambdaContext({ remainingMs: 1_000 });

      // Act
      const result = await handler(forgotEvent(), context);

      // Assess
      expect(now()).toBeLessThan(context.deadlineAt);
      expect(problemViolations(result, context.awsRequestId)).toEqual([]);
      expect(problemOf(result).code).toBe('UPSTREAM_TIMEOUT');
    } finally {
      await cognito.stop();
      await secretsManager.stop();
    }
  });
});
