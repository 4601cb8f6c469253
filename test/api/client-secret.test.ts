/**
 * The client secret (contract section 5): the hash itself on vectors computed outside this code
 * (Python `hmac`, cross-checked with `openssl dgst -hmac`), one Secrets Manager call per
 * container per cache period, a stale copy while Secrets Manager fails, and a bounded recovery
 * when Cognito rejects the hash.
 */
import { createHmac } from 'node:crypto';
import {
  CognitoIdentityProviderClient,
  CognitoIdentityProviderServiceException,
  ConfirmForgotPasswordCommand,
  ForgotPasswordCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ApiHandler } from '../../lambda/shared/api-handler';
import { ClientSecretCache, parseClientSecrets } from '../../lambda/shared/client-secret';
import { computeSecretHash } from '../../lambda/shared/secret-hash';
import { isBrokenTransfer } from '../../lambda/shared/upstream-errors';
import { captureLogs } from '../support/log-capture';
import {
  CLIENT_ID,
  CLIENT_SECRET,
  type HandlerName,
  invoke,
  json,
  loadHandler,
  PREVIOUS_CLIENT_SECRET,
  SECRET_ID,
  secretString,
  validBody,
} from './support';

const cognito = mockClient(CognitoIdentityProviderClient);
const secretsManager = mockClient(SecretsManagerClient);

const ROTATED_SECRET = 'rotatedsecret9876543210zyxwvutsrqponmlkjihgfedcba';
/** Base64(HMAC-SHA256(secret, username + clientId)), computed with Python's hmac module. */
const HASH = {
  current: '/fDzN0Ta3KWkNh7PiV2ucnePOi55oQKCHd7/fO0R3Y8=',
  previous: 'eKXwMbHSgw8PujdaN3/Wh0dSEUgc6u9CYBHBRFEyBg0=',
  rotated: 'FpsQODD5L9/B3w1/Pj4zx1eUUSYVBW2FalM8NBI+Z/Q=',
  currentMixedCase: '6eRmmfwYqsXKTShXUV1C8ar8fDXhYPA/HF7qm3Ip1TM=',
  currentUnicode: '1KVFD70IrcDsEbK45i0W+IKZl+RxDlegHBBZKOJwc44=',
};

function secretHashRejection(): Error {
  return new CognitoIdentityProviderServiceException({
    name: 'NotAuthorizedException',
    message: `Unable to verify secret hash for client ${CLIENT_ID}`,
    $fault: 'client',
    $metadata: { httpStatusCode: 400 },
  });
}

function serviceError(name: string, status: number): Error {
  return Object.assign(new Error(`${name} message`), {
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
  });
}

/** Loads a fresh container and waits until its module-load prefetch has fetched the secret. */
async function loadPrefetched(name: HandlerName): Promise<ApiHandler> {
  const handler = await loadHandler(name);
  await vi.waitFor(() =>
    expect(secretsManager).toHaveReceivedCommandTimes(GetSecretValueCommand, 1),
  );
  return handler;
}

/**
 * forgot-password on a faked clock, `laterMs` after its prefetch got the current secret: Cognito
 * rejects the current secret's hash and accepts `acceptedHash`; the next fetch brings `refreshed`.
 */
async function forgotAfterRotation(
  refreshed: string,
  acceptedHash: string,
  laterMs = 60_000,
): Promise<ApiHandler> {
  vi.useFakeTimers({ toFake: ['Date'] });
  secretsManager
    .on(GetSecretValueCommand)
    .resolvesOnce({ SecretString: secretString() })
    .resolves({ SecretString: refreshed });
  cognito.on(ForgotPasswordCommand, { SecretHash: HASH.current }).rejects(secretHashRejection());
  cognito.on(ForgotPasswordCommand, { SecretHash: acceptedHash }).resolves({});
  const handler = await loadPrefetched('forgot-password');
  vi.setSystemTime(Date.now() + laterMs);
  return handler;
}

beforeEach(() => {
  cognito.reset();
  secretsManager.reset();
  cognito.on(ForgotPasswordCommand).resolves({});
  cognito.on(ConfirmForgotPasswordCommand).resolves({});
});

afterEach(() => {
  vi.useRealTimers();
});

describe('SECRET_HASH', () => {
  it.each([
    [CLIENT_SECRET, 'alice@example.com', HASH.current],
    [PREVIOUS_CLIENT_SECRET, 'alice@example.com', HASH.previous],
    [CLIENT_SECRET, 'Alice@Example.com', HASH.currentMixedCase],
    [CLIENT_SECRET, 'Åsa-\u{1F600}', HASH.currentUnicode],
  ])('matches the reference vector for %s / %s', (secret, username, expected) => {
    expect(computeSecretHash(secret, username, CLIENT_ID)).toBe(expected);
  });

  it('keeps every secret its own key when more secrets pass through than the key cache holds', () => {
    // Six secrets: more than a container ever holds, so the key cache is emptied on the way.
    const secrets = Array.from({ length: 6 }, (_, i) => `${CLIENT_SECRET}${i}`);
    const reference = (secret: string): string =>
      createHmac('sha256', secret).update(`alice@example.com${CLIENT_ID}`, 'utf8').digest('base64');
    for (const round of [1, 2]) {
      for (const secret of secrets) {
        expect(computeSecretHash(secret, 'alice@example.com', CLIENT_ID), `round ${round}`).toBe(
          reference(secret),
        );
      }
    }
    expect(computeSecretHash(CLIENT_SECRET, 'alice@example.com', CLIENT_ID)).toBe(HASH.current);
  });

  it.each([
    ['forgot-password', ForgotPasswordCommand],
    ['confirm-forgot-password', ConfirmForgotPasswordCommand],
  ] as const)('%s sends the hash of the exact username it sends', async (name, anyCommand) => {
    const command = anyCommand as typeof ForgotPasswordCommand;
    // Prepare
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: secretString() });
    const handler = await loadHandler(name);

    // Act
    await invoke(handler, { body: { ...validBody(name), username: 'Alice@Example.com' } });

    // Assess
    expect(cognito).toHaveReceivedCommandWith(command, {
      ClientId: CLIENT_ID,
      Username: 'Alice@Example.com',
      SecretHash: HASH.currentMixedCase,
    });
  });
});

describe('caching: one Secrets Manager call per container per cache period', () => {
  it('prefetches at module load and serves many invocations from one call', async () => {
    // Prepare
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: secretString() });

    // Act
    const handler = await loadHandler('forgot-password');
    expect(secretsManager).toHaveReceivedCommandTimes(GetSecretValueCommand, 1);
    await Promise.all(
      Array.from({ length: 5 }, () => invoke(handler, { body: validBody('forgot-password') })),
    );
    for (let i = 0; i < 5; i++) await invoke(handler, { body: validBody('forgot-password') });

    // Assess
    expect(secretsManager).toHaveReceivedCommandTimes(GetSecretValueCommand, 1);
    expect(secretsManager).toHaveReceivedCommandWith(GetSecretValueCommand, {
      SecretId: SECRET_ID,
    });
    expect(cognito).toHaveReceivedCommandTimes(ForgotPasswordCommand, 10);
  });

  it('fetches again once the cache period (5 minutes) is over', async () => {
    // Prepare
    vi.useFakeTimers({ toFake: ['Date'] });
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: secretString() });
    const handler = await loadHandler('forgot-password');
    await invoke(handler, { body: validBody('forgot-password') });

    // Act
    vi.setSystemTime(Date.now() + 4 * 60_000);
    await invoke(handler, { body: validBody('forgot-password') });
    const beforeExpiry = secretsManager.commandCalls(GetSecretValueCommand).length;
    vi.setSystemTime(Date.now() + 61_000);
    await invoke(handler, { body: validBody('forgot-password') });

    // Assess
    expect(beforeExpiry).toBe(1);
    expect(secretsManager).toHaveReceivedCommandTimes(GetSecretValueCommand, 2);
  });

  it('does not leave an unhandled rejection when the prefetch fails', async () => {
    // Prepare
    const unhandled = vi.fn();
    process.on('unhandledRejection', unhandled);
    secretsManager.on(GetSecretValueCommand).rejects(serviceError('InternalServiceError', 500));

    // Act
    await loadHandler('forgot-password');
    await new Promise((resolve) => setTimeout(resolve, 20));
    process.off('unhandledRejection', unhandled);

    // Assess
    expect(unhandled).not.toHaveBeenCalled();
  });
});

describe('stale-while-failing', () => {
  it('keeps serving the cached secret while Secrets Manager fails, without a call per request', async () => {
    // Prepare
    vi.useFakeTimers({ toFake: ['Date'] });
    secretsManager
      .on(GetSecretValueCommand)
      .resolvesOnce({ SecretString: secretString() })
      .rejects(serviceError('InternalServiceError', 500));
    const handler = await loadHandler('forgot-password');
    await invoke(handler, { body: validBody('forgot-password') });
    vi.setSystemTime(Date.now() + 6 * 60_000);

    // Act
    const results = [];
    for (let i = 0; i < 3; i++)
      results.push((await invoke(handler, { body: validBody('forgot-password') })).result);

    // Assess
    expect(results.map((result) => result.statusCode)).toEqual([202, 202, 202]);
    expect(secretsManager).toHaveReceivedCommandTimes(GetSecretValueCommand, 2);
    for (const call of cognito.commandCalls(ForgotPasswordCommand)) {
      expect(call.args[0].input.SecretHash).toBe(HASH.current);
    }
  });

  it.each([
    ['throttled', serviceError('ThrottlingException', 400), 503, 'SERVICE_UNAVAILABLE'],
    ['failing with a 5xx', serviceError('InternalServiceError', 500), 503, 'SERVICE_UNAVAILABLE'],
    [
      'refusing connections',
      Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
      503,
      'SERVICE_UNAVAILABLE',
    ],
    ['missing the secret', serviceError('ResourceNotFoundException', 400), 500, 'INTERNAL'],
    ['denying access under the role', serviceError('AccessDeniedException', 400), 500, 'INTERNAL'],
    ['unable to decrypt it', serviceError('DecryptionFailure', 400), 500, 'INTERNAL'],
  ])('with no cached copy, Secrets Manager %s answers %s %s', async (_, error, status, code) => {
    // Prepare
    secretsManager.on(GetSecretValueCommand).rejects(error);
    const handler = await loadHandler('confirm-forgot-password');

    // Act
    const { result } = await invoke(handler, { body: validBody('confirm-forgot-password') });

    // Assess
    expect(result.statusCode).toBe(status);
    expect(json(result).code).toBe(code);
    if (status === 503) expect(result.headers?.['Retry-After']).toBe('2');
    expect(cognito).toHaveReceivedCommandTimes(ConfirmForgotPasswordCommand, 0);
  });

  it.each([
    ['without clientSecret', JSON.stringify({ secret: 'x' })],
    ['not JSON', CLIENT_SECRET],
    ['an empty clientSecret', JSON.stringify({ clientSecret: '' })],
  ])('a secret %s is a configuration fault (500 INTERNAL)', async (_, value) => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: value });
    const handler = await loadHandler('forgot-password');
    const { result } = await invoke(handler, { body: validBody('forgot-password') });
    expect(json(result).code).toBe('INTERNAL');
  });

  it.each([['CLIENT_SECRET_ID'], ['USER_POOL_CLIENT_ID']])(
    'an unset %s answers 500 INTERNAL without calling Cognito',
    async (variable) => {
      secretsManager.on(GetSecretValueCommand).resolves({ SecretString: secretString() });
      const handler = await loadHandler('forgot-password', { [variable]: '' });
      const { result } = await invoke(handler, { body: validBody('forgot-password') });
      expect(json(result).code).toBe('INTERNAL');
      expect(cognito).toHaveReceivedCommandTimes(ForgotPasswordCommand, 0);
    },
  );
});

describe('configuration faults log which setting is wrong, never a value', () => {
  it.each([
    [
      'USER_POOL_CLIENT_ID unset',
      { USER_POOL_CLIENT_ID: '' },
      secretString(),
      'USER_POOL_CLIENT_ID is not set.',
    ],
    [
      'CLIENT_SECRET_ID unset',
      { CLIENT_SECRET_ID: '' },
      secretString(),
      'CLIENT_SECRET_ID is not set.',
    ],
    [
      'a secret without clientSecret',
      {},
      JSON.stringify({ secret: CLIENT_SECRET }),
      'The client secret has no clientSecret.',
    ],
    ['a secret that is not JSON', {}, CLIENT_SECRET, 'The client secret is not JSON.'],
  ])('%s', async (_, env, secret, reason) => {
    // Prepare
    const logs = captureLogs();
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: secret });
    const handler = await loadHandler('confirm-forgot-password', {
      ...env,
      POWERTOOLS_LOG_LEVEL: 'INFO',
    });

    // Act
    const { result } = await invoke(handler, { body: validBody('confirm-forgot-password') });
    logs.restore();

    // Assess
    expect(json(result).code).toBe('INTERNAL');
    const failures = logs.records().filter((line) => line.message === 'Request failed');
    expect(failures).toEqual([expect.objectContaining({ problem: 'INTERNAL', reason })]);
    expect(logs.text()).not.toContain(CLIENT_SECRET);
  });
});

describe('recovery when Cognito rejects the secret hash', () => {
  it('refreshes the secret once and retries with the new one', async () => {
    // Prepare
    const handler = await forgotAfterRotation(
      secretString(ROTATED_SECRET, CLIENT_SECRET),
      HASH.rotated,
    );

    // Act
    const first = await invoke(handler, { body: validBody('forgot-password') });
    const second = await invoke(handler, { body: validBody('forgot-password') });

    // Assess
    expect(first.result.statusCode).toBe(202);
    expect(second.result.statusCode).toBe(202);
    expect(secretsManager).toHaveReceivedCommandTimes(GetSecretValueCommand, 2);
    expect(
      cognito.commandCalls(ForgotPasswordCommand).map((call) => call.args[0].input.SecretHash),
    ).toEqual([HASH.current, HASH.rotated, HASH.rotated]);
  });

  it('falls back to the previous secret once when the current one is rejected', async () => {
    // Prepare
    secretsManager
      .on(GetSecretValueCommand)
      .resolves({ SecretString: secretString(CLIENT_SECRET, PREVIOUS_CLIENT_SECRET) });
    cognito
      .on(ConfirmForgotPasswordCommand, { SecretHash: HASH.current })
      .rejects(secretHashRejection());
    cognito.on(ConfirmForgotPasswordCommand, { SecretHash: HASH.previous }).resolves({});
    const handler = await loadHandler('confirm-forgot-password');

    // Act
    const { result } = await invoke(handler, { body: validBody('confirm-forgot-password') });

    // Assess
    expect(result.statusCode).toBe(204);
    expect(
      cognito
        .commandCalls(ConfirmForgotPasswordCommand)
        .map((call) => call.args[0].input.SecretHash),
    ).toEqual([HASH.current, HASH.previous]);
  });

  it('never loops: a hash rejected with every secret ends in 500 after at most three attempts', async () => {
    // Prepare
    vi.useFakeTimers({ toFake: ['Date'] });
    secretsManager
      .on(GetSecretValueCommand)
      .resolvesOnce({ SecretString: secretString() })
      .resolves({ SecretString: secretString(ROTATED_SECRET, PREVIOUS_CLIENT_SECRET) });
    cognito.on(ConfirmForgotPasswordCommand).rejects(secretHashRejection());
    const handler = await loadPrefetched('confirm-forgot-password');
    vi.setSystemTime(Date.now() + 60_000);

    // Act
    const { result } = await invoke(handler, { body: validBody('confirm-forgot-password') });

    // Assess
    expect(json(result).code).toBe('INTERNAL');
    expect(secretsManager).toHaveReceivedCommandTimes(GetSecretValueCommand, 2);
    expect(cognito).toHaveReceivedCommandTimes(ConfirmForgotPasswordCommand, 3);
  });

  it('does not refetch a secret fetched moments ago, so a wrong secret cannot multiply calls', async () => {
    // Prepare
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: secretString() });
    cognito.on(ForgotPasswordCommand).rejects(secretHashRejection());
    const handler = await loadHandler('forgot-password');

    // Act
    const results = await Promise.all(
      Array.from({ length: 4 }, () => invoke(handler, { body: validBody('forgot-password') })),
    );

    // Assess
    expect(results.map(({ result }) => json(result).code)).toEqual(Array(4).fill('INTERNAL'));
    expect(secretsManager).toHaveReceivedCommandTimes(GetSecretValueCommand, 1);
    expect(cognito).toHaveReceivedCommandTimes(ForgotPasswordCommand, 4);
  });

  it('shares one refresh between concurrent rejected requests', async () => {
    // Prepare
    const handler = await forgotAfterRotation(secretString(ROTATED_SECRET), HASH.rotated);

    // Act
    const results = await Promise.all(
      Array.from({ length: 5 }, () => invoke(handler, { body: validBody('forgot-password') })),
    );

    // Assess
    expect(results.map(({ result }) => result.statusCode)).toEqual(Array(5).fill(202));
    expect(secretsManager).toHaveReceivedCommandTimes(GetSecretValueCommand, 2);
  });
});

describe('ClientSecretCache', () => {
  it('parses the secret shape of contract section 5', () => {
    expect(parseClientSecrets(secretString(CLIENT_SECRET, PREVIOUS_CLIENT_SECRET))).toEqual({
      current: CLIENT_SECRET,
      previous: PREVIOUS_CLIENT_SECRET,
    });
    expect(parseClientSecrets(secretString(CLIENT_SECRET, CLIENT_SECRET)).previous).toBeUndefined();
  });

  it('retries a failed refresh only after the back-off, serving the stale copy meanwhile', async () => {
    // Prepare
    let now = 0;
    const fetch = vi
      .fn<() => Promise<string>>()
      .mockResolvedValueOnce(secretString())
      .mockRejectedValue(new Error('down'));
    const onStaleServed = vi.fn();
    const cache = new ClientSecretCache({
      fetch,
      now: () => now,
      ttlMs: 1000,
      retryAfterFailureMs: 500,
      onStaleServed,
    });
    await cache.get();

    // Act
    now = 1500;
    await cache.get();
    now = 1800;
    await cache.get();
    now = 2100;
    const secrets = await cache.get();

    // Assess
    expect(fetch).toHaveBeenCalledTimes(3);
    expect(onStaleServed).toHaveBeenCalledTimes(2);
    expect(secrets.current).toBe(CLIENT_SECRET);
  });

  it('gives up waiting for a hanging refresh after a short wait when a stale copy exists', async () => {
    let now = 0;
    const fetch = vi
      .fn<() => Promise<string>>()
      .mockResolvedValueOnce(secretString())
      .mockImplementation(() => new Promise(() => undefined));
    const cache = new ClientSecretCache({ fetch, now: () => now, ttlMs: 1000, staleWaitMs: 20 });
    await cache.get();
    now = 2000;
    await expect(cache.get()).resolves.toMatchObject({ current: CLIENT_SECRET });
  });
});

/** A GetSecretValue answer that arrives after `ms` (a real, short delay: the fetch is in flight). */
function delayed(ms: number, value = secretString()) {
  return () =>
    new Promise<{ SecretString: string }>((resolve) =>
      setTimeout(() => resolve({ SecretString: value }), ms),
    );
}

describe('concurrent first requests share the first fetch while it is in flight', () => {
  it('five requests fired during the prefetch make one GetSecretValue', async () => {
    // Prepare
    secretsManager.on(GetSecretValueCommand).callsFake(delayed(30));

    // Act
    const handler = await loadHandler('forgot-password');
    const results = await Promise.all(
      Array.from({ length: 5 }, () => invoke(handler, { body: validBody('forgot-password') })),
    );

    // Assess
    expect(results.map(({ result }) => result.statusCode)).toEqual(Array(5).fill(202));
    expect(secretsManager).toHaveReceivedCommandTimes(GetSecretValueCommand, 1);
  });

  it('after a failed prefetch, concurrent requests share one new fetch', async () => {
    // Prepare
    secretsManager
      .on(GetSecretValueCommand)
      .rejectsOnce(serviceError('InternalServiceError', 500))
      .callsFake(delayed(30));
    const handler = await loadPrefetched('forgot-password');
    await new Promise((resolve) => setImmediate(resolve));

    // Act
    const results = await Promise.all(
      Array.from({ length: 5 }, () => invoke(handler, { body: validBody('forgot-password') })),
    );

    // Assess
    expect(results.map(({ result }) => result.statusCode)).toEqual(Array(5).fill(202));
    expect(secretsManager).toHaveReceivedCommandTimes(GetSecretValueCommand, 2);
  });
});

describe('Secrets Manager failing with no cached secret: 503, or 504 only when the budget ran out', () => {
  it.each([
    ['forgot-password', 'TimeoutError'],
    ['confirm-forgot-password', 'TimeoutError'],
    ['confirm-forgot-password', 'AbortError'],
  ] as const)(
    '%s: the fetch giving up on its own (%s) with budget left answers 503 with Retry-After',
    async (name, errorName) => {
      // Prepare
      secretsManager
        .on(GetSecretValueCommand)
        .rejects(Object.assign(new Error('The operation was aborted'), { name: errorName }));
      const handler = await loadHandler(name);

      // Act
      const { result } = await invoke(handler, { body: validBody(name) }, 9_500);

      // Assess
      expect(result.statusCode).toBe(503);
      expect(json(result)).toMatchObject({
        code: 'SERVICE_UNAVAILABLE',
        detail: 'The service is temporarily unavailable. Try again shortly.',
      });
      expect(result.headers?.['Retry-After']).toBe('2');
      expect(cognito).toHaveReceivedCommandTimes(ConfirmForgotPasswordCommand, 0);
      expect(cognito).toHaveReceivedCommandTimes(ForgotPasswordCommand, 0);
    },
  );

  it('the request budget running out while waiting answers 504, without "the password may have changed"', async () => {
    // Prepare: the fetch hangs; the context leaves 1 ms of budget for AWS calls (801 - 800 reserve).
    secretsManager.on(GetSecretValueCommand).callsFake(() => new Promise(() => undefined));
    const handler = await loadHandler('confirm-forgot-password');

    // Act
    const { result } = await invoke(handler, { body: validBody('confirm-forgot-password') }, 801);

    // Assess
    expect(result.statusCode).toBe(504);
    expect(json(result)).toMatchObject({
      code: 'UPSTREAM_TIMEOUT',
      detail: 'The request took too long to complete. Try again shortly.',
    });
    expect(result.headers?.['Retry-After']).toBeUndefined();
    expect(cognito).toHaveReceivedCommandTimes(ConfirmForgotPasswordCommand, 0);
  });
});

describe('back-off: a rejected hash during a Secrets Manager outage cannot make a fetch per request', () => {
  it('a failed refresh counts as an attempt: one fetch per back-off period, then the previous secret', async () => {
    // Prepare
    vi.useFakeTimers({ toFake: ['Date'] });
    secretsManager
      .on(GetSecretValueCommand)
      .resolvesOnce({ SecretString: secretString(CLIENT_SECRET, PREVIOUS_CLIENT_SECRET) })
      .rejects(serviceError('InternalServiceError', 500));
    cognito.on(ForgotPasswordCommand).rejects(secretHashRejection());
    const handler = await loadPrefetched('forgot-password');

    // Act: five requests 11 s apart (44 s; the back-off after a failure is 30 s)
    const codes = [];
    for (let i = 0; i < 5; i++) {
      vi.setSystemTime(Date.now() + 11_000);
      codes.push(json((await invoke(handler, { body: validBody('forgot-password') })).result).code);
    }

    // Assess: refreshes at 11 s (fails) and 44 s (fails); 22 s and 33 s are inside the back-off
    expect(codes).toEqual(Array(5).fill('INTERNAL'));
    expect(secretsManager).toHaveReceivedCommandTimes(GetSecretValueCommand, 3);
    // Each request still tried the previous secret once: current, previous.
    expect(
      cognito.commandCalls(ForgotPasswordCommand).map((call) => call.args[0].input.SecretHash),
    ).toEqual(Array(5).fill([HASH.current, HASH.previous]).flat());
  });

  it('a request whose TTL reload just failed does not call Secrets Manager again after a rejection', async () => {
    // Prepare
    vi.useFakeTimers({ toFake: ['Date'] });
    secretsManager
      .on(GetSecretValueCommand)
      .resolvesOnce({ SecretString: secretString() })
      .rejects(serviceError('InternalServiceError', 500));
    cognito.on(ForgotPasswordCommand).rejects(secretHashRejection());
    const handler = await loadPrefetched('forgot-password');
    vi.setSystemTime(Date.now() + 6 * 60_000);

    // Act
    const { result } = await invoke(handler, { body: validBody('forgot-password') });

    // Assess
    expect(json(result).code).toBe('INTERNAL');
    expect(secretsManager).toHaveReceivedCommandTimes(GetSecretValueCommand, 2);
  });

  it('a skipped refresh still tries the previous secret once', async () => {
    // Prepare: the rejection comes right after the fetch, inside the minimum interval
    secretsManager
      .on(GetSecretValueCommand)
      .resolves({ SecretString: secretString(CLIENT_SECRET, PREVIOUS_CLIENT_SECRET) });
    cognito.on(ForgotPasswordCommand, { SecretHash: HASH.current }).rejects(secretHashRejection());
    cognito.on(ForgotPasswordCommand, { SecretHash: HASH.previous }).resolves({});
    const handler = await loadHandler('forgot-password');

    // Act
    const { result } = await invoke(handler, { body: validBody('forgot-password') });

    // Assess
    expect(result.statusCode).toBe(202);
    expect(secretsManager).toHaveReceivedCommandTimes(GetSecretValueCommand, 1);
  });

  it('a rejection more than the minimum interval (1 s) after the last fetch refreshes once', async () => {
    // Prepare
    const handler = await forgotAfterRotation(
      secretString(ROTATED_SECRET, CLIENT_SECRET),
      HASH.rotated,
      1_500,
    );

    // Act
    const { result } = await invoke(handler, { body: validBody('forgot-password') });

    // Assess
    expect(result.statusCode).toBe(202);
    expect(secretsManager).toHaveReceivedCommandTimes(GetSecretValueCommand, 2);
  });

  it('keeps a changed previousClientSecret although clientSecret is unchanged', async () => {
    // Prepare: the refresh brings the same current secret but a new previous one
    const handler = await forgotAfterRotation(
      secretString(CLIENT_SECRET, PREVIOUS_CLIENT_SECRET),
      HASH.previous,
    );

    // Act
    const { result } = await invoke(handler, { body: validBody('forgot-password') });

    // Assess
    expect(result.statusCode).toBe(202);
    expect(
      cognito.commandCalls(ForgotPasswordCommand).map((call) => call.args[0].input.SecretHash),
    ).toEqual([HASH.current, HASH.previous]);
  });
});

describe('ClientSecretCache.refreshAfterRejection: how "one refresh" is counted', () => {
  function deferred(): { promise: Promise<string>; resolve: (value: string) => void } {
    let resolve: (value: string) => void = () => undefined;
    const promise = new Promise<string>((r) => {
      resolve = r;
    });
    return { promise, resolve };
  }

  it('concurrent rejections share one in-flight refresh, counted once as fetched', async () => {
    // Prepare
    let now = 0;
    const refresh = deferred();
    const fetch = vi
      .fn<() => Promise<string>>()
      .mockResolvedValueOnce(secretString())
      .mockReturnValueOnce(refresh.promise);
    const cache = new ClientSecretCache({ fetch, now: () => now });
    const used = await cache.get();
    now = 60_000;

    // Act
    const pending = Array.from({ length: 5 }, () => cache.refreshAfterRejection(used));
    refresh.resolve(secretString(ROTATED_SECRET));
    const results = await Promise.all(pending);

    // Assess
    expect(fetch).toHaveBeenCalledTimes(2);
    expect(results.map((result) => result?.secrets.current)).toEqual(Array(5).fill(ROTATED_SECRET));
    expect(results.filter((result) => result?.fetched)).toHaveLength(1);
  });

  it('rejections within the minimum interval share the last fetch instead of fetching', async () => {
    let now = 0;
    const fetch = vi.fn<() => Promise<string>>().mockResolvedValue(secretString());
    const cache = new ClientSecretCache({ fetch, now: () => now, minRefreshIntervalMs: 1_000 });
    const used = await cache.get();
    now = 999;
    await expect(cache.refreshAfterRejection(used)).resolves.toBeUndefined();
    now = 1_000;
    await expect(cache.refreshAfterRejection(used)).resolves.toMatchObject({ fetched: true });
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  it('honours the back-off after a failed fetch, then tries again', async () => {
    let now = 0;
    const fetch = vi
      .fn<() => Promise<string>>()
      .mockResolvedValueOnce(secretString())
      .mockRejectedValue(new Error('down'));
    const cache = new ClientSecretCache({ fetch, now: () => now, retryAfterFailureMs: 30_000 });
    const used = await cache.get();
    now = 10_000;
    await expect(cache.refreshAfterRejection(used)).rejects.toThrow('down');
    for (const at of [10_001, 20_000, 39_999]) {
      now = at;
      await expect(cache.refreshAfterRejection(used)).resolves.toBeUndefined();
    }
    now = 40_000;
    await expect(cache.refreshAfterRejection(used)).rejects.toThrow('down');
    expect(fetch).toHaveBeenCalledTimes(3);
  });
});

describe('the budget running out between secret-hash attempts', () => {
  it('sends no further attempt and answers 504 without "the password may have changed"', async () => {
    // Prepare: the current hash is rejected; the refresh hangs past the request's 50 ms budget
    vi.useFakeTimers({ toFake: ['Date'] });
    secretsManager
      .on(GetSecretValueCommand)
      .resolvesOnce({ SecretString: secretString(CLIENT_SECRET, PREVIOUS_CLIENT_SECRET) })
      .callsFake(() => new Promise(() => undefined));
    cognito
      .on(ConfirmForgotPasswordCommand, { SecretHash: HASH.current })
      .rejects(secretHashRejection());
    cognito.on(ConfirmForgotPasswordCommand, { SecretHash: HASH.previous }).resolves({});
    const handler = await loadPrefetched('confirm-forgot-password');
    vi.setSystemTime(Date.now() + 60_000);

    // Act
    const { result } = await invoke(handler, { body: validBody('confirm-forgot-password') }, 850);

    // Assess
    expect(result.statusCode).toBe(504);
    expect(json(result)).toMatchObject({
      code: 'UPSTREAM_TIMEOUT',
      detail: 'The request took too long to complete. Try again shortly.',
    });
    expect(cognito).toHaveReceivedCommandTimes(ConfirmForgotPasswordCommand, 1);
  });
});

describe('a Cognito call cut short by the request budget', () => {
  it.each([
    [
      'forgot-password',
      ForgotPasswordCommand,
      'The request took too long to complete. Try again shortly.',
    ],
    [
      'confirm-forgot-password',
      ConfirmForgotPasswordCommand,
      /password may already have been changed/,
    ],
  ] as const)(
    '%s: a reset connection reported after our own abort is 504, not 503',
    async (name, command, detail) => {
      // Prepare: the SDK reports the cut body as ECONNRESET ("aborted"), after the 50 ms budget
      secretsManager.on(GetSecretValueCommand).resolves({ SecretString: secretString() });
      const handler = await loadPrefetched(name);
      cognito
        .on(command as typeof ForgotPasswordCommand)
        .callsFake(
          () =>
            new Promise((_, reject) =>
              setTimeout(
                () => reject(Object.assign(new Error('aborted'), { code: 'ECONNRESET' })),
                80,
              ),
            ),
        );

      // Act
      const { result } = await invoke(handler, { body: validBody(name) }, 850);

      // Assess
      expect(result.statusCode).toBe(504);
      expect(json(result)).toMatchObject({ code: 'UPSTREAM_TIMEOUT' });
      expect(String(json(result).detail)).toMatch(detail);
    },
  );

  it('a reset connection with budget left is still 503', async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: secretString() });
    cognito
      .on(ForgotPasswordCommand)
      .rejects(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    const handler = await loadHandler('forgot-password');
    const { result } = await invoke(handler, { body: validBody('forgot-password') });
    expect(result.statusCode).toBe(503);
  });
});

describe('isBrokenTransfer', () => {
  it.each([
    ['a reset connection', Object.assign(new Error('aborted'), { code: 'ECONNRESET' }), true],
    [
      'a cut body after a 200',
      Object.assign(new Error('aborted'), {
        code: 'ECONNRESET',
        $metadata: { httpStatusCode: 200 },
      }),
      true,
    ],
    ['a 5xx answer', serviceError('InternalErrorException', 500), false],
    ['a client error answer', serviceError('CodeMismatchException', 400), false],
  ])('%s: %s', (_, error, expected) => {
    expect(isBrokenTransfer(error)).toBe(expected);
  });
});
