/**
 * The API handlers when Secrets Manager misbehaves (issue 7, faults; contract sections 2 and 5).
 * A cold container without the secret answers 503 (never a 500 for a transient fault, never a
 * Cognito call without a secret hash) and recovers on the next request once Secrets Manager
 * does; a warm container whose cached copy has expired keeps serving it through the outage.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { problemOf, problemViolations } from '../support/answers';
import { apiOperations, confirmEvent, forgotEvent } from '../support/api-events';
import {
  FAKE_CLIENT_ID,
  FAKE_CLIENT_SECRET,
  startFakeCognito,
  startFakeSecretsManager,
} from '../support/aws-fakes';
import type { FaultServer } from '../support/fault-server';
import { watchEachTest } from '../support/fault-watch';
import { loadApiHandler, restoreEnv } from '../support/handlers';
import { lambdaContext, now } from '../support/lambda-context';
import { activeTimers, settle } from '../support/leaks';
import {
  ADDED_LATENCY,
  ERROR_429,
  ERROR_500,
  ERROR_503,
  HANG,
  MALFORMED_JSON,
  type NamedFault,
  PROXY_502,
  REFUSED,
  RESET,
  SLOW_DRIP,
  serviceError,
  THROTTLING,
  TRUNCATED_JSON,
} from './fault-catalogue';

const REMAINING_MS = 3_000;
/** Prefetch and the request's own fetch, each with the SDK's three attempts at most. */
const MAX_SECRET_CALLS_COLD = 6;

const SM_500 = serviceError(500, 'InternalServiceError');
const NOT_FOUND = serviceError(400, 'ResourceNotFoundException', { note: 'configuration' });
const ACCESS_DENIED = serviceError(400, 'AccessDeniedException', { note: 'configuration' });
const NO_CLIENT_SECRET: NamedFault = {
  name: 'a SecretString without clientSecret (configuration)',
  apply: (server, operation) =>
    server.respond(operation, () => ({
      body: { Name: 'x', SecretString: '{"secret":"wrong-key"}' },
    })),
};

type Expected = 'success' | readonly string[];
const TIMEOUT_OR_UNAVAILABLE = ['UPSTREAM_TIMEOUT', 'SERVICE_UNAVAILABLE'] as const;

const COLD_CASES: readonly (readonly [NamedFault, Expected])[] = [
  [ADDED_LATENCY, 'success'],
  [HANG, TIMEOUT_OR_UNAVAILABLE],
  [REFUSED, ['SERVICE_UNAVAILABLE']],
  [RESET, ['SERVICE_UNAVAILABLE']],
  [SM_500, ['SERVICE_UNAVAILABLE']],
  [ERROR_500, ['SERVICE_UNAVAILABLE']],
  [ERROR_503, ['SERVICE_UNAVAILABLE']],
  [PROXY_502, ['SERVICE_UNAVAILABLE']],
  // The SDK backs off longer after throttling; when its retries outlast the request's budget the
  // answer is the timeout, otherwise 503. Either way a retryable answer, never a 500.
  [ERROR_429, TIMEOUT_OR_UNAVAILABLE],
  [THROTTLING, TIMEOUT_OR_UNAVAILABLE],
  [MALFORMED_JSON, ['SERVICE_UNAVAILABLE']],
  [TRUNCATED_JSON, ['SERVICE_UNAVAILABLE']],
  [SLOW_DRIP, TIMEOUT_OR_UNAVAILABLE],
  [NOT_FOUND, ['INTERNAL']],
  [ACCESS_DENIED, ['INTERNAL']],
  [NO_CLIENT_SECRET, ['INTERNAL']],
];

const OPERATIONS = apiOperations(
  'secret-fault@example.test',
  'code-5150aa',
  'Secret-Fault-Pass-42aa',
);

let cognito: FaultServer;
let secretsManager: FaultServer;

beforeAll(async () => {
  cognito = await startFakeCognito();
  secretsManager = await startFakeSecretsManager();
});

afterAll(async () => {
  restoreEnv();
  await cognito.stop();
  await secretsManager.stop();
});

const watch = watchEachTest(() => Promise.all([cognito.recover(), secretsManager.recover()]));

describe.each(OPERATIONS)('$name in a cold container when Secrets Manager fails', (operation) => {
  it.each(COLD_CASES.map(([fault, expected]) => ({ name: fault.name, fault, expected })))(
    '$name: answers without calling Cognito, in time, and recovers',
    async ({ fault, expected }) => {
      // Prepare: the fault is in place before the module loads, so the prefetch meets it too
      await settle(10);
      const timersBefore = activeTimers();
      await fault.apply(secretsManager, 'GetSecretValue');
      const handler = await loadApiHandler(operation.name, {
        cognitoUrl: cognito.url,
        secretsManagerUrl: secretsManager.url,
      });
      const context = lambdaContext({ remainingMs: REMAINING_MS });

      // Act
      const result = await handler(operation.event(), context);

      // Assess: the answer, in time
      expect(now(), 'answered before the deadline').toBeLessThan(context.deadlineAt);
      if (expected === 'success') {
        expect(result.statusCode).toBe(operation.successStatus);
        expect(cognito.count(operation.cognitoOperation)).toBe(1);
      } else {
        expect(problemViolations(result, context.awsRequestId)).toEqual([]);
        expect(expected).toContain(problemOf(result).code);
        expect(cognito.count(), 'Cognito called without a secret').toBe(0);
      }
      expect(secretsManager.count('GetSecretValue')).toBeLessThanOrEqual(MAX_SECRET_CALLS_COLD);

      // Assess: nothing left behind (the prefetch's failure is no unhandled rejection)
      await secretsManager.recover();
      await watch.expectNothingLeftBehind(timersBefore);
      expect(watch.logs.text()).not.toContain(FAKE_CLIENT_SECRET);

      // Assess: once Secrets Manager is back, the same container serves the next request
      const next = await handler(operation.event(), lambdaContext({ remainingMs: REMAINING_MS }));
      expect(next.statusCode).toBe(operation.successStatus);
    },
  );
});

describe.each(OPERATIONS)(
  '$name with a cached secret through a Secrets Manager outage',
  (operation) => {
    const realDateNow = Date.now;

    it.each([SM_500, HANG, REFUSED, THROTTLING].map((fault) => ({ name: fault.name, fault })))(
      '$name: the expired copy keeps serving, and is refreshed once Secrets Manager is back',
      async ({ fault }) => {
        // Prepare: a clock we can move, in place before the module captures it
        let offsetMs = 0;
        vi.spyOn(Date, 'now').mockImplementation(() => realDateNow() + offsetMs);
        const handler = await loadApiHandler(operation.name, {
          cognitoUrl: cognito.url,
          secretsManagerUrl: secretsManager.url,
        });
        const warm = await handler(operation.event(), lambdaContext({ remainingMs: REMAINING_MS }));
        expect(warm.statusCode).toBe(operation.successStatus);
        expect(secretsManager.count('GetSecretValue')).toBe(1);
        offsetMs += 6 * 60_000; // past the 5-minute cache period
        await fault.apply(secretsManager, 'GetSecretValue');

        // Act
        const context = lambdaContext({ remainingMs: REMAINING_MS });
        const during = await handler(operation.event(), context);
        const answeredAt = now();
        const again = await handler(
          operation.event(),
          lambdaContext({ remainingMs: REMAINING_MS }),
        );

        // Assess: served with the stale copy, in time, with bounded refresh attempts
        expect(during.statusCode).toBe(operation.successStatus);
        expect(answeredAt).toBeLessThan(context.deadlineAt);
        expect(again.statusCode).toBe(operation.successStatus);
        const refreshAttempts = secretsManager.count('GetSecretValue') - 1;
        expect(refreshAttempts).toBeLessThanOrEqual(3);
        const stampedHash = (cognito.requests.at(-1)?.body as { SecretHash?: string } | undefined)
          ?.SecretHash;
        expect(stampedHash).toBeTruthy();
        expect(cognito.requests.at(-1)?.body).toMatchObject({ ClientId: FAKE_CLIENT_ID });

        // Assess: after recovery (and the back-off after a failed refresh) the copy is refreshed
        await secretsManager.recover();
        offsetMs += 60_000;
        const after = await handler(
          operation.event(),
          lambdaContext({ remainingMs: REMAINING_MS }),
        );
        expect(after.statusCode).toBe(operation.successStatus);
        expect(secretsManager.count('GetSecretValue')).toBe(1);
        await settle();
        expect(watch.rejections.reasons).toEqual([]);
      },
    );
  },
);

describe('a Secrets Manager call that hangs in a cold container', () => {
  it('is abandoned within the fetch bound (3 s) even though the request answered earlier', async () => {
    // Prepare
    secretsManager.inject('GetSecretValue', { kind: 'hang' });
    const handler = await loadApiHandler('forgot-password', {
      cognitoUrl: cognito.url,
      secretsManagerUrl: secretsManager.url,
    });
    const context = lambdaContext({ remainingMs: 1_500 });

    // Act
    const result = await handler(forgotEvent(), context);
    const answeredAt = now();
    while (secretsManager.pendingRequests > 0 && now() - answeredAt < 4_000) await settle(50);

    // Assess: the answer did not wait for the shared fetch; the fetch did not outlive its bound
    expect(answeredAt).toBeLessThan(context.deadlineAt);
    expect(problemOf(result).status).toBeGreaterThanOrEqual(503);
    expect(secretsManager.pendingRequests, 'a hung GetSecretValue never abandoned').toBe(0);
    expect(now() - answeredAt).toBeLessThan(3_500);
    await settle();
    expect(watch.rejections.reasons).toEqual([]);
  }, 10_000);
});

describe('a secret hash Cognito keeps rejecting', () => {
  it('ends in INTERNAL after a bounded number of attempts, not a loop', async () => {
    // Prepare
    const handler = await loadApiHandler('confirm-forgot-password', {
      cognitoUrl: cognito.url,
      secretsManagerUrl: secretsManager.url,
    });
    await handler(confirmEvent(), lambdaContext({ remainingMs: REMAINING_MS }));
    cognito.clear();
    secretsManager.clear();
    cognito.inject('ConfirmForgotPassword', {
      kind: 'error',
      status: 400,
      type: 'NotAuthorizedException',
      message: `Unable to verify secret hash for client ${FAKE_CLIENT_ID}`,
    });
    const context = lambdaContext({ remainingMs: REMAINING_MS });

    // Act
    const result = await handler(confirmEvent(), context);

    // Assess
    expect(problemViolations(result, context.awsRequestId)).toEqual([]);
    expect(problemOf(result).code).toBe('INTERNAL');
    expect(cognito.count('ConfirmForgotPassword')).toBeLessThanOrEqual(3);
    expect(secretsManager.count('GetSecretValue')).toBeLessThanOrEqual(1);
  });
});
