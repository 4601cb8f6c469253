/**
 * Contract section 3: unknown user, disabled user and wrong or expired code are
 * indistinguishable (status, headers, body apart from `requestId`), and every forgot answer but
 * the preflight is held to the timing floor.
 */
import {
  CognitoIdentityProviderClient,
  CognitoIdentityProviderServiceException,
  ConfirmForgotPasswordCommand,
  ForgotPasswordCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ApiHandler } from '../../lambda/shared/api-handler';
import {
  FLOOR_DEADLINE_MARGIN_MS,
  FLOOR_JITTER_MS,
  floorDelayMs,
} from '../../lambda/shared/http-responder';
import { invoke, loadHandler, secretString, validBody } from './support';

const cognito = mockClient(CognitoIdentityProviderClient);
const secretsManager = mockClient(SecretsManagerClient);

function cognitoError(name: string, message: string, status = 400): Error {
  return new CognitoIdentityProviderServiceException({
    name,
    message,
    $fault: 'client',
    $metadata: { httpStatusCode: status },
  });
}

/** The answer with every trace of the request id removed: what must be identical. */
function comparable(result: APIGatewayProxyResult, requestId: string) {
  const { 'X-Request-Id': id, ...headers } = result.headers ?? {};
  expect(id).toBe(requestId);
  return { status: result.statusCode, headers, body: result.body.replaceAll(requestId, '<id>') };
}

beforeEach(() => {
  cognito.reset();
  secretsManager.reset();
  secretsManager.on(GetSecretValueCommand).resolves({ SecretString: secretString() });
});

const CONFIRM_FAILURES = [
  [
    'wrong code',
    () =>
      cognitoError(
        'CodeMismatchException',
        'Invalid verification code provided, please try again.',
      ),
  ],
  [
    'expired code',
    () =>
      cognitoError('ExpiredCodeException', 'Invalid code provided, please request a code again.'),
  ],
  [
    'unknown user',
    () => cognitoError('UserNotFoundException', 'Username/client id combination not found.', 404),
  ],
  ['disabled user', () => cognitoError('NotAuthorizedException', 'User is disabled.', 403)],
  ['unconfirmed user', () => cognitoError('UserNotConfirmedException', 'User is not confirmed.')],
] as const;

describe('confirm: every "cannot reset" outcome looks the same', () => {
  it('gives identical status, headers and body apart from requestId', async () => {
    const handler = await loadHandler('confirm-forgot-password');
    const answers = [];
    for (const [, error] of CONFIRM_FAILURES) {
      cognito.reset();
      cognito.on(ConfirmForgotPasswordCommand).rejects(error());
      const { result, requestId } = await invoke(handler, {
        body: validBody('confirm-forgot-password'),
        headers: { Origin: 'https://app.example.com' },
      });
      answers.push(comparable(result, requestId));
    }
    expect(answers[0]?.status).toBe(400);
    for (const answer of answers.slice(1)) expect(answer).toEqual(answers[0]);
  });
});

describe('forgot: unknown, disabled and unverified users look like a known user', () => {
  const LEAKY_POOL_ERRORS = [
    ['unknown user', () => cognitoError('UserNotFoundException', 'User does not exist.', 404)],
    ['disabled user', () => cognitoError('NotAuthorizedException', 'User is disabled.', 403)],
    [
      'unverified user',
      () =>
        cognitoError(
          'InvalidParameterException',
          'Cannot reset password for the user as there is no registered/verified email or phone_number',
        ),
    ],
  ] as const;

  /** What Cognito may report for a request it accepted: each must answer the one 202. */
  const COGNITO_DELIVERIES = [
    [
      'an existing user (the stored address, masked)',
      { DeliveryMedium: 'EMAIL', Destination: 'd***@e***' },
    ],
    [
      'an unknown user (simulated from the typed case)',
      { DeliveryMedium: 'EMAIL', Destination: 'N***@E***' },
    ],
    ['a user reached by SMS', { DeliveryMedium: 'SMS', Destination: '+*******0123' }],
    ['no delivery details at all', undefined],
  ] as const;

  /** The normal 202: Cognito accepted the request for an existing user and named its address. */
  async function normalAccepted(handler: ApiHandler) {
    cognito.reset();
    cognito.on(ForgotPasswordCommand).resolves({ CodeDeliveryDetails: COGNITO_DELIVERIES[0][1] });
    const { result, requestId } = await invoke(handler, {
      body: validBody('forgot-password'),
      headers: { Origin: 'https://app.example.com' },
    });
    return comparable(result, requestId);
  }

  it.each(COGNITO_DELIVERIES)(
    'a success for %s answers byte for byte the normal 202',
    async (_, details) => {
      // Prepare
      const handler = await loadHandler('forgot-password');
      const reference = await normalAccepted(handler);
      cognito.reset();
      cognito.on(ForgotPasswordCommand).resolves(details ? { CodeDeliveryDetails: details } : {});

      // Act
      const { result, requestId } = await invoke(handler, {
        body: validBody('forgot-password'),
        headers: { Origin: 'https://app.example.com' },
      });

      // Assess: nothing of Cognito's delivery details reaches the caller
      expect(reference.status).toBe(202);
      expect(comparable(result, requestId)).toEqual(reference);
      expect(result.body).not.toMatch(/\*\*\*|EMAIL|SMS|delivery/);
    },
  );

  it.each(LEAKY_POOL_ERRORS)(
    "a leaky pool's %s answers byte for byte the normal 202",
    async (_, error) => {
      // Prepare: the reference is a real success in which Cognito reported the delivery.
      const handler = await loadHandler('forgot-password');
      const reference = await normalAccepted(handler);
      cognito.reset();
      cognito.on(ForgotPasswordCommand).rejects(error());

      // Act
      const failure = await invoke(handler, {
        body: validBody('forgot-password'),
        headers: { Origin: 'https://app.example.com' },
      });

      // Assess
      expect(reference.status).toBe(202);
      expect(comparable(failure.result, failure.requestId)).toEqual(reference);
    },
  );

  it('gives identical answers for the errors a leaky pool would raise', async () => {
    const handler = await loadHandler('forgot-password');
    const answers = [];
    for (const [, error] of LEAKY_POOL_ERRORS) {
      cognito.reset();
      cognito.on(ForgotPasswordCommand).rejects(error());
      const { result, requestId } = await invoke(handler, { body: validBody('forgot-password') });
      answers.push(comparable(result, requestId));
    }
    expect(answers[0]?.status).toBe(202);
    for (const answer of answers.slice(1)) expect(answer).toEqual(answers[0]);
  });
});

describe('forgot: the floor and its jitter, as a pure calculation (injected clock and random)', () => {
  const base = { startedAt: 1_000, deadline: 11_000, now: 1_100 };

  it.each([
    ['no jitter drawn', 400, 0, 300],
    ['the largest jitter', 400, FLOOR_JITTER_MS, 350],
    ['the answer already late', 50, 0, 0],
  ])('holds to the floor plus jitter: %s', (_, minResponseMs, jitter, expected) => {
    expect(floorDelayMs({ ...base, minResponseMs, random: () => jitter })).toBe(expected);
  });

  it('draws the jitter from 0 to 50 ms inclusive', () => {
    const random = vi.fn((maxInclusive: number) => maxInclusive);
    floorDelayMs({ ...base, minResponseMs: 400, random });
    expect(FLOOR_JITTER_MS).toBe(50);
    expect(random).toHaveBeenCalledExactlyOnceWith(50);
  });

  it('switches floor and jitter off when the floor is 0', () => {
    const random = vi.fn(() => FLOOR_JITTER_MS);
    expect(floorDelayMs({ ...base, minResponseMs: 0, random })).toBe(0);
    expect(random).not.toHaveBeenCalled();
  });

  it('never holds past the deadline minus the margin, whatever the jitter', () => {
    const deadline = base.startedAt + 420;
    expect(
      floorDelayMs({ ...base, deadline, minResponseMs: 400, random: () => FLOOR_JITTER_MS }),
    ).toBe(deadline - FLOOR_DEADLINE_MARGIN_MS - base.now);
  });

  it('stays within [floor, floor + 50] of the start for every draw', () => {
    for (let jitter = 0; jitter <= FLOOR_JITTER_MS; jitter++) {
      const delay = floorDelayMs({ ...base, minResponseMs: 400, random: () => jitter });
      const leavesAt = base.now + delay - base.startedAt;
      expect(leavesAt).toBeGreaterThanOrEqual(400);
      expect(leavesAt).toBeLessThanOrEqual(450);
    }
  });
});

describe('forgot: the timing floor', () => {
  const FLOOR = 200;

  it.each([
    ['a success', () => cognito.on(ForgotPasswordCommand).resolves({}), 202],
    [
      'an unknown user',
      () =>
        cognito.on(ForgotPasswordCommand).rejects(cognitoError('UserNotFoundException', 'x', 404)),
      202,
    ],
    [
      'a throttled request',
      () =>
        cognito.on(ForgotPasswordCommand).rejects(cognitoError('TooManyRequestsException', 'x')),
      429,
    ],
  ])('holds %s to at least the floor', async (_, prepare, status) => {
    // Prepare
    prepare();
    const handler = await loadHandler('forgot-password', { FORGOT_MIN_RESPONSE_MS: String(FLOOR) });

    // Act
    const started = performance.now();
    const { result } = await invoke(handler, { body: validBody('forgot-password') });
    const elapsed = performance.now() - started;

    // Assess
    expect(result.statusCode).toBe(status);
    expect(elapsed).toBeGreaterThanOrEqual(FLOOR - 2);
  });

  it('holds a validation failure to the floor too', async () => {
    const handler = await loadHandler('forgot-password', { FORGOT_MIN_RESPONSE_MS: String(FLOOR) });
    const started = performance.now();
    const { result } = await invoke(handler, { body: { username: '' } });
    expect(result.statusCode).toBe(400);
    expect(performance.now() - started).toBeGreaterThanOrEqual(FLOOR - 2);
  });

  it('answers a preflight without the floor', async () => {
    const handler = await loadHandler('forgot-password', { FORGOT_MIN_RESPONSE_MS: '5000' });
    const started = performance.now();
    const { result } = await invoke(handler, { method: 'OPTIONS', body: null });
    expect(result.statusCode).toBe(204);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('never holds an answer past the function deadline', async () => {
    cognito.on(ForgotPasswordCommand).resolves({});
    const handler = await loadHandler('forgot-password', { FORGOT_MIN_RESPONSE_MS: '5000' });
    const started = performance.now();
    const { result } = await invoke(handler, { body: validBody('forgot-password') }, 1000);
    expect(result.statusCode).toBe(202);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('defaults to 400 ms when FORGOT_MIN_RESPONSE_MS is unset', async () => {
    cognito.on(ForgotPasswordCommand).resolves({});
    const handler = await loadHandler('forgot-password', { FORGOT_MIN_RESPONSE_MS: undefined });
    const started = performance.now();
    await invoke(handler, { body: validBody('forgot-password') });
    expect(performance.now() - started).toBeGreaterThanOrEqual(398);
  });
});
